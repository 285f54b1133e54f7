"""Queries on the scheduled_tasks table. Claiming is an UPDATE guarded by the status, so a task
is only ever run by whoever flipped it from pending to running."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ScheduledTask, TaskStatus
from storage.rows import affected

RERUNNABLE = (TaskStatus.PENDING, TaskStatus.FAILED, TaskStatus.EXPIRED, TaskStatus.CANCELLED)


async def put(
    session: AsyncSession,
    *,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any],
    key: str | None,
    expires_at: datetime | None,
    now: datetime,
    member_id: int | None = None,
) -> ScheduledTask:
    """Add a task, or re-arm the task with the same key unless it already ran or is running."""
    task = None
    if key is not None:
        task = await session.scalar(
            select(ScheduledTask).where(ScheduledTask.key == key).with_for_update()
        )
    if task is None:
        task = ScheduledTask(kind=kind, key=key, created_at=now, attempts=0)
        session.add(task)
    elif task.status not in RERUNNABLE:
        return task
    task.kind, task.payload, task.due_at, task.expires_at = kind, payload, due_at, expires_at
    task.member_id = member_id
    task.status, task.attempts, task.last_error = TaskStatus.PENDING, 0, None
    await session.flush()
    return task


async def cancel(session: AsyncSession, key: str) -> bool:
    result = await session.execute(
        update(ScheduledTask)
        .where(ScheduledTask.key == key, ScheduledTask.status == TaskStatus.PENDING)
        .values(status=TaskStatus.CANCELLED)
    )
    return affected(result) > 0


async def next_due_at(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(ScheduledTask.due_at)).where(ScheduledTask.status == TaskStatus.PENDING)
    )


async def due(session: AsyncSession, now: datetime, limit: int) -> Sequence[ScheduledTask]:
    return (
        await session.scalars(
            select(ScheduledTask)
            .where(ScheduledTask.status == TaskStatus.PENDING, ScheduledTask.due_at <= now)
            .order_by(ScheduledTask.due_at, ScheduledTask.id)
            .limit(limit)
        )
    ).all()


async def claim(session: AsyncSession, task_id: int, now: datetime) -> bool:
    result = await session.execute(
        update(ScheduledTask)
        .where(ScheduledTask.id == task_id, ScheduledTask.status == TaskStatus.PENDING)
        .values(
            status=TaskStatus.RUNNING,
            started_at=now,
            attempts=ScheduledTask.attempts + 1,
        )
    )
    return affected(result) == 1


async def finish(
    session: AsyncSession,
    task_id: int,
    status: TaskStatus,
    now: datetime,
    *,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": now, "last_error": error}
    if retry_at is not None:
        values["due_at"] = retry_at
    await session.execute(update(ScheduledTask).where(ScheduledTask.id == task_id).values(**values))


async def unclaim(session: AsyncSession, task_id: int, attempts: int) -> None:
    """A claimed task that was not run after all goes back to pending, its attempt uncounted."""
    await session.execute(
        update(ScheduledTask)
        .where(ScheduledTask.id == task_id, ScheduledTask.status == TaskStatus.RUNNING)
        .values(status=TaskStatus.PENDING, attempts=attempts)
    )


async def release_interrupted(session: AsyncSession) -> int:
    """Tasks left running by a crash go back to pending (their runs are retried)."""
    result = await session.execute(
        update(ScheduledTask)
        .where(ScheduledTask.status == TaskStatus.RUNNING)
        .values(status=TaskStatus.PENDING)
    )
    return affected(result)
