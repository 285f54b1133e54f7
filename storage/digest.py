"""Queries of the daily digest: many members' terms and the few new people, read in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.members import REPORT_WEIGHT_TO_HIDE
from bot.domain.new_people import Terms
from storage.models import Block, Match, MatchDecision, MatchProfile, Member, Report

_PROFILES = cast(Table, MatchProfile.__table__).c
_DECISIONS = cast(Table, MatchDecision.__table__).c
_BLOCKS = cast(Table, Block.__table__).c
_MATCHES = cast(Table, Match.__table__).c
_REPORTS = cast(Table, Report.__table__).c
_MEMBERS = cast(Table, Member.__table__).c
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
# What the pool reads of hidden members (reported enough, not yet reviewed).
_HIDDEN = (
    select(_REPORTS.reported_id)
    .where(_REPORTS.status == "pending")
    .group_by(_REPORTS.reported_id)
    .having(func.sum(_REPORTS.weight) >= REPORT_WEIGHT_TO_HIDE)
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
        _PROFILES.member_id.not_in(_HIDDEN),
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
