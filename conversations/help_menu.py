"""/help: what 会会 can do."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from conversations.context import ChatApplication, HuihuiContext

COMMANDS = [("help", N_("What I can do"))]


async def help_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    app = context.chat_application
    lines = [f"/{command} — {_(description)}" for command, description in app.commands]
    text = _("Here is what I can do:") + "\n" + "\n".join(lines)
    if await context.services.administration.can_administer(update.effective_user.id):
        lines = [
            f"/{command} — {_(description)}" for command, description in app.organiser_commands
        ]
        text += "\n\n" + _("For organisers:") + "\n" + "\n".join(lines)
    await update.effective_message.reply_text(text)


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("help", help_command, filters=private))
