"""The figures behind the operator's gauges: the outbox and overdue work (read often, cheap on
the tasks index), and a few business counts (read less often: they scan tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.services.notices import KIND as NOTICE_KIND
from storage import monitoring

# A task is overdue once the runner's poll (every minute) should have picked it up.
OVERDUE_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class WorkFigures:
    # Up to storage.monitoring.NOTICES_COUNTED.
    outbox_pending: int
    outbox_oldest_age_seconds: float
    tasks_overdue: int


@dataclass(frozen=True)
class MemberFigures:
    members_verified: int
    matches_today: int
    open_threads: int


class Monitoring:
    def __init__(self, db: async_sessionmaker[AsyncSession], clock: Clock, tz: tzinfo) -> None:
        """``db``: where long reads do not hold up members (the reports engine on SQLite);
        ``tz``: where "today" begins."""
        self._db = db
        self._clock = clock
        self._tz = tz

    async def work(self) -> WorkFigures:
        now = self._clock.now()
        async with self._db() as session:
            backlog = await monitoring.backlog(session, NOTICE_KIND, now, now - OVERDUE_AFTER)
        return WorkFigures(
            outbox_pending=backlog.notices_due,
            outbox_oldest_age_seconds=_age(now, backlog.oldest_notice_due_at),
            tasks_overdue=backlog.tasks_overdue,
        )

    async def members(self) -> MemberFigures:
        midnight = (
            self._clock.now()
            .astimezone(self._tz)
            .replace(hour=0, minute=0, second=0, microsecond=0)
        )
        async with self._db() as session:
            return MemberFigures(
                members_verified=await monitoring.members_verified(session),
                matches_today=await monitoring.matches_since(session, midnight),
                open_threads=await monitoring.open_threads(session),
            )


def _age(now: datetime, since: datetime | None) -> float:
    return 0.0 if since is None else max(0.0, (now - since).total_seconds())
