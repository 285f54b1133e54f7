"""The mutual choice (互选) after an event, from the attendee's side: find people by the number
on their badge or by nickname, or page through everyone; pick, unpick, done. Only mutual picks
are ever revealed (``bot.services.events.choice``).

A fair of 3,000 never means one message with 1,500 buttons: the member's picks and one page of
ten are shown at a time. While the choice is open in a member's chat, what they type is a
search (a short dialog: any command ends it).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler, filters

from bot.domain import free_text
from bot.domain.buttons import Button, ChoiceDone, ChoicePage, ChoosePerson, OpenChoice, parse
from bot.services.events.results import ChoiceView, Pick
from conversations.common import Row, buttons, in_rows, on_press, rewrite, say, scratch
from conversations.context import ChatApplication, HuihuiContext
from conversations.dialogs import add_dialog

CHOOSING = "choosing"
EVENT = "choice_event"


async def choose(update: Update, context: HuihuiContext) -> object:
    """Open the choice, turn a page, or pick/unpick someone; then show where the member is."""
    _ = context.gettext
    query = update.callback_query
    button = parse(query.data)
    assert isinstance(button, OpenChoice | ChoicePage | ChoosePerson)
    page = 0 if isinstance(button, OpenChoice) else button.page
    if isinstance(button, ChoosePerson):
        result = await context.services.events.choice.toggle(
            update.effective_user.id, button.event, button.member
        )
        if result in (Pick.CLOSED, Pick.FULL):
            await query.answer(
                {
                    Pick.CLOSED: _("The mutual choice is closed."),
                    Pick.FULL: _("You have used all your picks; unpick someone first."),
                }[result],
                show_alert=True,
            )
            return ConversationHandler.END if result == Pick.CLOSED else CHOOSING
    view = await context.services.events.choice.view(
        update.effective_user.id, button.event, page=page
    )
    if view is None:
        await query.answer(_("The mutual choice is closed."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    scratch(context)[EVENT] = button.event
    if isinstance(button, OpenChoice):
        await say(update, context, _describe(view, context), buttons(_keyboard(view, context)))
    else:
        await rewrite(update, context, _describe(view, context), buttons(_keyboard(view, context)))
    return CHOOSING


async def search(update: Update, context: HuihuiContext) -> object:
    """A badge number or part of a nickname, typed while the choice is open."""
    _ = context.gettext
    event_id = scratch(context).get(EVENT)
    typed = update.effective_message.text or ""
    view = (
        await context.services.events.choice.view(update.effective_user.id, event_id, search=typed)
        if isinstance(event_id, int)
        else None
    )
    if view is None:
        scratch(context).pop(EVENT, None)
        await say(update, context, _("The mutual choice is closed."))
        return ConversationHandler.END
    await say(update, context, _describe(view, context), buttons(_keyboard(view, context)))
    return CHOOSING


async def choice_done(update: Update, context: HuihuiContext) -> object:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    scratch(context).pop(EVENT, None)
    await say(update, context, _("Saved. You will hear from me if a pick is mutual."))
    return ConversationHandler.END


async def stop_searching(update: Update, context: HuihuiContext) -> object:
    """/cancel: the picks stay; typing is no longer a search."""
    _ = context.gettext
    scratch(context).pop(EVENT, None)
    await say(update, context, _("Your picks are saved. Press “Choose” again to change them."))
    return ConversationHandler.END


def _describe(view: ChoiceView, context: HuihuiContext) -> str:
    _ = context.gettext
    lines = [
        _(
            "Pick up to {limit} people ({count} picked). Nobody sees your picks; only mutual "
            "ones are revealed when the choice closes.",
            limit=view.event.choice_limit,
            count=len(view.picked),
        )
    ]
    if view.search is not None:
        typed = free_text.shortened(free_text.clean(view.search, single_line=True), 30)
        if not view.listed:
            lines.append(_("Nobody matches “{search}”.", search=typed))
        elif view.found > len(view.listed):
            lines.append(
                _(
                    "{found} people match “{search}”; the first {shown} are below. Type more "
                    "of the nickname, or the badge number.",
                    found=view.found,
                    search=typed,
                    shown=len(view.listed),
                )
            )
    elif view.pages > 1:
        lines.append(
            _(
                "Page {page} of {pages} ({found} people).",
                page=view.page + 1,
                pages=view.pages,
                found=view.found,
            )
        )
    lines.append(_("Type a badge number (e.g. 128) or part of a nickname to find someone."))
    return "\n".join(lines)


def _keyboard(view: ChoiceView, context: HuihuiContext) -> list[Row]:
    _ = context.gettext
    event, page = view.event.id, view.page
    picked = {p.member_id for p in view.picked}
    people = view.picked + [p for p in view.listed if p.member_id not in picked]
    rows: list[Row] = in_rows(
        [
            (
                ("✓ " if p.member_id in picked else "") + f"{p.nickname} #{p.badge}",
                ChoosePerson(event, p.member_id, page),
            )
            for p in people
        ],
        2,
    )
    turns: list[tuple[str, Button]] = []
    if view.search is None and page > 0:
        turns.append((_("◀ Previous"), ChoicePage(event, page - 1)))
    if view.search is None and page + 1 < view.pages:
        turns.append((_("Next ▶"), ChoicePage(event, page + 1)))
    if view.search is not None:
        turns.append((_("Everyone"), ChoicePage(event, 0)))
    if turns:
        rows.append(turns)
    rows.append([(_("Done"), ChoiceDone(event))])
    return rows


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    add_dialog(
        application,
        "mutual_choice",
        entry_points=[on_press(choose, OpenChoice, ChoicePage, ChoosePerson)],
        states={
            CHOOSING: [
                MessageHandler(private & filters.TEXT & ~filters.COMMAND, search),
                on_press(choice_done, ChoiceDone),
            ]
        },
        cancel=stop_searching,
    )
    # "Done" under a list shown before a restart that closed the dialog.
    application.add_handler(on_press(choice_done, ChoiceDone))
