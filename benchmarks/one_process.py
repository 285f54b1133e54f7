"""How far one process goes: updates per second of one bot process on PostgreSQL with a million
members, through the real Application with the sandbox in place of Telegram (Bot API round trips
of ``--latency``).

``--members`` members of the population at once each ask for suggestions and go through them
(/match, then 下一位 or ❤️, ``--presses`` times), as a union's evening rush would: every update
reads the candidate pool of a million profiles and writes what was shown. Reported: updates per
second, the members' p50 and p95 wait, the SQL statements per update, and the process's CPU time
per update. Baseline in the same run: the same on python-telegram-bot's default processor (one
update at a time), on ``--sequential-members``.

Loading a million profiles takes many minutes (``--seed-profiles`` made one by one as in
match_latency.py, the rest copies of them made inside PostgreSQL); it can run on its own while
the machine is busy, and the measuring later:

    python benchmarks/one_process.py --load-only [--database-url URL] [--profiles 1000000]
    python benchmarks/one_process.py --loaded [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from busy import Unsettled, percentile  # noqa: E402  (benchmarks/busy.py)
from match_latency import load  # noqa: E402  (benchmarks/match_latency.py)
from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import event, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from telegram.ext import SimpleUpdateProcessor  # noqa: E402

from bot.app.serve import keep_what_started  # noqa: E402
from bot.tools.population import FIRST_TELEGRAM_ID  # noqa: E402
from bot.tools.sandbox import ButtonNotFound, Sandbox, SimulatedUser  # noqa: E402
from storage import migrate  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.models import MatchProfile  # noqa: E402

DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:5432/huihui_one_process"
# Telegram's limits on what one bot sends: about 30 messages a second, and paid broadcasts
# (allow_paid_broadcast) up to 1,000 a second.
TELEGRAM_MESSAGES_PER_S = 30
TELEGRAM_PAID_BROADCAST_PER_S = 1_000


async def fresh_database(url: str) -> None:
    """Create the database if it is not there, and empty it."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    async with admin.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        exists = await autocommit.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            await autocommit.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    await admin.dispose()
    engine = create_engine(url)
    await migrate.downgrade(engine, "base")
    await engine.dispose()


# Columns a copy of a member's rows changes: its ids, and its place in the shuffle order.
COPIED = {
    "members": {"id": "id + :offset", "telegram_id": "telegram_id + :offset"},
    "match_profiles": {
        "member_id": "member_id + :offset",
        "shuffle": "(random() * 2147483647)::integer",
    },
    "profile_answers": {"member_id": "member_id + :offset"},
}


async def copies_up_to(url: str, target: int) -> None:
    """Copies of the members loaded so far (their match profiles and answers), made inside
    PostgreSQL, until there are ``target``: a million synthetic members one by one through
    Python take hours on this machine. A copy differs in its ids and shuffle place only, which
    the candidate pool's plans do not care about (the spread of ages, genders and districts
    stays the same)."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        seed = await connection.scalar(text("SELECT max(id) FROM members"))
        columns = {
            table: list(
                await connection.scalars(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = :table ORDER BY ordinal_position"
                    ),
                    {"table": table},
                )
            )
            for table in COPIED
        }
    for offset in range(seed, target, seed):
        async with engine.begin() as connection:
            for table, changed in COPIED.items():
                key = "id" if table == "members" else "member_id"
                listed = ", ".join(columns[table])
                chosen = ", ".join(changed.get(column, column) for column in columns[table])
                await connection.execute(
                    text(
                        f"INSERT INTO {table} ({listed}) SELECT {chosen} FROM {table} "
                        f"WHERE {key} <= :take"
                    ),
                    {"offset": offset, "take": min(seed, target - offset)},
                )
        print(f"  {offset + min(seed, target - offset)} members", file=sys.stderr)
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(
            text("SELECT setval(pg_get_serial_sequence('members', 'id'), max(id)) FROM members")
        )
        await autocommit.execute(text("VACUUM ANALYZE"))
    await engine.dispose()


async def go_through_suggestions(
    member: SimulatedUser, presses: int, latencies: list[float]
) -> None:
    for press in range(presses + 1):
        started = time.perf_counter()
        if press == 0:
            await member.send("/match")
        else:
            try:
                await member.press("❤️" if press % 4 == 0 else "下一位")
            except ButtonNotFound:  # nobody suggested last time: ask again
                await member.send("/match")
        latencies.append((time.perf_counter() - started) * 1000)


async def measure(
    args: argparse.Namespace, members: int, first: int, sequential: bool
) -> dict[str, Any]:
    processor = SimpleUpdateProcessor(1) if sequential else None
    async with Sandbox(
        database_url=args.database_url, api_latency=args.latency, update_processor=processor
    ) as sb:
        keep_what_started()  # as huihui run does once the bot is up
        world = Unsettled(sb)
        step = max(1, args.profiles // (members + args.sequential_members + 1))
        crowd = [
            SimulatedUser(
                world,
                user_id=FIRST_TELEGRAM_ID + first + n * step,
                first_name=f"m{n}",
                language_code="zh-hans",
                username=None,
                phone=f"+86137{n:08d}",
            )
            for n in range(members)
        ]
        statements = [0]
        event.listen(
            sb.engine.sync_engine,
            "before_cursor_execute",
            lambda *_a, **_k: statements.__setitem__(0, statements[0] + 1),
        )
        latencies: list[float] = []
        started, cpu_started = time.perf_counter(), time.process_time()
        await asyncio.gather(*(go_through_suggestions(m, args.presses, latencies) for m in crowd))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        cards = sum(1 for m in crowd for t in m.texts() if "岁" in t)
    updates = len(latencies)
    return {
        "updates": updates,
        "updates_per_s": round(updates / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "statements_per_update": round(statements[0] / updates, 1),
        "cpu_ms_per_update": round(cpu / updates * 1000, 2),
        "cards_shown": cards,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if not args.loaded:
        await fresh_database(args.database_url)
        started = time.perf_counter()
        async with Sandbox(database_url=args.database_url) as sb:
            await load(sb, min(args.seed_profiles, args.profiles))
        await copies_up_to(args.database_url, args.profiles)
        load_seconds = time.perf_counter() - started
        if args.load_only:
            return {"profiles": args.profiles, "load_seconds": round(load_seconds, 1)}
    engine = create_engine(args.database_url)
    async with engine.connect() as connection:
        found = await connection.scalar(select(func.count()).select_from(MatchProfile))
    await engine.dispose()
    if found != args.profiles:
        raise SystemExit(f"the database holds {found} profiles, not {args.profiles}")
    sequential = await measure(args, args.sequential_members, 1, sequential=True)
    concurrent = await measure(args, args.members, 2, sequential=False)
    rate = concurrent["updates_per_s"]
    return {
        "database": args.database_url.split(":")[0],
        "profiles": args.profiles,
        "members_at_once": args.members,
        "api_latency_s": args.latency,
        "updates_per_s": rate,
        "p50_ms": concurrent["p50_ms"],
        "p95_ms": concurrent["p95_ms"],
        "statements_per_update": concurrent["statements_per_update"],
        "cpu_ms_per_update": concurrent["cpu_ms_per_update"],
        "cards_shown": concurrent["cards_shown"],
        "sequential_updates_per_s": sequential["updates_per_s"],
        "vs_sequential": round(rate / sequential["updates_per_s"], 1),
        "vs_telegram_30_per_s": round(rate / TELEGRAM_MESSAGES_PER_S, 1),
        "vs_paid_broadcast_1000_per_s": round(rate / TELEGRAM_PAID_BROADCAST_PER_S, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=300, help="members asking at once")
    parser.add_argument("--sequential-members", type=int, default=10)
    parser.add_argument("--presses", type=int, default=9, help="cards each after /match")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per Bot API call")
    parser.add_argument("--database-url", default=DATABASE, help="PostgreSQL; emptied first")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--seed-profiles",
        type=int,
        default=50_000,
        help="made one by one as in match_latency.py; the rest are copies of them",
    )
    parser.add_argument("--load-only", action="store_true", help="load the profiles and stop")
    parser.add_argument("--loaded", action="store_true", help="measure what --load-only loaded")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    emit(report, args.json)
    return 0 if args.load_only or report["cards_shown"] > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
