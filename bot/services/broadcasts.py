"""Broadcasts: an organiser's message to an audience in their scope, now or at a chosen time.

A broadcast is drawn into deliveries (one row per member) when it starts, so the audience is
the one of the sending day, and a restart resumes the rows still pending. Authority is checked
from the database on every call, and again when a scheduled broadcast starts: an organiser who
lost the role in between does not reach anyone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import TelegramError

from bot.app.errors import describe
from bot.common.config import Settings
from bot.common.i18n import translator
from bot.delivery.broadcast_sender import DATABASE_DOWN, BroadcastSender, Tally
from bot.delivery.scheduler import DueTask, Scheduler
from bot.domain.audience import Audience
from bot.domain.clock import Clock
from bot.domain.units import subtree
from bot.services.administration import Administration
from bot.services.languages import LanguagePreferences
from storage import audit, broadcasts, tasks, units
from storage.models import Broadcast, BroadcastStatus, DeliveryStatus, Event

if TYPE_CHECKING:
    from bot.app.application import HuihuiApplication

KIND = "broadcast"
_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """What an organiser composed: text with Telegram formatting, an optional photo, and an
    optional button (label msgid, callback data)."""

    text: str
    entities: tuple[dict[str, Any], ...] = ()
    photo_file_id: str | None = None
    button: dict[str, str] | None = None


class Broadcasts:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        administration: Administration,
        scheduler: Scheduler,
        languages: LanguagePreferences,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._administration = administration
        self._scheduler = scheduler
        self._languages = languages
        self._application: HuihuiApplication | None = None
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

    # What organisers do
    async def audience_size(self, actor: int, audience: Audience) -> int | None:
        """How many members the audience reaches now; None if it is outside the actor's scope."""
        async with self._db() as session:
            if not await self._may_address(session, actor, audience):
                return None
            query = await self._audience_query(session, audience)
            return await broadcasts.count_audience(session, query)

    async def create(
        self,
        actor: int,
        draft: Draft,
        audience: Audience,
        send_at: datetime | None = None,
    ) -> int | None:
        """Store a broadcast and schedule it (``None``: now). None if not allowed."""
        async with self._db.begin() as session:
            broadcast_id = await self.create_in(session, actor, draft, audience, send_at)
        self._scheduler.wake()
        return broadcast_id

    async def create_in(
        self,
        session: AsyncSession,
        actor: int,
        draft: Draft,
        audience: Audience,
        send_at: datetime | None = None,
    ) -> int | None:
        """``create`` in the caller's transaction (the caller wakes the scheduler after it)."""
        now = self._clock.now()
        if not await self._may_address(session, actor, audience):
            return None
        broadcast = Broadcast(
            author_telegram_id=actor,
            unit_id=audience.unit_id,
            text=draft.text,
            entities=list(draft.entities),
            photo_file_id=draft.photo_file_id,
            audience=audience.to_json(),
            button=draft.button,
            status=BroadcastStatus.SCHEDULED,
            send_at=send_at or now,
            created_at=now,
            total=0,
        )
        session.add(broadcast)
        await session.flush()
        audit.record(session, actor, "broadcast", audience.unit_id, now,
                     broadcast=broadcast.id, send_at=(send_at or now).isoformat())  # fmt: skip
        await self._scheduler.put(
            session, KIND, send_at or now, {"broadcast_id": broadcast.id},
            key=_task_key(broadcast.id),
        )  # fmt: skip
        return broadcast.id

    async def cancel(self, actor: int, broadcast_id: int) -> str:
        """cancelled / finished (too late) / not_allowed"""
        async with self._db.begin() as session:
            result = await self.cancel_in(session, actor, broadcast_id)
        await self._scheduler.rearm()
        return result

    async def cancel_in(self, session: AsyncSession, actor: int, broadcast_id: int) -> str:
        """``cancel`` in the caller's transaction."""
        broadcast = await session.get(Broadcast, broadcast_id, with_for_update=True)
        power = await self._administration.authority(session, actor)
        if broadcast is None or broadcast.unit_id not in power.scope:
            return "not_allowed"
        if broadcast.status not in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
            return "finished"
        broadcast.status = BroadcastStatus.CANCELLED
        await broadcasts.cancel_pending(session, broadcast_id)
        await tasks.cancel(session, _task_key(broadcast_id))
        audit.record(session, actor, "broadcast_cancel", broadcast.unit_id,
                     self._clock.now(), broadcast=broadcast_id)  # fmt: skip
        return "cancelled"

    async def listing(self, actor: int, limit: int = 10) -> list[tuple[Broadcast, Any]] | None:
        """The latest broadcasts in the actor's scope with their delivery counts."""
        async with self._db() as session:
            power = await self._administration.authority(session, actor)
            if not power.any:
                return None
            found = await broadcasts.recent(session, power.scope, limit)
            counts = await broadcasts.tallies(session, [b.id for b in found])
            return [(b, counts[b.id]) for b in found]

    # Sending
    async def start(self, application: HuihuiApplication) -> None:
        """At bot start: resume broadcasts a stop or crash interrupted."""
        self._application = application
        self._stopping.clear()
        async with self._db.begin() as session:
            interrupted = await broadcasts.sending(session)
            for broadcast_id in interrupted:
                await broadcasts.release_claims(session, broadcast_id)
        for broadcast_id in interrupted:
            _LOGGER.info("resuming broadcast %d", broadcast_id)
            self._launch(broadcast_id)

    async def begin(self, broadcast_id: int) -> None:
        """Draw the audience into deliveries and start sending (the scheduled task)."""
        if self._application is None or self._stopping.is_set():
            raise RuntimeError("the bot is stopping")  # the scheduler retries after the restart
        now = self._clock.now()
        async with self._db.begin() as session:
            broadcast = await session.get(Broadcast, broadcast_id, with_for_update=True)
            if broadcast is None or broadcast.status != BroadcastStatus.SCHEDULED:
                return  # cancelled, or already started by an earlier run of this task
            audience = Audience.from_json(broadcast.audience)
            author = broadcast.author_telegram_id
            if author is None or not await self._may_address(session, author, audience):
                broadcast.status, broadcast.finished_at = BroadcastStatus.CANCELLED, now
                _LOGGER.warning(
                    "broadcast %d cancelled: its author may no longer send it", broadcast_id
                )
                return
            query = await self._audience_query(session, audience)
            broadcast.total = await broadcasts.materialise(session, broadcast_id, query)
            broadcast.status, broadcast.started_at = BroadcastStatus.SENDING, now
            progress_to = author
        _ = translator(await self._languages.resolve_id(progress_to))
        message = await self._tell(
            progress_to, _("Broadcast #{id}: sending to {total} member(s)…", id=broadcast_id,
                           total=broadcast.total)
        )  # fmt: skip
        if message is not None:
            async with self._db.begin() as session:
                stored = await session.get(Broadcast, broadcast_id)
                stored.progress_chat_id, stored.progress_message_id = progress_to, message
        self._launch(broadcast_id)

    async def stop(self) -> None:
        """Let every sender finish its requests in flight and write their outcomes."""
        self._stopping.set()
        await self.wait_idle()
        self._application = None

    async def crash(self) -> None:
        """Abandon every sender mid-flight, as a killed process would (tests, benchmark)."""
        for run in list(self._runs.values()):
            run.cancel()
        await asyncio.gather(*self._runs.values(), return_exceptions=True)
        self._application = None

    async def wait_idle(self) -> None:
        while self._runs:
            await asyncio.gather(*self._runs.values(), return_exceptions=True)

    def _launch(self, broadcast_id: int) -> None:
        if broadcast_id in self._runs:
            return
        run = asyncio.create_task(self._send(broadcast_id), name=f"broadcast-{broadcast_id}")
        self._runs[broadcast_id] = run
        run.add_done_callback(lambda _: self._runs.pop(broadcast_id, None))

    async def _send(self, broadcast_id: int) -> None:
        application = self._application
        assert application is not None, "broadcasts are sent only while the bot runs"
        async with self._db() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
        started = time.monotonic()
        language = await self._languages.resolve_id(broadcast.progress_chat_id or 0)
        _ = translator(language)

        async def progress(tally: Tally) -> None:
            text = _progress_text(_, broadcast_id, tally)
            if sender.waiting_for_database:
                text += "\n" + _("Waiting for the database to come back…")
            await self._edit_progress(broadcast, text)

        sender = BroadcastSender(
            application.bot,
            self._db,
            self._clock,
            broadcast,
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
                async with self._db.begin() as session:
                    stored = await session.get(Broadcast, broadcast_id, with_for_update=True)
                    cancelled = stored.status == BroadcastStatus.CANCELLED
                    if not cancelled:
                        stored.status = BroadcastStatus.DONE
                    stored.finished_at = self._clock.now()
                return cancelled
            except DATABASE_DOWN:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 3.0)
        return None

    async def _edit_progress(self, broadcast: Broadcast, text: str) -> None:
        if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
            return
        try:
            await self._application.bot.edit_message_text(  # type: ignore[union-attr]
                text, broadcast.progress_chat_id, broadcast.progress_message_id
            )
        except TelegramError as error:  # a courtesy: the broadcast goes on
            _LOGGER.info(
                "progress of broadcast %d not shown: %s", broadcast.id, type(error).__name__
            )

    async def _tell(self, telegram_id: int, text: str) -> int | None:
        """Tell the organiser (progress, report); the message id, or None if Telegram refused."""
        try:
            message = await self._application.bot.send_message(telegram_id, text)  # type: ignore[union-attr]
        except TelegramError as error:
            _LOGGER.info("organiser not told: %s", type(error).__name__)
            return None
        return message.message_id

    async def _may_address(self, session: AsyncSession, actor: int, audience: Audience) -> bool:
        """The audience's union, and its event if any, are within the actor's scope."""
        scope = (await self._administration.authority(session, actor)).scope
        if audience.unit_id not in scope:
            return False
        if audience.event_id is None:
            return True
        event_unit = await session.scalar(
            select(Event.unit_id).where(Event.id == audience.event_id)
        )
        return event_unit in scope

    async def _audience_query(self, session: AsyncSession, audience: Audience) -> Any:
        tree = await units.parents(session)
        year = self._clock.now().astimezone(self._settings.tz).year
        return broadcasts.audience_members(audience, subtree(audience.unit_id, tree), year)


def _task_key(broadcast_id: int) -> str:
    return f"{KIND}:{broadcast_id}"


def _counts(tally: Tally) -> dict[str, int]:
    done = tally.done
    return {
        "sent": done[DeliveryStatus.SENT],
        "total": tally.total,
        "failed": done[DeliveryStatus.FAILED],
        "unreachable": done[DeliveryStatus.UNREACHABLE],
        "uncertain": done[DeliveryStatus.UNCERTAIN],
    }


def _progress_text(_: Any, broadcast_id: int, tally: Tally) -> str:
    left = tally.seconds_left(time.monotonic())
    text = _(
        "Broadcast #{id}: sent {sent} / {total} · failed {failed} · unreachable {unreachable}",
        id=broadcast_id,
        **_counts(tally),
    )
    if left is not None and tally.finished < tally.total:
        text += "\n" + _("About {time} left", time=_duration(left))
    return text


def _report_text(_: Any, broadcast_id: int, tally: Tally, cancelled: bool, seconds: float) -> str:
    counts = _counts(tally)
    if cancelled:
        return _("Broadcast #{id} was cancelled: {sent} of {total} member(s) had received it.",
                 id=broadcast_id, **counts)  # fmt: skip
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


async def start_broadcast(application: HuihuiApplication, task: DueTask) -> None:
    await application.services.broadcasts.begin(int(task.payload["broadcast_id"]))


def register(scheduler: Scheduler) -> None:
    scheduler.register(KIND, start_broadcast)
