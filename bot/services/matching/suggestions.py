"""Suggestions in the bot: the next card for a member, likes and skips, mutual matches, blocks
and reports. Telegram-free; conversations/matching.py renders it."""

from __future__ import annotations

import asyncio
import enum
import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain.clock import Clock
from bot.domain.free_text import Field, Invalid, check
from bot.domain.liker_turns import liker_turn, mixed
from bot.domain.match_profile import to_profile
from bot.domain.matching import History, Reason, Suggestion, rank, without_who_liked
from bot.domain.members import may_report, may_use_suggestions, report_weight
from bot.services.matching import follow_ups
from bot.services.matching import notices as match_notices
from bot.services.matching.contact import Refusal, part, reachable, refusal
from bot.services.matching.notices import Contact, Exchange, contact_of, tell_match
from bot.services.photo_review import visible_photos
from bot.services.work import WorkQueue
from storage import matching, members, plan, profiles, roster, units
from storage.models import (
    Block,
    CardView,
    Match,
    MatchDecision,
    Member,
    Report,
    SuggestionReview,
)
from storage.models.matching import WechatId

REPORTS_PER_DAY = 10
# A reporter's own words about what happened (optional).
REPORT_DETAIL = Field(500)
POOL_SIZE = 200  # candidates sampled per card; the engine picks the best
EXPOSURE_WINDOW = timedelta(days=7)
EXPOSURE_CAP = 30


class Unavailable(enum.StrEnum):
    NOT_READY = "not_ready"
    LEFT_UNION = "left_union"  # no longer on the union's roster: not a member now
    PAUSED = "paused"
    SUSPENDED = "suspended"
    DAILY_LIMIT = "daily_limit"
    NO_ONE = "no_one"


@dataclass(frozen=True)
class Card:
    member_id: int
    answers: dict[str, Any]
    reasons: tuple[Reason, ...]


class Outcome(enum.StrEnum):
    """What a like or a skip did."""

    LIKED = "liked"
    SKIPPED = "skipped"
    MATCHED = "matched"  # the like was mutual
    GONE = "gone"  # the card is no longer to be decided on (or was never shown)
    ALREADY_DECIDED = "already_decided"
    NOT_ALLOWED = "not_allowed"  # the member may not use suggestions now


@dataclass(frozen=True)
class Matched:
    """A match as /matches lists it."""

    match_id: int
    member_id: int
    nickname: str
    username: str | None  # only once contacts were exchanged
    exchanged: bool
    may_write: bool  # the relayed conversation is open
    wechat: str | None = None  # only once contacts were exchanged


class Parted(enum.StrEnum):
    """What a block or a report did."""

    REFUSED = "refused"  # not someone the member met, already done, or too many today
    ALREADY = "already"  # reported already: the report waits for the organisers
    CARD = "card"  # someone suggested: never shown again either way
    MATCH = "match"  # a match: their conversation and everything between them ended


@dataclass(frozen=True)
class Reported:
    parted: Parted
    report_id: int | None = None


class Matchmaking:
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
        self._pair_locks: dict[tuple[int, int], asyncio.Lock] = {}
        token = settings.bot_token.get_secret_value() if settings.bot_token else ""
        self._liker_key = hashlib.sha256(b"liker turns:" + token.encode()).digest()

    def _year(self) -> int:
        return self._clock.now().astimezone(self._settings.tz).year

    def _start_of_day(self) -> datetime:
        local = self._clock.now().astimezone(self._settings.tz)
        return datetime.combine(local.date(), time(0), tzinfo=self._settings.tz)

    async def refresh(self, member_id: int) -> None:
        async with self._db.begin() as session:
            await matching.refresh_profile(session, member_id, self._clock.now())

    def liker_turn(self, likes_visible: str, member_id: int, card: int) -> bool:
        """Whether the member's ``card``-th new card today goes to someone who liked them
        (bot.domain.liker_turns), keyed with the bot's token so it cannot be replayed."""
        day = self._start_of_day().date()
        return liker_turn(likes_visible, self._liker_key, member_id, day, card)

    def likers_mixed(
        self,
        likers: Sequence[Suggestion],
        others: Sequence[Suggestion],
        likes_visible: str,
        member_id: int,
        first_card: int,
    ) -> list[Suggestion]:
        """``likers`` among ``others`` from the member's ``first_card``-th new card today."""
        day = self._start_of_day().date()
        return mixed(likers, others, likes_visible, self._liker_key, member_id, day, first_card)

    def skips_kept_since(self) -> datetime:
        """Skips made before this have cooled off: those people may be suggested again."""
        return self._clock.now() - timedelta(days=self._settings.skip_cooldown_days)

    async def skipped(self, telegram_id: int) -> int:
        """How many people the member skipped who are still kept out of their suggestions."""
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None:
                return 0
            return await matching.skips_since(session, member.id, self.skips_kept_since())

    async def revisit_skipped(self, telegram_id: int) -> None:
        """The member wants to see the people they skipped again: their skips are forgotten."""
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is not None:
                await matching.forget_skips(session, member.id)

    async def next_card(self, telegram_id: int) -> Card | Unavailable:
        async with self._db.begin() as session:
            member = await may_be_shown_people(session, telegram_id)
            if isinstance(member, Unavailable):
                return member
            seen_today = await matching.views_since(session, member.id, self._start_of_day())
            if seen_today >= self._settings.daily_cards:
                return Unavailable.DAILY_LIMIT
            viewer = await matching.profile_row(session, member.id)
            if viewer is None:
                await matching.refresh_profile(session, member.id, self._clock.now())
                viewer = await matching.profile_row(session, member.id)
            if viewer is None:
                return Unavailable.NOT_READY
            year = self._year()
            reviews = await matching.reviewed(session, member.id)
            forget = self.skips_kept_since()
            threshold = await matching.review_threshold(session, member.unit_id)
            likes_visible = await units.likes_visible(session, member.unit_id)
            best = None
            # Each source in turn (approved, likers, today's plan, everyone) until one has a
            # card to show: its people may all fail the hard constraints (a must-have edited
            # since the plan was made) or wait for a matchmaker's look, and then the member is
            # shown the next source's best rather than told that nobody suits them.
            likers_now = self.liker_turn(likes_visible, member.id, seen_today)
            async for candidates, likers, planned in self._candidates(
                session, viewer, reviews, year, forget, likers_now
            ):
                best = await self._best(
                    session,
                    member,
                    viewer,
                    candidates,
                    likers,
                    planned,
                    reviews,
                    threshold,
                    likes_visible,
                )
                if best is not None:
                    break
            if best is None:
                return Unavailable.NO_ONE
            answers = {
                k: a.value for k, a in (await profiles.answers(session, best.candidate.id)).items()
            }
            candidate = await session.get(Member, best.candidate.id)
            if candidate is not None:
                answers["photos"] = await visible_photos(
                    session, candidate, answers.get("photos") or []
                )
            return Card(best.candidate.id, answers, best.reasons)

    async def _best(
        self,
        session: AsyncSession,
        member: Member,
        viewer: dict[str, Any],
        candidates: list[dict[str, Any]],
        likers: set[int],
        planned: bool,
        reviews: dict[int, str],
        threshold: float | None,
        likes_visible: str,
    ) -> Suggestion | None:
        """The first of ``candidates`` the member may be shown now, if any; a strong one no
        matchmaker has looked at yet is put to them first (and skipped here)."""
        ranked = await self._ranked(
            session, member.id, viewer, candidates, likers, self._year(), likes_visible
        )
        if planned:  # today's plan keeps its order (bot.services.matching.plan)
            place = {row["member_id"]: n for n, row in enumerate(candidates)}
            ranked.sort(key=lambda s: place[s.candidate.id])
        for suggestion in ranked:
            if self.cleared(session, member.id, suggestion, reviews, threshold):
                return suggestion
        return None

    def cleared(
        self,
        session: AsyncSession,
        member_id: int,
        suggestion: Suggestion,
        reviews: dict[int, str],
        threshold: float | None,
    ) -> bool:
        """Whether ``suggestion`` may be shown to the member now (the chat's and the Mini App's
        rule): never one a matchmaker rejected; a strong one (at or above the unit's
        ``threshold``) only once approved, and one no matchmaker has looked at yet is put to
        them (a pending review, noted in ``reviews``)."""
        status = reviews.get(suggestion.candidate.id)
        if status == "rejected":
            return False
        if threshold is None or suggestion.score < threshold or status == "approved":
            return True
        if status is None:  # strong: a matchmaker looks first
            session.add(
                SuggestionReview(
                    viewer_id=member_id,
                    candidate_id=suggestion.candidate.id,
                    score=suggestion.score,
                    status="pending",
                    created_at=self._clock.now(),
                )
            )
            reviews[suggestion.candidate.id] = "pending"
        return False

    async def shown(self, telegram_id: int, candidate_id: int) -> None:
        """Telegram accepted the card: only now does it count towards the viewer's daily cards
        and the candidate's exposure (a card that never arrived costs nothing). Someone shown
        to the viewer within the exposure window and not decided on (asked for again, or seen
        in the Mini App, which shows them again freely for as long) is no new card: the day's
        number and the exposure count each person once, in the chat as in the Mini App."""
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None:
                return
            if candidate_id in await matching.shown_to_since(
                session, member.id, [candidate_id], self._clock.now() - EXPOSURE_WINDOW
            ):
                return
            await session.execute(
                insert(CardView).values(
                    viewer_id=member.id, candidate_id=candidate_id, shown_at=self._clock.now()
                )
            )

    async def _candidates(
        self,
        session: AsyncSession,
        viewer: dict[str, Any],
        reviews: dict[int, str],
        year: int,
        forget_skips_before: datetime,
        likers_now: bool,
    ) -> AsyncIterator[tuple[list[dict[str, Any]], set[int], bool]]:
        """Who may be shown, source by source, best source first: each time the people, which
        of them liked the viewer, and whether they are today's plan (in its order).
        Suggestions a matchmaker approved first, then members who liked the viewer, then the
        viewer's cards still open in today's market plan, then a sample of everyone. A source
        with nobody in it is passed over; the caller stops once a source has a card."""

        async def pool(**options: Any) -> list[dict[str, Any]]:
            return await matching.pool(
                session,
                viewer,
                year,
                limit=POOL_SIZE,
                skips_forgotten_before=forget_skips_before,
                **options,
            )

        approved = [candidate for candidate, status in reviews.items() if status == "approved"]
        if approved and (found := await pool(likers_only=False, only=approved)):
            yield found, set(), False
        # A liker's card is a match at one more like: on a liker's turn it comes before any
        # plan, on another turn after everyone (bot.domain.liker_turns).
        if likers_now and (likers := await pool(likers_only=True)):
            yield likers, {row["member_id"] for row in likers}, False
        day = self._start_of_day().date()
        if planned := await plan.planned_today(session, viewer["member_id"], day):
            # Planned people already decided on, blocked or gone are left out by the pool.
            if found := await pool(likers_only=False, only=planned):
                place = {member_id: n for n, member_id in enumerate(planned)}
                yield sorted(found, key=lambda row: place[row["member_id"]]), set(), True
        if everyone := await pool(likers_only=False):
            yield everyone, set(), False
        if not likers_now and (likers := await pool(likers_only=True)):
            yield likers, {row["member_id"] for row in likers}, False

    async def _ranked(
        self,
        session: AsyncSession,
        me: int,
        viewer: dict[str, Any],
        candidates: list[dict[str, Any]],
        likers: set[int],
        year: int,
        likes_visible: str,
    ) -> list[Suggestion]:
        """``candidates`` in the engine's order for member ``me``; ``likes_visible`` is the
        member's unit's setting, read once per request by the caller (a /match may rank several
        sources)."""
        ids = [row["member_id"] for row in candidates]
        given, received = await matching.decision_counts(session, [*ids, me])
        shares = await matching.taste(session, me, ids)
        history = History.from_counts(
            given, received, {me: likers}, {(me, c): share for c, share in shares.items()}
        )
        shown = await matching.exposure(session, ids, self._clock.now() - EXPOSURE_WINDOW)
        ranked = rank(
            to_profile(me, viewer, year),
            [to_profile(row["member_id"], row, year) for row in candidates],
            history,
            exposure=shown,
            exposure_cap=EXPOSURE_CAP,
        )
        return without_who_liked(ranked, likes_visible)

    async def decide(self, telegram_id: int, candidate_id: int, liked: bool) -> Outcome:
        """Record a like or skip of a shown card; a like returned makes a match. Two members
        liking each other at the same moment are serialised so exactly one match is made."""
        async with self._db() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
        if me is None:
            return Outcome.GONE
        key = matching.pair(me.id, candidate_id)
        lock = self._pair_locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                return await self._decide(me.id, candidate_id, liked)
        finally:
            if not lock.locked():
                self._pair_locks.pop(key, None)

    async def _decide(self, me: int, candidate_id: int, liked: bool) -> Outcome:
        """One transaction: the decision, and for a mutual like the match, its check-ins and
        the notices to both (delivered after the commit by the notice sender)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            member = await session.get(Member, me)
            if member is None or not may_use_suggestions(member):
                return Outcome.NOT_ALLOWED
            if not await matching.was_shown(session, me, candidate_id):
                return Outcome.GONE  # a card never shown: a forged button
            candidate = await matching.profile_row(session, candidate_id)
            if (
                candidate is None
                or not candidate["eligible"]
                or await matching.blocked(session, me, candidate_id)
            ):
                return Outcome.GONE
            previous = await session.get(MatchDecision, (me, candidate_id))
            if previous is None:
                session.add(
                    MatchDecision(
                        viewer_id=me, candidate_id=candidate_id, liked=liked, created_at=now
                    )
                )
            elif not previous.liked and previous.created_at < self.skips_kept_since():
                previous.liked, previous.created_at = liked, now  # skipped long ago, shown again
            else:
                return Outcome.ALREADY_DECIDED
            if not liked:
                return Outcome.SKIPPED
            reverse = await session.get(MatchDecision, (candidate_id, me))
            if reverse is None or not reverse.liked:
                return Outcome.LIKED
            match = await follow_ups.record_match(session, me, candidate_id, "mutual_like", now)
            if match is None:
                return Outcome.LIKED
            await tell_match(session, match, now)
        self._work.wake()
        return Outcome.MATCHED

    async def left_union(self, telegram_id: int) -> bool:
        """The member is no longer on their union's roster (and so not verified any more)."""
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            return (
                member is not None
                and member.verified_at is None
                and await roster.has_left(session, member.id)
            )

    async def union_contact(self, telegram_id: int) -> str:
        """How the member reaches their union (a suspended member asks there)."""
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            return await units.contact_for(session, member.unit_id if member else None)

    async def block(self, telegram_id: int, candidate_id: int) -> Parted:
        """Block a member the blocker has met (a card, a proposal or a match): never shown to
        each other again, and everything between them through 会会 ends at once."""
        now = self._clock.now()
        async with self._db.begin() as session:
            me = await _me_facing(session, telegram_id, candidate_id)
            if me is None or not await _have_met(session, me.id, candidate_id):
                return Parted.REFUSED
            if await session.get(Block, (me.id, candidate_id)) is not None:
                return Parted.REFUSED
            session.add(Block(blocker_id=me.id, blocked_id=candidate_id, created_at=now))
            parted = await self._part(session, me.id, candidate_id, now)
        self._work.wake()
        return parted

    async def _part(self, session: AsyncSession, me: int, other: int, now: datetime) -> Parted:
        retention = timedelta(days=self._settings.relay_retention_days)
        await part(session, self._work, me, other, now, retention)
        return Parted.MATCH if await matching.matched(session, me, other) else Parted.CARD

    async def report(self, telegram_id: int, candidate_id: int, reason: str) -> Reported:
        """File a report for the organisers; the reporter also blocks the member (``block``):
        nothing of theirs reaches the reporter again. Only a verified member who has met the
        other may report, once per member, a few a day."""
        try:
            return await self._report(telegram_id, candidate_id, reason)
        except IntegrityError:  # the same report sent twice at once: the first one stands
            return Reported(Parted.ALREADY)

    async def _report(self, telegram_id: int, candidate_id: int, reason: str) -> Reported:
        now = self._clock.now()
        async with self._db.begin() as session:
            me = await _me_facing(session, telegram_id, candidate_id)
            if me is not None and await matching.reported(session, me.id, candidate_id):
                return Reported(Parted.ALREADY)
            if (
                me is None
                or not may_report(me)
                or not await _have_met(session, me.id, candidate_id)
                or await matching.reports_since(session, me.id, now - timedelta(days=1))
                >= REPORTS_PER_DAY
            ):
                return Reported(Parted.REFUSED)
            under_report = await matching.is_under_report(session, me.id)
            report = Report(
                reporter_id=me.id,
                reported_id=candidate_id,
                reason=reason,
                status="pending",
                created_at=now,
                weight=report_weight(me.verified_at, now, under_report),  # type: ignore[arg-type]
            )
            session.add(report)
            if await session.get(MatchDecision, (me.id, candidate_id)) is None:
                session.add(
                    MatchDecision(
                        viewer_id=me.id, candidate_id=candidate_id, liked=False, created_at=now
                    )
                )
            if await session.get(Block, (me.id, candidate_id)) is None:
                session.add(Block(blocker_id=me.id, blocked_id=candidate_id, created_at=now))
            await session.flush()
            parted = await self._part(session, me.id, candidate_id, now)
        self._work.wake()
        return Reported(parted, report.id)

    async def add_detail(self, telegram_id: int, report_id: int, text: str) -> bool | Invalid:
        """The reporter's few words about what happened, added to their report while the
        organisers have not decided it (once)."""
        checked = check(text, REPORT_DETAIL)
        if isinstance(checked, Invalid):
            return checked
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            report = await session.get(Report, report_id)
            if (
                me is None
                or report is None
                or report.reporter_id != me.id
                or report.status != "pending"
                or report.detail is not None
            ):
                return False
            report.detail = checked
            return True

    async def share_contact(
        self, telegram_id: int, match_id: int, phone_number: str, name: str
    ) -> bool | Refusal:
        """The member sends their contact card to the other of this match, who asked for it
        after both agreed to exchange: to them alone. False if nobody there may have it."""
        now = self._clock.now()
        async with self._db.begin() as session:
            found = await self._answerable(session, telegram_id, match_id)
            if not isinstance(found, tuple):
                return found
            me, request = found
            card = {"phone_number": phone_number, "first_name": name}
            shared = await match_notices.answer_request(session, request, me, now, card=card)
        self._work.wake()
        return shared

    async def give_wechat(
        self, telegram_id: int, match_id: int | None, wechat: str
    ) -> bool | Refusal:
        """Keep the member's WeChat id (typed once: later exchanges include it); with a match
        whose other asked for a contact, it goes to them now. True if it was given."""
        now = self._clock.now()
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return False
            if (barred := await refusal(session, me)) is not None:
                return barred
            kept = await session.get(WechatId, me.id)
            if kept is None:
                session.add(WechatId(member_id=me.id, wechat=wechat, created_at=now))
            else:
                kept.wechat, kept.created_at = wechat, now
            await session.flush()
            if match_id is None:
                return False
            found = await self._answerable(session, telegram_id, match_id)
            if not isinstance(found, tuple):
                return found
            contact, request = found
            shared = await match_notices.answer_request(session, request, contact, now)
        self._work.wake()
        return shared

    async def asked_by(self, telegram_id: int, match_id: int) -> str | Refusal | None:
        """The nickname of the match who is waiting for the member's contact, if any."""
        async with self._db() as session:
            found = await self._answerable(session, telegram_id, match_id)
            if not isinstance(found, tuple):
                return found if isinstance(found, Refusal) else None
            requester = await contact_of(session, found[1].requester_id)
            return requester.nickname if requester else None

    async def _answerable(
        self, session: AsyncSession, telegram_id: int, match_id: int
    ) -> tuple[Contact, Any] | Refusal | bool:
        """The member (as a contact) and the open request of the other of this match, when
        the member may answer it: both agreed, neither blocked, both may be reached."""
        me = await members.get_by_telegram_id(session, telegram_id)
        match = await session.get(Match, match_id)
        if me is None or match is None or me.id not in (match.member_a, match.member_b):
            return False
        if (barred := await refusal(session, me)) is not None:
            return barred
        other = match.member_b if me.id == match.member_a else match.member_a
        if await matching.blocked(session, me.id, other) or not await reachable(session, other):
            return False
        request = await match_notices.open_request(session, match, me.id)
        contact = await contact_of(session, me.id)
        if request is None or contact is None:
            return False
        return contact, request

    async def exchange(self, telegram_id: int, match_id: int) -> Exchange | Refusal | None:
        """The member agrees to exchange contacts with a match; None if it is not their match,
        its conversation has ended (consent went with it), or either blocked the other."""
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            match = await session.get(Match, match_id)
            if me is None or match is None or me.id not in (match.member_a, match.member_b):
                return None
            if (barred := await refusal(session, me)) is not None:
                return barred
            other = match.member_b if me.id == match.member_a else match.member_a
            if (
                match.relay_ended_at is not None
                or await matching.blocked(session, me.id, other)
                or not await reachable(session, other)
            ):
                return None
            done = await match_notices.exchange(session, match, me.id, self._clock.now())
        self._work.wake()
        return done

    async def ask_contact(self, telegram_id: int, partner_id: int) -> bool:
        """Ask a match who has neither a username nor a WeChat id to share a contact again;
        False if not a match whose contacts both agreed to exchange."""
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            match = await matching.match_between(session, me.id, partner_id) if me else None
            if (
                me is None
                or match is None
                or not match_notices.exchanged(match)
                or await refusal(session, me) is not None
                or await matching.blocked(session, me.id, partner_id)
                or not await reachable(session, partner_id)
            ):
                return False
            asked = await contact_of(session, partner_id)
            requester = await contact_of(session, me.id)
            if asked is None or requester is None:
                return False
            await match_notices.ask_for_contact(session, match, asked, requester, self._clock.now())
        self._work.wake()
        return True

    async def contact(self, telegram_id: int) -> Contact | None:
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            return await contact_of(session, member.id) if member else None

    async def matches(self, telegram_id: int) -> list[Matched]:
        """The member's matches (not blocked), with whether contacts were exchanged: a
        username is only part of it once both agreed."""
        async with self._db() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return []
            rows = await session.scalars(
                select(Match)
                .where(or_(Match.member_a == me.id, Match.member_b == me.id))
                .order_by(Match.id)
            )
            found = []
            for match in rows:
                other = match.member_b if match.member_a == me.id else match.member_a
                if not await matching.blocked(session, me.id, other):
                    contact = await contact_of(session, other)
                    if contact is not None:
                        done = match_notices.exchanged(match)
                        found.append(
                            Matched(
                                match.id,
                                other,
                                contact.nickname,
                                contact.username if done else None,
                                done,
                                match.relay_ended_at is None,
                                contact.wechat if done else None,
                            )
                        )
            return found


async def may_be_shown_people(session: AsyncSession, telegram_id: int) -> Member | Unavailable:
    """The member, if they may be shown people now (/match and the Mini App's browse alike), or
    why not: left the union's roster, not verified or profile incomplete, suspended, paused."""
    member = await members.get_by_telegram_id(session, telegram_id)
    if member is not None and member.verified_at is None:
        if await roster.has_left(session, member.id):
            return Unavailable.LEFT_UNION
    if member is None or not (member.verified_at and member.profile_completed_at):
        return Unavailable.NOT_READY
    if member.suspended:
        return Unavailable.SUSPENDED
    if member.paused:
        return Unavailable.PAUSED
    return member


async def _me_facing(session: AsyncSession, telegram_id: int, other: int) -> Member | None:
    """The acting member, if the other member exists and is someone else."""
    me = await members.get_by_telegram_id(session, telegram_id)
    if me is None or me.id == other or await session.get(Member, other) is None:
        return None
    return me


async def _have_met(session: AsyncSession, me: int, other: int) -> bool:
    """The member was shown the other's card (by /match or a matchmaker), or they matched."""
    return (
        await matching.was_shown(session, me, other)
        or await matching.matched(session, me, other)
        or await matching.proposed(session, me, other)
    )
