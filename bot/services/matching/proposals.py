"""Matchmakers (红娘) proposing two members to each other.

A matchmaker's scope is the subtree of the units they are matchmaker of (superadmins: all). The
shortlist is the day's market plan's pairs within the scope first, then the engine's best pairs
among a sample of eligible members in scope, each member in one pair at most; the matchmaker
chooses, adds a note, and each member accepts or declines. Both accepting is a match.
Rights are checked from the database on every call, never taken from a button.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain import N_, market
from bot.domain.buttons import AnswerProposal
from bot.domain.buttons import Report as ReportMember
from bot.domain.clock import Clock
from bot.domain.match_profile import to_profile
from bot.domain.matching import Reason, Suggestion, rank, rarity
from bot.domain.members import may_be_proposed
from bot.domain.units import subtree
from bot.services import notices
from bot.services.matching import follow_ups
from bot.services.matching.notices import tell_match
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import conflicts, matching, plan, profiles, reports, units
from storage.models import (
    Block,
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    Proposal,
    Report,
    Role,
    SuggestionReview,
    UnitRole,
)

SAMPLE = 60
# How long a proposal waits for both answers: then it ends, those who answered and the
# matchmaker are told, and the two may be proposed again (it waited for ever, keeping both
# off every matchmaker's list, the one who accepted told to wait for an answer).
OPEN_FOR = timedelta(days=7)
EXPIRES = "proposal_expires"
# Planned pairs within a scope read for a shortlist: enough to find a few whose members are
# free, each once.
PLANNED_READ = 200


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


class AnswerStatus(enum.StrEnum):
    WAITING = "waiting"  # accepted; the other member has not answered yet
    MATCHED = "matched"
    DECLINED = "declined"
    CLOSED = "closed"  # answered already, or the other declined
    PAUSED = "paused"  # the member paused their suggestions: it ends, the others are told
    NOT_YOURS = "not_yours"


@dataclass(frozen=True)
class Answer:
    status: AnswerStatus
    proposal: Proposal | None = None


class Proposals:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._work = work

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
        """Up to ``size`` pairs for the matchmaker to propose, each member in one at most:
        first pairs of the day's market plan within their scope (bot.services.matching.plan:
        chosen across the union so that lists agree, the two planned to see each other
        today), in the plan's order; then the engine's best among a sample of their scope."""
        local = self._clock.now().astimezone(self._settings.tz)
        year = local.year
        async with self._db() as session:
            scope = await self.scope(session, telegram_id)
            if scope is None:
                return None
            busy = await _waiting(session)
            skipped = await _skipped(session, telegram_id)
            planned = await self._planned(session, scope, local.date(), busy, skipped, size)
            named = busy | {member for (a, b), _s in planned for member in (a, b)}
            rows = await session.execute(
                select(MatchProfile)
                .join(Member, Member.id == MatchProfile.member_id)
                .where(
                    MatchProfile.eligible.is_(True),
                    Member.unit_id.in_(scope),
                    # Hidden by reports until the organisers decide, from her too.
                    MatchProfile.member_id.not_in(reports.HIDDEN_BY_REPORTS),
                )
                .order_by(MatchProfile.shuffle)
                .limit(SAMPLE)
            )
            sample = [
                to_profile(r.member_id, r.__dict__, year)
                for r in rows.scalars()
                if r.member_id not in named
            ]
            ids = [p.id for p in sample]
            taken = await _settled_pairs(session, ids) | skipped
            idf = rarity(sample)
            found: dict[tuple[int, int], Suggestion] = {}
            for viewer in sample:
                for suggestion in rank(viewer, sample, idf=idf, limit=3):
                    key = matching.pair(viewer.id, suggestion.candidate.id)
                    if key not in taken:
                        found.setdefault(key, suggestion)
            # Each member in one pair at most: the best pairs alone put the same popular member
            # in most of them (bot.domain.market plans a matching).
            chosen = market.plan({key: s.score for key, s in found.items()}, stages=(1,))
            best = planned + sorted(
                (((a, b), found[(a, b)]) for a, b, _stage in chosen),
                key=lambda item: -item[1].score,
            )
            return [
                Pair(
                    a, b, await _answers(session, a), await _answers(session, b), s.score, s.reasons
                )
                for (a, b), s in best[:size]
            ]

    async def _planned(
        self,
        session: AsyncSession,
        scope: set[int],
        day: date,
        busy: set[int],
        skipped: set[tuple[int, int]],
        size: int,
    ) -> list[tuple[tuple[int, int], Suggestion]]:
        """Up to ``size`` pairs of the day's plan within ``scope``, each member once, none
        busy, passed over by this matchmaker, settled (matched, proposed, decided on, blocked,
        reported) or no longer suiting each other, in the plan's order."""
        pairs = await plan.planned_pairs(session, day, scope, PLANNED_READ)
        ids = sorted({member for pair in pairs for member in pair})
        if not ids:
            return []
        rows = await session.scalars(select(MatchProfile).where(MatchProfile.member_id.in_(ids)))
        year = self._clock.now().astimezone(self._settings.tz).year
        people = {r.member_id: to_profile(r.member_id, r.__dict__, year) for r in rows}
        taken = await _settled_pairs(session, ids) | skipped
        idf = rarity(people.values())
        chosen: list[tuple[tuple[int, int], Suggestion]] = []
        named = set(busy)
        for a, b in pairs:
            if len(chosen) >= size:
                break
            if a in named or b in named or (a, b) in taken or a not in people or b not in people:
                continue
            suits = rank(people[a], [people[b]], idf=idf)  # the hard constraints as of now
            if suits:
                chosen.append(((a, b), suits[0]))
                named |= {a, b}
        return chosen

    async def _suit(self, session: AsyncSession, a: int, b: int) -> bool:
        """Whether the two meet each other's hard constraints as of now (complete profiles)."""
        rows = await session.scalars(select(MatchProfile).where(MatchProfile.member_id.in_([a, b])))
        year = self._clock.now().astimezone(self._settings.tz).year
        people = {r.member_id: to_profile(r.member_id, r.__dict__, year) for r in rows}
        if a not in people or b not in people:
            return False
        return bool(rank(people[a], [people[b]], idf=rarity(people.values())))

    async def propose(self, telegram_id: int, a: int, b: int, note: str) -> Proposal | None:
        """Propose two members to each other: both in the matchmaker's scope, both active, not
        blocked or reported either way, not matched or proposed already. Both are sent the
        other's card in the same transaction. None if the pair may not be proposed: the
        matchmaker or her circle is one of them, or they do not meet each other's hard
        constraints (checked here, not only by the shortlist: the form's ids can be forged)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            scope = await self.scope(session, telegram_id)
            # The two are locked (in id order), so two proposals naming either of them at
            # once (Propose pressed twice, one man to two women) wait for each other and the
            # second finds the first pending.
            locked = {
                member_id: await session.get(Member, member_id, with_for_update=True)
                for member_id in sorted({a, b})
            }
            people = [locked[a], locked[b]]
            if a == b or scope is None or any(p is None or p.unit_id not in scope for p in people):
                return None
            if not all(may_be_proposed(p) for p in people if p is not None):
                return None
            if await reports.hidden(session, [a, b]):
                return None
            # Never a pair the shortlist could not offer: the matchmaker one of the two (or
            # anyone close to her: storage.conflicts), or two who would not seek each other.
            if {a, b} & await conflicts.recused(session, telegram_id):
                return None
            if not await self._suit(session, a, b):
                return None
            if matching.pair(a, b) in await _settled_pairs(session, [a, b]):
                return None
            # One pending proposal per member: proposing the same man to four women at once
            # leaves three of them waiting on a choice already made.
            if await _waiting(session, among=(a, b)):
                return None
            proposal = Proposal(
                matchmaker_telegram_id=telegram_id,
                member_a=a,
                member_b=b,
                note=note,
                status="open",
                created_at=now,
            )
            session.add(proposal)
            await session.flush()
            await self._work.put(
                session,
                EXPIRES,
                now + OPEN_FOR,
                {"proposal": proposal.id},
                key=f"{EXPIRES}:{proposal.id}",
            )
            for me, other in ((people[0], b), (people[1], a)):
                if me is None or me.telegram_id is None:
                    continue
                await notices.put(
                    session,
                    to=me.telegram_id,
                    now=now,
                    render="card",
                    data={"member_id": other},
                    lines=[
                        line(N_("A union matchmaker (红娘) thinks you two may suit each other:")),
                        line(notices.RENDERED),
                        line(N_("The matchmaker's note: {note}"), note=note),
                    ],
                    buttons=[
                        [
                            notices.Button(
                                N_("Accept"), AnswerProposal(proposal.id, True).encode()
                            ),
                            notices.Button(
                                N_("Decline"), AnswerProposal(proposal.id, False).encode()
                            ),
                        ],
                        # A report ends the proposal (bot.services.matching.contact.part).
                        [notices.Button(N_("Report"), ReportMember(other).encode())],
                    ],
                    key=f"proposal:{proposal.id}:{me.id}",
                    member_id=me.id,
                )
        self._work.wake()
        return proposal

    async def skip(self, telegram_id: int, a: int, b: int) -> bool:
        """The matchmaker passes over a pair of their shortlist: it is not offered to them
        again (kept as a proposal with status "skipped"; nobody is told). False if the pair
        is not in their scope."""
        async with self._db.begin() as session:
            scope = await self.scope(session, telegram_id)
            people = [await session.get(Member, member_id) for member_id in (a, b)]
            if a == b or scope is None or any(p is None or p.unit_id not in scope for p in people):
                return False
            first, second = matching.pair(a, b)
            if (first, second) not in await _skipped(session, telegram_id):
                session.add(
                    Proposal(
                        matchmaker_telegram_id=telegram_id,
                        member_a=first,
                        member_b=second,
                        note="",
                        status="skipped",
                        created_at=self._clock.now(),
                    )
                )
            return True

    async def answer(self, telegram_id: int, proposal_id: int, accept: bool) -> Answer:
        """A member's answer; the other member, the matchmaker and — for a match — both are
        told in the same transaction."""
        async with self._db.begin() as session:
            result = await self._answer(session, telegram_id, proposal_id, accept)
        self._work.wake()
        return result

    async def _answer(
        self, session: AsyncSession, telegram_id: int, proposal_id: int, accept: bool
    ) -> Answer:
        now = self._clock.now()
        # Locked and read afresh: two answers at once (both accepting) saw each other's as not
        # yet given and made no match, and an answer beside the week's end matched a proposal
        # the expiry had just ended and told them so.
        proposal = await session.get(
            Proposal, proposal_id, with_for_update=True, populate_existing=True
        )
        me = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        if proposal is None or me is None or me.id not in (proposal.member_a, proposal.member_b):
            return Answer(AnswerStatus.NOT_YOURS)
        if proposal.status != "open":
            return Answer(AnswerStatus.CLOSED, proposal)
        other_id = proposal.member_b if me.id == proposal.member_a else proposal.member_a
        other = await session.get(Member, other_id)
        if me.paused and other is not None:  # as a decline: the other and the matchmaker hear
            await _decline(session, proposal, other, now)
            return Answer(AnswerStatus.PAUSED, proposal)
        if (
            other is None
            or not may_be_proposed(me)
            or not may_be_proposed(other)
            or await matching.blocked(session, me.id, other_id)
        ):
            proposal.status = "declined"
            return Answer(AnswerStatus.CLOSED, proposal)
        if me.id == proposal.member_a:
            proposal.a_accepts = accept
        else:
            proposal.b_accepts = accept
        if not accept:
            await _decline(session, proposal, other, now)
            return Answer(AnswerStatus.DECLINED, proposal)
        if not (proposal.a_accepts and proposal.b_accepts):
            return Answer(AnswerStatus.WAITING, proposal)
        proposal.status = "matched"
        match = await follow_ups.record_match(
            session, proposal.member_a, proposal.member_b, "proposal", now
        )
        if match is not None:
            await tell_match(session, match, now)
        await _tell_matchmaker(session, proposal, accepted=True, now=now)
        return Answer(AnswerStatus.MATCHED, proposal)

    def task_kinds(self) -> dict[str, TaskKind]:
        return {EXPIRES: TaskKind(self._expire)}

    async def _expire(self, task: DueTask) -> None:
        """A proposal still waiting for an answer after ``OPEN_FOR`` ends: whoever accepted is
        told (the other, who said nothing, is not pressed), and so is the matchmaker."""
        now = self._clock.now()
        async with self._db.begin() as session:
            proposal = await session.get(
                Proposal, int(task.payload["proposal"]), with_for_update=True
            )
            if proposal is None or proposal.status != "open":
                return
            proposal.status = "expired"
            waiting = [
                member_id
                for member_id, accepted in (
                    (proposal.member_a, proposal.a_accepts),
                    (proposal.member_b, proposal.b_accepts),
                )
                if accepted
            ]
            for member_id in waiting:
                member = await session.get(Member, member_id)
                if member is not None and member.telegram_id is not None:
                    await notices.put(
                        session,
                        to=member.telegram_id,
                        now=now,
                        member_id=member.id,
                        lines=[
                            line(
                                N_(
                                    "The matchmaker's suggestion had no answer from the other "
                                    "person within a week, so it ends here. /match shows you "
                                    "more people."
                                )
                            )
                        ],
                        key=f"{EXPIRES}:{proposal.id}:{member.id}",
                    )
            if proposal.matchmaker_telegram_id is not None:
                await notices.put(
                    session,
                    to=proposal.matchmaker_telegram_id,
                    now=now,
                    lines=[
                        line(
                            N_(
                                "Your proposal of {date} had no answer from both within a week, "
                                "so it has ended; the two may be proposed again."
                            ),
                            date=f"{proposal.created_at.astimezone(self._settings.tz):%m-%d}",
                        )
                    ],
                    key=f"proposal_outcome:{proposal.id}",
                )
        self._work.wake()

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


async def _answers(session: AsyncSession, member_id: int) -> dict[str, Any]:
    return {k: a.value for k, a in (await profiles.answers(session, member_id)).items()}


async def _settled_pairs(session: AsyncSession, ids: list[int]) -> set[tuple[int, int]]:
    """Pairs among ``ids`` already matched or proposed, decided on, blocked or reported by one
    of them: none of them is proposed."""
    open_or_matched = or_(Proposal.status == "open", Proposal.status == "matched")
    settling = (
        (Match.member_a, Match.member_b, None),
        (Proposal.member_a, Proposal.member_b, open_or_matched),
        (MatchDecision.viewer_id, MatchDecision.candidate_id, None),
        (Block.blocker_id, Block.blocked_id, None),
        (Report.reporter_id, Report.reported_id, None),
    )
    found: set[tuple[int, int]] = set()
    for first, second, also in settling:
        query = select(first, second).where(first.in_(ids), second.in_(ids))
        if also is not None:
            query = query.where(also)
        found.update(matching.pair(a, b) for a, b in (await session.execute(query)).all())
    return found


async def _decline(session: AsyncSession, proposal: Proposal, other: Member, now: datetime) -> None:
    """The proposal ends declined: the other member and the matchmaker are told."""
    proposal.status = "declined"
    if other.telegram_id is not None:
        await notices.put(
            session,
            to=other.telegram_id,
            now=now,
            member_id=other.id,
            lines=[line(N_("The matchmaker's suggestion did not work out this time."))],
            key=f"proposal_declined:{proposal.id}:{other.id}",
        )
    await _tell_matchmaker(session, proposal, accepted=False, now=now)


async def _tell_matchmaker(
    session: AsyncSession, proposal: Proposal, *, accepted: bool, now: datetime
) -> None:
    if proposal.matchmaker_telegram_id is None:
        return  # the matchmaker has since deleted their data
    message = (
        N_("Good news: both accepted your proposal, and they can now reach each other.")
        if accepted
        else N_("One of the two declined your proposal.")
    )
    await notices.put(
        session,
        to=proposal.matchmaker_telegram_id,
        now=now,
        lines=[line(message)],
        key=f"proposal_outcome:{proposal.id}",
    )


async def end_for_erased(session: AsyncSession, member_id: int, now: datetime) -> None:
    """A member erasing their data ends the proposals waiting on them as declines (the rows
    go with the member): the other member and the matchmaker are told, not left waiting."""
    waiting = await session.scalars(
        select(Proposal).where(
            Proposal.status == "open",
            or_(Proposal.member_a == member_id, Proposal.member_b == member_id),
        )
    )
    for proposal in waiting.all():
        other = proposal.member_b if proposal.member_a == member_id else proposal.member_a
        found = await session.get(Member, other)
        if found is not None:
            await _decline(session, proposal, found, now)


async def _waiting(session: AsyncSession, among: Collection[int] | None = None) -> set[int]:
    """Members in a proposal still waiting for an answer, whichever matchmaker made it (a city
    matchmaker and a district one each proposed the same woman, who accepted both and was
    matched twice at once); only those ``among`` these, when given, read by their pair."""
    query = select(Proposal.member_a, Proposal.member_b).where(Proposal.status == "open")
    if among is not None:
        query = query.where(or_(Proposal.member_a.in_(among), Proposal.member_b.in_(among)))
    rows = await session.execute(query)
    found = {member for pair in rows.all() for member in pair}
    return found if among is None else found & set(among)


async def _skipped(session: AsyncSession, telegram_id: int) -> set[tuple[int, int]]:
    """Pairs this matchmaker passed over."""
    rows = await session.execute(
        select(Proposal.member_a, Proposal.member_b).where(
            Proposal.matchmaker_telegram_id == telegram_id, Proposal.status == "skipped"
        )
    )
    return {matching.pair(a, b) for a, b in rows.all()}
