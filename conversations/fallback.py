"""What 会会 does with what nothing else took: a check-in code sent alone is checked in; the rest
is not understood. Registered last."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from conversations import help_menu
from conversations.context import ChatApplication, HuihuiContext
from conversations.events import attending

# A greeting and nothing else: "你好", "您好！", "hi", "在吗？", "哈喽~".
GREETING = re.compile(
    r"^\s*(?:你好|您好|你们好|嗨|哈喽|哈啰|在吗|在不在|hi|hello|hey|早上好|晚上好|下午好)"
    r"[\s!！~～。.,，?？呀啊呢吖哈]*$",
    re.IGNORECASE,
)


async def not_understood(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await update.effective_message.reply_text(
        _("Sorry, I did not understand that. Send /help to see what I can do.")
    )


async def stale_button(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await update.callback_query.answer(
        _("This button no longer works. Send /help to start again."), show_alert=True
    )


async def greeted(update: Update, context: HuihuiContext) -> None:
    """ "你好" outside any dialog: hello back, and what 会会 can do."""
    _ = context.gettext
    await update.effective_message.reply_text(
        _("Hello! I am 会会, your union's matchmaking assistant.")
        + "\n\n"
        + await help_menu.help_text(update, context)
    )


async def nothing_to_cancel(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await update.effective_message.reply_text(
        _("Nothing is in progress, so there is nothing to cancel. Send /help to see what I can do.")
    )


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    # A message no dialog took may still be a check-in code sent alone at the door.
    application.add_handler(attending.typed_code_handler())
    application.add_handler(MessageHandler(private & filters.Regex(GREETING), greeted))
    application.add_handler(CommandHandler("cancel", nothing_to_cancel, filters=private))
    application.add_handler(MessageHandler(private, not_understood))
    application.add_handler(CallbackQueryHandler(stale_button))
