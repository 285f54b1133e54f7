"""Sends one broadcast's deliveries: at a steady rate, a bounded number in flight, outcomes
written every fraction of a second, the organiser's progress message edited every few seconds.

Exactly-once as far as the database can make it: a delivery is claimed before it is sent, and a
graceful stop lets the requests in flight finish and writes their outcomes. Only a crash can
leave a delivery claimed without an outcome; it is sent again on resume, so a crash re-sends at
most the deliveries in flight plus the outcomes not yet written (``in_flight_bound``).

The database may go away for a while (a restart, a failover, a locked file): claiming waits and
tries again, outcomes wait in memory until they can be written, and sending carries on where it
was as soon as the database answers — no restart needed, nothing sent twice. A send Telegram
did not answer (a timeout after the request left) may have arrived: it is tried once more at
most, then counted as uncertain.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from aiolimiter import AsyncLimiter
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.common.config import SUPPORTED_LANGUAGES
from bot.common.i18n import resolve_language, translator
from bot.common.metrics import BROADCAST_MESSAGES
from bot.common.wording.broadcasts import as_received
from bot.domain.clock import Clock
from storage import broadcasts
from storage.broadcasts import Outcome, Recipient
from storage.models import Broadcast, DeliveryStatus

if TYPE_CHECKING:
    from telegram import Bot

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")

FLUSH_EVERY = 0.25  # seconds between writes of outcomes
PROGRESS_EVERY = 3.0  # seconds between edits of the organiser's progress message
NETWORK_ATTEMPTS = 5
NETWORK_BACKOFF = 0.5  # seconds before the first retry; doubles each time
# Waiting for the database: from a moment up to a few seconds between tries.
DATABASE_BACKOFF, DATABASE_BACKOFF_MAX = 0.2, 3.0
# What the database raises while it is away (connection lost or refused, file locked).
DATABASE_DOWN = (DBAPIError, OSError, TimeoutError)
# Telegram's words for a chat that no longer exists for the bot.
_GONE = ("chat not found", "user is deactivated", "bot was blocked")


# Bot API round trips up to this long still keep the configured rate: from a server in China
# 100-300 ms are usual, with slower moments. The window was a quarter of a second's sending
# (8 at 30 a second), and every round trip over 267 ms lowered the rate: 26 a second at 300 ms
# (benchmarks/broadcast.py). Requests beyond what the latency needs wait for the pace, unsent.
ROUND_TRIP_COVERED = 1.0
# HTTPXRequest's pool is 256 connections (bot.app.application): a request waiting for one
# longer than its pool timeout fails, so a fast paid broadcast leaves some to the rest.
MOST_IN_FLIGHT = 250


def in_flight_window(rate: float) -> int:
    """Requests sent at once: enough to keep the rate with round trips up to a second."""
    return min(MOST_IN_FLIGHT, max(5, math.ceil(rate * ROUND_TRIP_COVERED)))


def in_flight_bound(rate: float) -> int:
    """The most deliveries a crash can leave sent but not recorded (re-sent on resume): the
    requests in flight, the outcomes waiting to be written and those being written."""
    return in_flight_window(rate) + 2 * math.ceil(rate * FLUSH_EVERY)


@dataclass(frozen=True)
class Content:
    # The message signed with the sending union, in each language.
    texts: dict[str, str]
    entities: tuple[MessageEntity, ...]
    photo_file_id: str | None
    # An inline button: its label (a catalog msgid, worded per member) and callback data.
    button: dict[str, Any] | None

    @classmethod
    def of(cls, broadcast: Broadcast, unit: str) -> Content:
        return cls(
            {
                language: as_received(broadcast.text, unit, language)
                for language in SUPPORTED_LANGUAGES
            },
            tuple(MessageEntity.de_json(e, None) for e in broadcast.entities),  # type: ignore[misc]
            broadcast.photo_file_id,
            broadcast.button,
        )

    def markups(self) -> dict[str, InlineKeyboardMarkup | None]:
        """The reply markup in each language (built once, not per recipient)."""
        if self.button is None:
            return dict.fromkeys(SUPPORTED_LANGUAGES)
        return {
            language: InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            translator(language)(self.button["label"]),
                            callback_data=self.button["data"],
                        )
                    ]
                ]
            )
            for language in SUPPORTED_LANGUAGES
        }


@dataclass
class Tally:
    total: int
    done: Counter[DeliveryStatus]
    started: float  # monotonic time this run began
    done_at_start: int  # finished deliveries when this run began (after a restart)

    @property
    def finished(self) -> int:
        return sum(self.done[s] for s in (DeliveryStatus.SENT, *FAILURES, DeliveryStatus.CANCELLED))

    def seconds_left(self, now: float) -> float | None:
        rate = (self.finished - self.done_at_start) / max(now - self.started, 1e-6)
        return (self.total - self.finished) / rate if rate > 0 else None


FAILURES = (DeliveryStatus.FAILED, DeliveryStatus.UNREACHABLE, DeliveryStatus.UNCERTAIN)


class BroadcastSender:
    def __init__(
        self,
        bot: Bot,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        broadcast: Broadcast,
        unit: str,
        *,
        rate: float,
        paid: bool,
        default_language: str,
        stopping: asyncio.Event,
        on_progress: Any,
    ) -> None:
        """``on_progress(tally)`` is awaited every few seconds while sending."""
        self._bot = bot
        self._db = db
        self._clock = clock
        self._id = broadcast.id
        self._content = Content.of(broadcast, unit)
        self._markups = self._content.markups()
        self._default_language = default_language
        self._paid = paid
        # The rate per tenth of a second: a short stall (a database write, a garbage
        # collection) is made up at once, and no second ever sees more than 1.1 × the rate.
        self._pace = AsyncLimiter(max(1.0, rate / 10), 0.1)
        self._window = asyncio.Semaphore(in_flight_window(rate))
        self._batch = in_flight_window(rate)
        self._stopping = stopping
        self._on_progress = on_progress
        self._outcomes: list[Outcome] = []
        self._finished = asyncio.Event()
        # The database did not answer the last time it was asked (shown on the progress).
        self.waiting_for_database = False
        self._tally = Tally(broadcast.total, Counter(), time.monotonic(), 0)

    async def run(self) -> bool:
        """Send until nothing is pending (True) or a stop was asked for (False). Cancelling
        the run is a crash: outcomes not yet written are lost, as they would be."""
        done = await self._with_database(lambda session: broadcasts.tally(session, self._id))
        if done is None:
            return False  # stopping
        self._tally.done = done
        self._tally.done_at_start = self._tally.finished
        writer = asyncio.create_task(self._write_outcomes())
        next_batch = asyncio.create_task(self._claim())
        try:
            async with asyncio.TaskGroup() as sending:
                while not self._stopping.is_set():
                    batch = await next_batch
                    if not batch:
                        break
                    # Claimed while this batch is sent, so sending never waits for the database.
                    next_batch = asyncio.create_task(self._claim())
                    for recipient in batch:
                        await self._window.acquire()
                        if self._stopping.is_set():
                            self._window.release()
                            break
                        sending.create_task(self._deliver(recipient))
            self._finished.set()
            await writer
            await next_batch
        finally:
            writer.cancel()
            next_batch.cancel()
        if self._stopping.is_set():
            # Claimed in the last batch but never tried: back in the queue.
            async with self._db.begin() as session:
                await broadcasts.release_claims(session, self._id)
            return False
        return True

    @property
    def tally(self) -> Tally:
        return self._tally

    async def _claim(self) -> list[Recipient]:
        claimed = await self._with_database(
            lambda session: broadcasts.claim(session, self._id, self._batch)
        )
        return claimed or []

    async def _with_database(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T | None:
        """``work`` in a transaction, tried again while the database is away; None if the bot
        stops meanwhile."""
        delay = DATABASE_BACKOFF
        while True:
            try:
                async with self._db.begin() as session:
                    result = await work(session)
                self.waiting_for_database = False
                return result
            except DATABASE_DOWN as error:
                if self._stopping.is_set():
                    return None
                self.waiting_for_database = True
                _LOGGER.warning(
                    "broadcast %d: database unavailable (%s); trying again",
                    self._id,
                    type(error).__name__,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, DATABASE_BACKOFF_MAX)

    async def _deliver(self, recipient: Recipient) -> None:
        try:
            outcome = await self._attempt(recipient)
            # Not ``self._outcomes.append(await ...)``: that would bind the list before the
            # await, and the writer may have swapped it out meanwhile.
            self._outcomes.append(outcome)
            BROADCAST_MESSAGES.labels(outcome.status.value).inc()
        finally:
            self._window.release()

    async def _attempt(self, recipient: Recipient) -> Outcome:
        attempts = timeouts = 0
        while True:
            await self._pace.acquire()
            attempts += 1
            try:
                await self._send(recipient)
                return Outcome(recipient.delivery_id, DeliveryStatus.SENT, attempts)
            except RetryAfter as error:
                # PTB's rate limiter already waited and retried; Telegram still says wait.
                await asyncio.sleep(_retry_after_seconds(error))
            except Forbidden:
                return Outcome(
                    recipient.delivery_id, DeliveryStatus.UNREACHABLE, attempts, "blocked"
                )
            except BadRequest as error:
                gone = any(words in error.message.lower() for words in _GONE)
                status = DeliveryStatus.UNREACHABLE if gone else DeliveryStatus.FAILED
                return Outcome(recipient.delivery_id, status, attempts, error.message[:64])
            except TimedOut:
                # The request left and no answer came: it may have arrived. Once more at most.
                timeouts += 1
                if timeouts >= 2:
                    return Outcome(
                        recipient.delivery_id, DeliveryStatus.UNCERTAIN, attempts, "TimedOut"
                    )
                await asyncio.sleep(NETWORK_BACKOFF)
            except NetworkError as error:  # the request did not get through: safe to retry
                if attempts >= NETWORK_ATTEMPTS:
                    return Outcome(
                        recipient.delivery_id, DeliveryStatus.FAILED, attempts, type(error).__name__
                    )
                await asyncio.sleep(NETWORK_BACKOFF * 2 ** (attempts - 1))
            except TelegramError as error:
                return Outcome(
                    recipient.delivery_id, DeliveryStatus.FAILED, attempts, type(error).__name__
                )

    async def _send(self, recipient: Recipient) -> None:
        content = self._content
        language = resolve_language(recipient.language, None, self._default_language)  # type: ignore[arg-type]
        markup = self._markups[language]
        if content.photo_file_id is not None:
            await self._bot.send_photo(
                recipient.telegram_id,
                content.photo_file_id,
                caption=content.texts[language],
                caption_entities=content.entities or None,
                reply_markup=markup,
                allow_paid_broadcast=self._paid or None,
            )
        else:
            await self._bot.send_message(
                recipient.telegram_id,
                content.texts[language],
                entities=content.entities or None,
                reply_markup=markup,
                allow_paid_broadcast=self._paid or None,
            )

    async def _write_outcomes(self) -> None:
        last_progress = time.monotonic()
        while True:
            finished = self._finished.is_set()
            if not finished:
                try:
                    await asyncio.wait_for(self._finished.wait(), FLUSH_EVERY)
                except TimeoutError:
                    pass
            await self._flush()
            if time.monotonic() - last_progress >= PROGRESS_EVERY and not finished:
                last_progress = time.monotonic()
                await self._on_progress(self._tally)
            # Done once every outcome is written (a stop gives up on the database: the claims
            # left behind are sent again at the next start, within the in-flight bound).
            if finished and (not self._outcomes or self._stopping.is_set()):
                return

    async def _flush(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        if not outcomes:
            return
        try:
            async with self._db.begin() as session:
                await broadcasts.record(session, outcomes, self._clock.now())
        except DATABASE_DOWN as error:
            # Kept for the next round: the progress shows only what is recorded.
            self._outcomes = outcomes + self._outcomes
            self.waiting_for_database = True
            _LOGGER.warning(
                "broadcast %d: outcomes not written yet (%s)", self._id, type(error).__name__
            )
            await asyncio.sleep(DATABASE_BACKOFF)
            return
        self.waiting_for_database = False
        for outcome in outcomes:
            self._tally.done[outcome.status] += 1


def _retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
