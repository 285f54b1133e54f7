"""Scheduled notices to one member, worded in the member's language at the moment of sending.

The payload names a catalog message (its English msgid) and its values, not finished text, so a
member who changes language before the notice is due still reads it in the language they chose.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.i18n import translator
from bot.scheduler import DueTask, Scheduler

if TYPE_CHECKING:
    from bot.app import HuihuiApplication

KIND = "notify_member"
_LOGGER = logging.getLogger(__name__)


async def schedule_notice(
    scheduler: Scheduler,
    telegram_id: int,
    message: str,
    due_at: datetime,
    *,
    values: dict[str, Any] | None = None,
    key: str | None = None,
    expires_at: datetime | None = None,
    member_id: int | None = None,
) -> int:
    payload = {"telegram_id": telegram_id, "message": message, "values": values or {}}
    return await scheduler.schedule(
        KIND, due_at, payload, key=key, expires_at=expires_at, member_id=member_id
    )


async def send_notice(application: HuihuiApplication, task: DueTask) -> None:
    telegram_id = int(task.payload["telegram_id"])
    language = await application.services.languages.resolve_id(telegram_id)
    text = translator(language)(task.payload["message"], **task.payload.get("values", {}))
    try:
        await application.bot.send_message(telegram_id, text)
    except (Forbidden, BadRequest) as error:
        # The member blocked the bot or the chat is gone: retrying cannot help.
        _LOGGER.info("notice %d not delivered: %s", task.id, type(error).__name__)


async def tell(
    bot: Bot, telegram_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> int | None:
    """Send a message outside a conversation (a member may have blocked the bot meanwhile);
    the message id, or None if Telegram refused. Logs no personal data."""
    try:
        message = await bot.send_message(telegram_id, text, reply_markup=markup)
    except TelegramError as error:
        _LOGGER.info("message not delivered: %s", type(error).__name__)
        return None
    return message.message_id


def register(scheduler: Scheduler) -> None:
    scheduler.register(KIND, send_notice)
