"""The runner of scheduled work (``bot.services.work``): stored in the database, armed on
PTB's JobQueue, run once.

The rules:

* **Arming.** One JobQueue job stays armed for the earliest pending task. It is re-armed at start
  and whenever tasks are added or cancelled; a poll every minute also picks up tasks written by
  another process (the CLI).
* **Once.** A task is claimed (pending → running) in the database before it runs and marked done
  afterwards, so no two runners can both run it.
* **Missed while the bot was down.** At start, overdue tasks run late, unless they expired: past
  their own ``expires_at`` or past ``due_at + max_lateness`` of their kind. Expired tasks are
  marked ``expired`` and never run.
* **Failures** are retried with exponential back-off up to ``max_attempts``, then marked failed.
* **A crash during a run** leaves the task running; the next start puts it back to pending and it
  runs again, so task handlers must tolerate a repeated run of an interrupted attempt.
* **Lanes.** Tasks of a kind that names a lane (notices: their recipient) run one after another
  in the order they were written; different lanes run at the same time.
* **Waking.** A service that wrote work due now wakes the runner after its commit, so it runs
  at once rather than at the next poll.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ContextTypes, JobQueue

from bot.delivery.limiter import bulk_sending
from bot.domain.clock import Clock
from bot.services.work import DueTask, RetryLater, TaskKind, WorkQueue
from storage import tasks
from storage.models import ScheduledTask, TaskStatus
from storage.rows import batches

_LOGGER = logging.getLogger(__name__)


def is_expired(
    due_at: datetime, expires_at: datetime | None, max_lateness: timedelta | None, now: datetime
) -> bool:
    """Whether a task that was not run in time is no longer worth running."""
    if expires_at is not None and now >= expires_at:
        return True
    return max_lateness is not None and now > due_at + max_lateness


# Seconds after ``wake`` that a pass starts at the latest.
WAKE_DELAY = 0.5


class Scheduler:
    WAKE_JOB = "scheduler-wake"
    POLL_JOB = "scheduler-poll"
    POLL_INTERVAL = timedelta(minutes=1)
    BATCH_SIZE = 200
    # Tasks run at the same moment: a second's sending at 30 messages a second, so that Bot
    # API round trips up to a second keep the rate (10 kept 29.3 a second at 300 ms and 19.4
    # at 500 ms: a task holds its place for the round trip and its own database work). They
    # do not start at once: notices take their turn at the sending rate before doing anything
    # (``NoticeSender``), since 32 tasks starting together queued on SQLite's one connection
    # ahead of a member's first reply after a day's backlog (1.7 s, benchmarks/backlog.py).
    CONCURRENCY = 30
    # Due tasks claimed in one transaction: a short one, so a member's query waits little.
    CLAIM_GROUP = 10

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        work: WorkQueue,
        kinds: Mapping[str, TaskKind],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._work = work
        self._kinds = dict(kinds)
        self._job_queue: JobQueue[Any] | None = None
        # Task runs in progress, and passes of run_due (which may still be claiming).
        self._runs: set[asyncio.Task[Any]] = set()
        self._passes: set[asyncio.Task[Any]] = set()
        self._lanes: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._wake_timer: asyncio.TimerHandle | None = None
        self._slots = asyncio.Semaphore(self.CONCURRENCY)
        # One pass at a time looks for due work and claims it; passes waiting for their turn.
        # A wake while a pass waits starts none: that pass will find the new work. (Every wake
        # used to start a pass of its own, and during a digest dozens read and fought over the
        # same due notices, holding members' queries up for seconds.)
        self._claiming = asyncio.Lock()
        self._waiting_passes = 0
        # Claimed tasks a stop came before: given back all at once when their pass ends (one
        # transaction each had 74 of 200 left running when the stop's grace ran out under load).
        self._unstarted: list[DueTask] = []

    async def start(self, job_queue: JobQueue[Any]) -> None:
        self._job_queue = job_queue
        self._work.attach(self)
        async with self._sessionmaker.begin() as session:
            interrupted = await tasks.release_interrupted(session)
        if interrupted:
            _LOGGER.warning(
                "%d scheduled task(s) were interrupted by a stop or a crash; retrying", interrupted
            )
        job_queue.run_repeating(
            self._on_wake, interval=self.POLL_INTERVAL, first=self.POLL_INTERVAL, name=self.POLL_JOB
        )
        await self.rearm()

    def stop(self) -> None:
        """No new runs from now on; runs in progress finish (``wait_idle``)."""
        if self._wake_timer is not None:
            self._wake_timer.cancel()
            self._wake_timer = None
        self._work.attach(None)
        self._job_queue = None

    def wake(self) -> None:
        """Ask for a pass over what is due (after a commit that wrote work due now). It starts
        once the update being handled is answered (``after_update``), so the member reads the
        reply before its consequences, or within a moment when no update is being handled."""
        if self._job_queue is None:
            return  # not started: the start runs everything due
        if self._wake_timer is None:
            self._wake_timer = asyncio.get_running_loop().call_later(WAKE_DELAY, self.after_update)

    def after_update(self) -> None:
        """Start the pass ``wake`` asked for, if any."""
        if self._wake_timer is None:
            return
        self._wake_timer.cancel()
        self._wake_timer = None
        if self._waiting_passes:
            return  # a pass that has not looked yet will find this work too
        wake = asyncio.get_running_loop().create_task(self.run_due())
        self._passes.add(wake)
        wake.add_done_callback(self._passes.discard)

    async def next_due_at(self) -> datetime | None:
        async with self._sessionmaker() as session:
            return await tasks.next_due_at(session)

    async def rearm(self) -> None:
        """Point the wake-up job at the earliest pending task."""
        job_queue = self._job_queue
        if job_queue is None:
            return
        for job in job_queue.get_jobs_by_name(self.WAKE_JOB):
            job.schedule_removal()
        next_due = await self.next_due_at()
        if next_due is not None:
            delay = max(0.0, (next_due - self._clock.now()).total_seconds())
            job_queue.run_once(self._on_wake, when=delay, name=self.WAKE_JOB)

    async def run_due(self) -> int:
        """Run every task that is due now; returns how many ran (successfully or not)."""
        this_pass = asyncio.current_task()
        if this_pass is not None:
            self._passes.add(this_pass)
        try:
            return await self._run_due()
        finally:
            self._passes.discard(this_pass)  # type: ignore[arg-type]

    async def _run_due(self) -> int:
        run_count = 0
        running: set[asyncio.Task[None]] = set()
        # Checked before each batch: a pass through a day's backlog (200,000 notices) outlives
        # a stop, and without it went on claiming (and giving back) batch after batch.
        while self._job_queue is not None:
            self._waiting_passes += 1
            try:
                await self._claiming.acquire()
            finally:
                self._waiting_passes -= 1
            try:
                now = self._clock.now()
                async with self._sessionmaker() as session:
                    due = await tasks.due(session, now, self.BATCH_SIZE)
                    batch = [_snapshot(task) for task in due]
                if not batch:
                    break
                claimed = [
                    task
                    for group in batches(batch, self.CLAIM_GROUP)
                    for task in await self._claim(group)
                ]
            finally:
                self._claiming.release()
            await self._prepare(claimed)
            lanes: dict[Hashable, list[DueTask]] = {}
            for task in claimed:
                lane = self._kinds[task.kind].lane
                lanes.setdefault((task.kind, lane(task)) if lane else task.id, []).append(task)
            runs = [asyncio.create_task(self._run_lane(key, run)) for key, run in lanes.items()]
            self._runs.update(runs)
            for run in runs:
                run.add_done_callback(self._runs.discard)
            running.update(runs)
            run_count += len(runs)
            if len(batch) < self.BATCH_SIZE:
                break
            # The next batch is claimed while this one's last tasks still wait for Telegram's
            # answers: waiting for all of them stopped sending for a round trip and the claims
            # every 200 notices (28.7 a second instead of 30 at 300 ms).
            while len(running) > self.CONCURRENCY:
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for run in done:
                    run.result()
        await asyncio.gather(*running)
        await self._give_back()
        await self.rearm()
        return run_count

    async def _give_back(self) -> None:
        """Claimed tasks a stop kept from running go back to pending, their attempt uncounted,
        in one transaction."""
        if self._runs:
            # Another pass's lanes are still putting tasks aside: that pass gives them all back
            # when they end, in one statement (a pass with nothing to claim ended while another
            # was stopping and gave back only the one task set aside so far).
            return
        unstarted, self._unstarted = self._unstarted, []
        if unstarted:
            async with self._sessionmaker.begin() as session:
                await tasks.unclaim_all(session, [(task.id, task.attempts) for task in unstarted])

    async def wait_idle(self) -> None:
        """Wait until no task is running or being claimed (the sandbox and tests use this),
        including work that a task itself made due now (a pass it asked for starts at once)."""
        me = asyncio.current_task()
        while True:
            self.after_update()
            if not (busy := (self._runs | self._passes) - {me}):
                return
            await asyncio.wait(busy)

    async def _on_wake(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.run_due()

    async def _claim(self, group: Sequence[DueTask]) -> list[DueTask]:
        """Claim due tasks, or mark them expired (missed-run rule); those now ours to run.
        One transaction for the group: a claim each would queue hundreds of commits ahead of
        members' queries (on SQLite, which has one connection) while the claimed notices wait
        their turn at 30 a second anyway."""
        now = self._clock.now()
        claimed = []
        async with self._sessionmaker.begin() as session:
            for task in group:
                if await self._claim_one(session, task, now):
                    claimed.append(task)
        return claimed

    async def _claim_one(self, session: AsyncSession, task: DueTask, now: datetime) -> bool:
        kind = self._kinds.get(task.kind)
        if kind is None:
            await tasks.finish(
                session, task.id, TaskStatus.FAILED, now, error="no handler for this kind"
            )
            _LOGGER.error("scheduled task %d has unknown kind %r", task.id, task.kind)
            return False
        if is_expired(task.due_at, task.expires_at, kind.max_lateness, now):
            await tasks.finish(session, task.id, TaskStatus.EXPIRED, now)
            _LOGGER.info("scheduled task %d (%s) expired before it could run", task.id, task.kind)
            return False
        return await tasks.claim(session, task.id, now)

    async def _prepare(self, claimed: Sequence[DueTask]) -> None:
        """Each kind's look-ups for all its claimed tasks at once (``TaskKind.prepare``)."""
        by_kind: dict[str, list[DueTask]] = {}
        for task in claimed:
            if self._kinds[task.kind].prepare is not None:
                by_kind.setdefault(task.kind, []).append(task)
        for kind, claimed_of_kind in by_kind.items():
            prepare = self._kinds[kind].prepare
            assert prepare is not None
            try:
                await prepare(claimed_of_kind)
            except Exception as exc:  # noqa: BLE001 - each task looks it up itself then
                _LOGGER.warning("preparing %s tasks failed: %s", kind, type(exc).__name__)

    async def _run_lane(self, key: Hashable, lane: list[DueTask]) -> None:
        lock = self._lanes.get(key)
        if lock is None:
            lock = self._lanes[key] = asyncio.Lock()
        async with lock:
            for position, task in enumerate(lane):
                async with self._slots:
                    if self._job_queue is None:  # stopping: the rest wait, untried, for a start
                        self._unstarted.extend(lane[position:])
                        return
                    await self._run(task)

    async def _run(self, task: DueTask) -> None:
        kind = self._kinds[task.kind]
        error: str | None = None
        try:
            with bulk_sending():  # scheduled work never holds up a reply to a member
                await kind.handler(task)
        except RetryLater as exc:
            error = type(exc.__cause__ or exc).__name__
            _LOGGER.warning(
                "scheduled task %d (%s) will be tried again: %s", task.id, task.kind, error
            )
        except Exception as exc:  # noqa: BLE001 - one failing task must not stop the others
            error = type(exc.__cause__ or exc).__name__
            _LOGGER.error("scheduled task %d (%s) failed: %s", task.id, task.kind, error)
        now = self._clock.now()
        async with self._sessionmaker.begin() as session:
            if error is None:
                await tasks.finish(session, task.id, TaskStatus.DONE, now)
                return
            attempts = task.attempts + 1
            if attempts < kind.max_attempts:
                retry_at = now + kind.retry_delay * 2 ** (attempts - 1)
                await tasks.finish(
                    session, task.id, TaskStatus.PENDING, now, error=error, retry_at=retry_at
                )
            else:
                await tasks.finish(session, task.id, TaskStatus.FAILED, now, error=error)


def _snapshot(task: ScheduledTask) -> DueTask:
    return DueTask(
        task.id,
        task.kind,
        task.key,
        dict(task.payload),
        task.due_at,
        task.expires_at,
        task.attempts,
    )
