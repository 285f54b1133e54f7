"""Statistics of an organiser's scope: sign-ups, activity, who the members are, what happens.

Members belong to a unit once verified (their roster entry's unit); people still waiting for
review are counted through the roster entry they claimed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from statistics import median

from sqlalchemy import (
    ColumnElement,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.common.config import Settings
from bot.domain.clock import Clock
from bot.domain.questions import EDUCATION_RANK
from bot.domain.units import subtree, tree_order
from bot.services.administration import Administration
from bot.services.matching.follow_ups import OUTCOMES
from storage import monthly, units
from storage.events import Funnel, funnel
from storage.models import (
    Event,
    FollowUp,
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    OrgUnit,
    ProfileAnswer,
    Proposal,
    RosterEntry,
    Thread,
    VerificationAttempt,
)

AGE_BANDS = (
    (0, 24, "<25"),
    (25, 29, "25–29"),
    (30, 34, "30–34"),
    (35, 39, "35–39"),
    (40, 200, "40+"),
)
TOP_EMPLOYERS = 5
DISTRIBUTED = ("gender", "birth_year", "education", "industry", "district")
FUNNEL_EVENTS = 10


@dataclass(frozen=True)
class ThreadFigures:
    """Questions members asked a union (/ask, /feedback): how many, how many answered, and the
    median time to the first answer."""

    unit: str
    opened: int
    answered: int
    median_first_answer: timedelta | None


@dataclass
class ScopeStats:
    # Entries on the scope's rosters today (members who have not left), joined or not.
    on_roster: int = 0
    registered: int = 0
    verified: int = 0
    complete: int = 0
    active_7_days: int = 0
    active_30_days: int = 0
    paused: int = 0
    gender: Counter[str] = field(default_factory=Counter)
    age_band: Counter[str] = field(default_factory=Counter)
    education: Counter[str] = field(default_factory=Counter)
    industry: Counter[str] = field(default_factory=Counter)
    district: Counter[str] = field(default_factory=Counter)
    employers: Counter[str] = field(default_factory=Counter)
    likes: int = 0
    mutual_matches: int = 0
    accepted_proposals: int = 0
    events: list[Funnel] = field(default_factory=list)
    # Answers to the check-ins after a match (given by members' choice).
    outcomes: Counter[str] = field(default_factory=Counter)
    # Members asking a person (/ask, /feedback), per union.
    threads: list[ThreadFigures] = field(default_factory=list)

    def ordered(self, section: str) -> list[tuple[str, int]]:
        """A distribution as people read it: age bands youngest first, the rest most common
        first."""
        counts: Counter[str] = getattr(self, section)
        if section == "age_band":
            return [(label, counts[label]) for _low, _high, label in AGE_BANDS if counts[label]]
        return counts.most_common()


class Statistics:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        administration: Administration,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._administration = administration

    async def for_actor(self, actor: int) -> ScopeStats | None:
        """The statistics of everything the actor organises; None if they organise nothing."""
        scope = await self._administration.scope_of(actor)
        if scope is None:
            return None
        return await scope_stats(self._db, self._clock, self._settings, scope)

    async def overview(self, actor: int) -> ScopeStats | None:
        """The desk overview's figures of everything the actor organises: members by state,
        likes, matches and event funnels. Who the members are (distributions, employers),
        follow-up outcomes and questions are left empty: the overview does not show them, and
        at 100,000 members counting them took most of its time."""
        scope = await self._administration.scope_of(actor)
        if scope is None:
            return None
        return await scope_stats(self._db, self._clock, self._settings, scope, who=False)

    async def monthly(self, actor: int, unit: int | None = None) -> Monthly | None:
        """The last twelve months of everything the actor organises (or of one unit of it and
        those below), and each unit of it; None if that is not theirs to see."""
        found = await self._administration.scope_and_tops(actor)
        if found is None:
            return None
        scope, tops = found
        if unit is not None:
            if unit not in scope:
                return None
            async with self._db() as session:
                scope = frozenset(subtree(unit, await units.parents(session))) & scope
            tops = frozenset({unit})
        return await monthly_figures(self._db, self._clock, self._settings, scope, tops)


async def scope_stats(
    db: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    scope: frozenset[int],
    *,
    who: bool = True,
) -> ScopeStats:
    """Every figure is counted by the database (aggregates over the scope's members), so a
    union of 100,000 members costs a few grouped rows of memory, not a row per member.
    ``who=False`` leaves out who the members are, follow-up outcomes and questions."""
    now = clock.now()
    year = now.astimezone(settings.tz).year
    stats = ScopeStats()
    # Rows are counted joined to their member, never filtered by "member IN (every member of
    # the scope)": SQLite builds that list of 100,000 ids again for each such count.
    in_scope = Member.unit_id.in_(scope)
    async with db() as session:
        totals = (
            await session.execute(
                select(
                    func.count(),
                    func.count(Member.profile_completed_at),
                    _count_where(Member.paused.is_(True)),
                    _count_where(Member.last_seen_at >= now - timedelta(days=7)),
                    _count_where(Member.last_seen_at >= now - timedelta(days=30)),
                ).where(in_scope)
            )
        ).one()
        stats.verified, stats.complete, stats.paused, stats.active_7_days, stats.active_30_days = (
            int(figure or 0) for figure in totals
        )
        waiting = await session.scalar(
            select(func.count(func.distinct(VerificationAttempt.member_id)))
            .join(RosterEntry, RosterEntry.id == VerificationAttempt.roster_entry_id)
            .where(VerificationAttempt.outcome == "pending", RosterEntry.unit_id.in_(scope))
        )
        stats.registered = stats.verified + (waiting or 0)
        stats.on_roster = sum((await _on_roster(session, scope)).values())
        stats.likes = (
            await session.scalar(
                select(func.count())
                .select_from(MatchDecision)
                .join(Member, Member.id == MatchDecision.viewer_id)
                .where(in_scope, MatchDecision.liked.is_(True))
            )
            or 0
        )
        stats.mutual_matches = await _pairs_in_scope(session, Match, scope)
        stats.accepted_proposals = await _pairs_in_scope(
            session, Proposal, scope, Proposal.status == "matched"
        )
        # Likes and pairs of members who have since deleted their account are counted still.
        gone = await monthly.departed_totals(session, scope, ("liked", "matched", "proposed"))
        stats.likes += gone.get("liked", 0)
        stats.mutual_matches += gone.get("matched", 0)
        stats.accepted_proposals += gone.get("proposed", 0)
        stats.events = await _event_funnels(session, scope)
        if who:
            await _who(session, stats, scope, year)
    return stats


async def _who(session: AsyncSession, stats: ScopeStats, scope: frozenset[int], year: int) -> None:
    """Who the members are (distributions, top employers), how their matches went and the
    questions they asked."""
    in_scope = Member.unit_id.in_(scope)
    await _distributions(session, stats, scope, year)
    stats.employers = Counter(
        dict(
            (
                await session.execute(
                    select(RosterEntry.employer, func.count())
                    .join(Member, Member.id == RosterEntry.member_id)
                    .where(in_scope)
                    .group_by(RosterEntry.employer)
                    .order_by(func.count().desc())
                    .limit(TOP_EMPLOYERS)
                )
            ).all()
        )
    )
    stats.outcomes = Counter(
        dict(
            (
                await session.execute(
                    select(FollowUp.outcome, func.count())
                    .join(Member, Member.id == FollowUp.member_id)
                    .where(in_scope)
                    .group_by(FollowUp.outcome)
                )
            ).all()
        )
    )
    stats.outcomes.update(await monthly.departed_totals(session, scope, tuple(OUTCOMES)))
    stats.threads = await _thread_figures(session, scope)


async def _pairs_in_scope(
    session: AsyncSession,
    model: type[Match] | type[Proposal],
    scope: frozenset[int],
    *conditions: ColumnElement[bool],
) -> int:
    """Pairs (matches, proposals) with either member in the scope. Each pair looks up its two
    members by id; "EXISTS a member whose id is either" could not use the primary key and
    searched the scope's members for every pair."""
    first, second = aliased(Member), aliased(Member)
    count = await session.scalar(
        select(func.count())
        .select_from(model)
        .outerjoin(first, first.id == model.member_a)
        .outerjoin(second, second.id == model.member_b)
        .where(or_(first.unit_id.in_(scope), second.unit_id.in_(scope)), *conditions)
    )
    return count or 0


async def _on_roster(session: AsyncSession, scope: frozenset[int]) -> dict[int, int]:
    """Roster entries not marked as left, per unit of the scope."""
    rows = await session.execute(
        select(RosterEntry.unit_id, func.count())
        .where(RosterEntry.unit_id.in_(scope), RosterEntry.left_at.is_(None))
        .group_by(RosterEntry.unit_id)
    )
    return {unit: count for unit, count in rows.all()}


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


async def _thread_figures(session: AsyncSession, scope: frozenset[int]) -> list[ThreadFigures]:
    rows = await session.execute(
        select(OrgUnit.name, Thread.created_at, Thread.first_answer_at)
        .join(OrgUnit, OrgUnit.id == Thread.unit_id)
        .where(Thread.unit_id.in_(scope))
    )
    waits: dict[str, list[float | None]] = {}  # seconds to the first answer, per union
    for unit, opened, first_answer in rows.all():
        wait = (first_answer - opened).total_seconds() if first_answer else None
        waits.setdefault(unit, []).append(wait)
    figures = []
    for unit, found in sorted(waits.items()):
        answered = [wait for wait in found if wait is not None]
        middle = timedelta(seconds=median(answered)) if answered else None
        figures.append(ThreadFigures(unit, len(found), len(answered), middle))
    return figures


async def _event_funnels(session: AsyncSession, scope: frozenset[int]) -> list[Funnel]:
    events = (
        await session.scalars(
            select(Event)
            .where(Event.unit_id.in_(scope))
            .order_by(Event.starts_at.desc())
            .limit(FUNNEL_EVENTS)
        )
    ).all()
    return [await funnel(session, event) for event in events]


async def _distributions(
    session: AsyncSession, stats: ScopeStats, scope: frozenset[int], year: int
) -> None:
    """Who the members are, counted by the database. Complete profiles are counted from their
    match profile (one row each, the answers in typed columns: 100,000 members are 100,000
    rows, not 500,000 answers); profiles still being filled in from the answers given so far."""
    mp = MatchProfile
    columns = {
        "gender": mp.gender,
        "birth_year": mp.birth_year,
        "education": mp.education,
        "industry": mp.industry,
        "district": mp.district,
    }
    # The scope's profiles are read once (materialised), then grouped once per question: a
    # few rows each, where one grouping over all five together returns a row per combination.
    scoped = (
        select(*(column.label(question) for question, column in columns.items()))
        .join(Member, Member.id == mp.member_id)
        .where(Member.unit_id.in_(scope), Member.profile_completed_at.is_not(None))
        .cte("scoped")
        .prefix_with("MATERIALIZED")
    )
    complete = await session.execute(
        union_all(
            *(
                select(literal(question), cast(scoped.c[question], String), func.count()).group_by(
                    scoped.c[question]
                )
                for question in columns
            )
        )
    )
    education_key = {str(rank): key for key, rank in EDUCATION_RANK.items()}
    for question, value, count in complete.all():
        key = education_key.get(value) if question == "education" else value
        _count(stats, question, key, count, year)
    as_text = cast(ProfileAnswer.value, Text)  # PostgreSQL cannot group JSON values
    partial = await session.execute(
        select(ProfileAnswer.question, as_text, func.count())
        .join(Member, Member.id == ProfileAnswer.member_id)
        .where(
            Member.unit_id.in_(scope),
            Member.profile_completed_at.is_(None),
            ProfileAnswer.question.in_(DISTRIBUTED),
        )
        .group_by(ProfileAnswer.question, as_text)
    )
    for question, text, count in partial.all():
        _count(stats, question, json.loads(text) if text is not None else None, count, year)


def _count(stats: ScopeStats, question: str, value: object, count: int, year: int) -> None:
    if value is None:
        return
    if question == "birth_year":
        age = year - int(str(value))
        band = next(label for low, high, label in AGE_BANDS if low <= age <= high)
        stats.age_band[band] += count
    else:
        getattr(stats, question)[str(value)] += count


MONTHS = 12


@dataclass(frozen=True)
class MonthFigures:
    """One month of a scope: each of ``storage.monthly.FIGURES`` counted, and the mean time
    to a first answer of the questions opened that month."""

    month: str  # "2026-11", local
    counts: dict[str, int]
    mean_first_answer: timedelta | None


@dataclass(frozen=True)
class UnitFigures:
    """One unit of the scope: its members now, and its last twelve months."""

    unit_id: int
    name: str
    depth: int  # 0: a unit the person organises (or a top unit); 1: below it; ...
    on_roster: int
    verified: int
    complete: int
    active_30_days: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Monthly:
    unions: list[str]  # the units the person organises (superadmins: the top units)
    months: list[MonthFigures]  # oldest first, the current month last
    units: list[UnitFigures]  # in the tree's order


def last_months(now: datetime, tz: tzinfo, count: int = MONTHS) -> list[str]:
    """The local months ("2026-11") from ``count - 1`` months ago to this one."""
    local = now.astimezone(tz)
    found = []
    year, month = local.year, local.month
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def month_starts(months: list[str], tz: tzinfo) -> list[tuple[str, datetime]]:
    """Each local month ("2026-11") with the instant it begins."""
    return [(month, datetime(int(month[:4]), int(month[5:]), 1, tzinfo=tz)) for month in months]


async def monthly_figures(
    db: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    scope: frozenset[int],
    tops: frozenset[int],
) -> Monthly:
    """The scope month by month for a year, and per unit; past months include what members
    who since deleted their account did (``storage.monthly``)."""
    now, tz = clock.now(), settings.tz
    months = last_months(now, tz)
    year, month = (int(part) for part in months[0].split("-"))
    since = datetime(year, month, 1, tzinfo=tz)
    async with db() as session:
        found = await monthly.tallies(session, scope, since, tz, now)
        tree = await units.parents(session)
        named = await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(scope)))
        names: dict[int, str] = {unit_id: name for unit_id, name in named.all()}
        people = await monthly.member_counts(
            session, scope, month_starts(months, tz), now - timedelta(days=30)
        )
        on_roster = await _on_roster(session, scope)
    per_month: dict[str, dict[str, int]] = {m: dict.fromkeys(monthly.FIGURES, 0) for m in months}
    waits: dict[str, float] = dict.fromkeys(months, 0.0)
    per_unit: dict[int, dict[str, int]] = {u: dict.fromkeys(monthly.FIGURES, 0) for u in scope}
    now_figures: dict[int, list[int]] = {u: [0, 0, 0] for u in scope}
    for unit_id, held in people.now.items():
        now_figures[unit_id] = list(held)
    for (unit_id, at, figure), count in people.months.items():
        per_month[at][figure] += count
        per_unit[unit_id][figure] += count
    for (unit_id, at, figure), tally in found.items():
        if at not in per_month or unit_id not in per_unit:
            continue
        per_month[at][figure] += tally.count
        per_unit[unit_id][figure] += tally.count
        if figure == "answered":
            waits[at] += tally.seconds
    rows = [
        MonthFigures(
            m,
            per_month[m],
            timedelta(seconds=waits[m] / per_month[m]["answered"])
            if per_month[m]["answered"]
            else None,
        )
        for m in months
    ]
    ordered = [
        UnitFigures(
            unit_id,
            names.get(unit_id, "—"),
            depth,
            on_roster=on_roster.get(unit_id, 0),
            verified=now_figures[unit_id][0],
            complete=now_figures[unit_id][1],
            active_30_days=now_figures[unit_id][2],
            counts=per_unit[unit_id],
        )
        for unit_id, depth in tree_order(tops, tree)
        if unit_id in scope
    ]
    return Monthly(sorted(names[u] for u in tops if u in names), rows, ordered)
