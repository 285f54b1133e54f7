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

from bot.domain.clock import SystemClock  # noqa: E402
from bot.domain.roster_file import RosterFileError, parse_roster, read_rows  # noqa: E402
from bot.domain.units import UnitSpec  # noqa: E402
from bot.services.roster_import import import_roster  # noqa: E402
from bot.tools.loop_monitor import LoopMonitor  # noqa: E402
from bot.tools.synthetic import write_roster_csv  # noqa: E402
from storage import migrate, roster, units  # noqa: E402
from storage.engine import create_engine, create_sessionmaker  # noqa: E402

TARGET_SECONDS_100K = 10.0
# No member should wait longer than this while a file is checked or imported.
MAX_STALL_S = 1.0
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
        async with LoopMonitor() as importing:
            report = await import_roster(db, SystemClock(), path, UNIT)
        import_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = await import_roster(db, SystemClock(), path, UNIT)
        reimport_seconds = time.perf_counter() - started
        async with db() as session:
            stored = await roster.count(session)
        hostile = huge_empty_sheet(workdir / "hostile.xlsx", 3_000_000)
        started = time.perf_counter()
        async with LoopMonitor() as refusing:
            try:
                await import_roster(db, SystemClock(), hostile, UNIT)
                refused = False
            except RosterFileError:
                refused = True
        hostile_seconds = time.perf_counter() - started
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
        "longest_loop_stall_while_importing_ms": round(importing.longest * 1000),
        "hostile_3m_empty_rows_refused": refused,
        "hostile_3m_empty_rows_seconds": round(hostile_seconds, 2),
        "longest_loop_stall_while_refusing_ms": round(refusing.longest * 1000),
        "target_met": import_seconds * 100_000 / args.rows < TARGET_SECONDS_100K
        and stored == args.rows
        and refused
        and max(importing.longest, refusing.longest) < MAX_STALL_S,
    }


def huge_empty_sheet(path: Path, rows: int) -> Path:
    """An .xlsx claiming nothing about its size and holding ``rows`` empty rows (0.4 MB)."""
    import zipfile

    ns = "http://schemas.openxmlformats.org"
    rel = f"{ns}/officeDocument/2006/relationships"
    sheet = (
        f'<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>会员号</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>工作单位</t></is></c></row>'
        + "".join(f'<row r="{n}"/>' for n in range(2, rows + 1))
        + "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{rel}">'
        '<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


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
