"""Queries behind browsing with filters (bot.services.matching.browse): the filters the
database checks, the people a member was shown and has not decided on, and undoing a skip."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.browse import ACTIVE_WITHIN, NEW_WITHIN, Filters, birth_years
from storage.models import CardView, MatchDecision, MatchProfile, Member, ProfileAnswer

_PROFILES = cast(Table, MatchProfile.__table__).c
_MEMBERS = cast(Table, Member.__table__).c
_VIEWS = cast(Table, CardView.__table__).c
_DECISIONS = cast(Table, MatchDecision.__table__).c
_ANSWERS = cast(Table, ProfileAnswer.__table__).c


def conditions(
    session: AsyncSession, filters: Filters, current_year: int, now: datetime
) -> list[Any]:
    """The filters on the match profile's indexed columns and the member's dates, as
    conditions for the candidate pool (storage.matching.pool's ``where``)."""
    found: list[Any] = []
    birth_year: ColumnElement[Any] = _PROFILES.birth_year
    if session.get_bind().dialect.name == "sqlite":
        # The pool samples in shuffle order and stops early. SQLite's planner takes the age
        # index whenever a condition allows, then sorts everyone in the range by shuffle (most
        # of a gender for ages 25-32); "+ 0" stops it, and the few of a rare age range are
        # found through that index by ``few``. The district index it may keep: measured at
        # 100,000 profiles, reading a district's rows beat the sample with districts (a
        # combination of ages, 徐汇区 and more: 162 ms against 534 ms a page).
        birth_year = birth_year + 0
    earliest, latest = birth_years(filters, current_year)
    if earliest is not None:
        found.append(birth_year >= earliest)
    if latest is not None:
        found.append(birth_year <= latest)
    if filters.districts:
        found.append(_PROFILES.district.in_(filters.districts))
    return [*found, *_unindexed(filters, now)]


def _unindexed(filters: Filters, now: datetime) -> list[Any]:
    """The filters no index serves: education, new this week, active this month."""
    found: list[Any] = []
    if filters.education_min is not None:
        found.append(_PROFILES.education >= filters.education_min)
    dated = []
    if filters.new_this_week:
        dated.append(_MEMBERS.profile_completed_at > now - NEW_WITHIN)
    if filters.active_this_month:
        dated.append(_MEMBERS.last_seen_at >= now - ACTIVE_WITHIN)
    if dated:
        # Looked up by primary key for each row the sample reads: an IN list of everyone
        # active this month would be built in full first (most of the membership).
        found.append(exists().where(_MEMBERS.id == _PROFILES.member_id, *dated))
    return found


# Up to this many members meeting a filter's age range or districts are checked one by one.
FEW = 2_000


async def few(
    session: AsyncSession,
    viewer: dict[str, Any],
    filters: Filters,
    current_year: int,
    now: datetime,
) -> list[int] | None:
    """The eligible members of the sought gender meeting the filter's ages and districts, if
    they are only a few (read through the age or the district index); None if there are many
    or the filter has neither. In shuffle order the sample would read the whole gender to
    find a rare few (ages at the population's edge, an outlying district)."""
    earliest, latest = birth_years(filters, current_year)
    base = [_PROFILES.eligible.is_(True)]
    if viewer["seeks"] in ("male", "female"):
        base.append(_PROFILES.gender == viewer["seeks"])
    ages = []
    if earliest is not None:
        ages.append(_PROFILES.birth_year >= earliest)
    if latest is not None:
        ages.append(_PROFILES.birth_year <= latest)
    districts = [_PROFILES.district.in_(filters.districts)] if filters.districts else []
    for narrowing, column in ((ages, _PROFILES.birth_year), (districts, _PROFILES.district)):
        if not narrowing:
            continue
        # One row past the bound says "many"; only indexed columns, so the index alone is read.
        # (Ages and districts each common but rare together are left to the sample: telling
        # would mean reading all of the common range.)
        past_bound = select(column).where(*base, *narrowing).offset(FEW).limit(1)
        if await session.scalar(past_bound) is None:
            found = await session.scalars(
                select(_PROFILES.member_id).where(
                    *base, *ages, *districts, *_unindexed(filters, now)
                )
            )
            return list(found)
    return None


def not_among(members: Sequence[int]) -> Any:
    """A condition for the pool: none of these members."""
    return (
        _PROFILES.member_id.not_in(list(members)) if members else _PROFILES.member_id.is_not(None)
    )


async def shown_since(session: AsyncSession, viewer: int, since: datetime) -> list[int]:
    """The people shown to the viewer since then, each once: the most recently shown first,
    those shown at once (a page) in the order they were shown."""
    rows = await session.execute(
        select(_VIEWS.candidate_id, func.max(_VIEWS.shown_at).label("last"))
        .where(_VIEWS.viewer_id == viewer, _VIEWS.shown_at >= since)
        .group_by(_VIEWS.candidate_id)
        .order_by(func.max(_VIEWS.shown_at).desc(), func.max(_VIEWS.id))
    )
    return [row.candidate_id for row in rows]


async def liked_by(session: AsyncSession, viewer: int, candidates: Sequence[int]) -> set[int]:
    """Which of these candidates liked the viewer."""
    if not candidates:
        return set()
    found = await session.scalars(
        select(_DECISIONS.viewer_id).where(
            _DECISIONS.candidate_id == viewer,
            _DECISIONS.liked.is_(True),
            _DECISIONS.viewer_id.in_(candidates),
        )
    )
    return set(found)


async def answers_of(
    session: AsyncSession, members: Sequence[int], questions: Sequence[str]
) -> dict[int, dict[str, Any]]:
    """These answers of many members at once."""
    found: dict[int, dict[str, Any]] = {member: {} for member in members}
    if not members:
        return found
    rows = await session.execute(
        select(_ANSWERS.member_id, _ANSWERS.question, _ANSWERS.value).where(
            _ANSWERS.member_id.in_(members), _ANSWERS.question.in_(questions)
        )
    )
    for row in rows:
        found[row.member_id][row.question] = row.value
    return found


async def last_skip(session: AsyncSession, viewer: int, since: datetime) -> int | None:
    """The person the viewer skipped last, if that was since then."""
    return cast(
        int | None,
        await session.scalar(
            select(_DECISIONS.candidate_id)
            .where(
                _DECISIONS.viewer_id == viewer,
                _DECISIONS.liked.is_(False),
                _DECISIONS.created_at >= since,
            )
            .order_by(_DECISIONS.created_at.desc())
            .limit(1)
        ),
    )


async def forget_decision(session: AsyncSession, viewer: int, candidate: int) -> None:
    await session.execute(
        delete(MatchDecision).where(
            MatchDecision.viewer_id == viewer, MatchDecision.candidate_id == candidate
        )
    )
