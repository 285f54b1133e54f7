"""/help: what 会会 can do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import HuihuiContext
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import HuihuiApplication

COMMANDS = [("help", N_("What I can do"))]


async def help_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    lines = [f"/{command} — {_(description)}" for command, description in context.huihui.commands]
    await update.effective_message.reply_text(_("Here is what I can do:") + "\n" + "\n".join(lines))


def register(application: HuihuiApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("help", help_command, filters=private))
