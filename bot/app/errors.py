"""The one error handler: log what broke (never what the member wrote) and apologise."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.common.errors import describe
from bot.common.i18n import translator
from conversations.context import HuihuiContext

_LOGGER = logging.getLogger("huihui.errors")


async def on_error(update: object, context: HuihuiContext) -> None:
    if not isinstance(update, Update):
        _LOGGER.error("background error: %s", describe(context.error))
        return
    kind = "button" if update.callback_query else "message" if update.effective_message else "other"
    _LOGGER.error("update %d (%s) failed: %s", update.update_id, kind, describe(context.error))
    query = update.callback_query
    answered = getattr(context.bot, "answered", lambda _query_id: False)
    if query is not None and not answered(query.id):
        try:  # the member's button would spin until Telegram gives up on it
            await query.answer()
        except TelegramError:
            pass  # answered already after all
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    language = await context.learn_language(update.effective_user)
    _ = translator(language)
    try:
        await context.bot.send_message(
            chat.id, _("Sorry, something went wrong on our side. Please try again in a moment.")
        )
    except TelegramError:
        _LOGGER.warning("could not tell the member about the error")
