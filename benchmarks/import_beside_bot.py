"""An operator imports a large roster with the command line while the bot serves members: how
long another member waits for /match meanwhile, beside the same member's idle /match.

The import runs as ``huihui roster import`` in its own process on the bot's database, as an
operator would run it: a file of at most 200,000 rows at a time (``roster_file.MAX_ROWS``; a
larger file is refused with "please split it"), one after another. Baseline in the same run:
the same files, each imported in one transaction (as before issue 15), which on SQLite holds
the database's one writer lock from a file's first row to its last.

    python benchmarks/import_beside_bot.py [--rows 1000000] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import itertools
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import emit  # noqa: E402  (benchmarks/report.py)
from union import UNIT, answered_in, empty, union_members  # noqa: E402

from bot.app.serve import keep_what_started  # noqa: E402
from bot.domain.roster_file import MAX_ROWS  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from bot.tools.synthetic import ROSTER_HEADER, synthetic_roster  # noqa: E402

# The baseline: huihui with each file imported in one transaction.
ONE_TRANSACTION = ROOT / "benchmarks" / "one_transaction_import.py"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def roster_files(folder: Path, rows: int) -> list[Path]:
    """``rows`` synthetic roster rows, split into files the importer accepts (the header is
    one of a file's rows)."""
    generated, per_file = synthetic_roster(rows), MAX_ROWS - 1
    files = []
    for number in range(math.ceil(rows / per_file)):
        path = folder / f"名册{number + 1}.csv"
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(ROSTER_HEADER)
            writer.writerows(itertools.islice(generated, per_file))
        files.append(path)
    return files


async def import_file(database_url: str, roster: Path, chunked: bool) -> None:
    command = ["-m", "bot.cli"] if chunked else [str(ONE_TRANSACTION)]
    importing = await asyncio.create_subprocess_exec(
        sys.executable,
        *command,
        "roster",
        "import",
        str(roster),
        "--unit",
        UNIT,
        cwd=ROOT,
        env=os.environ | {"HUIHUI_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await importing.communicate()
    assert importing.returncode == 0, errors.decode()[-2000:]


async def match_while_importing(
    member: Any, database_url: str, files: list[Path], chunked: bool
) -> dict[str, Any]:
    started = time.perf_counter()
    errors_before = errors_seen(member)

    async def import_all() -> None:
        for roster in files:
            await import_file(database_url, roster, chunked)

    importing = asyncio.create_task(import_all())
    # Answered: the member has the card. Handled: the bot has also written what the request
    # changes (what it showed), which waits for the database's writer lock.
    answered: list[float] = []
    handled: list[float] = []
    while not importing.done():
        asked = time.perf_counter()
        answered.append(await answered_in(member, "/match"))
        handled.append((time.perf_counter() - asked) * 1000)
        await asyncio.wait([importing], timeout=0.5)
    await importing
    return {
        "import_seconds": round(time.perf_counter() - started, 1),
        "match_requests": len(answered),
        "match_p50_ms": round(percentile(answered, 0.5), 1),
        "match_p95_ms": round(percentile(answered, 0.95), 1),
        "match_longest_ms": round(max(answered), 1),
        "match_handled_p95_ms": round(percentile(handled, 0.95), 1),
        "match_handled_longest_ms": round(max(handled), 1),
        # "Sorry, something went wrong" (say, "database is locked" past the busy timeout).
        "errors_seen": errors_seen(member) - errors_before,
    }


def errors_seen(member: Any) -> int:
    return sum("出了点问题" in text for text in member.texts())


async def run(args: argparse.Namespace) -> dict[str, Any]:
    await empty(args.database_url)
    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database_url or f"sqlite+aiosqlite:///{folder}/huihui.db"
        files = roster_files(Path(folder), args.rows)
        async with Sandbox(database_url=database_url, daily_cards=10_000) as sb:
            members = await union_members(sb, args.members)
            keep_what_started()  # as huihui run does once the bot is up
            member = sb.user("m", user_id=members[0])
            idle = [await answered_in(member, "/match") for _ in range(20)]
            result: dict[str, Any] = {
                "database": database_url.split(":")[0],
                "rows": args.rows,
                "idle_match_p50_ms": round(percentile(idle, 0.5), 1),
                "idle_match_p95_ms": round(percentile(idle, 0.95), 1),
                "chunked": await match_while_importing(member, database_url, files, True),
                # The second import updates every row instead of adding it: the same work.
                "one_transaction_baseline": await match_while_importing(
                    member, database_url, files, False
                ),
            }
    result["match_p95_vs_idle"] = round(
        result["chunked"]["match_p95_ms"] / result["idle_match_p95_ms"], 1
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=10_000, help="members the bot serves")
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    emit(asyncio.run(run(args)), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
