"""Starting and stopping at a backlog (issue 23 §5): a bot that was down a day comes back to
200,000 overdue notices. ``huihui run`` is started as a real process against a stand-in for the
Bot API (tests/telegram_standin.py), and a member's /help waits in getUpdates.

Measured, each beside the same start on an empty backlog in this run (the baseline):

* the first member's reply: seconds from launching the process, and from its first getUpdates
  (the interpreter's imports and the migrations check do not depend on the backlog);
* SIGTERM while the backlog is being sent: seconds until the process exits, and its status;
* the notices sent before the stop, and that none was sent twice (each notice's text is unique).

Goals: the reply ≤ 1 s after start, the stop ≤ 10 s with status 0.

    python benchmarks/backlog.py [--members 2000] [--overdue 200000] [--send-for 3]
                                 [--database-url URL] [--json]

With ``--database-url`` (PostgreSQL) the benchmark uses a database of its own on that server,
``huihui_bench_backlog``, created and dropped through the server's ``postgres`` database.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from union import union_members  # noqa: E402  (benchmarks/union.py)

from bot.tools.sandbox import Sandbox  # noqa: E402
from storage.engine import create_engine, create_sessionmaker  # noqa: E402
from storage.models import ScheduledTask, TaskStatus  # noqa: E402
from tests.telegram_standin import Huihui, StandIn, telegram_standin  # noqa: E402
from tests.test_reaching_telegram import free_port  # noqa: E402

DATABASE = "huihui_bench_backlog"
MARK = "积压通知"
CHUNK = 5_000


async def _as_admin(database_url: str, statement: str) -> None:
    import asyncpg  # PostgreSQL only

    admin_url = make_url(database_url).set(drivername="postgresql", database="postgres")
    admin = await asyncpg.connect(admin_url.render_as_string(hide_password=False))
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def own_database(database_url: str | None, folder: Path) -> str:
    """A fresh database for this run: a file in ``folder``, or ``huihui_bench_backlog``."""
    if database_url is None:
        return f"sqlite+aiosqlite:///{folder / 'backlog.db'}"
    await _as_admin(database_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await _as_admin(database_url, f'CREATE DATABASE "{DATABASE}"')
    return make_url(database_url).set(database=DATABASE).render_as_string(hide_password=False)


async def populate(url: str, members: int) -> list[int]:
    """The union's verified members; their Telegram ids."""
    async with Sandbox(database_url=url) as sb:
        return await union_members(sb, members)


async def add_backlog(url: str, recipients: list[int], overdue: int) -> None:
    """``overdue`` notices that fell due over the 24 hours before now, each with its own text."""
    now = datetime.now(UTC)
    engine = create_engine(url)
    db = create_sessionmaker(engine)
    rows = (
        {
            "kind": "notice",
            "key": f"backlog:{i}",
            "payload": {
                "to": recipients[i % len(recipients)],
                "lines": [[MARK + " {n}", {"n": i}]],
            },
            "due_at": now - timedelta(hours=24) + timedelta(seconds=i * 86_000 / overdue),
            "status": TaskStatus.PENDING,
            "attempts": 0,
            "created_at": now - timedelta(hours=24),
        }
        for i in range(overdue)
    )
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            async with db.begin() as session:
                await session.execute(insert(ScheduledTask), batch)
            batch = []
    if batch:
        async with db.begin() as session:
            await session.execute(insert(ScheduledTask), batch)
    await engine.dispose()


async def task_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        rows = await session.execute(
            select(ScheduledTask.status, func.count())
            .where(ScheduledTask.key.like("backlog:%"))
            .group_by(ScheduledTask.status)
        )
        counts = {
            str(status.value if hasattr(status, "value") else status): n for status, n in rows
        }
    await engine.dispose()
    return counts


def start_and_stop(
    api: StandIn, url: str, member: int, folder: Path, name: str, send_for: float
) -> dict[str, Any]:
    """One start with /help waiting, then SIGTERM ``send_for`` seconds after the reply."""
    api.queue_message(member, "/help")
    launched = time.monotonic()
    bot = Huihui(
        name,
        folder,
        HUIHUI_DATABASE_URL=url,
        HUIHUI_BOT_API_URL=api.base(name),
        HUIHUI_HTTP_PORT=str(free_port()),
    )
    try:
        deadline = launched + 120
        while not api.senders_of(lambda s: s.sender == name and s.chat_id == member):
            if bot.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{name} never answered /help:\n{bot.log()}")
            time.sleep(0.005)
        replied = next(s.at for s in api.sent if s.sender == name and s.chat_id == member)
        first_poll = api.first_poll_by(name)
        assert first_poll is not None
        time.sleep(send_for)
        signalled = time.monotonic()
        bot.process.terminate()
        try:
            status: int | None = bot.process.wait(60)
        except Exception:  # noqa: BLE001 - a stop that never returns is what is measured
            status = None
        stopped = time.monotonic()
    finally:
        bot.stop()
    return {
        "reply_after_launch_s": round(replied - launched, 3),
        "reply_after_first_poll_s": round(replied - first_poll, 3),
        "stop_s": round(stopped - signalled, 3),
        "exit_status": status,
        "log_tail": bot.log().splitlines()[-3:] if status != 0 else [],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="huihui-backlog-") as tmp:
        folder = Path(tmp)
        url = await own_database(args.database_url, folder)
        try:
            telegram_ids = await populate(url, args.members)
            # The stand-in keeps every update: each start has a member of its own to answer.
            (first, second), recipients = telegram_ids[-2:], telegram_ids[:-2]
            with telegram_standin() as api:
                empty = start_and_stop(api, url, first, folder, "empty", args.send_for)
                started = time.perf_counter()
                await add_backlog(url, recipients, args.overdue)
                filled_s = time.perf_counter() - started
                loaded = start_and_stop(api, url, second, folder, "backlog", args.send_for)
                notices = [s.text for s in api.sent if s.sender == "backlog" and MARK in s.text]
            counts = await task_counts(url)
        finally:
            if args.database_url is not None:
                await _as_admin(
                    args.database_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'
                )
    repeated = sum(n - 1 for n in Counter(notices).values() if n > 1)
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "members": args.members,
        "overdue_notices": args.overdue,
        "backlog_written_s": round(filled_s, 1),
        "empty_reply_after_launch_s": empty["reply_after_launch_s"],
        "backlog_reply_after_launch_s": loaded["reply_after_launch_s"],
        "empty_reply_after_first_poll_s": empty["reply_after_first_poll_s"],
        "backlog_reply_after_first_poll_s": loaded["reply_after_first_poll_s"],
        "reply_after_launch_ratio": round(
            loaded["reply_after_launch_s"] / empty["reply_after_launch_s"], 2
        ),
        "reply_after_first_poll_ratio": round(
            loaded["reply_after_first_poll_s"] / empty["reply_after_first_poll_s"], 2
        ),
        "empty_stop_s": empty["stop_s"],
        "backlog_stop_s": loaded["stop_s"],
        "empty_exit_status": empty["exit_status"],
        "backlog_exit_status": loaded["exit_status"],
        "notices_sent_before_stop": len(notices),
        "notices_sent_twice": repeated,
        "notices_marked_done": counts.get(TaskStatus.DONE.value, 0),
        "notices_still_pending": counts.get(TaskStatus.PENDING.value, 0),
        "notices_left_running": counts.get(TaskStatus.RUNNING.value, 0),
        "backlog_log_tail": loaded["log_tail"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--overdue", type=int, default=200_000)
    parser.add_argument("--send-for", type=float, default=3.0, help="seconds before SIGTERM")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    emit(asyncio.run(run(args)), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
