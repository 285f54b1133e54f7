"""Queries of the daily digest: many members' terms, the few new people and the members' planned
people not yet told of, read in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.new_people import Terms
from storage import plan
from storage.models import (
    Block,
    CardView,
    DigestAnnounced,
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    PlannedCard,
    SuggestionReview,
)
from storage.reports import HIDDEN_BY_REPORTS

_PROFILES = cast(Table, MatchProfile.__table__).c
_DECISIONS = cast(Table, MatchDecision.__table__).c
_BLOCKS = cast(Table, Block.__table__).c
_MATCHES = cast(Table, Match.__table__).c
_MEMBERS = cast(Table, Member.__table__).c
_MEMBERS_TABLE = cast(Table, Member.__table__)
_CARDS = cast(Table, PlannedCard.__table__).c
_VIEWS = cast(Table, CardView.__table__).c
_REVIEWS = cast(Table, SuggestionReview.__table__).c
_TOLD_TABLE = cast(Table, DigestAnnounced.__table__)
_TOLD = _TOLD_TABLE.c
_TOLD_COLUMNS = ["member_id", "candidate_id", "day"]
_TERMS = (
    _PROFILES.member_id,
    _PROFILES.gender,
    _PROFILES.birth_year,
    _PROFILES.seeks,
    _PROFILES.age_min,
    _PROFILES.age_max,
    _PROFILES.age_must,
    _PROFILES.employer,
    _PROFILES.avoid_colleagues,
)


async def terms(session: AsyncSession, member_ids: Sequence[int]) -> list[Terms]:
    """The terms of those of these members who have a match profile."""
    if not member_ids:
        return []
    rows = await session.execute(select(*_TERMS).where(_PROFILES.member_id.in_(member_ids)))
    return [Terms(*row) for row in rows]


async def suggestable_since(
    session: AsyncSession, after: datetime | None, after_id: int, limit: int
) -> list[Terms]:
    """The terms of up to ``limit`` members after ``after_id`` (in id order) who completed
    their profile after ``after`` (everyone, if None) and may be suggested to anyone at all:
    eligible and not hidden by reports (what the pool asks of every candidate, whoever the
    viewer)."""
    statement = select(*_TERMS).where(
        _PROFILES.member_id > after_id,
        _PROFILES.eligible.is_(True),
        _PROFILES.member_id.not_in(HIDDEN_BY_REPORTS),
    )
    if after is not None:
        statement = statement.where(
            _PROFILES.member_id.in_(
                select(_MEMBERS.id).where(_MEMBERS.profile_completed_at > after)
            )
        )
    rows = await session.execute(statement.order_by(_PROFILES.member_id).limit(limit))
    return [Terms(*row) for row in rows]


async def kept_apart(
    session: AsyncSession, viewer_ids: Sequence[int], skips_kept_since: datetime
) -> dict[int, set[int]]:
    """Whom the pool keeps from each of these viewers whatever their terms: those the viewer
    liked or skipped since ``skips_kept_since``, those either blocked, and their matches (one
    a matchmaker's proposal made has no like behind it)."""
    apart: dict[int, set[int]] = {}
    if not viewer_ids:
        return apart
    decided = await session.execute(
        select(_DECISIONS.viewer_id, _DECISIONS.candidate_id).where(
            _DECISIONS.viewer_id.in_(viewer_ids),
            or_(_DECISIONS.liked.is_(True), _DECISIONS.created_at >= skips_kept_since),
        )
    )
    for viewer, candidate in decided:
        apart.setdefault(viewer, set()).add(candidate)
    viewers = set(viewer_ids)
    blocks = await session.execute(
        select(_BLOCKS.blocker_id, _BLOCKS.blocked_id).where(
            or_(_BLOCKS.blocker_id.in_(viewer_ids), _BLOCKS.blocked_id.in_(viewer_ids))
        )
    )
    for blocker, blocked in blocks:
        if blocker in viewers:
            apart.setdefault(blocker, set()).add(blocked)
        if blocked in viewers:
            apart.setdefault(blocked, set()).add(blocker)
    matches = await session.execute(
        select(_MATCHES.member_a, _MATCHES.member_b).where(
            or_(_MATCHES.member_a.in_(viewer_ids), _MATCHES.member_b.in_(viewer_ids))
        )
    )
    for a, b in matches:
        if a in viewers:
            apart.setdefault(a, set()).add(b)
        if b in viewers:
            apart.setdefault(b, set()).add(a)
    return apart


async def planned_untold(
    session: AsyncSession, viewer_ids: Sequence[int], day: date, told_since: date
) -> dict[int, list[tuple[int, datetime | None]]]:
    """Each of these viewers' planned people of ``day`` whom /match would serve her from the
    plan and whom the digest has not told her of, in the plan's order, with when each
    completed their profile: the plan's open cards (``storage.plan.open_cards_of``, the rule
    /match's and ``open_planned``'s), less those a matchmaker has not cleared for her
    (rejected, or waiting for a look), those she has been shown already, and those announced
    on or after ``told_since`` (older announcements are forgotten, whether or not their rows
    have been dropped yet). One statement for them all."""
    if not viewer_ids:
        return {}
    card = _CARDS
    rows = await session.execute(
        plan.open_cards_of(viewer_ids, day)
        .add_columns(_MEMBERS.profile_completed_at)
        .join(_MEMBERS_TABLE, _MEMBERS.id == card.candidate_id)
        .where(
            ~exists().where(
                _REVIEWS.viewer_id == card.viewer_id,
                _REVIEWS.candidate_id == card.candidate_id,
                _REVIEWS.status != "approved",
            ),
            ~exists().where(
                _VIEWS.viewer_id == card.viewer_id, _VIEWS.candidate_id == card.candidate_id
            ),
            ~exists().where(
                _TOLD.member_id == card.viewer_id,
                _TOLD.candidate_id == card.candidate_id,
                _TOLD.day >= told_since,
            ),
        )
    )
    untold: dict[int, list[tuple[int, datetime | None]]] = {}
    for viewer, candidate, completed in rows:
        untold.setdefault(viewer, []).append((candidate, completed))
    return untold


async def cards_seen_since(
    session: AsyncSession, viewer_ids: Sequence[int], since: datetime
) -> dict[int, int]:
    """How many cards each of these viewers has been shown since ``since`` (the day's cards
    /match counts, ``storage.matching.views_since``), for those shown any."""
    if not viewer_ids:
        return {}
    rows = await session.execute(
        select(_VIEWS.viewer_id, func.count())
        .where(_VIEWS.viewer_id.in_(viewer_ids), _VIEWS.shown_at >= since)
        .group_by(_VIEWS.viewer_id)
    )
    return {viewer: count for viewer, count in rows.all()}


async def announce(session: AsyncSession, told: Sequence[tuple[int, int]], day: date) -> None:
    """Note that each (member, planned person) of ``told`` was announced by ``day``'s digest:
    one statement whatever their number (on PostgreSQL the ids as two arrays; SQLite's
    executemany). The ORM's insert of a dict a row took twice the time on PostgreSQL."""
    if not told:
        return
    connection = await session.connection()
    columns = ", ".join(_TOLD_COLUMNS)
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql(
            f"INSERT INTO {_TOLD_TABLE.name} ({columns}) "
            "SELECT unnest($1::int[]), unnest($2::int[]), $3::date",
            ([member for member, _ in told], [candidate for _, candidate in told], day),
        )
        return
    await connection.exec_driver_sql(
        f"INSERT INTO {_TOLD_TABLE.name} ({columns}) VALUES (?, ?, ?)",
        [(member, candidate, day.isoformat()) for member, candidate in told],
    )


async def forget_announced(session: AsyncSession, members: tuple[int, int], before: date) -> None:
    """Drop what the digest told members of this id range (inclusive) before ``before``."""
    await session.execute(
        delete(_TOLD_TABLE).where(_TOLD.member_id.between(*members), _TOLD.day < before)
    )
