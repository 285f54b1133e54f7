"""Scheduled notices to one member, worded in the member's language at the moment of sending.

The payload names a catalog message (its English msgid) and its values, not finished text, so a
member who changes language before the notice is due still reads it in the language they chose.
A notice may carry one button (its label a msgid too). Keyed notices are sent once per key.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.i18n import translator
from bot.scheduler import DueTask, Scheduler
from storage import tasks

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
    payload = _payload(telegram_id, message, values, None)
    return await scheduler.schedule(
        KIND, due_at, payload, key=key, expires_at=expires_at, member_id=member_id
    )


async def put_notice(
    session: AsyncSession,
    telegram_id: int,
    message: str,
    now: datetime,
    *,
    key: str,
    values: dict[str, Any] | None = None,
    button: tuple[str, str] | None = None,
    member_id: int | None = None,
) -> None:
    """A notice due now, written in the caller's transaction: it exists if and only if what
    it announces was committed."""
    await tasks.put(
        session,
        kind=KIND,
        due_at=now,
        payload=_payload(telegram_id, message, values, button),
        key=key,
        expires_at=None,
        now=now,
        member_id=member_id,
    )


def _payload(
    telegram_id: int, message: str, values: dict[str, Any] | None, button: tuple[str, str] | None
) -> dict[str, Any]:
    payload: dict[str, Any] = {"telegram_id": telegram_id, "message": message,
                               "values": values or {}}  # fmt: skip
    if button is not None:
        payload["button"] = {"label": button[0], "data": button[1]}
    return payload


async def send_notice(application: HuihuiApplication, task: DueTask) -> None:
    telegram_id = int(task.payload["telegram_id"])
    language = await application.services.languages.resolve_id(telegram_id)
    # Not bound to ``_``: the catalog already holds these msgids, where they were written.
    translate = translator(language)
    text = translate(task.payload["message"], **task.payload.get("values", {}))
    button = task.payload.get("button")
    markup = (
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(translate(button["label"]), callback_data=button["data"])]]
        )
        if button
        else None
    )
    try:
        await application.bot.send_message(telegram_id, text, reply_markup=markup)
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
