"""What 会会 does with what nothing else took: a check-in code sent alone is checked in; the rest
is not understood. Registered last."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from conversations.context import ChatApplication, HuihuiContext
from conversations.events import attending


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


def register(application: ChatApplication) -> None:
    # A message no dialog took may still be a check-in code sent alone at the door.
    application.add_handler(attending.typed_code_handler())
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE, not_understood))
    application.add_handler(CallbackQueryHandler(stale_button))
