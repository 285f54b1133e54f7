"""A union at the scale of Shanghai's programme, through the real Application and database with
the sandbox in place of Telegram:

* **statistics**: a superadmin's /stats, /export_stats and /export_stats xlsx with 100,000
  members, 80,000 likes and 10,000 matches — time to the answer (target ≤ 1 s), the event
  loop's longest stall, memory growth during the request (target < 50 MB), and another
  member's /match while /stats runs. Baseline in the same run: the same figures computed the
  way they were before issue 15 (every member's row and answers loaded into Python);
* **start-up**: a bot whose roster lists 1,000,000 members and whose database holds the
  conversations of 300,000 who ever talked to it (most idle for months), started in a fresh
  process: time to the first answer and memory (targets < 1 s, < 200 MB). Baseline in the same
  run: the same start with every conversation loaded (idle expiry switched off). The first
  start after an upgrade also closes the long idle conversations (reported on its own).

    python benchmarks/union.py [--members 100000] [--roster 1000000] [--talked 300000]
                               [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, insert, select, text  # noqa: E402

from bot.app.serve import keep_what_started  # noqa: E402
from bot.domain.units import parse_units  # noqa: E402
from bot.tools.loop_monitor import LoopMonitor  # noqa: E402
from bot.tools.population import FIRST_TELEGRAM_ID, populate  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from conversations import charts  # noqa: E402
from storage import migrate, units  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.models import (  # noqa: E402
    ConversationState,
    Match,
    MatchDecision,
    Member,
    ProfileAnswer,
    RosterEntry,
    UserData,
)

UNIT = "上海市总工会"
SUPERADMIN = 42
CHUNK = 10_000
STATS_TARGET_SECONDS = 1.0
MEMORY_TARGET_MB = 50
START_TARGET_SECONDS = 1.0
START_MEMORY_TARGET_MB = 200


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemoryPeak:
    """The highest resident memory while the block runs, sampled every 5 ms."""

    async def __aenter__(self) -> MemoryPeak:
        self.before = rss_mb()
        self.peak = self.before
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._task.cancel()
        self.peak = max(self.peak, rss_mb())

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb())
            await asyncio.sleep(0.005)

    @property
    def growth(self) -> float:
        return self.peak - self.before


async def empty(database_url: str | None) -> None:
    if database_url:
        engine = create_engine(database_url)
        await migrate.downgrade(engine, "base")
        await engine.dispose()


async def settled(database_url: str | None) -> None:
    """PostgreSQL's statistics and visibility map brought up to date after a bulk load, as its
    autovacuum does within minutes: a baseline measured straight after loading a million
    members measured PostgreSQL catching up (a /match p95 of 1.6 s, then 11 ms)."""
    if database_url and database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM (ANALYZE)"))
        await engine.dispose()


async def insert_chunked(sb: Sandbox, model: Any, rows: Any) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            async with sb.app.services.db.begin() as session:
                await session.execute(insert(model), batch)
            batch = []
    if batch:
        async with sb.app.services.db.begin() as session:
            await session.execute(insert(model), batch)


async def union_members(sb: Sandbox, members: int) -> list[int]:
    """The union with ``members`` verified members with complete profiles; their Telegram ids."""
    async with sb.app.services.db.begin() as session:
        await units.save_specs(session, parse_units(f'[[unit]]\nname = "{UNIT}"\nkind = "city"\n'))
        unit_id = (await units.by_name(session, UNIT)).id
    now = sb.clock.now()
    year = now.astimezone(sb.settings.tz).year
    return await populate(sb.app.services.db, now, year, members, unit_id=unit_id)


async def a_union(sb: Sandbox, members: int) -> list[int]:
    """``union_members``, who have liked and matched each other as in a busy union."""
    telegram_ids = await union_members(sb, members)
    now = sb.clock.now()
    chooser = random.Random(3)
    likes = {(chooser.randint(1, members), chooser.randint(1, members)) for _ in range(80_000)}
    await insert_chunked(
        sb,
        MatchDecision,
        (
            {"viewer_id": a, "candidate_id": b, "liked": True, "created_at": now}
            for a, b in likes
            if a != b
        ),
    )
    pairs = {tuple(sorted(chooser.sample(range(1, members + 1), 2))) for _ in range(10_000)}
    await insert_chunked(
        sb,
        Match,
        ({"member_a": a, "member_b": b, "source": "like", "created_at": now} for a, b in pairs),
    )
    async with sb.app.services.db.begin() as session:
        await session.execute(text("ANALYZE"))
    return telegram_ids


async def loaded_rows_baseline(sb: Sandbox) -> dict[str, Any]:
    """What /stats did before: every member's row and wanted answers loaded and counted in
    Python (the rest of the figures were the same aggregate queries). It passed the members'
    ids in the query, which PostgreSQL refuses beyond 32,767 — at this size the old /stats
    failed there; the baseline selects them in a subquery instead, to have a figure."""
    in_scope = select(Member.id).where(Member.unit_id.is_not(None))
    async with LoopMonitor() as monitor, MemoryPeak() as memory:
        started = time.perf_counter()
        async with sb.app.services.db() as session:
            members = (
                await session.execute(
                    select(
                        Member.id, Member.profile_completed_at, Member.paused, Member.last_seen_at
                    ).where(Member.unit_id.is_not(None))
                )
            ).all()
            answers = (
                await session.execute(
                    select(ProfileAnswer.question, ProfileAnswer.value).where(
                        ProfileAnswer.member_id.in_(in_scope),
                        ProfileAnswer.question.in_(
                            ("gender", "birth_year", "education", "industry", "district")
                        ),
                    )
                )
            ).all()
            likes = await session.scalar(
                select(func.count())
                .select_from(MatchDecision)
                .where(MatchDecision.viewer_id.in_(in_scope), MatchDecision.liked.is_(True))
            )
        counted = Counter((question, str(value)) for question, value in answers)
        seconds = time.perf_counter() - started
    assert members and counted and likes
    return {
        "seconds": round(seconds, 2),
        "longest_stall_ms": round(monitor.longest * 1000, 1),
        "longest_step_ms": round(monitor.longest_step * 1000, 1),
        "memory_growth_mb": round(memory.growth, 1),
    }


async def answered_in(member: Any, text_: str) -> float:
    before = len(member.bot_messages())
    started = time.perf_counter()
    sending = asyncio.create_task(member.send(text_))
    while len(member.bot_messages()) == before and not sending.done():
        await asyncio.sleep(0.001)
    answered = time.perf_counter() - started
    await sending
    return answered * 1000


async def statistics(args: argparse.Namespace) -> dict[str, Any]:
    await empty(args.database_url)
    async with Sandbox(database_url=args.database_url, superadmins=str(SUPERADMIN)) as sb:
        members = await a_union(sb, args.members)
        keep_what_started()  # as huihui run does once the bot is up (bot.app.serve.now_serving)
        await charts.warm_up()
        admin, other = sb.user("superadmin", user_id=SUPERADMIN), sb.user("m", user_id=members[0])
        idle_match = [await answered_in(other, "/match") for _ in range(5)]
        result: dict[str, Any] = {"members": args.members}
        for command in ("/stats", "/export_stats", "/export_stats xlsx"):
            async with LoopMonitor() as monitor, MemoryPeak() as memory:
                started = time.perf_counter()
                before = len(admin.bot_messages())
                request = asyncio.create_task(admin.send(command))
                await asyncio.sleep(0.01)
                during = await answered_in(other, "/match") if command == "/stats" else None
                while len(admin.bot_messages()) == before and not request.done():
                    await asyncio.sleep(0.001)
                answered = time.perf_counter() - started  # the figures (or the file)
                await request
                seconds = time.perf_counter() - started  # for /stats: the chart too
            name = command.strip("/").replace(" ", "_")
            result[name] = {
                "answered_seconds": round(answered, 2),
                "seconds": round(seconds, 2),
                "longest_stall_ms": round(monitor.longest * 1000, 1),
                "longest_step_ms": round(monitor.longest_step * 1000, 1),
                "memory_growth_mb": round(memory.growth, 1),
                "target_met": answered <= STATS_TARGET_SECONDS and memory.growth < MEMORY_TARGET_MB,
            }
            if during is not None:
                result[name]["other_member_match_ms"] = round(during, 1)
                result[name]["other_member_match_idle_ms"] = round(min(idle_match), 1)
        result["stats_baseline_loading_rows"] = await loaded_rows_baseline(sb)
    return result


async def a_crowded_database(args: argparse.Namespace, url: str) -> None:
    """The roster of ``--roster`` members; ``--talked`` of them ever talked to the bot, each
    left in the middle of signing up at some moment of the past year, a draft in their data."""
    await empty(args.database_url)
    async with Sandbox(database_url=url) as sb:
        async with sb.app.services.db.begin() as session:
            await units.save_specs(
                session, parse_units(f'[[unit]]\nname = "{UNIT}"\nkind = "city"\n')
            )
            unit_id = (await units.by_name(session, UNIT)).id
        now = sb.clock.now()
        await insert_chunked(
            sb,
            RosterEntry,
            (
                {
                    "unit_id": unit_id,
                    "member_number": f"SH{n:08d}",
                    "real_name": f"会员{n}",
                    "employer": f"单位{n % 5000}",
                    "phone": f"139{n:08d}",
                    "imported_at": now,
                }
                for n in range(args.roster)
            ),
        )
        chooser = random.Random(4)
        talked = range(1, args.talked + 1)
        await insert_chunked(
            sb,
            Member,
            (
                {
                    "id": n,
                    "telegram_id": FIRST_TELEGRAM_ID + n,
                    "created_at": now,
                    "last_seen_at": now,
                }
                for n in talked
            ),
        )
        await insert_chunked(
            sb,
            ConversationState,
            (
                {
                    "name": "onboarding",
                    "key": json.dumps([FIRST_TELEGRAM_ID + n] * 2),
                    "state": "active",
                    "updated_at": now - timedelta(days=chooser.uniform(0, 365)),
                }
                for n in talked
            ),
        )
        await insert_chunked(
            sb,
            UserData,
            (
                {
                    "user_id": FIRST_TELEGRAM_ID + n,
                    "data": {"claim": {"name": f"会员{n}", "number": f"SH{n:08d}"}},
                }
                for n in talked
            ),
        )


def start_in_a_fresh_process(url: str, idle_days: int) -> dict[str, Any]:
    started = subprocess.run(
        [sys.executable, __file__, "--start-only", "--database-url", url, "--idle", str(idle_days)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(started.stdout.strip().splitlines()[-1])


async def start_only(args: argparse.Namespace) -> dict[str, Any]:
    """In this fresh process: start the bot, answer one member, report time and memory."""
    before = rss_mb()
    started = time.perf_counter()
    async with Sandbox(database_url=args.database_url, conversation_idle_days=args.idle) as sb:
        member = sb.user("m", user_id=FIRST_TELEGRAM_ID + 1)
        await member.send("/help")
        first_answer = time.perf_counter() - started
        assert member.last_text()
        after = rss_mb()
    return {
        "seconds_to_first_answer": round(first_answer, 2),
        "rss_mb": round(after, 1),
        "rss_growth_mb": round(after - before, 1),
    }


async def start_up(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="huihui-union-") as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{directory}/union.db"
        await a_crowded_database(args, url)
        # The baseline first: the real start closes (deletes) the long idle conversations,
        # once; every start after that only reads the open ones.
        baseline = start_in_a_fresh_process(url, 3650)
        first = start_in_a_fresh_process(url, 30)
        now = start_in_a_fresh_process(url, 30)
    return {
        "roster": args.roster,
        "ever_talked": args.talked,
        "start": now
        | {
            "target_met": now["seconds_to_first_answer"] < START_TARGET_SECONDS
            and now["rss_mb"] < START_MEMORY_TARGET_MB
        },
        "first_start_closing_idle_conversations": first,
        "start_baseline_every_conversation_loaded": baseline,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"database": (args.database_url or "sqlite").split(":")[0]}
    result |= await statistics(args)
    result |= await start_up(args)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--roster", type=int, default=1_000_000)
    parser.add_argument("--talked", type=int, default=300_000)
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--start-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--idle", type=int, default=30, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.start_only:
        print(json.dumps(asyncio.run(start_only(args))))
        return 0
    report = asyncio.run(run(args))
    emit(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
