"""Delivers notices (``bot.services.notices``): worded in the recipient's language when sent, one
recipient's notices in the order they were written, retried when Telegram could not be reached.

What Telegram answers decides what happens next (``classify``, shared with broadcasts):

* accepted → done;
* the member blocked the bot or the chat is gone → done, and the member is marked unreachable;
* too many requests or a network fault before the request left → tried again with back-off;
* no answer after the request left (a timeout) → it may have arrived: tried again at most once,
  then given up as uncertain — a member may be told twice, but never more;
* any other refusal → our fault, logged (without the text), not retried.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.common.i18n import N_, Translator, translator
from bot.common.wording.profile_card import render_card
from bot.common.wording.verification import comparison
from bot.domain.free_text import utf16_length
from bot.services.container import Services
from bot.services.events import reminders
from bot.services.notices import KIND, LEGACY_KIND, RENDERED, render_values, wording
from bot.services.work import DueTask, RetryLater, TaskKind
from storage import tasks

_LOGGER = logging.getLogger(__name__)
# Telegram's words for a chat that no longer exists for the bot.
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot can't initiate")
MAX_ATTEMPTS = 6
RETRY_DELAY = timedelta(seconds=5)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None

# Renderers write part of a notice from its data, in the recipient's language, when it is sent.
Renderer = Callable[[Services, Translator, dict[str, Any]], Awaitable[str]]


async def _card(services: Services, _: Translator, data: dict[str, Any]) -> str:
    """A member's profile card as it reads now."""
    answers = await services.onboarding.answers(int(data["member_id"]))
    year = services.clock.now().astimezone(services.settings.tz).year
    return render_card(answers, services.onboarding.questionnaire, _, year)


async def _verification(services: Services, _: Translator, data: dict[str, Any]) -> str:
    """A claim beside the roster entry, for a reviewer."""
    found = await services.onboarding.attempt_for_review(int(data["attempt_id"]))
    return comparison(_, *found) if found else ""


async def _reminder(services: Services, _: Translator, data: dict[str, Any]) -> str:
    """When an event is, as it is said at this moment."""
    said = reminders.when(data, services.clock.now(), services.settings)
    return _(said.message, **render_values(said.values, _))


RENDERERS: dict[str, Renderer] = {
    "card": _card,
    "verification": _verification,
    reminders.RENDERER: _reminder,
}


class Verdict(enum.StrEnum):
    SENT = "sent"
    GONE = "gone"  # blocked, deactivated, chat not found: do not try again
    RETRY = "retry"  # the request did not get through: safe to try again
    UNCERTAIN = "uncertain"  # the request left and no answer came: it may have arrived
    REFUSED = "refused"  # Telegram refused what we sent: a fault of ours


def classify(error: TelegramError) -> Verdict:
    """What a Telegram error means for a message that was being sent."""
    if isinstance(error, Forbidden):
        return Verdict.GONE
    if isinstance(error, BadRequest):
        gone = any(words in error.message.lower() for words in _GONE)
        return Verdict.GONE if gone else Verdict.REFUSED
    if isinstance(error, TimedOut):
        return Verdict.UNCERTAIN
    if isinstance(error, RetryAfter | NetworkError):
        return Verdict.RETRY
    return Verdict.REFUSED


async def compose(
    services: Services, payload: dict[str, Any], _: Translator
) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]:
    """A notice's text and buttons in one language."""
    rendered = ""
    if any(message == RENDERED for message, _values in payload["lines"]):
        rendered = await RENDERERS[payload["render"]](services, _, payload.get("data", {}))
    text = wording(payload, _, rendered)
    markup: Markup = None
    if payload.get("buttons"):
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(_(label, **render_values(values, _)), callback_data=data)
                    for label, data, values in row
                ]
                for row in payload["buttons"]
            ]
        )
    elif payload.get("ask_contact"):
        markup = ReplyKeyboardMarkup(
            [[KeyboardButton(_(N_("📱 Send my phone number")), request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    return text, markup


def _modern(payload: dict[str, Any]) -> dict[str, Any]:
    """Notices written before this format (one message, at most one button) in this one."""
    if "to" in payload:
        return payload
    modern: dict[str, Any] = {
        "to": payload["telegram_id"],
        "lines": [[payload["message"], payload.get("values", {})]],
    }
    if button := payload.get("button"):
        modern["buttons"] = [[[button["label"], button["data"], {}]]]
    return modern


def lane(task: DueTask) -> int:
    """One recipient's notices go out one after another, in the order they were written."""
    return int(task.payload.get("to", task.payload.get("telegram_id", 0)))


class NoticeSender:
    def __init__(self, services: Services, bot: Bot) -> None:
        self._services = services
        self._bot = bot
        # Notices begin at the bot's rate, a tenth of a second's worth at a time: the
        # scheduler runs many at once (enough for slow round trips), and without a pace a
        # backlog's first dozens would read and write together, ahead of members' queries, and
        # spend the rate limit's saved-up second in one burst (58 messages in the first second).
        self._pace = AsyncLimiter(max(1.0, services.settings.rate_limit / 10), 0.1)

    async def _send_photo(
        self,
        to: int,
        photo: str,
        text: str,
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None,
    ) -> None:
        """The photo with the text as its caption; a text too long for a caption follows it."""
        if utf16_length(text) <= MessageLimit.CAPTION_LENGTH:
            await self._bot.send_photo(to, photo, caption=text, reply_markup=markup)
        else:
            await self._bot.send_photo(to, photo)
            await self._bot.send_message(to, text, reply_markup=markup)

    def task_kinds(self) -> dict[str, TaskKind]:
        kind = TaskKind(
            self.send,
            max_attempts=MAX_ATTEMPTS,
            retry_delay=RETRY_DELAY,
            lane=lane,
            prepare=self.prepare,
        )
        return {KIND: kind, LEGACY_KIND: kind}

    async def prepare(self, tasks: Sequence[DueTask]) -> None:
        """The languages of a claimed batch's recipients in one query (a digest's thousands of
        notices each read their recipient's language on its own before)."""
        await self._services.languages.prefetch([lane(task) for task in tasks])

    async def send(self, task: DueTask) -> None:
        await self._pace.acquire()
        services = self._services
        payload = _modern(task.payload)
        to = int(payload["to"])
        _ = translator(await services.languages.resolve_id(to))
        text, markup = await compose(services, payload, _)
        async with services.db() as session:
            if not await tasks.still_running(session, task.id):
                # Withdrawn while it waited its turn (the event cancelled mid-backlog).
                _LOGGER.info("notice %d withdrawn before it was sent", task.id)
                return
        try:
            if contact := payload.get("contact"):
                await self._bot.send_contact(
                    to, phone_number=contact["phone_number"], first_name=contact["first_name"]
                )
            if sticker := payload.get("sticker"):
                await self._bot.send_sticker(to, sticker)
            if photo := payload.get("photo"):
                await self._send_photo(to, photo, text, markup)
            else:
                await self._bot.send_message(to, text, reply_markup=markup)
        except TelegramError as error:
            verdict = classify(error)
            if verdict == Verdict.GONE:
                await services.activity.unreachable(to)
                _LOGGER.info("notice %d not delivered: the member cannot be reached", task.id)
            elif verdict == Verdict.UNCERTAIN and task.attempts >= 1:
                _LOGGER.warning("notice %d uncertain: no answer twice, not tried again", task.id)
            elif verdict in (Verdict.RETRY, Verdict.UNCERTAIN):
                raise RetryLater(type(error).__name__) from error
            else:
                _LOGGER.error("notice %d refused by Telegram: %s", task.id, type(error).__name__)
