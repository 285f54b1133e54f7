"""/start and /help: who 会会 is and what it can do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import HuihuiContext
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import HuihuiApplication

COMMANDS = [("start", N_("Meet 会会")), ("help", N_("What I can do"))]


async def start(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    first_name = update.effective_user.first_name if update.effective_user else ""
    await update.effective_message.reply_text(
        _(
            "Hello {name}! I am 会会, the matchmaking assistant of your trade union, free for "
            "single union members.\n\n"
            "Everyone here is a union member whose identity the union has checked, so the people "
            "you meet are who they say they are. I suggest people who suit you, tell you about "
            "union events, and put you in touch with a union matchmaker (红娘) when you want a "
            "human.\n\n"
            "Send /help to see what I can do.",
            name=first_name,
        )
    )


async def help_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    lines = [f"/{command} — {_(description)}" for command, description in context.huihui.commands]
    await update.effective_message.reply_text(_("Here is what I can do:") + "\n" + "\n".join(lines))


def register(application: HuihuiApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", start, filters=private))
    application.add_handler(CommandHandler("help", help_command, filters=private))
