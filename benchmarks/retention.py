"""What erasing costs with a large outbox (``scheduled_tasks``), through the running bot's
database:

* **the eraser's run** (``bot.services.retention``): first over a table of notices sent over
  the last 60 days (erasing half), then again with nothing left to erase (the steady state);
* **/delete_me's search** for notices others were sent that name the member
  (``storage.retention.erase_notices_naming``).

Baseline in the same run: the statement /delete_me ran before (deleting the member's own
notices by recipient, a scan of the same table), so the ratios hold on a noisy machine.

    python benchmarks/retention.py [--notices 200000] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fair import empty  # noqa: E402  (benchmarks/fair.py: a database emptied first)
from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import delete, insert  # noqa: E402

from bot.services import notices  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from storage import retention  # noqa: E402
from storage.models import ScheduledTask, TaskStatus  # noqa: E402

CHUNK = 5_000
NICKNAMES = ("小雨", "阿明", "大伟", "晓晓", "Sam")
# Notices naming the member who deletes her data (her matches' relayed messages and the like).
HERS = 200


async def fill(sb: Sandbox, count: int) -> None:
    now, rng = sb.clock.now(), random.Random(7)
    rows: list[dict[str, Any]] = []
    for index in range(count):
        finished = now - timedelta(seconds=rng.uniform(0, 60 * 86_400))
        nickname = "鲸落" if index % (count // HERS or 1) == 0 else rng.choice(NICKNAMES)
        rows.append(
            {
                "kind": notices.KIND,
                "key": f"bench:{index}",
                "payload": {
                    "to": 10_000_000 + index % 5_000,
                    "lines": [["{nickname}: {text}", {"nickname": nickname, "text": "周末见"}]],
                },
                "member_id": None,
                "due_at": finished,
                "expires_at": None,
                "status": TaskStatus.DONE,
                "attempts": 1,
                "last_error": None,
                "created_at": finished,
                "started_at": finished,
                "finished_at": finished,
            }
        )
        if len(rows) == CHUNK:
            async with sb.app.services.db.begin() as session:
                await session.execute(insert(ScheduledTask), rows)
            rows = []
    if rows:
        async with sb.app.services.db.begin() as session:
            await session.execute(insert(ScheduledTask), rows)


async def timed(work: Any) -> float:
    started = time.perf_counter()
    await work
    return time.perf_counter() - started


async def delete_by_recipient(sb: Sandbox) -> None:
    async with sb.app.services.db.begin() as session:
        await session.execute(
            delete(ScheduledTask).where(ScheduledTask.payload["to"].as_integer() == 1)
        )


async def naming(sb: Sandbox) -> None:
    async with sb.app.services.db.begin() as session:
        await retention.erase_notices_naming(
            session, notices.KINDS, words=["鲸落", "王小雨"], telegram_id=10_004_242, member_id=7
        )


async def main(count: int, database_url: str | None) -> dict[str, Any]:
    await empty(database_url)
    settings = {"database_url": database_url} if database_url else {}
    async with Sandbox(**settings) as sb:
        await fill(sb, count)
        baseline = await timed(delete_by_recipient(sb))
        scan = await timed(naming(sb))
        first = await timed(sb.app.services.retention.erase_due())
        steady = await timed(sb.app.services.retention.erase_due())
        again = await timed(delete_by_recipient(sb))
    base = (baseline + again) / 2
    return {
        "notices": count,
        "baseline: delete by recipient (s)": round(base, 3),
        f"delete_me search, {HERS} notices naming her (s)": round(scan, 3),
        "delete_me search / baseline": round(scan / base, 2),
        "eraser run, erasing half (s)": round(first, 3),
        "eraser run, erasing half / baseline": round(first / base, 2),
        "eraser run, steady state (s)": round(steady, 3),
        "eraser run, steady state / baseline": round(steady / base, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notices", type=int, default=200_000)
    parser.add_argument("--database-url")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    emit(asyncio.run(main(arguments.notices, arguments.database_url)), arguments.json)
