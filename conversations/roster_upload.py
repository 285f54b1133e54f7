"""Organisers upload a roster (CSV or Excel) in chat: a dry run with counts and bad rows, a
choice of unit, for a replacement the difference it makes and a second confirmation, a progress
message, and the result. Same importer as the CLI."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.common.wording.roster import bad_rows_text, cannot_import_text
from bot.domain import N_, free_text
from bot.domain.buttons import CancelImport, ImportInto, ReplaceRoster, parse
from bot.domain.buttons.codec import MAX_ID
from bot.domain.roster_file import MAX_FILE_BYTES, RosterFileError
from bot.services.roster_import import ImportPreview, QueuedImport
from conversations.common import buttons, on_press, pressed, say
from conversations.context import ChatApplication, HuihuiContext

SHOWN_BAD_ROWS = 10
UPLOAD = "roster_upload"
# A button under an earlier file's message, pressed after another file was sent or imported.
EARLIER_FILE = N_(
    "This button belongs to a file already imported or replaced by a newer one. Send the file "
    "again to import it."
)


async def _download(context: HuihuiContext, file_id: str, name: str, folder: str) -> Path:
    path = Path(folder) / Path(name).name
    telegram_file = await context.bot.get_file(file_id)
    await telegram_file.download_to_drive(path)
    return path


async def received(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    administration = context.services.administration
    targets = await administration.import_targets(update.effective_user.id)
    if not targets:
        await say(
            update, context, _("Sorry, I did not understand that. Send /help to see what I can do.")
        )
        return
    document = update.effective_message.document
    name = free_text.clean(document.file_name or "", single_line=True)[:100] or "roster.csv"
    if (document.file_size or 0) > MAX_FILE_BYTES:
        # Checked before downloading: Telegram says how large the file is.
        await _cannot_import(
            update,
            context,
            RosterFileError(
                N_("the file is larger than {maximum} MB"), maximum=MAX_FILE_BYTES // 1_000_000
            ),
        )
        return
    with tempfile.TemporaryDirectory(prefix="huihui-roster-") as folder:
        try:
            path = await _download(context, document.file_id, name, folder)
            good, bad = await context.services.rosters.check(path)
        except RosterFileError as error:
            await _cannot_import(update, context, error)
            return
    serial = secrets.randbelow(MAX_ID) + 1  # which file a button belongs to
    context.user_data[UPLOAD] = {"file_id": document.file_id, "name": name, "serial": serial}
    text = _(
        "{name}: {good} member(s) ready to import, {bad} bad row(s).",
        name=name,
        good=good,
        bad=len(bad),
    )
    if bad:
        text += "\n" + bad_rows_text(bad, _)
    text += "\n\n" + _(
        "Import into which union? Bad rows are skipped. “Replace” makes this file the union's "
        "whole roster: people not in it are marked as left, lose their verification and are "
        "told (only a file without bad rows replaces)."
    )
    rows = [
        [
            (unit_name, ImportInto(unit_id, upload=serial)),
            (_("{unit}: replace", unit=unit_name), ImportInto(unit_id, True, serial)),
        ]
        for unit_id, unit_name in targets
    ]
    await say(update, context, text, buttons([*rows, [(_("Cancel"), CancelImport())]]))


async def confirmed(update: Update, context: HuihuiContext) -> None:
    """A union chosen: an import adds and updates at once; a replacement first spells out who
    would be marked as left and waits for ``replace_confirmed``."""
    _ = context.gettext
    query = update.callback_query
    upload = context.user_data.get(UPLOAD)
    button = parse(query.data)
    if not isinstance(button, ImportInto) or not upload:
        await query.answer()
        await query.edit_message_reply_markup(None)
        context.user_data.pop(UPLOAD, None)
        await say(update, context, _("Cancelled. Nothing was imported."))
        return
    unit_name = await context.services.administration.may_import_into(
        update.effective_user.id, button.unit
    )
    if unit_name is None:
        await query.answer(_("You may only import into your own unions."), show_alert=True)
        return
    if button.upload != upload["serial"]:
        await query.answer(_(EARLIER_FILE), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if button.replace:
        await _show_replacement(update, context, upload, button.unit, unit_name)
        return
    await _import(update, context, upload, button.unit, unit_name, replace=False)


async def replace_confirmed(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    upload = context.user_data.get(UPLOAD)
    button = pressed(update, ReplaceRoster)
    unit_name = await context.services.administration.may_import_into(
        update.effective_user.id, button.unit
    )
    if unit_name is None:
        await query.answer(_("You may only import into your own unions."), show_alert=True)
        return
    if not upload or button.upload != upload["serial"]:
        await query.answer(_(EARLIER_FILE), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    preview = await _preview(update, context, upload, button.unit)
    if preview is None:
        return
    if preview.change.leaving != button.leaving or preview.bad_rows:
        # The roster changed since the figures were shown: show the new ones instead.
        await _show_replacement(update, context, upload, button.unit, unit_name, preview)
        return
    await _import(update, context, upload, button.unit, unit_name, replace=True)


async def _preview(
    update: Update, context: HuihuiContext, upload: dict[str, str], unit_id: int
) -> ImportPreview | None:
    with tempfile.TemporaryDirectory(prefix="huihui-roster-") as folder:
        try:
            path = await _download(context, upload["file_id"], upload["name"], folder)
            return await context.services.rosters.preview(update.effective_user.id, unit_id, path)
        except RosterFileError as error:
            context.user_data.pop(UPLOAD, None)
            await _cannot_import(update, context, error)
            return None


async def _show_replacement(
    update: Update,
    context: HuihuiContext,
    upload: dict[str, str],
    unit_id: int,
    unit_name: str,
    preview: ImportPreview | None = None,
) -> None:
    """The difference a replacement makes, spelled out, and the choice to go ahead."""
    _ = context.gettext
    preview = preview or await _preview(update, context, upload, unit_id)
    if preview is None:
        return
    change = preview.change
    if preview.bad_rows:
        text = _(
            "{count} row(s) of this file have problems, and only a file without problems can "
            "replace {unit}'s roster: nobody would be marked as left. Fix them and send the "
            "file again, or import the {good} good row(s) now without replacing.",
            count=len(preview.bad_rows),
            unit=unit_name,
            good=preview.good - len(preview.bad_rows),
        )
        text += "\n" + bad_rows_text(preview.bad_rows, _)
        choices = [[(_("Import the good rows only"), ImportInto(unit_id, upload=upload["serial"]))]]
    else:
        text = _(
            "Replacing {unit}'s roster with this file: {new} new · {updated} updated · "
            "{leaving} will be marked as left, {verified} of them verified — they will no "
            "longer get suggestions or sign up for events, and each will be told.",
            unit=unit_name,
            new=change.new,
            updated=change.updated,
            leaving=change.leaving,
            verified=change.leaving_verified,
        )
        label = (
            _("Replace: mark {count} as left", count=change.leaving)
            if change.leaving
            else _("Replace (nobody leaves)")
        )
        choices = [[(label, ReplaceRoster(unit_id, change.leaving, upload["serial"]))]]
    if change.elsewhere:
        text += "\n\n" + _(
            "{count} member number(s) in this file are already on the roster of a union "
            "outside yours: those rows will be skipped, and the organisers of the union above "
            "both will be told.",
            count=change.elsewhere,
        )
    await say(update, context, text, buttons([*choices, [(_("Cancel"), CancelImport())]]))


async def _import(
    update: Update,
    context: HuihuiContext,
    upload: dict[str, str],
    unit_id: int,
    unit_name: str,
    *,
    replace: bool,
) -> None:
    """Hand the import to durable work (``bot.delivery.roster_imports``): it says how it goes,
    and finishes even if this process is stopped or killed part way."""
    context.user_data.pop(UPLOAD, None)
    await context.services.rosters.queue(
        QueuedImport(
            actor=update.effective_user.id,
            unit_id=unit_id,
            unit_name=unit_name,
            file_id=upload["file_id"],
            file_name=upload["name"],
            replace=replace,
            upload=str(upload["serial"]),
        )
    )


async def _cannot_import(update: Update, context: HuihuiContext, error: RosterFileError) -> None:
    await say(update, context, cannot_import_text(error.problem, context.gettext))


def register(application: ChatApplication) -> None:
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, received)
    )
    application.add_handler(on_press(confirmed, ImportInto, CancelImport))
    application.add_handler(on_press(replace_confirmed, ReplaceRoster))
