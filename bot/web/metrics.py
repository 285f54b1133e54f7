"""``/metrics`` in Prometheus' text format (``bot.common.metrics``), and the two gauges this
process keeps fresh on its own: figures read from the database every half minute or minute (a
scrape never queries), and how late the event loop runs."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.common import metrics
from bot.services.monitoring import Monitoring

_LOGGER = logging.getLogger(__name__)
GAUGES_EVERY = 30.0
# The member counts scan tables: every other round, once a minute.
MEMBERS_EVERY = 2
LAG_TICK = 0.25
# The lag shown is the worst tick of this many seconds.
LAG_WINDOW = 5.0


def routes() -> list[BaseRoute]:
    async def scrape(_request: Request) -> Response:
        return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", scrape, methods=["GET"])]


class DatabaseGauges:
    """Reads the outbox and overdue work every ``every`` seconds and the member counts every
    ``MEMBERS_EVERY`` rounds into the gauges. A failed read (database down) leaves the last
    figures; ``huihui_gauges_updated_timestamp_seconds`` shows how old they are."""

    def __init__(self, monitoring: Monitoring, every: float = GAUGES_EVERY) -> None:
        self._monitoring = monitoring
        self._every = every
        self._task: asyncio.Task[None] | None = None

    async def refresh(self, *, members: bool = True) -> None:
        work = await self._monitoring.work()
        metrics.OUTBOX_PENDING.set(work.outbox_pending)
        metrics.OUTBOX_OLDEST_AGE.set(work.outbox_oldest_age_seconds)
        metrics.TASKS_OVERDUE.set(work.tasks_overdue)
        if members:
            figures = await self._monitoring.members()
            metrics.MEMBERS_VERIFIED.set(figures.members_verified)
            metrics.MATCHES_TODAY.set(figures.matches_today)
            metrics.INBOX_OPEN_THREADS.set(figures.open_threads)
        metrics.GAUGES_UPDATED.set(time.time())

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="database-gauges")

    async def stop(self) -> None:
        await _cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        for round_ in itertools.count():
            try:
                await self.refresh(members=round_ % MEMBERS_EVERY == 0)
            except Exception as error:  # noqa: BLE001 - kept going; the timestamp shows it
                _LOGGER.warning("gauges not read from the database (%s)", type(error).__name__)
            await asyncio.sleep(self._every)


class LoopLag:
    """Sleeps ``LAG_TICK`` over and over; how much later than asked it wakes is what every
    member's update waited for meanwhile."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag")

    async def stop(self) -> None:
        await _cancel(self._task)
        self._task = None
        metrics.EVENT_LOOP_LAG.set(0)

    async def _run(self) -> None:
        worst, window_start = 0.0, time.monotonic()
        while True:
            asked = time.monotonic()
            await asyncio.sleep(LAG_TICK)
            woke = time.monotonic()
            worst = max(worst, woke - asked - LAG_TICK)
            if woke - window_start >= LAG_WINDOW:
                metrics.EVENT_LOOP_LAG.set(worst)
                worst, window_start = 0.0, woke


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
