"""Onboarding as 会会 runs it: consent, verification against the roster, human review, the single
pledge, profile answers. Telegram-free: the conversations call this and render what it returns."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import N_
from bot.domain.buttons import (
    ApproveVerification,
    ContinueOnboarding,
    RejectVerification,
    RetryVerification,
)
from bot.domain.clock import Clock
from bot.domain.free_text import Invalid
from bot.domain.onboarding import MAX_ATTEMPTS_PER_DAY, Progress
from bot.domain.photos import too_many
from bot.domain.questions import Question
from bot.domain.questions.questionnaire import FOLLOW_UP_OF, implied, not_asked
from bot.domain.screening import CONTACT_DETAILS, REAL_NAME, contact_details, shows_real_name
from bot.domain.text import visible_answer
from bot.domain.verification import (
    REJECTION_REASONS,
    Claim,
    Decision,
    Outcome,
    Reason,
    RosterRecord,
    decide,
    told,
)
from bot.services import notices, photo_review, screening
from bot.services.notices import line
from bot.services.work import WorkQueue
from storage import (
    audit,
    conflicts,
    matching,
    members,
    profiles,
    roster,
    safety,
    units,
    verification,
)
from storage.models import Member, RosterEntry, VerificationAttempt

ATTEMPT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Verification:
    decision: Decision
    attempt_id: int
    attempts_left: int


# Answers that hold Telegram file ids rather than text others read.
FILE_ANSWERS = frozenset({"photos"})


class ReviewStatus(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    # The member number was linked to another account while the request waited.
    NUMBER_TAKEN = "number_taken"
    ALREADY_REVIEWED = "already_reviewed"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class Review:
    """What happened when a reviewer pressed Approve or Reject."""

    status: ReviewStatus
    member_telegram_id: int | None = None
    member_id: int | None = None
    unit_id: int | None = None  # the union whose roster entry was in question
    # False when the member already heard a final answer (a try of a number in use that they
    # were told did not match): a later decision must not show them it was looked at.
    tell: bool = True


@dataclass(frozen=True)
class MemberStatus:
    """Where a member's account stands, as the chat needs it."""

    id: int
    pledged: bool
    paused: bool
    verified: bool = False  # a union member by the roster: the member's pages are theirs

    @classmethod
    def of(cls, member: Member | None) -> MemberStatus | None:
        if member is None:
            return None
        return cls(
            member.id, member.pledged_at is not None, member.paused, member.verified_at is not None
        )


# Reviews whose outcome the member hears of.
TOLD = (ReviewStatus.APPROVED, ReviewStatus.REJECTED, ReviewStatus.NUMBER_TAKEN)


class Onboarding:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        superadmins: frozenset[int],
        questionnaire: Sequence[Question],
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._work = work
        self._superadmins = superadmins
        self.questionnaire = tuple(questionnaire)
        # One photo added at a time per member: two at once would each add to the same list.
        self._photo_locks: dict[int, asyncio.Lock] = {}

    async def member(self, telegram_id: int) -> MemberStatus | None:
        async with self._db() as session:
            return MemberStatus.of(await members.get_by_telegram_id(session, telegram_id))

    async def progress(
        self, telegram_id: int, scratch: Mapping[str, Any]
    ) -> tuple[MemberStatus | None, Progress]:
        """The member and where they stand; ``scratch`` is their conversation data (the claim
        being filled in, a question being edited). Every update of someone signing up asks,
        so it is one statement (two until they are verified)."""
        async with self._db() as session:
            standing = await profiles.standing(session, telegram_id)
            if standing is None:
                return None, Progress()
            member = MemberStatus(standing.member_id, standing.pledged, standing.paused)
            if not standing.consented:
                return member, Progress()
            # Only someone not yet verified can be waiting for a review: every update of a
            # verified member answering questions would otherwise read their attempts.
            latest = (
                None
                if standing.verified
                else await verification.latest(session, standing.member_id)
            )
        return member, Progress(
            consented=True,
            verified=standing.verified,
            awaiting_review=latest is not None
            and told(latest.outcome, latest.reasons).outcome == Outcome.PENDING,
            pledged=standing.pledged,
            claim=dict(scratch.get("claim", {})),
            answered=standing.answered,
            editing=scratch.get("editing"),
        )

    async def consent(self, telegram_id: int, agreed: bool) -> None:
        now = self._clock.now()
        async with self._db.begin() as session:
            member_id = await members.ensure_member(session, telegram_id, now)
            member = await session.get(Member, member_id)
            assert member is not None
            if agreed:
                member.consented_at, member.declined_at = now, None
            else:
                member.declined_at = now

    async def union_contact_of(self, telegram_id: int) -> str:
        """How someone reaches their union, by their Telegram id (they may have no account)."""
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            return await units.contact_for(session, member.unit_id if member else None)

    async def locked_until(self, member_id: int) -> datetime | None:
        """When the member may try verification again, if they used up today's attempts."""
        since = self._clock.now() - ATTEMPT_WINDOW
        async with self._db() as session:
            if await verification.count_since(session, member_id, since) < MAX_ATTEMPTS_PER_DAY:
                return None
            oldest = await verification.oldest_since(session, member_id, since)
        return oldest + ATTEMPT_WINDOW if oldest else None

    async def verify(self, member_id: int, claim: Claim, member_number: str) -> Verification:
        """Check a claim against the roster, record the attempt, and bind the roster entry
        when it is verified. ``member_number`` is the normalised number."""
        now = self._clock.now()
        async with self._db.begin() as session:
            entry = await roster.by_number(session, member_number)
            taken = entry is not None and entry.member_id not in (None, member_id)
            record = RosterRecord(entry.real_name, entry.employer, entry.phone) if entry else None
            decision = decide(claim, record, taken=taken)
            verified = decision.outcome == Outcome.VERIFIED
            if (
                verified
                and entry is not None
                and not await roster.bind(session, entry.id, member_id)
            ):
                decision = Decision(Outcome.REJECTED, (Reason.NUMBER_TAKEN,))
            attempt = VerificationAttempt(
                member_id=member_id,
                created_at=now,
                real_name=claim.real_name,
                member_number=member_number,
                employer=claim.employer,
                phone=claim.phone,
                roster_entry_id=entry.id if entry else None,
                outcome=decision.outcome.value,
                reasons=[reason.value for reason in decision.reasons],
            )
            session.add(attempt)
            if decision.outcome == Outcome.VERIFIED:
                await _mark_verified(session, member_id, entry, now)  # type: ignore[arg-type]
            await session.flush()
            if decision.outcome == Outcome.PENDING:
                assert entry is not None
                # Tries of a number in use: its owner hears of them, and the organisers see
                # each in /review but are asked once a day, however many tries there are.
                tried = f"{entry.id}:{now.date().isoformat()}" if taken else None
                if tried is not None and entry.member_id is not None:
                    await _tell_owner(session, entry.member_id, tried, now)
                applicant = await session.get_one(Member, member_id)
                circle = await conflicts.staff_circle(session, applicant)
                reviewers = await units.organisers_for(session, entry.unit_id, circle)
                for reviewer in reviewers or sorted(self._superadmins - circle):
                    await _ask_reviewer(session, reviewer, attempt.id, now, tried)
            used = await verification.count_since(session, member_id, now - ATTEMPT_WINDOW)
        self._work.wake()
        heard = told(decision.outcome, [reason.value for reason in decision.reasons])
        return Verification(heard, attempt.id, max(0, MAX_ATTEMPTS_PER_DAY - used))

    async def attempt_for_review(
        self, attempt_id: int
    ) -> tuple[VerificationAttempt, RosterEntry | None] | None:
        async with self._db() as session:
            attempt = await session.get(VerificationAttempt, attempt_id)
            if attempt is None:
                return None
            entry = (
                await session.get(RosterEntry, attempt.roster_entry_id)
                if attempt.roster_entry_id
                else None
            )
            return attempt, entry

    async def review(
        self,
        attempt_id: int,
        reviewer: int,
        approve: bool,
        reason: str | None = None,
        note: str | None = None,
    ) -> Review:
        """A reviewer's decision on a pending attempt; their right to decide is checked here,
        every time, from the database — never taken from the button. The member is told in
        the same transaction (with the reason, or the reviewer's own words for "other", and
        how to reach their union, when rejected)."""
        async with self._db.begin() as session:
            review = await self._review(session, attempt_id, reviewer, approve)
            if review.status in TOLD and review.member_id and review.tell:
                contact = await units.contact_for(session, review.unit_id)
                await _tell_member(session, review, reason, note, contact, self._clock.now())
        self._work.wake()
        return review

    async def _review(
        self, session: AsyncSession, attempt_id: int, reviewer: int, approve: bool
    ) -> Review:
        now = self._clock.now()
        # Two reviewers at once wait for each other here: the first decides, the other is told
        # it was already reviewed (never approved and rejected both).
        attempt = await session.get(VerificationAttempt, attempt_id, with_for_update=True)
        entry = (
            await session.get(RosterEntry, attempt.roster_entry_id)
            if attempt and attempt.roster_entry_id
            else None
        )
        if attempt is None or entry is None:
            return Review(ReviewStatus.ALREADY_REVIEWED)
        member = await session.get(Member, attempt.member_id)
        if not await self._may_review(session, reviewer, entry.unit_id) or (
            member is not None and reviewer in await conflicts.staff_circle(session, member)
        ):
            return Review(ReviewStatus.NOT_ALLOWED)
        telegram_id = member.telegram_id if member else None
        if attempt.outcome != Outcome.PENDING or member is None:
            return Review(ReviewStatus.ALREADY_REVIEWED, telegram_id)
        attempt.reviewed_by, attempt.reviewed_at = reviewer, now
        action = "approve_verification" if approve else "reject_verification"
        audit.record(session, reviewer, action, entry.unit_id, now, attempt=attempt.id)
        tell = told(attempt.outcome, attempt.reasons).outcome == Outcome.PENDING
        if not approve:
            attempt.outcome = "rejected_on_review"
            return Review(ReviewStatus.REJECTED, telegram_id, member.id, entry.unit_id, tell)
        if not await roster.bind(session, entry.id, member.id):
            attempt.outcome = "rejected_on_review"
            return Review(ReviewStatus.NUMBER_TAKEN, telegram_id, member.id, entry.unit_id, tell)
        attempt.outcome = "approved_on_review"
        await _mark_verified(session, member.id, entry, now)
        return Review(ReviewStatus.APPROVED, telegram_id, member.id, entry.unit_id)

    async def pledge(self, member_id: int) -> None:
        async with self._db.begin() as session:
            member = await session.get(Member, member_id)
            assert member is not None
            member.pledged_at = self._clock.now()

    async def answers(self, member_id: int) -> dict[str, Any]:
        async with self._db() as session:
            stored = await profiles.answers(session, member_id)
        return {key: answer.value for key, answer in stored.items()}

    async def wishes(self, member_id: int) -> dict[str, bool | None]:
        """For each answer, whether the member made it a must (True), nice to have (False) or
        neither (None), as stored with it."""
        async with self._db() as session:
            stored = await profiles.answers(session, member_id)
        return {key: answer.must_have for key, answer in stored.items()}

    def _photos_question(self) -> Question | None:
        return next((q for q in self.questionnaire if q.key == "photos"), None)

    async def photo_room(self, member_id: int) -> Invalid | None:
        """Why the member may not add another photo now (they have the most the questionnaire
        allows), or None."""
        question = self._photos_question()
        if question is None:
            return too_many(0)
        photos = (await self.answers(member_id)).get("photos") or []
        return too_many(question.maximum or 1) if len(photos) >= (question.maximum or 1) else None

    async def add_photo(self, member_id: int, file_id: str) -> Invalid | None:
        """A photo (a Telegram file id) added after the member's others and stored as the
        chat's /edit stores photos, so the same photo review applies; refused past the most
        the questionnaire allows."""
        question = self._photos_question()
        if question is None:
            return too_many(0)
        lock = self._photo_locks.setdefault(member_id, asyncio.Lock())
        try:
            async with lock:
                if (full := await self.photo_room(member_id)) is not None:
                    return full
                photos = list((await self.answers(member_id)).get("photos") or [])
                return await self.answer(member_id, "photos", [*photos, file_id])
        finally:
            if not lock.locked():
                self._photo_locks.pop(member_id, None)

    async def answer(
        self, member_id: int, question: str, value: Any, must_have: bool | None = None
    ) -> Invalid | None:
        """Store an answer, unless it would show others what the card must not: contact
        details anywhere, the member's real name in the nickname. Returns why it was refused."""
        value = visible_answer(value)  # what Telegram would not display, no one is shown
        async with self._db.begin() as session:
            shown = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            if question in FILE_ANSWERS:
                shown = []  # Telegram file ids, not words: "AgACAgUAAxkB…" is no phone number
            if any(isinstance(v, str) and contact_details(v) for v in shown):
                return CONTACT_DETAILS
            if await screening.card_shows_contact(session, member_id, question, value):
                return CONTACT_DETAILS  # a number split across nickname, hometown, introduction
            if question == "nickname" and isinstance(value, str):
                for real_name in await verification.real_names(session, member_id):
                    if shows_real_name(value, real_name):
                        return REAL_NAME
            if shown:  # what others will read on the card: scam signals go to the moderators
                words = " ".join(v for v in shown if isinstance(v, str))
                await screening.record(session, member_id, "card", words, self._clock.now())
            now = self._clock.now()
            complete = await profiles.save(session, member_id, question, value, must_have, now)
            for key, also in implied(question, value).items():  # 未婚: no children of one's own
                complete = await profiles.save(session, member_id, key, also, None, now)
            photos = question == "photos" and isinstance(value, list)
            if photos and (member := await session.get(Member, member_id)) is not None:
                await photo_review.ask_for_review(session, member, value, now)
            if complete:
                await matching.refresh_profile(session, member_id, now)
        if photos:  # only a photo review request may have been written
            self._work.wake()
        return None

    async def skip_not_asked(self, member_id: int, key: str) -> set[str]:
        """Store as skipped a follow-up this member is not asked (有无子女 of someone never
        married who answered before the rule, or chose it with /edit). The keys stored."""
        async with self._db.begin() as session:
            stored = await profiles.answers(session, member_id)
            answers = {question: answer.value for question, answer in stored.items()}
            source = FOLLOW_UP_OF.get(key)
            if source is None or not not_asked(key, answers):
                return set()
            following = implied(source, answers.get(source))
            now = self._clock.now()
            complete = False
            for skipped, value in following.items():
                complete = await profiles.save(session, member_id, skipped, value, None, now)
            if complete:
                await matching.refresh_profile(session, member_id, now)
            return set(following)

    async def complete(self, member_id: int) -> bool:
        """Mark the profile complete; True the first time."""
        async with self._db.begin() as session:
            member = await session.get(Member, member_id)
            assert member is not None
            if member.profile_completed_at is not None:
                return False
            member.profile_completed_at = self._clock.now()
            await session.flush()
            await matching.refresh_profile(session, member_id, self._clock.now())
            return True

    async def _may_review(self, session: AsyncSession, reviewer: int, unit_id: int) -> bool:
        if reviewer in self._superadmins:
            return True
        return unit_id in await units.organiser_scope(session, reviewer)


async def _mark_verified(
    session: AsyncSession, member_id: int, entry: RosterEntry, now: datetime
) -> None:
    member = await session.get(Member, member_id)
    assert member is not None
    member.verified_at, member.unit_id = now, entry.unit_id
    # An account deleted before on this entry: its blocks, reports and suspension come back.
    await safety.restore(session, entry.id, member_id)


async def _ask_reviewer(
    session: AsyncSession, reviewer: int, attempt_id: int, now: datetime, tried: str | None = None
) -> None:
    """``tried``: the roster entry and day of a try of a number in use (one request a day)."""
    key = f"review_request:{attempt_id}:{reviewer}"
    if tried is not None:
        key = f"review_request:tried:{tried}:{reviewer}"
    await notices.put(
        session,
        to=reviewer,
        now=now,
        render="verification",
        data={"attempt_id": attempt_id},
        lines=[
            line(
                N_("A member asks to be verified and is close to, but not the same as, the roster.")
            ),
            line(""),
            line(notices.RENDERED),
        ],
        buttons=[
            [
                notices.Button(N_("Approve"), ApproveVerification(attempt_id).encode()),
                notices.Button(N_("Reject"), RejectVerification(attempt_id).encode()),
            ]
        ],
        key=key,
    )


async def _tell_owner(session: AsyncSession, owner_id: int, tried: str, now: datetime) -> None:
    """The member whose number someone else tried hears of it, once a day at most."""
    owner = await session.get(Member, owner_id)
    if owner is None or owner.telegram_id is None:
        return
    await notices.put(
        session,
        to=owner.telegram_id,
        now=now,
        lines=[
            line(
                N_(
                    "Someone just tried to sign up to 会会 with your member number, on another "
                    "Telegram account. They were not told that the number is in use, and your "
                    "union's organisers can see the attempt. If it was not you, you need do "
                    "nothing; if you want to talk about it, ask your union here with /ask."
                )
            )
        ],
        key=f"number_tried:{tried}",
        member_id=owner_id,
    )


async def _tell_member(
    session: AsyncSession,
    review: Review,
    reason: str | None,
    note: str | None,
    contact: str,
    now: datetime,
) -> None:
    """The member hears the reviewer's decision: go on, or why not and try again."""
    assert review.member_telegram_id is not None and review.member_id is not None
    if review.status == ReviewStatus.APPROVED:
        lines = [line(N_("✅ Your union has confirmed your membership. Let's continue."))]
        button = notices.Button(N_("Continue"), ContinueOnboarding().encode())
    else:
        could_not = N_(
            "Your union could not confirm your details against its roster. Please check them "
            "and try again, or ask your union to correct the roster."
        )
        if note:
            lines = [line(could_not), line(N_("Your union's note: {note}"), note=note)]
        elif reason in REJECTION_REASONS:
            lines = [line(REJECTION_REASONS[reason][1])]
        else:
            lines = [line(could_not)]
        lines.append(
            line(N_("To reach your union: {contact}, or ask here with /ask."), contact=contact)
        )
        button = notices.Button(N_("Try again"), RetryVerification().encode())
    await notices.put(
        session,
        to=review.member_telegram_id,
        now=now,
        lines=lines,
        buttons=[[button]],
        key=f"review_result:{review.member_id}:{now.isoformat()}",
        member_id=review.member_id,
    )
