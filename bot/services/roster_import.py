"""Importing a roster file into a unit: used by `huihui roster import` and by organisers in chat.

In chat the import is durable work: the organiser's confirmation writes a task
(``Rosters.queue``) and the delivery worker (``bot.delivery.roster_imports``) fetches the file
from Telegram and imports it. A process killed part way leaves the task running; whoever leads
next releases and runs it again, and rows are upserts, so the import completes and the organiser
hears the outcome however the first process ended.

The file is read and checked in a worker thread (the event loop never parses an untrusted file),
then written a chunk per transaction. Scope is checked at each write, in its transaction: only
units of the target's subtree that the importer may act on are written, and an entry that
already belongs to a unit outside them is refused and listed — never moved, never changed.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import N_
from bot.domain.clock import Clock
from bot.domain.roster_file import BadRow, Problem, RosterFileError, RosterRow, read_roster
from bot.domain.units import ancestry, subtree
from bot.services import notices
from bot.services.administration import Administration
from bot.services.notices import line
from bot.services.work import WorkQueue
from storage import matching, roster, units
from storage.models import Member

CHUNK = 2_000
IMPORT_KIND = "roster_import"
LEFT_NOTICE = N_(
    "Your union has updated its member roster, and you are no longer on it, so 会会 has "
    "paused your suggestions and event sign-ups. Your profile is kept. If this is a mistake, "
    "contact your union: {contact}, or ask here with /ask; once you are back on the roster, send "
    "/start to verify again."
)

# Told how many more rows were imported; may be a coroutine function (e.g. to edit a message).
Progress = Callable[[int], Awaitable[None] | None]
# The units an importer may write, read in each of the import's transactions (None: no limit beyond
# the target unit's subtree, as for the operator's command line).
Scope = Callable[[AsyncSession], Awaitable[frozenset[int]]]


@dataclass
class ImportReport:
    unit: str
    added: int = 0
    updated: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    # Imported, but worth a look (line and problem).
    warnings: list[BadRow] = field(default_factory=list)
    # Rows imported per union (the target and the unions below it that rows name).
    per_unit: Counter[str] = field(default_factory=Counter)
    # A replacing import: entries no longer on the roster (None: not replacing, or not done
    # because of bad rows).
    left: int | None = None
    # Member numbers skipped because they are on the roster of a union outside the
    # importer's: per holding unit id.
    held_elsewhere: defaultdict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def imported(self) -> int:
        return self.added + self.updated


@dataclass(frozen=True)
class QueuedImport:
    """An import an organiser confirmed in chat, as its task stores it: the file stays with
    Telegram (``file_id``) until the worker fetches it."""

    actor: int
    unit_id: int
    unit_name: str
    file_id: str
    file_name: str
    replace: bool
    # Distinguishes two uploads of one file: the same confirmation pressed twice is one task.
    upload: str

    def payload(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "file_id": self.file_id,
            "file_name": self.file_name,
            "replace": self.replace,
            "upload": self.upload,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> QueuedImport:
        return cls(
            actor=int(payload["actor"]),
            unit_id=int(payload["unit_id"]),
            unit_name=str(payload["unit_name"]),
            file_id=str(payload["file_id"]),
            file_name=str(payload["file_name"]),
            replace=bool(payload["replace"]),
            upload=str(payload["upload"]),
        )


@dataclass(frozen=True)
class ImportPreview:
    good: int
    bad_rows: list[BadRow]
    change: roster.Difference


class Rosters:
    """An organiser importing a roster from chat: into a union in their scope, checked again
    in each transaction of the import, and recorded in the audit trail."""

    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        administration: Administration,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._administration = administration
        self._work = work

    async def check(self, path: Path) -> tuple[int, list[BadRow]]:
        return await check_file(path)

    async def preview(self, actor: int, unit_id: int, path: Path) -> ImportPreview:
        """What importing the file into the unit would do, before anything is written: new
        and known members, and for a replacing import who would be marked as left."""
        rows = await asyncio.to_thread(read_roster, path)
        async with self._db() as session:
            writable = await _writable(session, unit_id, self._scope_of(actor))
            names = await _unit_names(session, writable)
            parent = next(name for name, unit in names.items() if unit == unit_id)
            bad: list[BadRow] = []
            listed: list[str] = []
            for row in rows:
                placed = row if isinstance(row, BadRow) else _outside(row, names, parent)
                if placed is not None:  # as the import will skip it
                    bad.append(placed)
                elif isinstance(row, RosterRow):
                    listed.append(row.member_number)
            change = await roster.difference(session, writable, listed)
        return ImportPreview(len(listed), bad, change)

    def _scope_of(self, actor: int) -> Scope:
        async def scope(session: AsyncSession) -> frozenset[int]:
            return (await self._administration.authority(session, actor)).scope

        return scope

    async def queue(self, job: QueuedImport) -> None:
        """Write the import as a task due now (a confirmation pressed twice writes one) and
        wake the runner; its worker imports as ``job.actor``, scope checked at every write."""
        async with self._db.begin() as session:
            await self._work.put(
                session,
                IMPORT_KIND,
                self._clock.now(),
                job.payload(),
                key=f"{IMPORT_KIND}:{job.actor}:{job.upload}",
            )
        self._work.wake()

    async def import_as(
        self,
        actor: int,
        unit_id: int,
        unit_name: str,
        path: Path,
        progress: Progress,
        replace: bool = False,
    ) -> ImportReport:
        report = await import_roster(
            self._db, self._clock, path, unit_name, progress, self._scope_of(actor), replace=replace
        )
        self._work.wake()  # members who left are told
        await self._administration.record_import(
            actor, unit_id, report.imported, len(report.bad_rows)
        )
        return report


class UnknownUnit(RosterFileError):
    """The unit to import into does not exist."""


class NotAllowed(RosterFileError):
    """The importer may not write into the unit (any more)."""


async def check_file(path: Path) -> tuple[int, list[BadRow]]:
    """Read a roster file without importing it: good rows and bad rows (a dry run)."""
    rows = await asyncio.to_thread(read_roster, path)
    bad = [row for row in rows if isinstance(row, BadRow)]
    return len(rows) - len(bad), bad


async def import_roster(
    db: async_sessionmaker[AsyncSession],
    clock: Clock,
    path: Path,
    unit_name: str,
    progress: Progress | None = None,
    scope: Scope | None = None,
    replace: bool = False,
) -> ImportReport:
    """Read, check and upsert a roster file into ``unit_name`` (rows may name a unit below it).

    With ``replace`` the file is the whole roster of those unions: entries it leaves out are
    marked as left, and their members lose verification (told gently, with the way back).
    Only a file without bad rows replaces: a mistyped row must not cost anyone membership.

    The whole file is read before anything is written, so an unusable file
    (RosterFileError) changes nothing. Rows are then written ``CHUNK`` at a time, each chunk
    its own transaction with the importer's scope checked again in it: SQLite has one writer,
    and a million rows in one transaction kept the bot from writing for the whole import.
    ``progress`` is told after each commit (never inside a transaction). A crash part way
    leaves the chunks written so far; rows are upserts, so importing the file again completes
    it. Who left is marked only after the last chunk.
    """
    rows = await asyncio.to_thread(read_roster, path)
    report = ImportReport(unit_name)
    now = clock.now()
    async with db() as session:
        unit = await units.by_name(session, unit_name)
        if unit is None:
            raise UnknownUnit(N_("there is no union named {unit}"), unit=unit_name)
        writable = await _writable(session, unit.id, scope)
        unit_ids = await _unit_names(session, writable)

    async def write(chunk: list[tuple[RosterRow, dict[str, Any]]]) -> None:
        async with db.begin() as session:
            writable_now = await _writable(session, unit.id, scope)
            if any(values["unit_id"] not in writable_now for _row, values in chunk):
                # A union below the target left the importer's scope since the import began.
                raise NotAllowed(N_("you may only import into your own unions"))
            await _flush(session, chunk, report, writable_now)
        if progress is not None:
            result = progress(len(chunk))
            if inspect.isawaitable(result):
                await result
        chunk.clear()

    chunk: list[tuple[RosterRow, dict[str, Any]]] = []
    listed: set[str] = set()
    for row in rows:
        if isinstance(row, BadRow):
            report.bad_rows.append(row)
            continue
        listed.add(row.member_number)
        if row.warning is not None:
            report.warnings.append(BadRow(row.line, row.warning))
        if (outside := _outside(row, unit_ids, unit_name)) is not None:
            report.bad_rows.append(outside)
            continue
        target = unit.id if row.unit is None else unit_ids[row.unit]
        values = roster.entry_values(
            unit_id=target,
            member_number=row.member_number,
            real_name=row.real_name,
            employer=row.employer,
            phone=row.phone,
            imported_at=now,
        )
        report.per_unit[row.unit or unit_name] += 1
        chunk.append((row, values))
        if len(chunk) >= CHUNK:
            await write(chunk)
    if chunk:
        await write(chunk)
    if replace and not report.bad_rows:
        async with db.begin() as session:
            writable = await _writable(session, unit.id, scope)
            report.left = await _mark_left(session, writable, listed, now)
    if report.held_elsewhere:
        async with db.begin() as session:
            await _tell_above_both(session, unit.id, report.held_elsewhere, now)
    report.bad_rows.sort(key=lambda bad: bad.line)
    return report


async def _tell_above_both(
    session: AsyncSession, importing: int, held: Mapping[int, set[str]], now: datetime
) -> None:
    """Member numbers one union imported are on another's roster: only a union above both can
    say whose they are (first to import them was first to hold them, so a union could take
    another's members by importing them first). Its organisers are told, with counts only.

    Told once per set of numbers: the key is a digest of them, so an import run again (the
    task retried after a crash, or the organiser trying the same file twice) tells nobody
    twice, and new conflicting numbers are told as news."""
    tree = await units.parents(session)
    names = {u.id: u.name for u in await units.all_units(session)}
    mine = ancestry(importing, tree)
    for holder, numbers in sorted(held.items()):
        above = next((u for u in ancestry(holder, tree) if u in mine), None)
        if above is None:
            continue
        said = line(
            N_(
                "{importer} imported a roster with {count} member number(s) "
                "already on {holder}'s roster: they were skipped. If they are "
                "{importer}'s members, import those rows into {importer} "
                "yourself (a union above both may)."
            ),
            importer=names[importing],
            holder=names[holder],
            count=len(numbers),
        )
        digest = hashlib.sha256("\n".join(sorted(numbers)).encode()).hexdigest()[:32]
        key = f"roster_conflict:{importing}:{holder}:{digest}"
        await notices.to_organisers(session, above, now, [said], key)


async def _unit_names(session: AsyncSession, writable: frozenset[int]) -> dict[str, int]:
    """The writable units by name, as a file's 所属工会 column names them."""
    return {u.name: u.id for u in await units.all_units(session) if u.id in writable}


def _outside(row: RosterRow, writable: Mapping[str, int], parent: str) -> BadRow | None:
    """A row naming a union the import may not write (not the target or below it): skipped
    by the import, and shown as a bad row by the preview."""
    if row.unit is None or row.unit in writable:
        return None
    problem = Problem(
        N_("the union {unit} is not {parent} or below it"), {"unit": row.unit, "parent": parent}
    )
    return BadRow(row.line, problem)


async def _writable(session: AsyncSession, unit_id: int, scope: Scope | None) -> frozenset[int]:
    """The units of ``unit_id``'s subtree the importer may write, as of this transaction."""
    writable = frozenset(subtree(unit_id, await units.parents(session)))
    if scope is not None:
        writable &= await scope(session)
        if unit_id not in writable:
            raise NotAllowed(N_("you may only import into your own unions"))
    return writable


async def _mark_left(
    session: AsyncSession, writable: frozenset[int], listed: set[str], now: datetime
) -> int:
    """Entries of these unions the new roster leaves out: no longer members. Their accounts
    lose verification (and so stop being suggested) and are told, in this transaction."""
    gone = await roster.absent(session, writable, listed)
    for entry in gone:
        entry.left_at = now
        if entry.member_id is None:
            continue
        member = await session.get(Member, entry.member_id)
        if member is None or member.verified_at is None:
            continue
        member.verified_at = None
        await matching.refresh_profile(session, member.id, now)
        if member.telegram_id is not None:
            await notices.put(
                session,
                to=member.telegram_id,
                now=now,
                member_id=member.id,
                lines=[line(LEFT_NOTICE, contact=await units.contact_for(session, entry.unit_id))],
                key=f"left_roster:{member.id}:{now.isoformat()}",
            )
    return len(gone)


async def _flush(
    session: AsyncSession,
    chunk: list[tuple[RosterRow, dict[str, Any]]],
    report: ImportReport,
    writable: frozenset[int],
) -> None:
    added, refused = await roster.upsert_rows(session, [values for _row, values in chunk], writable)
    report.added += added
    report.updated += len(chunk) - len(refused) - added
    for number, holder in refused.items():
        report.held_elsewhere[holder].add(number)
    for row, _values in chunk:
        if row.member_number in refused:
            report.bad_rows.append(
                BadRow(
                    row.line,
                    Problem(
                        N_("member number {number} is on the roster of a union outside yours"),
                        {"number": row.member_number},
                    ),
                )
            )
