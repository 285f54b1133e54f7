"""Counts an operator charts (``huihui_*`` gauges), read every half minute or minute by the
serving process, never per scrape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Match, Member, ScheduledTask, TaskStatus, Thread


@dataclass(frozen=True)
class Backlog:
    notices_due: int
    oldest_notice_due_at: datetime | None
    tasks_overdue: int


# Notices due are counted up to this many: past it the figure says "a great many" already,
# and counting further would read a table row per notice (the index holds no kind).
NOTICES_COUNTED = 10_000


async def backlog(
    session: AsyncSession, notice_kind: str, now: datetime, overdue_before: datetime
) -> Backlog:
    """Notices (tasks of ``notice_kind``) due and unsent (up to ``NOTICES_COUNTED``), the
    oldest one's due time, and tasks due before ``overdue_before`` still pending (on the
    status/due index: the oldest is the first notice in its order; the overdue count reads
    the index alone)."""
    notices_due = (
        (ScheduledTask.status == TaskStatus.PENDING)
        & (ScheduledTask.due_at <= now)
        & (ScheduledTask.kind == notice_kind)
    )
    counted = select(ScheduledTask.id).where(notices_due).limit(NOTICES_COUNTED).subquery()
    notices = await session.scalar(select(func.count()).select_from(counted))
    oldest = await session.scalar(
        select(ScheduledTask.due_at).where(notices_due).order_by(ScheduledTask.due_at).limit(1)
    )
    overdue = await session.scalar(
        select(func.count()).where(
            ScheduledTask.status == TaskStatus.PENDING, ScheduledTask.due_at < overdue_before
        )
    )
    return Backlog(int(notices or 0), oldest, int(overdue or 0))


async def members_verified(session: AsyncSession) -> int:
    verified = select(func.count()).where(Member.verified_at.is_not(None))
    return int(await session.scalar(verified) or 0)


async def matches_since(session: AsyncSession, since: datetime) -> int:
    return int(await session.scalar(select(func.count()).where(Match.created_at >= since)) or 0)


async def open_threads(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(Thread.status == "open")) or 0)
