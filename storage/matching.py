"""Queries behind suggestions: the candidate pool, history aggregates, decisions, matches."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.match_profile import match_row
from bot.domain.members import REPORT_WEIGHT_TO_HIDE
from bot.domain.units import ancestry
from storage import profiles, units
from storage.models import (
    Block,
    CardView,
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    OrgUnit,
    Report,
    RosterEntry,
    SuggestionReview,
)
from storage.upsert import upsert


async def refresh_profile(session: AsyncSession, member_id: int, now: datetime) -> None:
    """Rebuild a member's match profile from their answers and status."""
    member = await session.get(Member, member_id)
    if member is None:
        return
    stored = await profiles.answers(session, member_id)
    answers = {key: answer.value for key, answer in stored.items()}
    must = {key: answer.must_have for key, answer in stored.items()}
    employer = await session.scalar(
        select(RosterEntry.employer).where(RosterEntry.member_id == member_id)
    )
    row = match_row(answers, must, employer)
    eligible = bool(
        member.verified_at
        and member.profile_completed_at
        and not member.paused
        and not member.suspended
    )
    await upsert(
        session,
        MatchProfile,
        [
            {
                "member_id": member_id,
                "eligible": eligible,
                "avoid_colleagues": member.avoid_colleagues,
                "updated_at": now,
                "shuffle": random.getrandbits(31),
                **row,
            }
        ],
        ["member_id"],
    )


def _profile_columns() -> list[Any]:
    return [
        MatchProfile.member_id,
        MatchProfile.gender,
        MatchProfile.birth_year,
        MatchProfile.seeks,
        MatchProfile.age_min,
        MatchProfile.age_max,
        MatchProfile.age_must,
        MatchProfile.district,
        MatchProfile.education,
        MatchProfile.employer,
        MatchProfile.avoid_colleagues,
        MatchProfile.features,
    ]


async def profile_row(session: AsyncSession, member_id: int) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(*_profile_columns(), MatchProfile.eligible).where(
                MatchProfile.member_id == member_id
            )
        )
    ).first()
    return dict(row._mapping) if row else None


# Up to this many members of the ages a viewer insists on are checked one by one.
FEW_OF_AGE = 2_000


async def pool(
    session: AsyncSession,
    viewer: dict[str, Any],
    current_year: int,
    *,
    likers_only: bool,
    limit: int,
    pivot: int | None = None,
    only: Sequence[int] | None = None,
    skips_forgotten_before: datetime | None = None,
    completed_after: datetime | None = None,
) -> list[dict[str, Any]]:
    """Eligible members who pass the hard constraints both ways and whom the viewer has not
    liked, skipped since ``skips_forgotten_before`` (skips before it come back), blocked, or
    been blocked by. With ``likers_only``, only those who liked the viewer; with ``only``, only
    those members; with ``completed_after``, only those who completed their profile since.
    Otherwise a random sample (from ``pivot`` in shuffle order, wrapping around), half of it
    from the viewer's preferred districts."""
    me = viewer["member_id"]
    mp = MatchProfile
    decided = [MatchDecision.viewer_id == me, MatchDecision.candidate_id == mp.member_id]
    if skips_forgotten_before is not None:
        decided.append(
            or_(
                MatchDecision.liked.is_(True),
                MatchDecision.created_at >= skips_forgotten_before,
            )
        )
    conditions = [
        mp.eligible.is_(True),
        mp.member_id != me,
        or_(mp.seeks == "any", mp.seeks == viewer["gender"]),
        ~exists().where(*decided),
        ~exists().where(
            or_(
                and_(Block.blocker_id == me, Block.blocked_id == mp.member_id),
                and_(Block.blocker_id == mp.member_id, Block.blocked_id == me),
            )
        ),
        mp.member_id.not_in(
            select(Report.reported_id)
            .where(Report.status == "pending")
            .group_by(Report.reported_id)
            .having(func.sum(Report.weight) >= REPORT_WEIGHT_TO_HIDE)
        ),
    ]
    if completed_after is not None:
        conditions.append(
            mp.member_id.in_(select(Member.id).where(Member.profile_completed_at > completed_after))
        )
    if viewer["seeks"] in ("male", "female"):
        conditions.append(mp.gender == viewer["seeks"])
    if viewer["age_must"] and viewer["age_min"] is not None:
        # In shuffle order the sample stops early; by the age index it would sort everyone of
        # those ages first. SQLite's planner takes the index whenever it can ("+ 0" stops it);
        # PostgreSQL's weighs both by its statistics, which an expression has none of: it
        # took the range to hold 0.5 % of a gender, and sorted them all (0.5 s at 1,000,000).
        birth_year = (
            mp.birth_year + 0 if session.get_bind().dialect.name == "sqlite" else mp.birth_year
        )
        conditions.append(
            birth_year.between(current_year - viewer["age_max"], current_year - viewer["age_min"])
        )
    if viewer["birth_year"] is not None:
        viewer_age = current_year - viewer["birth_year"]
        conditions.append(
            or_(
                mp.age_must.is_(False),
                mp.age_min.is_(None),
                and_(mp.age_min <= viewer_age, mp.age_max >= viewer_age),
            )
        )
    if viewer["employer"]:
        same_employer = mp.employer == viewer["employer"]
        if viewer["avoid_colleagues"]:
            conditions.append(or_(mp.employer.is_(None), ~same_employer))
        else:
            conditions.append(
                or_(mp.avoid_colleagues.is_(False), mp.employer.is_(None), ~same_employer)
            )
    if viewer["age_must"] and viewer["age_min"] is not None and not likers_only and only is None:
        few = await _few_of_age(session, viewer, current_year)
        if few is not None:
            if not few:
                return []  # nobody of the ages the viewer insists on: no need to look further
            conditions.append(mp.member_id.in_(few))
    if likers_only or only is not None:
        chosen = (
            select(MatchDecision.viewer_id).where(
                MatchDecision.candidate_id == me, MatchDecision.liked.is_(True)
            )
            if only is None
            else only
        )
        rows = await session.execute(
            select(*_profile_columns()).where(*conditions, mp.member_id.in_(chosen)).limit(limit)
        )
        return [dict(row._mapping) for row in rows]
    pivot = random.getrandbits(31) if pivot is None else pivot
    sought = viewer["features"].get("districts_sought") or []
    found: dict[int, dict[str, Any]] = {}
    if sought:
        await _sample(session, conditions + [mp.district.in_(sought)], pivot, limit // 2, found)
    await _sample(session, conditions, pivot, limit - len(found), found)
    return list(found.values())


async def _few_of_age(
    session: AsyncSession, viewer: dict[str, Any], current_year: int
) -> list[int] | None:
    """The eligible members of the sought gender and ages, if there are only a few; None if
    there are many. When the ages a viewer insists on are rare, the sample in shuffle order
    would read the whole gender to find the few (or to learn there are none): at a million
    profiles most of a second. Found through the age index, those few are checked directly."""
    mp = MatchProfile
    in_range = [
        mp.eligible.is_(True),
        mp.birth_year.between(current_year - viewer["age_max"], current_year - viewer["age_min"]),
    ]
    if viewer["seeks"] in ("male", "female"):
        in_range.append(mp.gender == viewer["seeks"])
    found = list(
        (await session.scalars(select(mp.member_id).where(*in_range).limit(FEW_OF_AGE + 1))).all()
    )
    return found if len(found) <= FEW_OF_AGE else None


async def _sample(
    session: AsyncSession,
    conditions: list[Any],
    pivot: int,
    limit: int,
    found: dict[int, dict[str, Any]],
) -> None:
    """Add up to ``limit`` new rows in shuffle order from ``pivot``, wrapping around once.
    Rows already found are skipped in Python: cheaper than a long NOT IN list."""
    mp = MatchProfile
    wanted = len(found) + limit
    for window in (mp.shuffle >= pivot, mp.shuffle < pivot):
        if len(found) >= wanted:
            return
        rows = await session.execute(
            select(*_profile_columns())
            .where(*conditions, window)
            .order_by(mp.shuffle)
            .limit(wanted)
        )
        for row in rows:
            if len(found) >= wanted:
                return
            found.setdefault(row.member_id, dict(row._mapping))


async def review_threshold(session: AsyncSession, unit_id: int | None) -> float | None:
    """The review threshold of the member's unit, or of the nearest unit above that has one."""
    if unit_id is None:
        return None
    for candidate in ancestry(unit_id, await units.parents(session)):
        threshold = await session.scalar(
            select(OrgUnit.review_threshold).where(OrgUnit.id == candidate)
        )
        if threshold is not None:
            return threshold
    return None


async def reviewed(session: AsyncSession, viewer: int) -> dict[int, str]:
    """candidate → status of the viewer's suggestion reviews."""
    rows = await session.execute(
        select(SuggestionReview.candidate_id, SuggestionReview.status).where(
            SuggestionReview.viewer_id == viewer
        )
    )
    return dict(rows.all())


async def forget_skips(session: AsyncSession, viewer: int) -> None:
    await session.execute(
        delete(MatchDecision).where(
            MatchDecision.viewer_id == viewer, MatchDecision.liked.is_(False)
        )
    )


async def is_under_report(session: AsyncSession, member_id: int) -> bool:
    """Others reported the member and a moderator has not dismissed it."""
    found = await session.scalar(
        select(Report.id)
        .where(Report.reported_id == member_id, Report.status != "dismissed")
        .limit(1)
    )
    return found is not None


async def skips_since(session: AsyncSession, viewer: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(
                MatchDecision.viewer_id == viewer,
                MatchDecision.liked.is_(False),
                MatchDecision.created_at >= since,
            )
        )
        or 0
    )


async def decision_counts(
    session: AsyncSession, member_ids: Sequence[int]
) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """(likes, decisions) each member gave, and received."""
    d = MatchDecision
    likes = func.sum(case((d.liked.is_(True), 1), else_=0))
    given = await session.execute(
        select(d.viewer_id, likes, func.count())
        .where(d.viewer_id.in_(member_ids))
        .group_by(d.viewer_id)
    )
    received = await session.execute(
        select(d.candidate_id, likes, func.count())
        .where(d.candidate_id.in_(member_ids))
        .group_by(d.candidate_id)
    )
    return (
        {row[0]: (int(row[1] or 0), int(row[2])) for row in given},
        {row[0]: (int(row[1] or 0), int(row[2])) for row in received},
    )


async def taste(session: AsyncSession, viewer: int, candidates: Sequence[int]) -> dict[int, float]:
    """Share of the viewer's peers (who liked someone the viewer liked) who liked each
    candidate, among the peers who decided on them."""
    mine, peers, theirs = (MatchDecision.__table__.alias(n) for n in ("mine", "peers", "theirs"))
    rows = await session.execute(
        select(
            theirs.c.candidate_id,
            func.sum(case((theirs.c.liked.is_(True), 1), else_=0)),
            func.count(),
        )
        .select_from(mine)
        .join(
            peers,
            and_(
                peers.c.candidate_id == mine.c.candidate_id,
                peers.c.liked.is_(True),
                peers.c.viewer_id != viewer,
            ),
        )
        .join(
            theirs,
            and_(theirs.c.viewer_id == peers.c.viewer_id, theirs.c.candidate_id.in_(candidates)),
        )
        .where(mine.c.viewer_id == viewer, mine.c.liked.is_(True))
        .group_by(theirs.c.candidate_id)
    )
    return {row[0]: int(row[1] or 0) / int(row[2]) for row in rows if row[2]}


async def exposure(
    session: AsyncSession, candidates: Sequence[int], since: datetime
) -> dict[int, int]:
    rows = await session.execute(
        select(CardView.candidate_id, func.count())
        .where(CardView.candidate_id.in_(candidates), CardView.shown_at >= since)
        .group_by(CardView.candidate_id)
    )
    return {row[0]: int(row[1]) for row in rows}


async def views_since(session: AsyncSession, viewer: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(CardView.viewer_id == viewer, CardView.shown_at >= since)
        )
        or 0
    )


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


async def create_match(
    session: AsyncSession, a: int, b: int, source: str, now: datetime
) -> Match | None:
    """Record that two members matched, once per pair; None if they already had."""
    if await matched(session, a, b):
        return None
    low, high = pair(a, b)
    match = Match(member_a=low, member_b=high, source=source, created_at=now)
    session.add(match)
    await session.flush()
    return match


async def blocked(session: AsyncSession, a: int, b: int) -> bool:
    """Whether either member blocked the other."""
    return (
        await session.scalar(
            select(Block.blocker_id).where(
                or_(
                    and_(Block.blocker_id == a, Block.blocked_id == b),
                    and_(Block.blocker_id == b, Block.blocked_id == a),
                )
            )
        )
    ) is not None


async def was_shown(session: AsyncSession, viewer: int, candidate: int) -> bool:
    """Whether the viewer was ever shown the candidate's card."""
    return (
        await session.scalar(
            select(CardView.id)
            .where(CardView.viewer_id == viewer, CardView.candidate_id == candidate)
            .limit(1)
        )
    ) is not None


async def reported(session: AsyncSession, reporter: int, reported_id: int) -> bool:
    """Whether the reporter has a report about this member waiting for the organisers."""
    return (
        await session.scalar(
            select(Report.id)
            .where(
                Report.reporter_id == reporter,
                Report.reported_id == reported_id,
                Report.status == "pending",
            )
            .limit(1)
        )
    ) is not None


async def reports_since(session: AsyncSession, reporter: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(Report.reporter_id == reporter, Report.created_at >= since)
        )
        or 0
    )


async def match_between(session: AsyncSession, a: int, b: int) -> Match | None:
    low, high = pair(a, b)
    return await session.scalar(select(Match).where(Match.member_a == low, Match.member_b == high))


async def matched(session: AsyncSession, a: int, b: int) -> bool:
    low, high = pair(a, b)
    return (
        await session.scalar(select(Match.id).where(Match.member_a == low, Match.member_b == high))
    ) is not None
