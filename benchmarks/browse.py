"""Browsing with filters in the member's Mini App, at scale: a synthetic population of N completed
profiles, members asking for pages of people over HTTP (the real web app, initData checked,
the service, the database, the engine, the page rendered) with filter combinations from none to
rare (ages at the population's edge, one district, a doctorate, a rare hobby, new this week).

Every request searches for new people (the daily number is set out of the way), the costliest
case. Baseline in the same run: /match's next card (the chat's service) for the same members.
Target: p95 ≤ 200 ms at 1,000,000 profiles, no event-loop step > 100 ms.

    python benchmarks/browse.py [--profiles 100000] [--database-url URL] [--json]
    python benchmarks/browse.py --profiles 1000000 --seed 50000 --database-url URL --load-only
    python benchmarks/browse.py --profiles 1000000 --database-url URL --loaded
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from match_latency import load, percentile  # noqa: E402
from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import Table, func, select, text  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from bot.app.serve import keep_what_started  # noqa: E402
from bot.tools.loop_monitor import LoopMonitor  # noqa: E402
from bot.tools.population import FIRST_TELEGRAM_ID  # noqa: E402
from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox  # noqa: E402
from bot.web import miniapp  # noqa: E402
from bot.web.initdata import sign  # noqa: E402
from bot.web.miniapp.pages import INIT_DATA_HEADER  # noqa: E402
from storage import migrate  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.models import MatchProfile, Member, ProfileAnswer  # noqa: E402

TARGET_P95_MS = 200.0
TARGET_STEP_MS = 100.0  # the event loop's longest step while browsing
# From no filter to a combination few members meet.
FILTERS = (
    "",
    "age_min=25&age_max=32",
    "districts=浦东新区",
    "districts=崇明区&districts=金山区",
    "education_min=master",
    "hobbies=hiking&hobbies=photography",
    "height_min=175&height_max=190",
    "marital=divorced",
    "new_this_week=1&active_this_month=1",
    "age_min=40&age_max=45&education_min=doctorate",
    "age_min=43&age_max=45&districts=崇明区&hobbies=calligraphy&marital=divorced",
    "age_min=30&age_max=35&districts=徐汇区&education_min=bachelor&height_min=160"
    "&hobbies=reading&active_this_month=1",
)


async def load_copies(sb: Sandbox, count: int, seed: int) -> float:
    """``seed`` profiles made as the other benchmarks make them, then copied in SQL (new ids,
    Telegram ids and shuffle) up to ``count``: a million loaded in minutes rather than an hour
    and a half. The filters' shares are the seed's; returns seconds taken."""
    started = time.perf_counter()
    await load(sb, seed)
    postgres = sb.engine.dialect.name == "postgresql"
    shuffled = "(random() * 2147483646)::int" if postgres else "abs(random() % 2147483646)"
    moved = {"id": "id + :offset", "telegram_id": "telegram_id + :offset"}
    moved |= {"member_id": "member_id + :offset", "shuffle": shuffled}
    for copy in range(1, -(-count // seed)):
        offset, size = copy * seed, min(seed, count - copy * seed)
        async with sb.engine.begin() as connection:
            for model in (Member, MatchProfile, ProfileAnswer):
                table = cast(Table, model.__table__)
                key = "id" if model is Member else "member_id"
                names = [column.name for column in table.columns]
                values = ", ".join(moved.get(name, name) for name in names)
                await connection.execute(
                    text(
                        f"INSERT INTO {table.name} ({', '.join(names)}) "
                        f"SELECT {values} FROM {table.name} WHERE {key} <= :size"
                    ),
                    {"offset": offset, "size": size},
                )
    async with sb.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.database_url and not args.loaded:
        engine = create_engine(args.database_url)
        await migrate.downgrade(engine, "base")
        await engine.dispose()
    async with Sandbox(database_url=args.database_url, daily_cards=1_000_000) as sb:
        if args.loaded:
            async with sb.app.services.db() as session:
                found = await session.scalar(select(func.count()).select_from(MatchProfile))
            if found != args.profiles:
                raise SystemExit(f"--loaded: the database holds {found} profiles")
            load_seconds = None
        else:
            seed = min(args.seed or args.profiles, args.profiles)
            load_seconds = await load_copies(sb, args.profiles, seed)
        if args.load_only:
            return {"profiles": args.profiles, "load_seconds": round(load_seconds or 0, 1)}
        keep_what_started()
        step = max(1, args.profiles // args.viewers)
        viewers = [FIRST_TELEGRAM_ID + i for i in range(1, args.profiles + 1, step)]
        viewers = viewers[: args.viewers]
        app = Starlette(routes=miniapp.routes(sb.app.services))
        transport = httpx.ASGITransport(app=app)
        latencies: list[float] = []
        by_filter: dict[str, list[float]] = {query: [] for query in FILTERS}
        cards = 0
        monitor = LoopMonitor()
        async with (
            monitor,
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            for viewer in viewers:
                user = {"id": viewer, "first_name": "v", "language_code": "zh-hans"}
                headers = {INIT_DATA_HEADER: sign(user, SANDBOX_TOKEN, sb.clock.now())}
                for query in FILTERS:
                    for more in ("", "&more=1")[: args.pages]:
                        started = time.perf_counter()
                        answer = await client.get(
                            f"/app/member/browse/cards?{query}{more}", headers=headers
                        )
                        took = (time.perf_counter() - started) * 1000
                        assert answer.status_code == 200, answer.text[:200]
                        cards += answer.text.count('class="card"')
                        latencies.append(took)
                        by_filter[query].append(took)
        baseline: list[float] = []
        matchmaking = sb.app.services.matchmaking
        for viewer in viewers:
            for _ in range(args.pages * 3):
                started = time.perf_counter()
                await matchmaking.next_card(viewer)
                baseline.append((time.perf_counter() - started) * 1000)
    slowest = max(by_filter, key=lambda q: percentile(by_filter[q], 0.95))
    return {
        "profiles": args.profiles,
        "database": (args.database_url or "sqlite").split(":")[0],
        "load_seconds": None if load_seconds is None else round(load_seconds, 1),
        "requests": len(latencies),
        "cards_shown": cards,
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "mean_ms": round(statistics.mean(latencies), 1),
        "slowest_filter": slowest or "(none)",
        "slowest_filter_p95_ms": round(percentile(by_filter[slowest], 0.95), 1),
        "match_next_card_p50_ms": round(percentile(baseline, 0.5), 1),
        "match_next_card_p95_ms": round(percentile(baseline, 0.95), 1),
        "p95_vs_match_p95": round(percentile(latencies, 0.95) / percentile(baseline, 0.95), 2),
        "p95_ms_by_filter": {
            query or "(none)": round(percentile(took, 0.95), 1) for query, took in by_filter.items()
        },
        "p50_ms_by_filter": {
            query or "(none)": round(percentile(took, 0.5), 1) for query, took in by_filter.items()
        },
        "longest_step_ms": round(monitor.longest_step * 1000, 1),
        "longest_step_was": monitor.longest_step_was[:160],
        "target_met": percentile(latencies, 0.95) <= TARGET_P95_MS
        and monitor.longest_step * 1000 <= TARGET_STEP_MS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--pages", type=int, default=2, choices=(1, 2), help="per filter")
    parser.add_argument("--seed", type=int, help="profiles generated; the rest copies of them")
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--load-only", action="store_true", help="load into --database-url")
    parser.add_argument("--loaded", action="store_true", help="measure what --load-only loaded")
    args = parser.parse_args()
    if (args.load_only or args.loaded) and not args.database_url:
        parser.error("--load-only and --loaded need --database-url")
    report = asyncio.run(run(args))
    emit(report, args.json)
    return 0 if args.load_only or report["cards_shown"] > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
