"""The daily digest of a large union, through the real Application and database with the sandbox
in place of Telegram (notices go out at Telegram's 30 messages a second meanwhile).

``--members`` verified members with complete profiles, every one opted in to the digest: most
had yesterday's digest; ``--new`` completed their profile since; ``--first-time`` opted in since
and have had none. Today's market plan is made first (up to five planned cards each, as at four
in the morning), so the digest reads every member's planned cards too (``--no-plan``: none).
The digest task runs while other members ask for suggestions (/match, then 下一位, a moment to
read each card). Reported: seconds until every digest is written (target
≤ 30 s), the event loop's longest step (target ≤ 100 ms), and the askers' p95 during the digest
against their p95 idle, measured just before, kind by kind (/match, 下一位: benchmarks/busy.py)
(target ≤ 2×).

Baseline in the same run: the digest as it was before issue 23 — one transaction, one candidate
query per member — over the first ``--baseline-members`` members (rolled back, so the real run
starts from the same state); its time per member is projected to the whole union.

On a shared, loaded machine wall time includes waiting for a core: also reported are the CPU
seconds of the process during the digest (the askers' included) and the most CPU time the
event loop spent in one step.

    python benchmarks/digest.py [--members 30000] [--new 300] [--first-time 300]
                                [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from busy import Askers, by_kind, p95_ratio, stop_sending, summary  # noqa: E402  (benchmarks/busy.py)
from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, select, text, update  # noqa: E402
from union import empty, union_members  # noqa: E402  (benchmarks/union.py)

from bot.app.serve import keep_what_started  # noqa: E402
from bot.services.matching.digest import KIND  # noqa: E402
from bot.services.work import DueTask  # noqa: E402
from bot.tools.loop_monitor import LoopMonitor  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from storage import matching  # noqa: E402
from storage.models import Member, ScheduledTask  # noqa: E402

TARGET_SECONDS = 30.0
# The machine's load shows as wall time the process did not run: the digest's CPU seconds
# (every thread of the bot's process) and the longest step's CPU time tell it apart.
TARGET_STEP_MS = 100.0
TARGET_P95_RATIO = 2.0
ASKERS = 100


async def a_union_waiting_for_its_digest(sb: Sandbox, args: argparse.Namespace) -> None:
    await union_members(sb, args.members)
    now = sb.clock.now()
    new_from = args.members - args.new - args.first_time
    async with sb.app.services.db.begin() as session:
        await session.execute(
            update(Member).values(
                digest=True,
                digest_until=now - timedelta(days=1),
                profile_completed_at=now - timedelta(days=2),
            )
        )
        await session.execute(
            update(Member)
            .where(Member.id > new_from)
            .values(profile_completed_at=now - timedelta(hours=2))
        )
        await session.execute(
            update(Member).where(Member.id > new_from + args.new).values(digest_until=None)
        )
    async with sb.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        postgres = connection.dialect.name == "postgresql"
        await autocommit.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))


async def one_transaction_baseline(sb: Sandbox, members: int) -> int:
    """The digest's reading as it was: every opted-in member in one transaction, one candidate
    query each, their cutoff moved on as it went; rolled back. Returns how many have news."""
    digest = sb.app.services.digest
    now = sb.clock.now()
    year = now.astimezone(sb.settings.tz).year
    waiting = 0
    async with sb.app.services.db() as session:
        opted_in = await session.scalars(
            select(Member)
            .where(
                Member.digest.is_(True),
                Member.paused.is_(False),
                Member.profile_completed_at.is_not(None),
                Member.telegram_id.is_not(None),
            )
            .order_by(Member.id)
            .limit(members)
        )
        for member in opted_in.all():
            viewer = await matching.profile_row(session, member.id)
            if viewer is None:
                continue
            new = await matching.pool(
                session,
                viewer,
                year,
                likers_only=False,
                limit=sb.settings.daily_cards,
                skips_forgotten_before=digest._matchmaking.skips_kept_since(),
                completed_after=member.digest_until,
            )
            member.digest_until = now
            await session.flush()
            waiting += bool(new)
        await session.rollback()
    return waiting


async def digests_written(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(ScheduledTask)
                .where(ScheduledTask.key.like(f"{KIND}:%:%"))
            )
        ) or 0


async def run(args: argparse.Namespace) -> dict[str, Any]:
    await empty(args.database_url)
    async with Sandbox(database_url=args.database_url, rate_limit=30) as sb:
        await a_union_waiting_for_its_digest(sb, args)
        planned = await sb.app.services.plans.make() if args.plan else 0
        keep_what_started()  # as huihui run does once the bot is up (bot.app.serve.now_serving)
        step = max(1, args.members // (2 * ASKERS))
        askers = Askers(sb, list(range(1, args.members, step))[: 2 * ASKERS])
        idle = await askers.idle(args.idle_requests)
        async with LoopMonitor() as baseline_monitor:
            baseline_waiting, baseline_during, baseline_seconds = await askers.during(
                one_transaction_baseline(sb, args.baseline_members)
            )
        now = sb.clock.now()
        task = DueTask(0, KIND, None, {}, now, now + timedelta(hours=3), 0)
        handler = sb.app.services.digest.task_kinds()[KIND].handler
        cpu_started = time.process_time()
        async with LoopMonitor() as monitor:
            _, during, seconds = await askers.during(handler(task))
        cpu_seconds = time.process_time() - cpu_started
        written = await digests_written(sb)
        await stop_sending(sb)
    ratio = p95_ratio(idle, during)
    per_member_baseline = baseline_seconds / args.baseline_members
    return {
        "database": (args.database_url or "sqlite").split(":")[0],
        "members_opted_in": args.members,
        "new_since_yesterday": args.new,
        "first_digest": args.first_time,
        "planned_cards": planned,
        "digests_written": written,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "longest_step_ms": round(monitor.longest_step * 1000, 1),
        "longest_step_cpu_ms": round(monitor.longest_step_cpu * 1000, 1),
        "longest_stall_ms": round(monitor.longest * 1000, 1),
        "longest_step_was": monitor.longest_step_was[:120],
        **summary("idle_match", idle),
        **summary("match_during_digest", during),
        **by_kind("during_digest", idle, during),
        "match_p95_vs_idle": round(ratio, 2),
        "baseline_members": args.baseline_members,
        "baseline_seconds": round(baseline_seconds, 1),
        "baseline_projected_seconds": round(per_member_baseline * args.members, 1),
        "baseline_with_news": baseline_waiting,
        "baseline_longest_step_ms": round(baseline_monitor.longest_step * 1000, 1),
        "baseline_longest_stall_ms": round(baseline_monitor.longest * 1000, 1),
        **summary("baseline_match_during", baseline_during),
        "speedup_vs_baseline": round(per_member_baseline * args.members / seconds, 1),
        "targets_met": seconds <= TARGET_SECONDS
        and monitor.longest_step * 1000 <= TARGET_STEP_MS
        and ratio <= TARGET_P95_RATIO,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--new", type=int, default=300, help="completed since yesterday")
    parser.add_argument("--first-time", type=int, default=300, help="never had a digest")
    parser.add_argument("--baseline-members", type=int, default=3_000)
    parser.add_argument(
        "--plan", action=argparse.BooleanOptionalAction, default=True, help="make today's plan"
    )
    parser.add_argument("--idle-requests", type=int, default=60)
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    emit(report, args.json)
    return 0 if report["digests_written"] > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
