"""Members and events: viewing one, signing up (eligibility, per-gender quotas, the waitlist),
withdrawing (the first waiting member who fits moves up), their own events, and checking in at
the venue with the event's code."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain.clock import Clock
from bot.domain.events import Applicant, Conditions, Refusal, refusals
from bot.domain.units import ancestry, subtree
from bot.services.events import choice, places
from bot.services.events.reminders import Reminders
from bot.services.events.results import CheckIn, CheckInStatus, Offer, SignUp, SignUpStatus
from bot.services.work import WorkQueue
from storage import events, units
from storage.models import (
    Event,
    EventStatus,
    MatchProfile,
    Member,
    Registration,
    RegistrationStatus,
)

# How long before the start attendees may check in.
CHECK_IN_OPENS = timedelta(hours=3)
WRONG_CODES_PER_HOUR = 5


class Attending:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
        reminders: Reminders,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._work = work
        self._reminders = reminders
        self._wrong_codes: dict[int, list[datetime]] = {}

    async def offer(self, telegram_id: int, event_id: int) -> Offer | None:
        """The event as this member may see it (a deep link, a sign-up button); None if it is
        not open any more."""
        async with self._db() as session:
            event = await session.get(Event, event_id)
            if event is None or event.status != EventStatus.PUBLISHED:
                return None
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            return await self._offer(session, event, member)

    async def open_events(self, telegram_id: int, limit: int = 10) -> list[Offer] | None:
        """Announced events of the member's union and the unions above it whose sign-up is
        still open, soonest first; None if the member is not verified yet."""
        now = self._clock.now()
        async with self._db() as session:
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            if member is None or member.verified_at is None or member.unit_id is None:
                return None
            unions = ancestry(member.unit_id, await units.parents(session))
            found = await session.scalars(
                select(Event)
                .where(
                    Event.unit_id.in_(unions),
                    Event.status == EventStatus.PUBLISHED,
                    Event.announce_at <= now,
                    Event.signup_deadline > now,
                )
                .order_by(Event.starts_at)
                .limit(limit)
            )
            return [await self._offer(session, event, member) for event in found.all()]

    async def _offer(self, session: AsyncSession, event: Event, member: Member | None) -> Offer:
        capacity = places.capacity(event)
        held = await events.held(session, event.id)
        left = None if capacity.total is None else max(0, capacity.total - sum(held.values()))
        if member is None or member.verified_at is None:
            return Offer(event, left, (Refusal.NOT_VERIFIED,))
        registration = await session.scalar(
            select(Registration.status).where(
                Registration.event_id == event.id,
                Registration.member_id == member.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
        )
        applicant = await self._applicant(session, member, event)
        found = refusals(applicant, Conditions.from_json(event.conditions), capacity)
        if self._clock.now() > event.signup_deadline:
            found.append(Refusal.DEADLINE)
        return Offer(event, left, tuple(found), registration)

    async def sign_up(self, telegram_id: int, event_id: int) -> SignUp:
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await session.get(Event, event_id, with_for_update=True)
            if event is None:
                return SignUp(SignUpStatus.UNKNOWN)
            if event.status == EventStatus.CANCELLED:
                return SignUp(SignUpStatus.REFUSED, (Refusal.CANCELLED,))
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            if member is None or member.verified_at is None:
                return SignUp(SignUpStatus.REFUSED, (Refusal.NOT_VERIFIED,))
            existing = await session.scalar(
                select(Registration).where(
                    Registration.event_id == event_id, Registration.member_id == member.id
                )
            )
            if existing is not None and existing.status != RegistrationStatus.CANCELLED:
                waiting = existing.status == RegistrationStatus.WAITLISTED
                before = SignUpStatus.STILL_WAITING if waiting else SignUpStatus.ALREADY
                return SignUp(before, badge=existing.badge)
            if now > event.signup_deadline:
                return SignUp(SignUpStatus.REFUSED, (Refusal.DEADLINE,))
            applicant = await self._applicant(session, member, event)
            capacity = places.capacity(event)
            conditions = Conditions.from_json(event.conditions)
            found = refusals(applicant, conditions, capacity)
            if found:
                return SignUp(SignUpStatus.REFUSED, tuple(found), conditions=conditions)
            place = capacity.has_place(await events.held(session, event_id), applicant.gender)
            status = RegistrationStatus.REGISTERED if place else RegistrationStatus.WAITLISTED
            badge = (
                await session.scalar(
                    select(func.max(Registration.badge)).where(Registration.event_id == event_id)
                )
                or 0
            ) + 1
            if existing is None:
                session.add(
                    Registration(
                        event_id=event_id,
                        member_id=member.id,
                        status=status,
                        badge=badge,
                        gender=applicant.gender,
                        registered_at=now,
                    )
                )
            else:
                existing.status, existing.badge, existing.registered_at = status, badge, now
            if place:
                await self._reminders.plan(session, event, member.id, telegram_id)
        self._work.wake()
        return SignUp(SignUpStatus(status.value), badge=badge)

    async def withdraw(self, telegram_id: int, event_id: int) -> bool:
        """Give up a place (or leave the waitlist). In the same transaction: the member's
        reminders go, and the first waiting member who fits takes the place, with a notice and
        reminders of their own. False if the member was not signed up."""
        async with self._db.begin() as session:
            event = await session.get(Event, event_id, with_for_update=True)
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            if event is None or member is None:
                return False
            registration = await session.scalar(
                select(Registration).where(
                    Registration.event_id == event_id, Registration.member_id == member.id
                )
            )
            if registration is None or registration.status == RegistrationStatus.CANCELLED:
                return False
            freed = registration.status == RegistrationStatus.REGISTERED
            registration.status = RegistrationStatus.CANCELLED
            await session.flush()
            await self._reminders.cancel(session, event_id, [member.id])
            if freed and event.status == EventStatus.PUBLISHED:
                await places.promote(session, event, self._clock, self._reminders)
        self._work.wake()
        return True

    async def mine(self, telegram_id: int) -> list[tuple[Event, Registration]]:
        """The member's events, from those whose mutual choice is still open onwards."""
        async with self._db() as session:
            rows = await session.execute(
                select(Event, Registration)
                .join(Registration, Registration.event_id == Event.id)
                .join(Member, Member.id == Registration.member_id)
                .where(
                    Member.telegram_id == telegram_id,
                    Registration.status != RegistrationStatus.CANCELLED,
                    Event.ends_at > self._clock.now() - choice.WINDOW,
                )
                .order_by(Event.starts_at)
            )
            return [(event, registration) for event, registration in rows.all()]

    async def check_in(self, telegram_id: int, code: str) -> CheckIn:
        """Check the member in to the event of theirs whose code this is. The right code
        before check-in opens says when it does; a code of none of their events is a wrong
        try (a few an hour, since six digits are guessable one try at a time)."""
        now = self._clock.now()
        misses = [t for t in self._wrong_codes.get(telegram_id, []) if now - t < timedelta(hours=1)]
        if len(misses) >= WRONG_CODES_PER_HOUR:
            return CheckIn(CheckInStatus.TOO_MANY)
        async with self._db.begin() as session:
            rows = await session.execute(
                select(Event, Registration)
                .join(Registration, Registration.event_id == Event.id)
                .join(Member, Member.id == Registration.member_id)
                .where(
                    Member.telegram_id == telegram_id,
                    Registration.status == RegistrationStatus.REGISTERED,
                    Event.status == EventStatus.PUBLISHED,
                    Event.ends_at >= now,
                )
            )
            found = rows.all()
            if not found:
                return CheckIn(CheckInStatus.NOT_REGISTERED)
            for event, registration in found:
                if not secrets.compare_digest(event.checkin_code.encode(), code.strip().encode()):
                    continue
                opens_at = event.starts_at - CHECK_IN_OPENS
                if now < opens_at:
                    return CheckIn(CheckInStatus.TOO_EARLY, event, registration.badge, opens_at)
                if registration.checked_in_at is not None:
                    return CheckIn(CheckInStatus.ALREADY, event, registration.badge)
                registration.checked_in_at = now
                return CheckIn(CheckInStatus.CHECKED_IN, event, registration.badge)
            self._wrong_codes[telegram_id] = [*misses, now]
            return CheckIn(CheckInStatus.WRONG_CODE, found[0][0])

    async def _applicant(self, session: AsyncSession, member: Member, event: Event) -> Applicant:
        profile = await session.get(MatchProfile, member.id)
        tree = await units.parents(session)
        year = self._clock.now().astimezone(self._settings.tz).year
        return Applicant(
            verified=member.verified_at is not None,
            in_scope=member.unit_id in subtree(event.unit_id, tree),
            gender=profile.gender if profile else None,
            age=year - profile.birth_year if profile and profile.birth_year else None,
            industry=profile.industry if profile else None,
            district=profile.district if profile else None,
        )
