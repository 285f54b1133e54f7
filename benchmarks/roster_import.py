"""Roster import speed: a synthetic CSV of N members imported into an empty database.

Baseline, in the same run: reading and checking the same file without writing anything, so the
ratio shows what the database part costs. Target: 100,000 rows in under 10 s.

    python benchmarks/roster_import.py [--rows 100000] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)

from bot.clock import SystemClock  # noqa: E402
from bot.domain.roster_file import parse_roster, read_rows  # noqa: E402
from bot.domain.units import UnitSpec  # noqa: E402
from bot.roster_import import import_roster  # noqa: E402
from bot.synthetic import write_roster_csv  # noqa: E402
from storage import migrate, roster, units  # noqa: E402
from storage.engine import create_engine, create_sessionmaker  # noqa: E402

TARGET_SECONDS_100K = 10.0
UNIT = "上海市总工会"


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    path = write_roster_csv(workdir / "roster.csv", args.rows)
    started = time.perf_counter()
    parsed = sum(1 for _ in parse_roster(read_rows(path)))
    parse_seconds = time.perf_counter() - started

    url = args.database_url or f"sqlite+aiosqlite:///{workdir}/roster.db"
    engine = create_engine(url)
    try:
        await migrate.downgrade(engine, "base")
        await migrate.upgrade(engine)
        db = create_sessionmaker(engine)
        async with db.begin() as session:
            await units.save_specs(session, [UnitSpec(UNIT, "city")])
        started = time.perf_counter()
        report = await import_roster(db, SystemClock(), path, UNIT)
        import_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = await import_roster(db, SystemClock(), path, UNIT)
        reimport_seconds = time.perf_counter() - started
        async with db() as session:
            stored = await roster.count(session)
    finally:
        await engine.dispose()
    return {
        "rows": args.rows,
        "database": url.split(":")[0],
        "parse_only_seconds": round(parse_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        "reimport_seconds": round(reimport_seconds, 2),
        "rows_per_s": round(args.rows / import_seconds),
        "import_vs_parse_only": round(import_seconds / parse_seconds, 2),
        "parsed": parsed,
        "stored": stored,
        "added_then_updated": [report.added, again.updated],
        "bad_rows": len(report.bad_rows),
        "target_met": import_seconds * 100_000 / args.rows < TARGET_SECONDS_100K
        and stored == args.rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="huihui-roster-") as workdir:
        result = asyncio.run(run(args, Path(workdir)))
    emit(result, args.json)
    return 0 if result["stored"] == args.rows and result["bad_rows"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
