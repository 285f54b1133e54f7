"""Counts an operator charts (``huihui_*`` gauges): each one aggregate over an index or a small
table, read every half minute, never per scrape."""

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


async def backlog(
    session: AsyncSession, notice_kind: str, now: datetime, overdue_before: datetime
) -> Backlog:
    """Notices (tasks of ``notice_kind``) due and unsent, the oldest one's due time, and tasks
    due before ``overdue_before`` still pending (the status/due index answers all three)."""
    pending_due = (ScheduledTask.status == TaskStatus.PENDING) & (ScheduledTask.due_at <= now)
    notices = (
        await session.execute(
            select(func.count(), func.min(ScheduledTask.due_at)).where(
                pending_due, ScheduledTask.kind == notice_kind
            )
        )
    ).one()
    overdue = await session.scalar(
        select(func.count()).where(
            ScheduledTask.status == TaskStatus.PENDING, ScheduledTask.due_at < overdue_before
        )
    )
    return Backlog(int(notices[0]), notices[1], int(overdue or 0))


async def members_verified(session: AsyncSession) -> int:
    verified = select(func.count()).where(Member.verified_at.is_not(None))
    return int(await session.scalar(verified) or 0)


async def matches_since(session: AsyncSession, since: datetime) -> int:
    return int(await session.scalar(select(func.count()).where(Match.created_at >= since)) or 0)


async def open_threads(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(Thread.status == "open")) or 0)
