"""The opt-in daily digest: "今天有 N 位新推荐", at the deployment's digest hour.

One scheduled task per day (keyed by date, so arming it twice is harmless) writes one notice per
member for whom someone new is waiting: a member who completed their profile since that
member's last digest (for the first digest, everyone waiting). Nobody new, no digest. A digest
missed while the bot was down is still written within 3 hours, else dropped: a morning-after
"today" would be wrong.

Tens of thousands may have opted in. Members are taken a batch at a time, each batch's digests
and its "counted until" written in one short transaction, so a stop part way loses nothing and
repeats nothing; reading lets go of the database every few milliseconds, so other members'
updates (on SQLite, which has one connection) wait at most that long. Usually the people new
since the last digest are few, the same for everyone: each member's pool is looked for among
those few only, not sampled from the whole union.
"""

from __future__ import annotations

import time as clock_time
from collections import deque
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.domain.clock import Clock
from bot.services import notices
from bot.services.matching.suggestions import Matchmaking
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import matching, members

KIND = "daily_digest"
MAX_LATENESS = timedelta(hours=3)
# Members whose digests are written in one transaction.
BATCH = 200
# How long one reading session keeps the database before letting others in (seconds).
READ_SLICE = 0.01
# Up to this many people new since a cutoff are looked at one by one; more, and the pool is
# sampled as /match does.
FEW_NEW = 2_000


class Waiting(NamedTuple):
    """An opted-in member for whom someone new is waiting."""

    member_id: int
    telegram_id: int
    new: int


class Digest:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
        matchmaking: Matchmaking,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._work = work
        self._matchmaking = matchmaking

    def task_kinds(self) -> dict[str, TaskKind]:
        return {KIND: TaskKind(self._write, max_lateness=MAX_LATENESS)}

    def next_run(self) -> datetime:
        settings = self._settings
        local_now = self._clock.now().astimezone(settings.tz)
        today = datetime.combine(local_now.date(), time(settings.digest_hour), tzinfo=settings.tz)
        return today if today > local_now else today + timedelta(days=1)

    async def arm(self) -> None:
        """Plan the next digest (at start, and after each)."""
        due = self.next_run()
        await self._work.schedule(KIND, due, key=f"{KIND}:{due.date().isoformat()}")

    async def _batches(self, now: datetime) -> AsyncIterator[tuple[list[int], list[Waiting]]]:
        """Opted-in members a batch at a time: their ids, and who of them has someone new who
        completed their profile since their last digest (the caller moves their cutoff on to
        ``now`` with what it writes, in one transaction)."""
        year = now.astimezone(self._settings.tz).year
        new_since: dict[datetime, list[int] | None] = {}
        after = 0
        while True:
            async with self._db() as session:
                readers = await members.digest_readers(session, after, BATCH)
            if not readers:
                return
            after = readers[-1][0]
            async with self._db() as session:
                viewers = await matching.profile_rows(session, [reader[0] for reader in readers])
            found: list[Waiting] = []
            pending = deque(reader for reader in readers if reader[0] in viewers)
            while pending:
                started = clock_time.perf_counter()
                async with self._db() as session:
                    while pending and clock_time.perf_counter() - started < READ_SLICE:
                        member_id, telegram_id, until = pending.popleft()
                        if until is not None and until not in new_since:
                            new_since[until] = await members.completed_since(
                                session, until, FEW_NEW
                            )
                        viewer = viewers[member_id]
                        new = await self._new_for(session, viewer, until, new_since, year)
                        if new:
                            found.append(Waiting(member_id, telegram_id, new))
            yield [reader[0] for reader in readers], found

    async def _new_for(
        self,
        session: AsyncSession,
        viewer: dict[str, Any],
        until: datetime | None,
        new_since: dict[datetime, list[int] | None],
        year: int,
    ) -> int:
        """How many people new since ``until`` may suit the viewer (at most a day's cards)."""
        few = new_since.get(until) if until is not None else None
        if few is not None and not few:
            return 0
        new = await matching.pool(
            session,
            viewer,
            year,
            likers_only=False,
            limit=self._settings.daily_cards,
            only=few,
            skips_forgotten_before=self._matchmaking.skips_kept_since(),
            completed_after=until,
        )
        return len(new)

    async def _write(self, task: DueTask) -> None:
        day = task.due_at.astimezone(self._settings.tz).date().isoformat()
        message = N_(
            "Today {count} new people may suit you. /match to see them. (/digest to stop these)"
        )
        now = self._clock.now()
        async for asked, waiting in self._batches(now):
            async with self._db.begin() as session:
                digests = [
                    notices.Notice(
                        to=member.telegram_id,
                        lines=[line(message, count=member.new)],
                        key=f"{KIND}:{day}:{member.member_id}",
                        member_id=member.member_id,
                        expires_at=task.due_at + MAX_LATENESS,
                    )
                    for member in waiting
                ]
                await notices.put_all(session, digests, self._clock.now())
                # From now on only people newer than this count for those asked.
                await members.set_digest_until(session, asked, now)
            self._work.wake()
        await self.arm()
