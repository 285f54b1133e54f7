"""Work for later: what services leave behind (notices, reminders, announcements, digests) as
rows of ``scheduled_tasks``, and what a task kind's handler looks like.

Services only write tasks; the runner that claims and runs them is ``bot.delivery.scheduler``.
A service that wrote work due now calls ``wake()`` after its commit so the runner starts at
once instead of at its next poll; the runner attaches itself when the bot starts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from storage import tasks


@dataclass(frozen=True)
class DueTask:
    """A claimed task, as its handler receives it."""

    id: int
    kind: str
    key: str | None
    payload: dict[str, Any]
    due_at: datetime
    expires_at: datetime | None
    # Earlier attempts that failed; this run is attempt ``attempts + 1``.
    attempts: int


TaskHandler = Callable[[DueTask], Awaitable[None]]
Lane = Callable[[DueTask], Hashable]
Prepare = Callable[[Sequence[DueTask]], Awaitable[None]]


@dataclass(frozen=True)
class TaskKind:
    """How the runner treats one kind of task."""

    handler: TaskHandler
    # Run late after a stop unless later than this past due (None: however late).
    max_lateness: timedelta | None = None
    max_attempts: int = 3
    retry_delay: timedelta = timedelta(minutes=1)
    # Tasks of one lane run one after another in the order they were written.
    lane: Lane | None = None
    # Called with the tasks of this kind the runner claimed together, before they run: what
    # each would look up on its own, read for all at once (notices: their recipients'
    # languages). A failure only leaves each task to look it up itself.
    prepare: Prepare | None = None


class RetryLater(Exception):
    """A task that did not get its work done but may succeed later (Telegram unreachable);
    raised from its ``__cause__``. Retried with back-off, logged as a warning."""


class Runner(Protocol):
    """What the work queue tells the runner (``bot.delivery.scheduler.Scheduler``)."""

    def wake(self) -> None: ...

    async def rearm(self) -> None: ...


class WorkQueue:
    def __init__(self, db: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._runner: Runner | None = None

    def attach(self, runner: Runner | None) -> None:
        """The runner that should hear of new work (None: nobody runs it now)."""
        self._runner = runner

    async def put(
        self,
        session: AsyncSession,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        expires_at: datetime | None = None,
        member_id: int | None = None,
    ) -> None:
        """Store a task in the caller's transaction (it exists only if the caller commits);
        with a ``key``, re-scheduling replaces the pending task of that key. A task with a
        ``member_id`` is deleted with that member's data. Call ``wake()`` after the commit."""
        await tasks.put(
            session,
            kind=kind,
            due_at=due_at,
            payload=payload or {},
            key=key,
            expires_at=expires_at,
            now=self._clock.now(),
            member_id=member_id,
        )

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        """``put`` in a transaction of its own."""
        async with self._db.begin() as session:
            await self.put(session, kind, due_at, payload, key=key, expires_at=expires_at)
        await self.changed()

    async def cancel(self, key: str) -> bool:
        async with self._db.begin() as session:
            cancelled = await tasks.cancel(session, key)
        await self.changed()
        return cancelled

    def wake(self) -> None:
        """Work due now was committed: run it once the current update is answered."""
        if self._runner is not None:
            self._runner.wake()

    async def changed(self) -> None:
        """Tasks were added or cancelled for later: the runner's next wake-up may move."""
        if self._runner is not None:
            await self._runner.rearm()
