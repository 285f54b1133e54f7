"""How long the event loop was kept from other members' work: for benchmarks and the tests
that hold heavy operations (statistics, exports, grouping) to not stalling the bot."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any


class LoopMonitor:
    """Figures while the block runs:

    * ``longest``: how late a ticker that wakes every ``interval`` seconds woke at worst — the
      worst wait any member's update could have had, whether one piece of work held the loop
      or many queued ones did;
    * ``longest_step``: the longest single piece of work the loop ran (one callback, such as
      one step of a task between two awaits) — what no operation may exceed;
    * ``longest_step_cpu``: the most CPU time the loop's thread spent in one step. On a machine
      busy with other work a step can take far longer than its CPU time while the process waits
      for a core; this figure is the operation's own, whatever else the machine is doing;
    * ``longest_step_was`` and ``cpu_of_longest_step``: what the longest step ran (for a task's
      step, the awaits where it ended) and its CPU time, to tell work from waiting for a core;
    * ``slow_steps``: every step longer than ``note_over`` seconds (when given), the same way.
    """

    def __init__(self, interval: float = 0.005, note_over: float | None = None) -> None:
        self._interval = interval
        self._note_over = note_over
        self.slow_steps: list[tuple[float, float, str]] = []  # (wall, CPU, what) over note_over
        self.longest = 0.0
        self.longest_step = 0.0
        self.longest_step_was = ""  # what that step ran, to find it
        self.longest_step_cpu = 0.0
        self.cpu_of_longest_step = 0.0  # that step's own CPU time, beside its wall time
        self._task: asyncio.Task[None] | None = None
        self._run: Any = None

    async def __aenter__(self) -> LoopMonitor:
        self._watch_steps()
        self._task = asyncio.get_running_loop().create_task(self._tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        asyncio.events.Handle._run = self._run  # type: ignore[method-assign]

    def _watch_steps(self) -> None:
        run = self._run = asyncio.events.Handle._run
        monitor = self

        def timed(handle: asyncio.events.Handle) -> None:
            started, started_cpu = time.perf_counter(), time.thread_time()
            try:
                run(handle)
            finally:
                took = time.perf_counter() - started
                cpu = time.thread_time() - started_cpu
                if took > monitor.longest_step:
                    monitor.longest_step, monitor.longest_step_was = took, _what_ran(handle)
                    monitor.cpu_of_longest_step = cpu
                monitor.longest_step_cpu = max(monitor.longest_step_cpu, cpu)
                if monitor._note_over is not None and took > monitor._note_over:  # noqa: SLF001
                    monitor.slow_steps.append((took, cpu, _what_ran(handle)))

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self._interval
            await asyncio.sleep(self._interval)
            self.longest = max(self.longest, loop.time() - expected)


def _what_ran(handle: asyncio.events.Handle) -> str:
    """The handle, and for a task's step the awaits where the step ended, outermost first (a
    task's handle names only its wake-up)."""
    task = getattr(getattr(handle, "_callback", None), "__self__", None)
    if not isinstance(task, asyncio.Task):
        return repr(handle)[:300]
    where: list[str] = []
    awaited: Any = task.get_coro()
    while awaited is not None and len(where) < 12:  # noqa: PLR2004 - enough to find the step
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
        if frame is None:
            break
        name = frame.f_code.co_filename.rsplit("/", 1)[-1]
        where.append(f"{frame.f_code.co_name} ({name}:{frame.f_lineno})")
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
    return f"task {task.get_name()} at {' > '.join(where) or 'its end'}"[:600]
