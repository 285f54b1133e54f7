"""Matchmakers (红娘) proposing two members to each other.

A matchmaker's scope is the subtree of the units they are matchmaker of (superadmins: all). The
shortlist is the engine's best pairs among a sample of eligible members in scope; the
matchmaker chooses, adds a note, and each member accepts or declines. Both accepting is a match.
Rights are checked from the database on every call, never taken from a button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import follow_ups
from bot.clock import Clock
from bot.config import Settings
from bot.domain.match_profile import to_profile
from bot.domain.matching import Reason, Suggestion, rank, rarity
from bot.domain.units import subtree
from bot.matchmaking import Contact, contact_of
from storage import matching, profiles, units
from storage.models import (
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    Proposal,
    Role,
    SuggestionReview,
    UnitRole,
)

SAMPLE = 60


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    a_answers: dict[str, Any]
    b_answers: dict[str, Any]
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Waiting:
    """A strong suggestion waiting for a matchmaker: who would see whom."""

    review_id: int
    viewer_answers: dict[str, Any]
    candidate_answers: dict[str, Any]
    score: float


@dataclass(frozen=True)
class Answer:
    status: str  # waiting, matched, declined, closed, not_yours
    proposal: Proposal | None = None
    a: Contact | None = None
    b: Contact | None = None


class Proposals:
    def __init__(
        self, db: async_sessionmaker[AsyncSession], clock: Clock, settings: Settings
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings

    async def scope(self, session: AsyncSession, telegram_id: int) -> set[int] | None:
        """Units the person may propose within, or None when they are no matchmaker."""
        tree = await units.parents(session)
        if telegram_id in self._settings.superadmins:
            return set(tree)
        own = (
            await session.scalars(
                select(UnitRole.unit_id).where(
                    UnitRole.telegram_id == telegram_id, UnitRole.role == Role.MATCHMAKER
                )
            )
        ).all()
        if not own:
            return None
        return set().union(*(subtree(unit, tree) for unit in own))

    async def shortlist(self, telegram_id: int, size: int = 5) -> list[Pair] | None:
        year = self._clock.now().astimezone(self._settings.tz).year
        async with self._db() as session:
            scope = await self.scope(session, telegram_id)
            if scope is None:
                return None
            rows = await session.execute(
                select(MatchProfile)
                .join(Member, Member.id == MatchProfile.member_id)
                .where(MatchProfile.eligible.is_(True), Member.unit_id.in_(scope))
                .order_by(MatchProfile.shuffle)
                .limit(SAMPLE)
            )
            sample = [to_profile(r.member_id, r.__dict__, year) for r in rows.scalars()]
            ids = [p.id for p in sample]
            taken = await _settled_pairs(session, ids)
            idf = rarity(sample)
            found: dict[tuple[int, int], Suggestion] = {}
            for viewer in sample:
                for suggestion in rank(viewer, sample, idf=idf, limit=3):
                    key = matching.pair(viewer.id, suggestion.candidate.id)
                    if key not in taken:
                        found.setdefault(key, suggestion)
            best = sorted(found.items(), key=lambda item: -item[1].score)[:size]
            return [
                Pair(
                    a, b, await _answers(session, a), await _answers(session, b), s.score, s.reasons
                )
                for (a, b), s in best
            ]

    async def propose(self, telegram_id: int, a: int, b: int, note: str) -> Proposal | None:
        async with self._db.begin() as session:
            scope = await self.scope(session, telegram_id)
            people = [await session.get(Member, member_id) for member_id in (a, b)]
            if scope is None or any(p is None or p.unit_id not in scope for p in people):
                return None
            for member_id in (a, b):
                row = await matching.profile_row(session, member_id)
                if row is None or not row["eligible"]:
                    return None
            if matching.pair(a, b) in await _settled_pairs(session, [a, b]):
                return None
            proposal = Proposal(
                matchmaker_telegram_id=telegram_id,
                member_a=a,
                member_b=b,
                note=note,
                status="open",
                created_at=self._clock.now(),
            )
            session.add(proposal)
            await session.flush()
            return proposal

    async def answer(self, telegram_id: int, proposal_id: int, accept: bool) -> Answer:
        async with self._db.begin() as session:
            proposal = await session.get(Proposal, proposal_id)
            me = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            if (
                proposal is None
                or me is None
                or me.id not in (proposal.member_a, proposal.member_b)
            ):
                return Answer("not_yours")
            if proposal.status != "open":
                return Answer("closed", proposal)
            if me.id == proposal.member_a:
                proposal.a_accepts = accept
            else:
                proposal.b_accepts = accept
            if not accept:
                proposal.status = "declined"
                return Answer("declined", proposal)
            if not (proposal.a_accepts and proposal.b_accepts):
                return Answer("waiting", proposal)
            proposal.status = "matched"
            await follow_ups.record_match(
                session, proposal.member_a, proposal.member_b, "proposal", self._clock.now()
            )
            return Answer(
                "matched",
                proposal,
                await contact_of(session, proposal.member_a),
                await contact_of(session, proposal.member_b),
            )

    async def pending_reviews(self, telegram_id: int, size: int = 10) -> list[Waiting] | None:
        """Strong suggestions waiting for approval, for members in the matchmaker's scope."""
        async with self._db() as session:
            scope = await self.scope(session, telegram_id)
            if scope is None:
                return None
            rows = await session.execute(
                select(SuggestionReview)
                .join(Member, Member.id == SuggestionReview.viewer_id)
                .where(SuggestionReview.status == "pending", Member.unit_id.in_(scope))
                .order_by(SuggestionReview.id)
                .limit(size)
            )
            return [
                Waiting(
                    r.id,
                    await _answers(session, r.viewer_id),
                    await _answers(session, r.candidate_id),
                    r.score,
                )
                for r in rows.scalars()
            ]

    async def decide_review(self, telegram_id: int, review_id: int, approve: bool) -> bool:
        """Approve or reject a waiting suggestion; False if not the matchmaker's to decide."""
        async with self._db.begin() as session:
            scope = await self.scope(session, telegram_id)
            review = await session.get(SuggestionReview, review_id)
            viewer = await session.get(Member, review.viewer_id) if review else None
            if scope is None or review is None or viewer is None or viewer.unit_id not in scope:
                return False
            if review.status != "pending":
                return False
            review.status = "approved" if approve else "rejected"
            review.matchmaker_telegram_id = telegram_id
            return True

    async def contacts(self, proposal: Proposal) -> tuple[Contact | None, Contact | None]:
        async with self._db() as session:
            return (
                await contact_of(session, proposal.member_a),
                await contact_of(session, proposal.member_b),
            )


async def _answers(session: AsyncSession, member_id: int) -> dict[str, Any]:
    return {k: a.value for k, a in (await profiles.answers(session, member_id)).items()}


async def _settled_pairs(session: AsyncSession, ids: list[int]) -> set[tuple[int, int]]:
    """Pairs among ``ids`` already matched, proposed, or decided on by one of them."""
    found: set[tuple[int, int]] = set()
    for a, b in (
        await session.execute(
            select(Match.member_a, Match.member_b).where(
                Match.member_a.in_(ids), Match.member_b.in_(ids)
            )
        )
    ).all():
        found.add(matching.pair(a, b))
    for a, b in (
        await session.execute(
            select(Proposal.member_a, Proposal.member_b).where(
                Proposal.member_a.in_(ids),
                Proposal.member_b.in_(ids),
                or_(Proposal.status == "open", Proposal.status == "matched"),
            )
        )
    ).all():
        found.add(matching.pair(a, b))
    for a, b in (
        await session.execute(
            select(MatchDecision.viewer_id, MatchDecision.candidate_id).where(
                MatchDecision.viewer_id.in_(ids), MatchDecision.candidate_id.in_(ids)
            )
        )
    ).all():
        found.add(matching.pair(a, b))
    return found
