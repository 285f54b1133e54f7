"""The union's member roster: bulk upsert by member number, lookup, and account binding."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, RosterEntry
from storage.rows import affected
from storage.upsert import upsert


async def upsert_rows(
    session: AsyncSession, rows: Sequence[dict[str, Any]], writable: Collection[int] | None = None
) -> tuple[int, dict[str, int]]:
    """Insert or update entries by member number (a binding to an account is kept). With
    ``writable``, an entry that exists in a unit outside it is neither moved nor changed.
    Returns how many entries were new, and the member numbers refused with the unit holding
    each."""
    if not rows:
        return 0, {}
    numbers = [row["member_number"] for row in rows]
    existing = dict(
        (
            await session.execute(
                select(RosterEntry.member_number, RosterEntry.unit_id)
                .where(RosterEntry.member_number.in_(numbers))
                .with_for_update()
            )
        ).all()
    )
    refused = {
        number: unit
        for number, unit in existing.items()
        if writable is not None and unit not in writable
    }
    allowed = [row for row in rows if row["member_number"] not in refused]
    await upsert(session, RosterEntry, allowed, ["member_number"])
    return len(allowed) - (len(existing) - len(refused)), refused


async def by_number(session: AsyncSession, member_number: str) -> RosterEntry | None:
    """The entry of a current member (not one marked as left)."""
    return await session.scalar(
        select(RosterEntry).where(
            RosterEntry.member_number == member_number, RosterEntry.left_at.is_(None)
        )
    )


async def absent(
    session: AsyncSession, unit_ids: Collection[int], listed: Collection[str]
) -> list[RosterEntry]:
    """Current entries of these units whose member numbers are not in ``listed``."""
    entries = await session.scalars(
        select(RosterEntry).where(RosterEntry.unit_id.in_(unit_ids), RosterEntry.left_at.is_(None))
    )
    return [entry for entry in entries.all() if entry.member_number not in listed]


@dataclass(frozen=True)
class Difference:
    """What importing a file's member numbers into some units would change."""

    new: int  # numbers not yet on these units' roster
    updated: int  # numbers already there (a member who had left comes back)
    leaving: int  # current entries the file leaves out
    leaving_verified: int  # of those, bound to a verified member: they stop being suggested
    # Numbers on the roster of a union outside these units: skipped (only a union above both
    # can move them), and said before the import.
    elsewhere: int = 0


async def difference(
    session: AsyncSession, unit_ids: Collection[int], listed: Collection[str]
) -> Difference:
    # Whether each entry is current and its member verified, not the two dates: a union's
    # roster is tens of thousands of rows, and on SQLite each date read is parsed in Python.
    rows = await session.execute(
        select(
            RosterEntry.member_number,
            RosterEntry.left_at.is_(None),
            Member.verified_at.is_not(None),
        )
        .outerjoin(Member, Member.id == RosterEntry.member_id)
        .where(RosterEntry.unit_id.in_(unit_ids))
    )
    wanted = set(listed)
    known: set[str] = set()
    leaving = leaving_verified = 0
    for number, current, verified in rows.all():
        if number in wanted:
            known.add(number)
        elif current:
            leaving += 1
            leaving_verified += bool(verified)
    elsewhere = await _held_elsewhere(session, unit_ids, sorted(wanted - known))
    return Difference(
        len(wanted - known) - elsewhere, len(known), leaving, leaving_verified, elsewhere
    )


async def _held_elsewhere(
    session: AsyncSession, unit_ids: Collection[int], numbers: Sequence[str]
) -> int:
    """How many of ``numbers`` are on the roster of a unit not in ``unit_ids``."""
    found = 0
    for start in range(0, len(numbers), NUMBERS_PER_QUERY):
        found += (
            await session.scalar(
                select(func.count())
                .select_from(RosterEntry)
                .where(
                    RosterEntry.member_number.in_(numbers[start : start + NUMBERS_PER_QUERY]),
                    RosterEntry.unit_id.not_in(unit_ids),
                )
            )
            or 0
        )
    return found


# Bound parameters per query (SQLite allows 32,766; a union's file holds more numbers).
NUMBERS_PER_QUERY = 5_000


async def bind(session: AsyncSession, entry_id: int, member_id: int) -> bool:
    """Bind an entry to a member unless another member holds it already."""
    result = await session.execute(
        update(RosterEntry)
        .where(
            RosterEntry.id == entry_id,
            (RosterEntry.member_id.is_(None)) | (RosterEntry.member_id == member_id),
        )
        .values(member_id=member_id)
    )
    return affected(result) == 1


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(RosterEntry)) or 0


async def add_entries(
    session: AsyncSession,
    unit_id: int,
    entries: Iterable[tuple[str, str, str, str | None]],
    imported_at: datetime,
) -> int:
    """Upsert (name, member number, employer, phone) entries into a unit; returns how many new."""
    added, _refused = await upsert_rows(
        session,
        [
            entry_values(
                unit_id=unit_id,
                member_number=number,
                real_name=name,
                employer=employer,
                phone=phone,
                imported_at=imported_at,
            )
            for name, number, employer, phone in entries
        ],
    )
    return added


def entry_values(
    *,
    unit_id: int,
    member_number: str,
    real_name: str,
    employer: str,
    phone: str | None,
    imported_at: datetime,
) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "member_number": member_number,
        "real_name": real_name,
        "employer": employer,
        "phone": phone,
        "imported_at": imported_at,
        "left_at": None,  # listed again: a member again
    }


@dataclass(frozen=True)
class BoundPerson:
    """A roster entry bound to a Telegram account: someone who can be given a role."""

    telegram_id: int
    real_name: str
    employer: str
    unit_id: int
    member_number: str


async def bound_people(
    session: AsyncSession,
    unit_ids: Collection[int],
    *,
    member_number: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    limit: int = 20,
) -> list[BoundPerson]:
    """Current entries of these units bound to an account, found by exact member number or
    phone, or by real name (exact, or its start)."""
    query = (
        select(
            Member.telegram_id,
            RosterEntry.real_name,
            RosterEntry.employer,
            RosterEntry.unit_id,
            RosterEntry.member_number,
        )
        .join(Member, Member.id == RosterEntry.member_id)
        .where(
            RosterEntry.unit_id.in_(unit_ids),
            RosterEntry.left_at.is_(None),
            Member.telegram_id.is_not(None),
        )
        .order_by(RosterEntry.real_name, RosterEntry.id)
        .limit(limit)
    )
    if member_number is not None:
        query = query.where(RosterEntry.member_number == member_number)
    elif phone is not None:
        query = query.where(RosterEntry.phone == phone)
    elif name is not None:
        query = query.where(RosterEntry.real_name.startswith(name, autoescape=True))
    else:
        return []
    rows = (await session.execute(query)).all()
    return [
        BoundPerson(telegram_id, real_name, employer, unit_id, number)
        for telegram_id, real_name, employer, unit_id, number in rows
        if telegram_id is not None
    ]


async def has_left(session: AsyncSession, member_id: int) -> bool:
    """The member's roster entry says they left the union (a replacing import left them out)."""
    left = await session.scalar(
        select(RosterEntry.id).where(
            RosterEntry.member_id == member_id, RosterEntry.left_at.is_not(None)
        )
    )
    return left is not None
