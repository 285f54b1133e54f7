"""Retention: what members wrote to each other and to their union is erased
``relay_retention_days`` after it stopped being needed, from every place it was copied
(``storage.retention``): relayed messages once their conversation ended, whatever ended it, and
words never relayed (a draft) once written; the words of every notice once it was sent;
questions to the union once their thread is over; the safety screen's quotes of them.

One scheduled run erases what is due and plans the next for the moment the next thing falls
due (but not sooner than ``MIN_GAP``), so nothing is kept longer than the period and that gap —
and at the latest a period later, so anything written meanwhile is seen before its own time
comes. Whatever ends a conversation needs only
record it (``Match.relay_ended_at``, or a block): the clock starts there.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain.clock import Clock
from bot.services import notices
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import retention
from storage.rows import batches

KIND = "retention"
# Runs at most this often: with notices sent all day something falls due every few seconds,
# and a run reads the whole outbox (0.1-0.2 s at 100,000 notices on SQLite, whose one
# connection everyone waits on). So words are erased within this much after their period.
MIN_GAP = timedelta(minutes=10)


class Retention:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._work = work
        self.period = timedelta(days=settings.relay_retention_days)

    def task_kinds(self) -> dict[str, TaskKind]:
        return {KIND: TaskKind(self._run)}

    async def arm(self) -> None:
        """At start: a run now (once a day however often the bot starts), which plans the
        next."""
        now = self._clock.now()
        await self._work.schedule(KIND, now, key=f"{KIND}:start:{now.date().isoformat()}")

    async def erase_due(self) -> datetime:
        """Erase what is due now; when the next run should be."""
        now = self._clock.now()
        async with self._db() as session:
            sent = await retention.sent_notices_before(session, now - self.period, notices.KINDS)
        # A transaction a batch: the first run after an upgrade may have months of notices to
        # erase, and SQLite's one writer should not be held for all of them at once.
        for batch in batches(sent):
            async with self._db.begin() as session:
                await retention.erase_notices(session, batch)
        async with self._db.begin() as session:
            await retention.erase_before(session, now - self.period, now)
            since = await retention.next_expiry(session, notices.KINDS)
            due = since + self.period if since is not None else None
            if due is None or due <= now:
                # Nothing waiting (or nothing this run could erase): look again a period on,
                # at the start of that day so that runs planned by restarts fall together.
                later = (now + self.period).astimezone(UTC).date()
                due = datetime.combine(later, time(), tzinfo=UTC)
            due = max(due, now + MIN_GAP)
            await self._work.put(session, KIND, due, key=f"{KIND}:{due.isoformat()}")
        return due

    async def _run(self, _task: DueTask) -> None:
        await self.erase_due()
        await self._work.changed()
