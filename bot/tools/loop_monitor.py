"""How long the event loop was kept from other members' work: for benchmarks and the tests
that hold heavy operations (statistics, exports, grouping) to not stalling the bot."""

from __future__ import annotations

import asyncio
import contextlib


class LoopMonitor:
    """How long the event loop was kept from running other work: a ticker that wakes every
    ``interval`` seconds and records how late it woke. The longest lateness is the worst wait
    any member's update could have had."""

    def __init__(self, interval: float = 0.005) -> None:
        self._interval = interval
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LoopMonitor:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self._interval
            await asyncio.sleep(self._interval)
            self.longest = max(self.longest, loop.time() - expected)
