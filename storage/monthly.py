"""Month-by-month figures of a union's units: what the live rows show, plus what members who
deleted their account had done (``DepartedCount``, written by ``keep_departed`` in the deleting
transaction), so a past month's figures do not change when someone leaves.

Each figure is attributed to one unit: a member's own unit; a match or a proposal to the unit of
its first member (``member_a``); an event's registrations to the event's unit; a thread to the
union it was opened with. The live queries and ``keep_departed`` use the same attribution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from bot.domain.events import RegistrationStatus
from storage.models import (
    DepartedCount,
    Event,
    FollowUp,
    Match,
    MatchDecision,
    Member,
    Proposal,
    Registration,
    Thread,
)

# Follow-up answers counted per month: how matches went.
OUTCOME_FIGURES = ("met", "together")
FIGURES = (
    "verified",
    "completed",
    "matched",
    "proposed",
    *OUTCOME_FIGURES,
    "events",
    "registered",
    "attended",
    "pairs",
    "threads",
    "answered",
)


@dataclass
class Tally:
    """One figure of one unit in one month; ``seconds`` adds up waits (first answers)."""

    count: int = 0
    seconds: float = 0.0


# (unit id, month "2026-11", figure) → tally
Tallies = dict[tuple[int, str, str], Tally]


def month_of(session: AsyncSession, column: Any, tz: tzinfo, now: datetime) -> ColumnElement[str]:
    """The local month ("2026-11") of a stored instant, computed by the database."""
    # Constants written into the SQL, not bound: PostgreSQL matches a GROUP BY expression to
    # the selected one only when their parameters are the same, and two binds are not.
    if session.get_bind().dialect.name == "postgresql":
        zone: ColumnElement[str] = literal_column(_quoted(str(tz)))
        return func.to_char(func.timezone(zone, column), literal_column("'YYYY-MM'"))
    offset = now.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.strftime(
        literal_column("'%Y-%m'"), column, literal_column(f"'{minutes:+d} minutes'")
    )


def _quoted(name: str) -> str:
    """A time zone's name (from the configuration) as an SQL string literal."""
    if not all(c.isalnum() or c in "/_+-" for c in name):
        raise ValueError(f"unexpected time zone name {name!r}")
    return f"'{name}'"


def local_month(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m")


async def tallies(
    session: AsyncSession, scope: Collection[int], since: datetime, tz: tzinfo, now: datetime
) -> Tallies:
    """Every figure of the scope's units from ``since`` on, live rows and departed counts."""
    found: Tallies = defaultdict(Tally)

    def month(column: Any) -> ColumnElement[str]:
        return month_of(session, column, tz, now)

    first = aliased(Member)
    queries: list[tuple[str, Select[Any]]] = [
        (
            "matched",
            _grouped(first.unit_id, month(Match.created_at), Match.created_at >= since)
            .select_from(Match)
            .join(first, first.id == Match.member_a),
        ),
        (
            "proposed",
            _grouped(first.unit_id, month(Proposal.created_at), Proposal.created_at >= since)
            .select_from(Proposal)
            .join(first, first.id == Proposal.member_a)
            .where(Proposal.status == "matched"),
        ),
        (
            "events",
            _grouped(Event.unit_id, month(Event.starts_at), Event.starts_at >= since),
        ),
        (
            "registered",
            _grouped(Event.unit_id, month(Event.starts_at), Event.starts_at >= since)
            .join(Registration, Registration.event_id == Event.id)
            .where(Registration.status == RegistrationStatus.REGISTERED),
        ),
        (
            "attended",
            _grouped(Event.unit_id, month(Event.starts_at), Event.starts_at >= since)
            .join(Registration, Registration.event_id == Event.id)
            .where(Registration.checked_in_at.is_not(None)),
        ),
        ("threads", _grouped(Thread.unit_id, month(Thread.created_at), Thread.created_at >= since)),
    ]
    for figure, query in queries:
        unit = query.selected_columns[0]
        for unit_id, at, count in (await session.execute(query.where(unit.in_(scope)))).all():
            found[(unit_id, at, figure)].count += count
    for outcome in OUTCOME_FIGURES:
        outcomes = (
            _grouped(Member.unit_id, month(FollowUp.answered_at), FollowUp.answered_at >= since)
            .select_from(FollowUp)
            .join(Member, Member.id == FollowUp.member_id)
            .where(FollowUp.outcome == outcome, Member.unit_id.in_(scope))
        )
        for unit_id, at, count in (await session.execute(outcomes)).all():
            found[(unit_id, at, outcome)].count += count
    pairs = (
        _grouped(Event.unit_id, month(Event.starts_at), Event.starts_at >= since)
        .with_only_columns(
            Event.unit_id, month(Event.starts_at), func.coalesce(func.sum(Event.pairs), 0)
        )
        .where(Event.unit_id.in_(scope), Event.pairs.is_not(None))
    )
    for unit_id, at, count in (await session.execute(pairs)).all():
        found[(unit_id, at, "pairs")].count += int(count or 0)
    # Threads by the month they were opened; waits summed in Python (SQLite and PostgreSQL
    # subtract instants differently) — a union's questions are thousands, not millions.
    waits = await session.execute(
        select(Thread.unit_id, Thread.created_at, Thread.first_answer_at).where(
            Thread.unit_id.in_(scope),
            Thread.created_at >= since,
            Thread.first_answer_at.is_not(None),
        )
    )
    for unit_id, opened, answered in waits.all():
        if answered is None:
            continue
        tally = found[(unit_id, local_month(opened, tz), "answered")]
        tally.count += 1
        tally.seconds += (answered - opened).total_seconds()
    departed = await session.execute(
        select(
            DepartedCount.unit_id,
            DepartedCount.month,
            DepartedCount.figure,
            func.sum(DepartedCount.count),
            func.sum(DepartedCount.seconds),
        )
        .where(
            DepartedCount.unit_id.in_(scope),
            DepartedCount.month >= local_month(since, tz),
            DepartedCount.figure.in_(FIGURES),
        )
        .group_by(DepartedCount.unit_id, DepartedCount.month, DepartedCount.figure)
    )
    for unit_id, at, figure, count, seconds in departed.all():
        tally = found[(unit_id, at, figure)]
        tally.count += int(count or 0)
        tally.seconds += float(seconds or 0)
    return found


async def departed_totals(
    session: AsyncSession, scope: Collection[int], figures: Collection[str]
) -> dict[str, int]:
    """Of these figures, what members since deleted had counted for in the scope, in all:
    added to the live rows' totals, the union's figures of the past stay as they were."""
    rows = await session.execute(
        select(DepartedCount.figure, func.sum(DepartedCount.count))
        .where(DepartedCount.unit_id.in_(scope), DepartedCount.figure.in_(figures))
        .group_by(DepartedCount.figure)
    )
    return {figure: int(count or 0) for figure, count in rows.all()}


@dataclass(frozen=True)
class MemberCounts:
    """The scope's members per unit today (verified, profile complete, active in the period
    asked), and per unit and month how many were verified and completed their profile then."""

    now: dict[int, tuple[int, int, int]]
    # (unit id, month "2026-11", "verified" or "completed") → members
    months: dict[tuple[int, str, str], int]


async def member_counts(
    session: AsyncSession,
    scope: Collection[int],
    months: Sequence[tuple[str, datetime]],
    active_since: datetime,
) -> MemberCounts:
    """The live part of the "verified" and "completed" figures (``keep_departed`` keeps the
    rest), and the scope's members by state today (``months``: each local month with the
    instant it starts, oldest first; the last month has no end).

    Each month's figure is counted over the range of instants it spans, which the indexes by
    unit and each date (migrations 0025, 0026) hold in order: the database counts index
    entries between two keys. Working out each member's two months (and grouping 100,000 rows
    by them) took SQLite 390 ms of the desk's year month by month; the ranges take 20."""
    totals = await session.execute(
        select(
            Member.unit_id,
            func.count(Member.verified_at),
            func.count(Member.profile_completed_at),
            func.count(case((Member.last_seen_at >= active_since, 1))),
        )
        .where(Member.unit_id.in_(scope))
        .group_by(Member.unit_id)
    )
    now = {
        unit: (verified, completed, active)
        for unit, verified, completed, active in totals
        if unit is not None  # never, with the scope's units asked: for the type checker
    }
    found: dict[tuple[int, str, str], int] = {}
    for figure, column in (
        ("verified", Member.verified_at),
        ("completed", Member.profile_completed_at),
    ):
        parts = []
        for index, (_name, start) in enumerate(months):
            within = [column >= start]
            if index + 1 < len(months):
                within.append(column < months[index + 1][1])
            parts.append(
                select(Member.unit_id, literal(index), func.count())
                .where(Member.unit_id.in_(scope), *within)
                .group_by(Member.unit_id)
            )
        for unit, index, count in (await session.execute(union_all(*parts))).all():
            if count and unit is not None:
                found[(unit, months[index][0], figure)] = count
    return MemberCounts(now, found)


def _grouped(
    unit: InstrumentedAttribute[int] | Any, month: ColumnElement[str], since: ColumnElement[bool]
) -> Select[Any]:
    return select(unit, month, func.count()).where(since).group_by(unit, month)


async def keep_departed(session: AsyncSession, member_id: int, tz: tzinfo) -> None:
    """Before a member's rows are deleted (in the caller's transaction): add what they count
    for to ``DepartedCount``, attributed as the live queries attribute it."""
    member = await session.get(Member, member_id)
    if member is None:
        return
    kept: Tallies = defaultdict(Tally)
    if member.unit_id is not None:
        for figure, moment in (
            ("verified", member.verified_at),
            ("completed", member.profile_completed_at),
        ):
            if moment is not None:
                kept[(member.unit_id, local_month(moment, tz), figure)].count += 1
    first = aliased(Member)
    for figure, model, extra in (
        ("matched", Match, None),
        ("proposed", Proposal, Proposal.status == "matched"),
    ):
        query = (
            select(first.unit_id, model.created_at)
            .select_from(model)
            .join(first, first.id == model.member_a)
            .where(or_(model.member_a == member_id, model.member_b == member_id))
        )
        if extra is not None:
            query = query.where(extra)
        for unit_id, moment in (await session.execute(query)).all():
            if unit_id is not None:
                kept[(unit_id, local_month(moment, tz), figure)].count += 1
    # Likes she gave or was given, each to the liker's unit (the rows go with her account);
    # "liked" is not one of FIGURES: only all-time totals show it (``departed_totals``).
    viewer = aliased(Member)
    likes = await session.execute(
        select(viewer.unit_id, MatchDecision.created_at)
        .select_from(MatchDecision)
        .join(viewer, viewer.id == MatchDecision.viewer_id)
        .where(
            MatchDecision.liked.is_(True),
            or_(MatchDecision.viewer_id == member_id, MatchDecision.candidate_id == member_id),
        )
    )
    for unit_id, moment in likes.all():
        if unit_id is not None:
            kept[(unit_id, local_month(moment, tz), "liked")].count += 1
    if member.unit_id is not None:
        outcomes = await session.execute(
            select(FollowUp.outcome, FollowUp.answered_at).where(FollowUp.member_id == member_id)
        )
        # Every outcome for /stats' all-time count; only met and together are FIGURES.
        for outcome, moment in outcomes.all():
            kept[(member.unit_id, local_month(moment, tz), outcome)].count += 1
    places = await session.execute(
        select(Event.unit_id, Event.starts_at, Registration.status, Registration.checked_in_at)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.member_id == member_id)
    )
    for unit_id, starts, status, checked_in in places.all():
        if status == RegistrationStatus.REGISTERED:
            kept[(unit_id, local_month(starts, tz), "registered")].count += 1
        if checked_in is not None:
            kept[(unit_id, local_month(starts, tz), "attended")].count += 1
    threads = await session.execute(
        select(Thread.unit_id, Thread.created_at, Thread.first_answer_at).where(
            Thread.member_id == member_id
        )
    )
    for unit_id, opened, answered in threads.all():
        month = local_month(opened, tz)
        kept[(unit_id, month, "threads")].count += 1
        if answered is not None:
            tally = kept[(unit_id, month, "answered")]
            tally.count += 1
            tally.seconds += (answered - opened).total_seconds()
    session.add_all(
        DepartedCount(
            unit_id=unit_id, month=month, figure=figure, count=tally.count, seconds=tally.seconds
        )
        for (unit_id, month, figure), tally in kept.items()
    )
    await session.flush()
