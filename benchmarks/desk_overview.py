"""The organisers' desk at scale (issue 24: every screen's data ≤ 300 ms p95 at 100,000
members): a district's members spread over the last twelve months in ten workplace unions,
10,000 matches and 2,000 answered questions; the data of the overview (its first screen, its
month-by-month and per-unit tables), the monthly report workbook, the units-and-roles tree and
a member-number search, each timed over repeated requests (p95), with the event loop's longest
step. Baselines in the same run: the chat's /stats figures (``for_actor``), which the
overview's first screen counted until it read only what it shows (``overview``); the members'
months found by formatting each date in the local time zone (as before), beside their count
over each month's range of instants (``member_counts``, as now).

    python benchmarks/desk_overview.py [--members 100000] [--repeat 20]
                                       [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, insert, select  # noqa: E402

from bot.common.i18n import translator  # noqa: E402
from bot.common.wording.monthly import monthly_workbook  # noqa: E402
from bot.domain.units import parse_units  # noqa: E402
from bot.services.statistics import last_months, month_starts  # noqa: E402
from bot.tools.loop_monitor import LoopMonitor  # noqa: E402
from bot.tools.population import populate  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from storage import monthly, units  # noqa: E402
from storage.models import Match, Member, RosterEntry, Thread  # noqa: E402

ORGANISER = 7_000_001
MATCHMAKER = 7_000_002  # the district's matchmaker, who also answers its members' questions
TARGET_MS = 300
STEP_TARGET_SECONDS = 0.1
WORKPLACES = 10
UNITS = "\n".join(
    [
        '[[unit]]\nname = "上海市总工会"\nkind = "city"',
        f'[[unit]]\nname = "浦东新区总工会"\nkind = "district"\nparent = "上海市总工会"\n'
        f"organisers = [{ORGANISER}]\nmatchmakers = [{MATCHMAKER}]",
        *(
            f'[[unit]]\nname = "浦东第{n}基层工会"\nkind = "workplace"\nparent = "浦东新区总工会"'
            for n in range(1, WORKPLACES + 1)
        ),
    ]
)


async def a_district(sb: Sandbox, count: int) -> list[int]:
    """``count`` members over twelve months and ten workplace unions, with matches, questions
    and roster entries."""
    async with sb.app.services.db.begin() as session:
        await units.save_specs(session, parse_units(UNITS))
        workplaces = [
            (await units.by_name(session, f"浦东第{n}基层工会")).id  # type: ignore[union-attr]
            for n in range(1, WORKPLACES + 1)
        ]
    now = sb.clock.now()
    year = now.astimezone(sb.settings.tz).year
    telegram_ids: list[int] = []
    per_month = count // 12
    for month in range(12):
        telegram_ids += await populate(
            sb.app.services.db,
            now - timedelta(days=30 * month),
            year,
            per_month,
            unit_id=workplaces[month % WORKPLACES],
            first_member_id=month * per_month + 1,
        )
    ids = list(range(1, 12 * per_month + 1))
    shuffler = random.Random(7)
    async with sb.app.services.db.begin() as session:
        pairs = {tuple(sorted(shuffler.sample(ids, 2))) for _ in range(10_000)}
        await session.execute(
            insert(Match),
            [
                {
                    "member_a": a,
                    "member_b": b,
                    "source": "mutual",
                    "created_at": now - timedelta(days=shuffler.randrange(360)),
                }
                for a, b in pairs
            ],
        )
        units_of = dict((await session.execute(select(Member.id, Member.unit_id))).all())
        asked = shuffler.sample(ids, 2_000)
        await session.execute(
            insert(Thread),
            [
                {
                    "member_id": member,
                    "unit_id": units_of[member],
                    "kind": "ask",
                    "status": "closed",
                    "created_at": (opened := now - timedelta(days=shuffler.randrange(360))),
                    "first_answer_at": opened + timedelta(minutes=shuffler.randrange(1, 600)),
                }
                for member in asked
            ],
        )
        await session.execute(
            insert(RosterEntry),
            [
                {
                    "unit_id": units_of[member],
                    "member_number": f"PD{member:06d}",
                    "real_name": f"会员{member}",
                    "employer": "上海电气",
                    "member_id": member,
                    "imported_at": now,
                }
                for member in ids
            ],
        )
    return telegram_ids


async def timed(repeat: int, work: Callable[[], Awaitable[Any]]) -> dict[str, float]:
    took = []
    async with LoopMonitor() as monitor:
        for _ in range(repeat):
            started = time.perf_counter()
            await work()
            took.append((time.perf_counter() - started) * 1000)
    took.sort()
    p95 = took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]
    found = {
        "median_ms": round(statistics.median(took), 1),
        "p95_ms": round(p95, 1),
        "longest_step_ms": round(monitor.longest_step * 1000, 1),
        "target_met": p95 <= TARGET_MS,
        "load": round(os.getloadavg()[0], 2),  # the machine's, over the last minute
    }
    if monitor.longest_step > STEP_TARGET_SECONDS:
        found["longest_step_was"] = monitor.longest_step_was[:160]
    return found


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with Sandbox(database_url=args.database_url) as sb:
        await a_district(sb, args.members)
        services = sb.app.services
        _ = translator("zh")

        async def report() -> bytes:
            months = await services.statistics.monthly(ORGANISER)
            assert months is not None
            return await asyncio.to_thread(
                monthly_workbook, _, months, services.settings, services.clock.now()
            )

        async def found() -> None:
            assert await services.people.find(ORGANISER, "PD000123")

        async def months_by_formatting() -> None:
            """Baseline: each member's months formatted in the local time zone (as before)."""
            now, tz = services.clock.now(), services.settings.tz
            async with services.db() as session:
                scope = await services.administration.scope_of(ORGANISER)
                verified = monthly.month_of(session, Member.verified_at, tz, now)
                completed = monthly.month_of(session, Member.profile_completed_at, tz, now)
                active = Member.last_seen_at >= now - timedelta(days=30)
                await session.execute(
                    select(Member.unit_id, verified, completed, active, func.count())
                    .where(Member.unit_id.in_(scope))  # type: ignore[arg-type]
                    .group_by(Member.unit_id, verified, completed, active)
                )

        async def months_by_starts() -> None:
            now, tz = services.clock.now(), services.settings.tz
            async with services.db() as session:
                scope = await services.administration.scope_of(ORGANISER)
                await monthly.member_counts(
                    session,
                    scope,  # type: ignore[arg-type]
                    month_starts(last_months(now, tz), tz),
                    now - timedelta(days=30),
                )

        result: dict[str, Any] = {"members": args.members}
        result["baseline_member_months_formatted"] = await timed(args.repeat, months_by_formatting)
        result["member_months_by_ranges"] = await timed(args.repeat, months_by_starts)
        result["baseline_overview_figures"] = await timed(
            args.repeat, lambda: services.statistics.for_actor(ORGANISER)
        )
        result["overview_screen"] = await timed(
            args.repeat, lambda: services.statistics.overview(ORGANISER)
        )
        result["months_and_units"] = await timed(
            args.repeat, lambda: services.statistics.monthly(ORGANISER)
        )
        result["monthly_report_workbook"] = await timed(args.repeat, report)
        result["units_and_roles"] = await timed(
            args.repeat, lambda: services.administration.units.tree(ORGANISER)
        )
        result["member_number_search"] = await timed(args.repeat, found)
        base = result["baseline_overview_figures"]["p95_ms"]
        for name in ("overview_screen", "months_and_units"):
            result[f"{name}_vs_baseline_p95"] = round(result[name]["p95_ms"] / base, 2)
        result["member_months_vs_baseline_p95"] = round(
            result["member_months_by_ranges"]["p95_ms"]
            / result["baseline_member_months_formatted"]["p95_ms"],
            2,
        )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    emit(asyncio.run(main(arguments)), arguments.json)
