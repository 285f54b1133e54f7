"""Queries on the scheduled_tasks table. Claiming is an UPDATE guarded by the status, so a task
is only ever run by whoever flipped it from pending to running."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ScheduledTask, TaskStatus
from storage.rows import affected, batches

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


# New tasks go straight into the table: the ORM's unit of work for thousands of objects was
# one step of the event loop long enough to hold up other members' replies.
_TABLE = cast(Table, ScheduledTask.__table__)


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
) -> None:
    """Add a task, or re-arm the task with the same key unless it already ran or is running."""
    await put_all(session, [NewTask(kind, payload, key, due_at, expires_at, member_id)], now)


async def put_all(session: AsyncSession, new: Sequence[NewTask], now: datetime) -> None:
    """``put`` for each task, in bulk: an event's notices to thousands of attendees are a few
    statements, not thousands of round trips. A key given twice counts once, as the later
    one (as two ``put`` calls would have it)."""
    last = {task.key: index for index, task in enumerate(new) if task.key is not None}
    wanted = [task for index, task in enumerate(new) if task.key is None or last[task.key] == index]
    keys = list(last)
    stored: dict[str | None, ScheduledTask] = {}
    for batch in batches(keys):
        found = await session.scalars(
            select(ScheduledTask).where(ScheduledTask.key.in_(batch)).with_for_update()
        )
        stored.update((task.key, task) for task in found)
    fresh = []
    for task in wanted:
        existing = stored.get(task.key) if task.key is not None else None
        if existing is None:
            fresh.append(
                {
                    "kind": task.kind,
                    "key": task.key,
                    "payload": task.payload,
                    "member_id": task.member_id,
                    "due_at": task.due_at,
                    "expires_at": task.expires_at,
                    "status": TaskStatus.PENDING,
                    "attempts": 0,
                    "last_error": None,
                    "created_at": now,
                    "started_at": None,
                    "finished_at": None,
                }
            )
        elif existing.status in RERUNNABLE:
            existing.kind, existing.payload, existing.due_at = task.kind, task.payload, task.due_at
            existing.expires_at, existing.member_id = task.expires_at, task.member_id
            existing.status, existing.attempts, existing.last_error = TaskStatus.PENDING, 0, None
    await session.flush()
    # Two transactions may both find a key missing and both add it (tomorrow's plan armed at
    # start while today's run, retried after a stop, arms it too): the second adds nothing
    # and the first's task stands, instead of failing its caller with a unique violation.
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for rows in batches(fresh):
        await session.execute(
            insert(_TABLE).on_conflict_do_nothing(index_elements=[_TABLE.c.key]), rows
        )


async def put_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these keys name a task that was put and not cancelled (waiting, running, or
    done): for "has this person been told this already?"."""
    found: set[str] = set()
    for batch in batches(keys):
        found.update(
            await session.scalars(
                select(ScheduledTask.key).where(
                    ScheduledTask.key.in_(batch), ScheduledTask.status != TaskStatus.CANCELLED
                )
            )
        )
    return found


async def cancel(session: AsyncSession, key: str) -> bool:
    return await cancel_all(session, [key]) > 0


async def cancel_all(session: AsyncSession, keys: Sequence[str], *, claimed: bool = False) -> int:
    """Cancel the pending tasks of these keys; how many there were. ``claimed``: those a
    scheduler has claimed and not finished too (a notice whose sender looks again before it
    sends: ``still_running``), so that a stop or a crash cannot put them back to be run."""
    wanted = (TaskStatus.PENDING, TaskStatus.RUNNING) if claimed else (TaskStatus.PENDING,)
    cancelled = 0
    for batch in batches(keys):
        result = await session.execute(
            update(ScheduledTask)
            .where(ScheduledTask.key.in_(batch), ScheduledTask.status.in_(wanted))
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
    # A task cancelled while it ran stays cancelled (a notice withdrawn: ``cancel_all``).
    await session.execute(
        update(ScheduledTask)
        .where(ScheduledTask.id == task_id, ScheduledTask.status != TaskStatus.CANCELLED)
        .values(**values)
    )


async def still_running(session: AsyncSession, task_id: int) -> bool:
    """The claimed task has not been cancelled since (looked at just before it acts)."""
    status = await session.scalar(select(ScheduledTask.status).where(ScheduledTask.id == task_id))
    return status == TaskStatus.RUNNING


async def unclaim_all(session: AsyncSession, claimed: Sequence[tuple[int, int]]) -> None:
    """Claimed tasks that were not run after all, as (id, attempts before the claim), go back
    to pending with their attempt uncounted: a statement per distinct attempt count, not one
    per task."""
    by_attempts: dict[int, list[int]] = {}
    for task_id, attempts in claimed:
        by_attempts.setdefault(attempts, []).append(task_id)
    for attempts, ids in by_attempts.items():
        for batch in batches(ids):
            await session.execute(
                update(ScheduledTask)
                .where(ScheduledTask.id.in_(batch), ScheduledTask.status == TaskStatus.RUNNING)
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
