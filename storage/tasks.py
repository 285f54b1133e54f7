"""Queries on the scheduled_tasks table. Claiming is an UPDATE guarded by the status, so a task
is only ever run by whoever flipped it from pending to running."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ScheduledTask, TaskStatus
from storage.rows import affected

RERUNNABLE = (TaskStatus.PENDING, TaskStatus.FAILED, TaskStatus.EXPIRED, TaskStatus.CANCELLED)


@dataclass(frozen=True)
class NewTask:
    """A task to add (or, by its key, to re-arm)."""

    kind: str
    payload: dict[str, Any]
    key: str | None
    due_at: datetime
    expires_at: datetime | None = None
    member_id: int | None = None


# Keys looked up per query: well under SQLite's and asyncpg's limits on bound parameters.
KEYS_PER_QUERY = 1_000


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
    added = await put_all(
        session, [NewTask(kind, payload, key, due_at, expires_at, member_id)], now
    )
    return added[0]


async def put_all(
    session: AsyncSession, new: Sequence[NewTask], now: datetime
) -> list[ScheduledTask]:
    """``put`` for each task, in order, with one query per thousand keys and one flush: an
    event's notices to thousands of attendees are a bulk insert, not thousands of round trips.
    A key given twice re-arms the first, as two ``put`` calls would."""
    keys = list({task.key for task in new if task.key is not None})
    stored: dict[str | None, ScheduledTask] = {}
    for start in range(0, len(keys), KEYS_PER_QUERY):
        found = await session.scalars(
            select(ScheduledTask)
            .where(ScheduledTask.key.in_(keys[start : start + KEYS_PER_QUERY]))
            .with_for_update()
        )
        stored.update((task.key, task) for task in found)
    result = []
    for wanted in new:
        task = stored.get(wanted.key) if wanted.key is not None else None
        if task is None:
            task = ScheduledTask(kind=wanted.kind, key=wanted.key, created_at=now, attempts=0)
            session.add(task)
            if wanted.key is not None:
                stored[wanted.key] = task
        elif task.status not in RERUNNABLE:
            result.append(task)
            continue
        task.kind, task.payload, task.due_at = wanted.kind, wanted.payload, wanted.due_at
        task.expires_at, task.member_id = wanted.expires_at, wanted.member_id
        task.status, task.attempts, task.last_error = TaskStatus.PENDING, 0, None
        result.append(task)
    await session.flush()
    return result


async def cancel(session: AsyncSession, key: str) -> bool:
    return await cancel_all(session, [key]) > 0


async def cancel_all(session: AsyncSession, keys: Sequence[str]) -> int:
    """Cancel the pending tasks of these keys; how many there were."""
    cancelled = 0
    for start in range(0, len(keys), KEYS_PER_QUERY):
        result = await session.execute(
            update(ScheduledTask)
            .where(
                ScheduledTask.key.in_(keys[start : start + KEYS_PER_QUERY]),
                ScheduledTask.status == TaskStatus.PENDING,
            )
            .values(status=TaskStatus.CANCELLED)
        )
        cancelled += affected(result)
    return cancelled


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
