"""The one error handler: log what broke (never what the member wrote) and apologise."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.common.i18n import translator
from conversations.context import HuihuiContext

_LOGGER = logging.getLogger("huihui.errors")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_OUR_CODE = tuple(_PROJECT_ROOT / package for package in ("bot", "conversations", "storage"))


def describe(error: BaseException | None) -> str:
    """The exception's type and where it was raised, without its message.

    Messages of database and Telegram errors can quote member input (names, phone numbers), so
    they never reach the log; the stack frames are enough to find the fault.
    """
    if error is None:
        return "unknown error"
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if _is_ours(frame.filename)] or frames
    where = " <- ".join(_label(frame) for frame in reversed(ours[-5:]))
    return f"{type(error).__module__}.{type(error).__qualname__} at {where or '?'}"


def _is_ours(filename: str) -> bool:
    path = Path(filename).resolve()
    return any(path.is_relative_to(package) for package in _OUR_CODE)


def _label(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename).resolve()
    shown = path.relative_to(_PROJECT_ROOT) if _is_ours(frame.filename) else path.name
    return f"{shown}:{frame.lineno} in {frame.name}"


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
    language = await context.services.languages.resolve(update.effective_user)
    _ = translator(language)
    try:
        await context.bot.send_message(
            chat.id, _("Sorry, something went wrong on our side. Please try again in a moment.")
        )
    except TelegramError:
        _LOGGER.warning("could not tell the member about the error")
