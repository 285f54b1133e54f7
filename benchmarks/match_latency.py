"""/match latency at scale: a synthetic population of N completed profiles, and members asking
for suggestions through the sandbox (the real Application, database and engine, no network).

Baseline in the same run: naive scoring — every eligible profile loaded and ranked in Python for
one viewer. Target: p95 ≤ 150 ms at 100,000 profiles.

Nobody left: a member of 52 who insists on partners of 50–55 (the population is 20–45) asks
for suggestions; target ≤ 100 ms at 1,000,000 profiles. Baseline in the same run: the same
requests with the age index's shortcut switched off (the whole gender read in shuffle order).

    python benchmarks/match_latency.py [--profiles 100000] [--database-url URL] [--json]

At a million profiles, load while the machine is busy and measure when it is idle:

    python benchmarks/match_latency.py --profiles 1000000 --database-url URL --load-only
    python benchmarks/match_latency.py --profiles 1000000 --database-url URL --loaded
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, select, text  # noqa: E402

from bot.app.serve import keep_what_started  # noqa: E402
from bot.domain.match_profile import to_profile  # noqa: E402
from bot.domain.matching import rank, rarity  # noqa: E402
from bot.tools.population import FIRST_TELEGRAM_ID, populate  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from storage import matching as match_storage  # noqa: E402
from storage import migrate  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.models import MatchProfile, ProfileAnswer  # noqa: E402

TARGET_P95_MS = 150.0
NOBODY_LEFT_TARGET_MS = 100.0


async def load(sb: Sandbox, count: int) -> float:
    """Insert ``count`` verified members with complete profiles; returns seconds taken."""
    started = time.perf_counter()
    now = sb.clock.now()
    await populate(sb.app.services.db, now, now.astimezone(sb.settings.tz).year, count)
    # A live database has planner statistics and, on PostgreSQL, a visibility map that lets
    # index-only scans skip the table (autovacuum keeps both); a bulk load has neither yet.
    async with sb.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        postgres = connection.dialect.name == "postgresql"
        await autocommit.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def naive(sb: Sandbox, viewers: list[int]) -> list[float]:
    """Load every eligible profile and rank them all in Python, per viewer (ms)."""
    year = sb.clock.now().astimezone(sb.settings.tz).year
    timings = []
    for viewer_id in viewers:
        started = time.perf_counter()
        async with sb.app.services.db() as session:
            rows = (
                (await session.execute(select(MatchProfile).where(MatchProfile.eligible)))
                .scalars()
                .all()
            )
        pool = [to_profile(r.member_id, r.__dict__, year) for r in rows]
        viewer = next(p for p in pool if p.id == viewer_id)
        rank(viewer, pool, idf=rarity(pool), limit=1)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def nobody_left(sb: Sandbox, member_id: int, requests: int) -> list[float]:
    """/match latencies (ms) of a member whom nobody fits (see the module's docstring)."""
    year = sb.clock.now().astimezone(sb.settings.tz).year
    async with sb.app.services.db.begin() as session:
        for question, value in (("birth_year", year - 52), ("seek_age", [50, 55])):
            answer = await session.get(ProfileAnswer, (member_id, question))
            assert answer is not None
            answer.value, answer.must_have = value, True
        await match_storage.refresh_profile(session, member_id, sb.clock.now())
    member = sb.user("nobody-left", user_id=FIRST_TELEGRAM_ID + member_id)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        await member.send("/match")
        timings.append((time.perf_counter() - started) * 1000)
    assert "💡" not in member.last_text() and "岁" not in member.last_text()
    return timings


async def many_of_every_age(*_args: Any) -> None:
    """Stands in for storage.matching._few_of_age: never few, so the sample reads on."""
    return None


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.database_url and not args.loaded:
        engine = create_engine(args.database_url)
        await migrate.downgrade(engine, "base")
        await engine.dispose()
    async with Sandbox(database_url=args.database_url, daily_cards=10_000) as sb:
        if args.loaded:
            async with sb.app.services.db() as session:
                found = await session.scalar(select(func.count()).select_from(MatchProfile))
            if found != args.profiles:
                raise SystemExit(
                    f"--loaded: the database holds {found} profiles, not {args.profiles}"
                )
            load_seconds = None
        else:
            load_seconds = await load(sb, args.profiles)
        if args.load_only:
            return {"profiles": args.profiles, "load_seconds": round(load_seconds or 0, 1)}
        keep_what_started()  # as huihui run does once the bot is up (bot.app.serve.now_serving)
        step = max(1, args.profiles // args.viewers)
        viewer_ids = list(range(1, args.profiles + 1, step))[: args.viewers]
        viewers = [sb.user(f"v{i}", user_id=FIRST_TELEGRAM_ID + i) for i in viewer_ids]
        latencies: list[float] = []
        for round_ in range(args.requests):
            for viewer in viewers:
                started = time.perf_counter()
                if round_ == 0:
                    await viewer.send("/match")
                else:
                    await viewer.press("下一位" if round_ % 3 else "❤️")
                latencies.append((time.perf_counter() - started) * 1000)
        cards = sum(1 for v in viewers for text in v.texts() if "💡" in text or "岁" in text)
        naive_ms = await naive(sb, viewer_ids[: args.naive_viewers])
        alone_ms = await nobody_left(sb, 2, args.requests)
        few_of_age = match_storage._few_of_age
        match_storage._few_of_age = many_of_every_age  # the age index's shortcut off
        alone_baseline_ms = await nobody_left(sb, 2, args.requests)
        match_storage._few_of_age = few_of_age
    return {
        "profiles": args.profiles,
        "database": (args.database_url or "sqlite").split(":")[0],
        "load_seconds": None if load_seconds is None else round(load_seconds, 1),
        "requests": len(latencies),
        "cards_shown": cards,
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "mean_ms": round(statistics.mean(latencies), 1),
        "naive_p50_ms": round(percentile(naive_ms, 0.5), 1),
        "naive_p95_ms": round(percentile(naive_ms, 0.95), 1),
        "speedup_vs_naive_p50": round(percentile(naive_ms, 0.5) / percentile(latencies, 0.5), 1),
        "target_met": percentile(latencies, 0.95) <= TARGET_P95_MS,
        "nobody_left_p50_ms": round(percentile(alone_ms, 0.5), 1),
        "nobody_left_p95_ms": round(percentile(alone_ms, 0.95), 1),
        "nobody_left_without_age_index_p50_ms": round(percentile(alone_baseline_ms, 0.5), 1),
        "nobody_left_speedup": round(
            percentile(alone_baseline_ms, 0.5) / percentile(alone_ms, 0.5), 1
        ),
        "nobody_left_target_met": percentile(alone_ms, 0.95) <= NOBODY_LEFT_TARGET_MS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="/match presses per viewer")
    parser.add_argument("--naive-viewers", type=int, default=5)
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    # Loading a million profiles takes many minutes: it can run while the machine is busy, and
    # the measuring later, once, when it is idle.
    parser.add_argument(
        "--load-only", action="store_true", help="load the profiles into --database-url and stop"
    )
    parser.add_argument(
        "--loaded",
        action="store_true",
        help="--database-url holds what --load-only loaded (unused since): measure only",
    )
    args = parser.parse_args()
    if (args.load_only or args.loaded) and not args.database_url:
        parser.error("--load-only and --loaded need --database-url")
    report = asyncio.run(run(args))
    emit(report, args.json)
    return 0 if args.load_only or report["cards_shown"] > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
