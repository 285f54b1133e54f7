"""Queries behind the daily market plan: what the planner reads, a page at a time (each page a
short step, so nobody's /match waits on it), and the planned cards it writes and /match reads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from itertools import repeat
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Text,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Block,
    CardView,
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    PlannedCard,
)
from storage.reports import HIDDEN_BY_REPORTS

_PROFILES_TABLE = cast(Table, MatchProfile.__table__)
_PROFILES = _PROFILES_TABLE.c
_DECISIONS = cast(Table, MatchDecision.__table__).c
_BLOCKS = cast(Table, Block.__table__).c
_MATCHES = cast(Table, Match.__table__).c
_VIEWS = cast(Table, CardView.__table__).c
_PLANNED = cast(Table, PlannedCard.__table__)
_CARD_COLUMNS = ["viewer_id", "day", "position", "candidate_id"]
_MEMBERS_TABLE = cast(Table, Member.__table__)

# What the engine reads of a profile (as storage.matching's pool returns it); the features as
# their stored JSON text, parsed by the planner's worker process rather than on the event loop.
COLUMNS = (
    "member_id",
    "gender",
    "birth_year",
    "seeks",
    "age_min",
    "age_max",
    "age_must",
    "district",
    "education",
    "employer",
    "avoid_colleagues",
    "features",
)
_SELECTED = (*(_PROFILES[name] for name in COLUMNS[:-1]), cast_(_PROFILES.features, Text))


async def profiles_after(session: AsyncSession, after: int, limit: int) -> list[tuple[Any, ...]]:
    """Profile rows (``COLUMNS``) with ids above ``after``, in id order, of the members who
    may be suggested to anyone at all: eligible and not hidden by reports (what the pool asks
    of every candidate: a hidden member's planned cards would never be shown, and each would
    be an agreed pair less for the member it was planned with)."""
    rows = await session.execute(
        select(*_SELECTED)
        .where(
            _PROFILES.eligible.is_(True),
            _PROFILES.member_id > after,
            _PROFILES.member_id.not_in(HIDDEN_BY_REPORTS),
        )
        .order_by(_PROFILES.member_id)
        .limit(limit)
    )
    return [tuple(row) for row in rows]


async def settled_after(
    session: AsyncSession, table: str, after: tuple[int, int], limit: int
) -> list[tuple[int, int]]:
    """Pairs never to plan, a page at a time in key order: ``decisions`` (either has liked or
    skipped the other), ``blocks`` (either way) or ``matches`` (already matched)."""
    first, second = {
        "decisions": (_DECISIONS.viewer_id, _DECISIONS.candidate_id),
        "blocks": (_BLOCKS.blocker_id, _BLOCKS.blocked_id),
        "matches": (_MATCHES.member_a, _MATCHES.member_b),
    }[table]
    rows = await session.execute(
        select(first, second)
        .where((first > after[0]) | ((first == after[0]) & (second > after[1])))
        .order_by(first, second)
        .limit(limit)
    )
    return [(int(a), int(b)) for a, b in rows]


async def counts_after(
    session: AsyncSession, kind: str, after: int, limit: int, since: datetime | None = None
) -> list[tuple[int, int, int]]:
    """Per-member counts a page at a time, in member id order, as (member, likes, decisions):
    ``given`` (decisions the member made), ``received`` (decisions about them), or ``shown``
    (times their card was shown since ``since``; likes 0)."""
    if kind == "shown":
        column = _VIEWS.candidate_id
        statement = select(column, literal(0), func.count()).where(_VIEWS.shown_at >= since)
    else:
        column = _DECISIONS.viewer_id if kind == "given" else _DECISIONS.candidate_id
        liked = func.sum(case((_DECISIONS.liked.is_(True), 1), else_=0))
        statement = select(column, liked, func.count())
    rows = await session.execute(
        statement.where(column > after).group_by(column).order_by(column).limit(limit)
    )
    return [(int(m), int(y or 0), int(n)) for m, y, n in rows]


async def add_cards(
    session: AsyncSession,
    day: date,
    viewers: Sequence[int],
    positions: Sequence[int],
    candidates: Sequence[int],
) -> None:
    """Planned cards of ``day`` (``viewers[k]`` is shown ``candidates[k]`` at ``positions[k]``),
    written in bulk: PostgreSQL's COPY, SQLite's executemany (the ORM's insert built a dict
    per row, on the event loop). Given as columns, the rows are made here as tuples of plain
    values, which the garbage collector stops following at once: a list per row, held until
    written, was followed until a full collection scanned the whole bot, 100 ms at a time."""
    if not len(viewers):
        return
    days = repeat(day, len(viewers))
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            _PLANNED.name,
            records=list(zip(viewers, days, positions, candidates, strict=True)),
            columns=_CARD_COLUMNS,
        )
        return
    await connection.exec_driver_sql(
        f"INSERT INTO {_PLANNED.name} ({', '.join(_CARD_COLUMNS)}) VALUES (?, ?, ?, ?)",
        list(zip(viewers, map(date.isoformat, days), positions, candidates, strict=True)),
    )


async def drop_cards(
    session: AsyncSession,
    *,
    day: date | None = None,
    keep: date | None = None,
    viewers: tuple[int, int] | None = None,
) -> None:
    """Planned cards of ``day`` (None: any day) but not of ``keep``, of viewers in the given id
    range (inclusive; None: everyone)."""
    statement = delete(_PLANNED)
    if day is not None:
        statement = statement.where(_PLANNED.c.day == day)
    if keep is not None:
        statement = statement.where(_PLANNED.c.day != keep)
    if viewers is not None:
        statement = statement.where(_PLANNED.c.viewer_id.between(*viewers))
    await session.execute(statement)


def _not_declined(viewer: int | ColumnElement[int]) -> Any:
    """The planned person has not skipped ``viewer``: a pair is planned both ways, and once one
    of the two has passed the other over (earlier the same day), the other's card of them can
    never become a match; the card goes to someone else instead, and nothing tells the viewer
    why."""
    card = _PLANNED.c
    return ~exists().where(
        _DECISIONS.viewer_id == card.candidate_id,
        _DECISIONS.candidate_id == viewer,
        _DECISIONS.liked.is_(False),
    )


def _latest(viewer: int | ColumnElement[int], day: date) -> Any:
    """The day of ``viewer``'s latest plan up to ``day`` (``viewer`` an id, or the outer query's
    viewer column for many viewers at once): from midnight until the day's plan
    is made (at four, or later after a stop) the day before's still holds. Its pairs are still
    planned both ways, and its cards left open at midnight would otherwise be lost, each an
    agreed pair that one of the two had already been shown."""
    latest = _PLANNED.alias("latest_plan")  # its own, whatever the outer query reads
    return (
        select(func.max(latest.c.day))
        .where(latest.c.viewer_id == viewer, latest.c.day <= day)
        .scalar_subquery()
    )


async def planned_today(session: AsyncSession, viewer: int, day: date) -> list[int]:
    """Whom ``viewer`` is planned to be shown on ``day`` (by the latest plan made up to it),
    in order, leaving out whoever has skipped the viewer."""
    rows = await session.scalars(
        select(_PLANNED.c.candidate_id)
        .where(
            _PLANNED.c.viewer_id == viewer,
            _PLANNED.c.day == _latest(viewer, day),
            _not_declined(viewer),
        )
        .order_by(_PLANNED.c.position)
    )
    return list(rows)


def _open(viewer: int | ColumnElement[int], day: date) -> list[Any]:
    """What keeps a planned card of ``viewer``'s worth showing (``viewer`` an id, or the card's
    viewer column for many viewers at once): of the latest plan up to ``day``, the planned
    person still suggestible (eligible, not hidden by reports), not yet decided on by the
    viewer, not skipped the viewer, no block either way, not matched already. (The hard
    constraints are the engine's, checked when a card is chosen.)"""
    card = _PLANNED.c
    low = case((card.viewer_id < card.candidate_id, card.viewer_id), else_=card.candidate_id)
    high = case((card.viewer_id < card.candidate_id, card.candidate_id), else_=card.viewer_id)
    return [
        card.day == _latest(viewer, day),
        _PROFILES.eligible.is_(True),
        card.candidate_id.not_in(HIDDEN_BY_REPORTS),
        _not_declined(viewer),
        ~exists().where(
            _DECISIONS.viewer_id == viewer, _DECISIONS.candidate_id == card.candidate_id
        ),
        ~exists().where(
            or_(
                and_(_BLOCKS.blocker_id == viewer, _BLOCKS.blocked_id == card.candidate_id),
                and_(_BLOCKS.blocker_id == card.candidate_id, _BLOCKS.blocked_id == viewer),
            )
        ),
        ~exists().where(_MATCHES.member_a == low, _MATCHES.member_b == high),
    ]


def _open_cards() -> Select[tuple[int, int]]:
    """(viewer, candidate) of planned cards, with the candidate's profile joined for ``_open``."""
    card = _PLANNED.c
    return select(card.viewer_id, card.candidate_id).join(
        _PROFILES_TABLE, _PROFILES.member_id == card.candidate_id
    )


async def open_planned(
    session: AsyncSession, viewer: int, day: date, limit: int | None = None
) -> list[int]:
    """``viewer``'s planned people of ``day`` still worth a card (``_open``), in the plan's
    order."""
    card = _PLANNED.c
    statement = (
        _open_cards()
        .with_only_columns(card.candidate_id)
        .where(card.viewer_id == viewer, *_open(viewer, day))
        .order_by(card.position)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(await session.scalars(statement))


def open_cards_of(viewers: Sequence[int], day: date) -> Select[tuple[int, int]]:
    """The same for many viewers in one statement: (viewer, candidate) of each of ``viewers``'
    planned cards of ``day`` still worth showing (``_open``, as ``open_planned``), in viewer
    then plan order. The daily digest adds its own conditions (what it has already told of)
    and reads it once a batch of members; the planned cards' table is ``PlannedCard``'s."""
    card = _PLANNED.c
    return (
        _open_cards()
        .where(card.viewer_id.in_(viewers), *_open(card.viewer_id, day))
        .order_by(card.viewer_id, card.position)
    )


async def planned_pairs(
    session: AsyncSession, day: date, units: Collection[int], limit: int
) -> list[tuple[int, int]]:
    """Pairs of the latest plan up to ``day`` whose two members both belong to ``units`` and
    may be suggested (eligible, not hidden by reports), each pair once (the lower id first),
    in the plan's order (first cards first); at most ``limit``."""
    card = _PLANNED.c
    plans = _PLANNED.alias("plans")  # its own, not the outer query's cards
    latest = select(func.max(plans.c.day)).where(plans.c.day <= day).scalar_subquery()
    viewer, candidate = _MEMBERS_TABLE.alias("viewer"), _MEMBERS_TABLE.alias("candidate")
    seen, shown = _PROFILES_TABLE.alias("viewer_profile"), _PROFILES_TABLE.alias("profile")
    rows = await session.execute(
        select(card.viewer_id, card.candidate_id)
        .join(viewer, viewer.c.id == card.viewer_id)
        .join(candidate, candidate.c.id == card.candidate_id)
        .join(seen, seen.c.member_id == card.viewer_id)
        .join(shown, shown.c.member_id == card.candidate_id)
        .where(
            card.day == latest,
            card.viewer_id < card.candidate_id,
            viewer.c.unit_id.in_(list(units)),
            candidate.c.unit_id.in_(list(units)),
            seen.c.eligible.is_(True),
            shown.c.eligible.is_(True),
            card.viewer_id.not_in(HIDDEN_BY_REPORTS),
            card.candidate_id.not_in(HIDDEN_BY_REPORTS),
        )
        .order_by(card.position, card.viewer_id)
        .limit(limit)
    )
    return [(int(a), int(b)) for a, b in rows]
