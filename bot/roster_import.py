"""Importing a roster file into a unit: used by `huihui roster import` and by organisers in chat."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.domain.roster_file import BadRow, RosterFileError, RosterRow, parse_roster, read_rows
from bot.domain.units import subtree
from storage import roster, units

CHUNK = 2_000

# Told how many more rows were imported; may be a coroutine function (e.g. to edit a message).
Progress = Callable[[int], Awaitable[None] | None]


@dataclass
class ImportReport:
    unit: str
    added: int = 0
    updated: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.added + self.updated


class UnknownUnit(RosterFileError):
    """The unit to import into does not exist."""


async def import_roster(
    db: async_sessionmaker[AsyncSession],
    clock: Clock,
    path: Path,
    unit_name: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check and upsert a roster file into ``unit_name`` (rows may name a unit below it).

    Everything is written in one transaction, so a file that turns out to be unusable part way
    (RosterFileError) leaves the roster as it was.
    """
    async with db() as session:
        unit = await units.by_name(session, unit_name)
        if unit is None:
            raise UnknownUnit(f"no unit named {unit_name!r}")
        below = subtree(unit.id, await units.parents(session))
        unit_ids = {u.name: u.id for u in await units.all_units(session) if u.id in below}
    rows = parse_roster(read_rows(path))
    report = ImportReport(unit_name)
    now = clock.now()
    chunk: list[dict] = []
    async with db.begin() as session:
        for row in rows:
            if isinstance(row, BadRow):
                report.bad_rows.append(row)
                continue
            target = _unit_for(row, unit.id, unit_ids)
            if target is None:
                report.bad_rows.append(
                    BadRow(row.line, f"unit {row.unit!r} is not under {unit_name}")
                )
                continue
            chunk.append(
                roster.entry_values(
                    unit_id=target,
                    member_number=row.member_number,
                    real_name=row.real_name,
                    employer=row.employer,
                    phone=row.phone,
                    imported_at=now,
                )
            )
            if len(chunk) >= CHUNK:
                await _flush(session, chunk, report, progress)
        await _flush(session, chunk, report, progress)
    return report


def check_file(path: Path) -> tuple[int, list[BadRow]]:
    """Read a roster file without importing it: good rows and bad rows (a dry run)."""
    good, bad = 0, []
    for row in parse_roster(read_rows(path)):
        if isinstance(row, BadRow):
            bad.append(row)
        else:
            good += 1
    return good, bad


async def _flush(
    session: AsyncSession, chunk: list[dict], report: ImportReport, progress: Progress | None
) -> None:
    if not chunk:
        return
    added = await roster.upsert_rows(session, chunk)
    report.added += added
    report.updated += len(chunk) - added
    if progress is not None:
        result = progress(len(chunk))
        if inspect.isawaitable(result):
            await result
    chunk.clear()


def _unit_for(row: RosterRow, default: int, unit_ids: dict[str, int]) -> int | None:
    if row.unit is None:
        return default
    return unit_ids.get(row.unit)
