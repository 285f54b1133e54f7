"""Statistics of an organiser's scope: sign-ups, activity, who the members are, what happens.

Members belong to a unit once verified (their roster entry's unit); people still waiting for
review are counted through the roster entry they claimed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from statistics import median

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain.clock import Clock
from bot.services.administration import Administration
from storage.events import Funnel, funnel
from storage.models import (
    Event,
    FollowUp,
    Match,
    MatchDecision,
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


async def scope_stats(
    db: async_sessionmaker[AsyncSession], clock: Clock, settings: Settings, scope: frozenset[int]
) -> ScopeStats:
    now = clock.now()
    year = now.astimezone(settings.tz).year
    stats = ScopeStats()
    async with db() as session:
        members = (
            await session.execute(
                select(
                    Member.id, Member.profile_completed_at, Member.paused, Member.last_seen_at
                ).where(Member.unit_id.in_(scope))
            )
        ).all()
        ids = [row.id for row in members]
        waiting = await session.scalar(
            select(func.count(func.distinct(VerificationAttempt.member_id)))
            .join(RosterEntry, RosterEntry.id == VerificationAttempt.roster_entry_id)
            .where(VerificationAttempt.outcome == "pending", RosterEntry.unit_id.in_(scope))
        )
        stats.verified = len(members)
        stats.registered = stats.verified + (waiting or 0)
        stats.complete = sum(1 for row in members if row.profile_completed_at)
        stats.paused = sum(1 for row in members if row.paused)
        stats.active_7_days = sum(
            1 for row in members if row.last_seen_at >= now - timedelta(days=7)
        )
        stats.active_30_days = sum(
            1 for row in members if row.last_seen_at >= now - timedelta(days=30)
        )
        await _distributions(session, stats, ids, year)
        stats.employers = Counter(
            dict(
                (
                    await session.execute(
                        select(RosterEntry.employer, func.count())
                        .where(RosterEntry.member_id.in_(ids))
                        .group_by(RosterEntry.employer)
                        .order_by(func.count().desc())
                        .limit(TOP_EMPLOYERS)
                    )
                ).all()
            )
        )
        stats.likes = (
            await session.scalar(
                select(func.count()).where(
                    MatchDecision.viewer_id.in_(ids), MatchDecision.liked.is_(True)
                )
            )
            or 0
        )
        stats.mutual_matches = (
            await session.scalar(
                select(func.count())
                .select_from(Match)
                .where(or_(Match.member_a.in_(ids), Match.member_b.in_(ids)))
            )
            or 0
        )
        stats.accepted_proposals = (
            await session.scalar(
                select(func.count())
                .select_from(Proposal)
                .where(
                    Proposal.status == "matched",
                    or_(Proposal.member_a.in_(ids), Proposal.member_b.in_(ids)),
                )
            )
            or 0
        )
        stats.outcomes = Counter(
            dict(
                (
                    await session.execute(
                        select(FollowUp.outcome, func.count())
                        .where(FollowUp.member_id.in_(ids))
                        .group_by(FollowUp.outcome)
                    )
                ).all()
            )
        )
        stats.events = await _event_funnels(session, scope)
        stats.threads = await _thread_figures(session, scope)
    return stats


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
    session: AsyncSession, stats: ScopeStats, ids: list[int], year: int
) -> None:
    wanted = ("gender", "birth_year", "education", "industry", "district")
    rows = await session.execute(
        select(ProfileAnswer.question, ProfileAnswer.value).where(
            and_(ProfileAnswer.member_id.in_(ids), ProfileAnswer.question.in_(wanted))
        )
    )
    for question, value in rows.all():
        if value is None:
            continue
        if question == "birth_year":
            age = year - int(value)
            stats.age_band[next(label for low, high, label in AGE_BANDS if low <= age <= high)] += 1
        else:
            getattr(stats, question)[str(value)] += 1
