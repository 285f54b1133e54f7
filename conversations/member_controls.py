"""What a member can always do with their own data: see their card, pause, resume, export,
delete."""

from __future__ import annotations

import io
import json

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from bot.domain.buttons import DeleteMyData
from conversations.common import buttons, end_conversations, on_press, pressed, say
from conversations.context import ChatApplication, HuihuiContext
from conversations.onboarding import show_card

COMMANDS = [
    ("profile", N_("See your profile card")),
    ("pause", N_("Hide yourself from suggestions for a while")),
    ("resume", N_("Be suggested to others again")),
    ("export_me", N_("Get everything stored about you")),
    ("delete_me", N_("Delete all your data")),
]


async def profile(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    member = await context.services.onboarding.member(update.effective_user.id)
    if member is None or not member.pledged:
        await say(update, context, _("You have no profile yet. Send /start to create one."))
        return
    await show_card(update, context, member.id)
    if member.paused:
        await say(update, context, _("Your profile is paused: nobody is shown it. /resume"))


async def pause(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    if await context.services.member_data.set_paused(update.effective_user.id, True):
        await say(
            update,
            context,
            _("Paused. Nobody will be shown your profile until you send /resume."),
        )
    else:
        await say(update, context, _("You have no profile yet. Send /start to create one."))


async def resume(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    if await context.services.member_data.set_paused(update.effective_user.id, False):
        await say(update, context, _("Welcome back! Your profile can be shown again."))
    else:
        await say(update, context, _("You have no profile yet. Send /start to create one."))


async def export_me(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    document = await context.services.member_data.export(update.effective_user.id, context.language)
    if document is None:
        await say(update, context, _("I have stored nothing about you."))
        return
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        update.effective_chat.id,
        io.BytesIO(data),
        filename="huihui-my-data.json",
        caption=_("Everything 会会 has stored about you."),
    )


async def delete_me(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await say(
        update,
        context,
        _(
            "This erases your profile, answers, photos, verification details and notes for good, "
            "and unlinks your union membership from this account. It cannot be undone. Delete?"
        ),
        buttons(
            [
                [
                    (_("Delete everything"), DeleteMyData(confirm=True)),
                    (_("Keep my data"), DeleteMyData(confirm=False)),
                ]
            ]
        ),
    )


async def confirm(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    if not pressed(update, DeleteMyData).confirm:
        await say(update, context, _("Nothing was deleted."))
        return
    telegram_id = update.effective_user.id
    end_conversations(context.application, telegram_id)
    await context.services.member_data.erase(telegram_id)
    context.services.languages.forget(telegram_id)
    context.services.activity.forget(telegram_id)
    context.application.drop_user_data(telegram_id)
    await say(
        update,
        context,
        _("Done: everything about you has been deleted. Send /start if you ever want to return."),
    )


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    for command, callback in (
        ("profile", profile),
        ("pause", pause),
        ("resume", resume),
        ("export_me", export_me),
        ("delete_me", delete_me),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    application.add_handler(on_press(confirm, DeleteMyData))
