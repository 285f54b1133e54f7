"""What the operator's database gauges cost (``bot.services.monitoring``, read every 30 s by the
serving process, never per scrape): a union of 100,000 verified members with 80,000 likes and
10,000 matches, 1,000 open threads, and a backlog of 200,000 overdue notices (a bot that was down
a day, issue 23 §5).

Reported: each read's median and worst time (the outbox and overdue work every 30 s, the member
counts every 60 s), the share of the serving process's time they take, and as the baseline
measured in the same run the cheapest full read there is, ``SELECT count(*) FROM members``.

    python benchmarks/gauges.py [--members 100000] [--overdue 200000] [--database-url URL]
                                [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, select, text  # noqa: E402
from union import a_union, empty, insert_chunked  # noqa: E402  (benchmarks/union.py)

from bot.services.monitoring import Monitoring  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from bot.web.metrics import GAUGES_EVERY, MEMBERS_EVERY  # noqa: E402
from storage.models import Member, ScheduledTask, TaskStatus, Thread  # noqa: E402

READS = 7


async def timed(work: Any) -> list[float]:
    times = []
    for _ in range(READS):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return times


async def run(args: argparse.Namespace) -> dict[str, Any]:
    await empty(args.database_url)
    async with Sandbox(database_url=args.database_url) as sb:
        # The backlog is to be measured, not sent: nothing scheduled runs from here on.
        assert sb.app.job_queue is not None
        sb.app.job_queue.scheduler.pause()
        sb.app.delivery.scheduler.stop()
        await a_union(sb, args.members)
        now = sb.clock.now()
        await insert_chunked(
            sb,
            Thread,
            (
                {"member_id": i, "unit_id": 1, "kind": "ask", "status": "open", "created_at": now}
                for i in range(1, 1_001)
            ),
        )
        await insert_chunked(
            sb,
            ScheduledTask,
            (
                {
                    "kind": "notice",
                    "payload": {},
                    "due_at": now - timedelta(hours=24) + timedelta(seconds=i % 86_000),
                    "status": TaskStatus.PENDING,
                    "attempts": 0,
                    "created_at": now - timedelta(hours=24),
                }
                for i in range(args.overdue)
            ),
        )
        async with sb.app.services.db.begin() as session:
            await session.execute(text("ANALYZE"))
        monitoring = Monitoring(sb.app.services.db, sb.clock, sb.settings.tz)
        figures = (await monitoring.work(), await monitoring.members())

        async def count_members() -> None:
            async with sb.app.services.db() as session:
                await session.scalar(select(func.count()).select_from(Member))

        baseline = await timed(count_members)
        work = await timed(monitoring.work)
        members = await timed(monitoring.members)
    await empty(args.database_url)
    base = statistics.median(baseline)
    work_ms, members_ms = statistics.median(work), statistics.median(members)
    share = work_ms / GAUGES_EVERY + members_ms / (GAUGES_EVERY * MEMBERS_EVERY)
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "members": args.members,
        "overdue notices": args.overdue,
        "figures": f"{figures}",
        "outbox and overdue median ms": round(work_ms * 1000, 1),
        "outbox and overdue worst ms": round(max(work) * 1000, 1),
        "member counts median ms": round(members_ms * 1000, 1),
        "member counts worst ms": round(max(members) * 1000, 1),
        "share of the process's time": f"{share:.3%}",
        "baseline count(*) members median ms": round(base * 1000, 1),
        "outbox and overdue / baseline": round(work_ms / base, 1),
        "member counts / baseline": round(members_ms / base, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--overdue", type=int, default=200_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    emit(asyncio.run(run(args)), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
