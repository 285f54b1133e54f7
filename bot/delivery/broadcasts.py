"""Sending broadcasts: the scheduled task starts one, a sender per broadcast delivers its rows
(``bot.delivery.broadcast_sender``), and the author watches one message count up, then reads
a report. A restart resumes the broadcasts a stop or crash interrupted."""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import TelegramError

from bot.common.config import Settings
from bot.common.errors import describe
from bot.common.i18n import Translator, translator
from bot.delivery.broadcast_sender import DATABASE_DOWN, BroadcastSender, Tally
from bot.delivery.limiter import bulk_sending
from bot.domain.clock import Clock
from bot.services.broadcasts import KIND, Broadcasts
from bot.services.languages import LanguagePreferences
from bot.services.work import DueTask, TaskKind
from storage import broadcasts as stored
from storage.models import Broadcast, DeliveryStatus, OrgUnit

_LOGGER = logging.getLogger(__name__)


class BroadcastRuns:
    def __init__(
        self,
        broadcasts: Broadcasts,
        languages: LanguagePreferences,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        bot: Bot,
    ) -> None:
        self._broadcasts = broadcasts
        self._languages = languages
        self._db = db
        self._clock = clock
        self._settings = settings
        self._bot = bot
        self._running = False
        self._runs: dict[int, asyncio.Task[None]] = {}
        self._stopping = asyncio.Event()

    @property
    def rate(self) -> float:
        """Messages per second: the configured broadcast rate, within what Telegram allows
        (the bot's overall limit, or up to 1000/s with paid broadcasts)."""
        settings = self._settings
        return min(
            settings.broadcast_rate, 1000.0 if settings.paid_broadcasts else settings.rate_limit
        )

    def task_kinds(self) -> dict[str, TaskKind]:
        return {KIND: TaskKind(self._begin)}

    async def start(self) -> None:
        """At bot start: resume broadcasts a stop or crash interrupted."""
        self._running = True
        self._stopping.clear()
        for broadcast_id in await self._broadcasts.interrupted():
            _LOGGER.info("resuming broadcast %d", broadcast_id)
            self._launch(broadcast_id)

    async def stop(self) -> None:
        """Let every sender finish its requests in flight and write their outcomes."""
        self._stopping.set()
        await self.wait_idle()
        self._running = False

    async def crash(self) -> None:
        """Abandon every sender mid-flight, as a killed process would (tests, benchmark)."""
        for run in list(self._runs.values()):
            run.cancel()
        await asyncio.gather(*self._runs.values(), return_exceptions=True)
        self._running = False

    async def wait_idle(self) -> None:
        while self._runs:
            await asyncio.gather(*self._runs.values(), return_exceptions=True)

    async def _begin(self, task: DueTask) -> None:
        """Draw the audience, tell the author, and start sending."""
        if not self._running or self._stopping.is_set():
            raise RuntimeError("the bot is stopping")  # the scheduler retries after the restart
        broadcast_id = int(task.payload["broadcast_id"])
        started = await self._broadcasts.begin(broadcast_id)
        if started is None:
            return
        if started.author is None:
            self._launch(broadcast_id)
            return
        _ = translator(await self._languages.resolve_id(started.author))
        message = await self._tell(
            started.author,
            _(
                "Broadcast #{id}: sending to {total} member(s)…",
                id=broadcast_id,
                total=started.total,
            ),
        )
        if message is not None:
            await self._broadcasts.show_progress_in(broadcast_id, started.author, message)
        self._launch(broadcast_id)

    def _launch(self, broadcast_id: int) -> None:
        if broadcast_id in self._runs:
            return
        with bulk_sending():  # the task keeps the bulk lane for everything it sends
            run = asyncio.create_task(self._send(broadcast_id), name=f"broadcast-{broadcast_id}")
        self._runs[broadcast_id] = run
        run.add_done_callback(lambda _: self._runs.pop(broadcast_id, None))

    async def _send(self, broadcast_id: int) -> None:
        async with self._db() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            unit = await session.get(OrgUnit, broadcast.unit_id) if broadcast else None
        if broadcast is None or unit is None:
            return
        started = time.monotonic()
        _ = translator(await self._languages.resolve_id(broadcast.progress_chat_id or 0))

        async def progress(tally: Tally) -> None:
            text = _progress_text(_, broadcast_id, tally)
            if sender.waiting_for_database:
                text += "\n" + _("Waiting for the database to come back…")
            await self._edit_progress(broadcast, text)

        sender = BroadcastSender(
            self._bot,
            self._db,
            self._clock,
            broadcast,
            unit.name,
            rate=self.rate,
            paid=self._settings.paid_broadcasts,
            default_language=self._settings.default_language,
            stopping=self._stopping,
            on_progress=progress,
        )
        try:
            completed = await sender.run()
        except Exception as error:  # noqa: BLE001 - the rows stay; the next start resumes them
            _LOGGER.error(
                "broadcast %d stopped by an error; it resumes at next start: %s",
                broadcast_id,
                describe(error),
            )
            return
        if not completed:
            return
        cancelled = await self._finish(broadcast_id)
        if cancelled is None:
            return  # stopping while the database was away: the next start finishes it
        tally = sender.tally
        # The report counts what the database holds: a crashed run's last outcomes may have
        # been written after this run counted what was done when it began.
        async with self._db() as session:
            tally.done = await stored.tally(session, broadcast_id)
        await self._edit_progress(broadcast, _progress_text(_, broadcast_id, tally))
        if broadcast.progress_chat_id is not None:
            report = _report_text(_, broadcast_id, tally, cancelled, time.monotonic() - started)
            await self._tell(broadcast.progress_chat_id, report)

    async def _finish(self, broadcast_id: int) -> bool | None:
        """Mark the broadcast done (waiting while the database is away); whether it had been
        cancelled, None if the bot stopped first."""
        delay = 0.2
        while not self._stopping.is_set():
            try:
                return await self._broadcasts.finish(broadcast_id)
            except DATABASE_DOWN:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 3.0)
        return None

    async def _edit_progress(self, broadcast: Broadcast, text: str) -> None:
        if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
            return
        try:
            await self._bot.edit_message_text(
                text, broadcast.progress_chat_id, broadcast.progress_message_id
            )
        except TelegramError as error:  # a courtesy: the broadcast goes on
            _LOGGER.info(
                "progress of broadcast %d not shown: %s", broadcast.id, type(error).__name__
            )

    async def _tell(self, telegram_id: int, text: str) -> int | None:
        """Tell the organiser (progress, report); the message id, or None if Telegram refused."""
        try:
            message = await self._bot.send_message(telegram_id, text)
        except TelegramError as error:
            _LOGGER.info("organiser not told: %s", type(error).__name__)
            return None
        return message.message_id


def _counts(tally: Tally) -> dict[str, int]:
    done = tally.done
    return {
        "sent": done[DeliveryStatus.SENT],
        "total": tally.total,
        "failed": done[DeliveryStatus.FAILED],
        "unreachable": done[DeliveryStatus.UNREACHABLE],
        "uncertain": done[DeliveryStatus.UNCERTAIN],
    }


def _progress_text(_: Translator, broadcast_id: int, tally: Tally) -> str:
    left = tally.seconds_left(time.monotonic())
    text = _(
        "Broadcast #{id}: sent {sent} / {total} · failed {failed} · unreachable {unreachable}",
        id=broadcast_id,
        **_counts(tally),
    )
    if left is not None and tally.finished < tally.total:
        text += "\n" + _("About {time} left", time=_duration(left))
    return text


def _report_text(
    _: Translator, broadcast_id: int, tally: Tally, cancelled: bool, seconds: float
) -> str:
    counts = _counts(tally)
    if cancelled:
        return _(
            "Broadcast #{id} was cancelled: {sent} of {total} member(s) had received it.",
            id=broadcast_id,
            **counts,
        )
    report = _(
        "Broadcast #{id} is done in {time}: {sent} of {total} member(s) received it. "
        "{unreachable} unreachable (they blocked the bot; skipped from now on), {failed} failed.",
        id=broadcast_id,
        time=_duration(seconds),
        **counts,
    )
    if counts["uncertain"]:
        report += "\n" + _(
            "{uncertain} uncertain: Telegram did not answer twice, so they may or may not have "
            "received it.",
            uncertain=counts["uncertain"],
        )
    return report


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
