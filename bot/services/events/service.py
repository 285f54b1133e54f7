"""Events: created and managed by organisers within their scope, announced through the durable
broadcast delivery, signed up for with eligibility, quotas and a waitlist, reminded, checked in,
closed with a mutual choice (互选), and split into smart groups.

Scheduled work, all through the scheduler (once, also across restarts):
* a reminder per registrant and configured lead time (24 h and 2 h by default), expiring when
  the event begins: missed while the bot was down, it is sent at start if the event has not
  begun, otherwise dropped;
* the mutual choice opening when the event ends, and closing at its deadline.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.common.wording.events import (
    SIGN_UP_LABEL,
    announcement_text,
    cancellation_text,
    rescheduled_text,
)
from bot.domain import free_text
from bot.domain.audience import Audience
from bot.domain.buttons import JoinEvent, OpenChoice
from bot.domain.clock import Clock
from bot.domain.events import (
    Applicant,
    Capacity,
    Conditions,
    Refusal,
    mutual_pairs,
    next_from_waitlist,
    pairing_rate,
    refusals,
)
from bot.domain.free_text import Invalid
from bot.domain.grouping import Attendee, make_groups
from bot.domain.units import subtree
from bot.services import notices
from bot.services.administration import Administration
from bot.services.broadcasts import Broadcasts, Draft
from bot.services.languages import LanguagePreferences
from bot.services.matching import follow_ups
from bot.services.notices import Line, line, translated
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import audit, events, tasks, units
from storage.events import Funnel, Person, SheetRow
from storage.models import (
    Event,
    EventChoice,
    EventStatus,
    MatchProfile,
    Member,
    Registration,
    RegistrationStatus,
)

CHOICE_OPEN, CHOICE_CLOSE = "event_choice_open", "event_choice_close"
# What /event_edit may change, bounded as when the event was created.
EDITABLE = {
    "title": free_text.EVENT_TITLE,
    "description": free_text.EVENT_DESCRIPTION,
    "venue": free_text.EVENT_VENUE,
}
CHOICE_WINDOW = timedelta(days=1)
# How long before the start attendees may check in.
CHECK_IN_OPENS = timedelta(hours=3)
WRONG_CODES_PER_HOUR = 5


@dataclass(frozen=True)
class EventSpec:
    """What an organiser entered for a new event."""

    unit_id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    capacity: Capacity
    conditions: Conditions
    signup_deadline: datetime
    announce_at: datetime
    choice_limit: int = 3


@dataclass(frozen=True)
class SignUp:
    status: str  # registered, waitlisted, already, still_waiting, refused, unknown
    refusals: tuple[Refusal, ...] = ()
    badge: int | None = None


@dataclass(frozen=True)
class Overview:
    event: Event
    funnel: Funnel


@dataclass(frozen=True)
class ChoiceResult:
    attendees: int
    pairs: list[tuple[Person, Person]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return pairing_rate(self.attendees, len(self.pairs))


class Events:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        administration: Administration,
        work: WorkQueue,
        broadcasts: Broadcasts,
        languages: LanguagePreferences,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._administration = administration
        self._work = work
        self._broadcasts = broadcasts
        self._languages = languages
        self._wrong_codes: dict[int, list[datetime]] = {}

    def task_kinds(self) -> dict[str, TaskKind]:
        """The scheduled work events leave: mutual choice opens, then closes."""

        async def open_choice(task: DueTask) -> None:
            await self.open_choice(int(task.payload["event_id"]))

        async def close_choice(task: DueTask) -> None:
            await self.close_choice(int(task.payload["event_id"]))

        return {CHOICE_OPEN: TaskKind(open_choice), CHOICE_CLOSE: TaskKind(close_choice)}

    # Organisers
    async def create(self, actor: int, spec: EventSpec) -> int | None:
        """Publish an event and schedule its announcement; None if outside the actor's scope."""
        now = self._clock.now()
        async with self._db.begin() as session:
            if spec.unit_id not in (await self._administration.authority(session, actor)).scope:
                return None
            event = Event(
                unit_id=spec.unit_id,
                created_by=actor,
                title=spec.title,
                description=spec.description,
                starts_at=spec.starts_at,
                ends_at=spec.ends_at,
                venue=spec.venue,
                capacity=spec.capacity.total,
                capacity_male=spec.capacity.male,
                capacity_female=spec.capacity.female,
                conditions=spec.conditions.to_json(),
                signup_deadline=spec.signup_deadline,
                announce_at=spec.announce_at,
                status=EventStatus.PUBLISHED,
                checkin_code=f"{secrets.randbelow(10**6):06d}",
                choice_limit=spec.choice_limit,
                choice_deadline=spec.ends_at + CHOICE_WINDOW,
                created_at=now,
            )
            session.add(event)
            await session.flush()
            audit.record(session, actor, "event_create", spec.unit_id, now, event=event.id)
            conditions = spec.conditions
            audience = Audience(
                spec.unit_id,
                age_min=conditions.age_min,
                age_max=conditions.age_max,
                districts=conditions.districts,
                industries=conditions.industries,
                verified_only=True,
            )
            draft = Draft(
                announcement_text(event, self._settings),
                button={"label": SIGN_UP_LABEL, "data": JoinEvent(event.id).encode()},
            )
            send_at = spec.announce_at if spec.announce_at > now else None
            event.announcement_id = await self._broadcasts.create_in(
                session, actor, draft, audience, send_at
            )
            await self._plan_choice(session, event)
        self._work.wake()
        return event.id

    async def managed(self, actor: int, event_id: int) -> Event | None:
        """The event if the actor may manage it."""
        async with self._db() as session:
            return await self._managed_in(session, actor, event_id)

    async def listing(self, actor: int, limit: int = 10) -> list[Event] | None:
        async with self._db() as session:
            power = await self._administration.authority(session, actor)
            if not power.any:
                return None
            found = await session.scalars(
                select(Event)
                .where(Event.unit_id.in_(power.scope))
                .order_by(Event.starts_at.desc())
                .limit(limit)
            )
            return list(reversed(found.all()))

    async def edit(self, actor: int, event_id: int, field_name: str, value: str) -> str | Invalid:
        """title / description / venue, bounded as in /event_new; done, not_allowed, cancelled,
        unknown_field, or why the text cannot be kept."""
        bound = EDITABLE.get(field_name)
        if bound is None:
            return "unknown_field"
        value = free_text.check(value, bound)  # type: ignore[assignment]
        if isinstance(value, Invalid):
            return value
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id, lock=True)
            if event is None:
                return "not_allowed"
            if event.status == EventStatus.CANCELLED:
                return "cancelled"
            setattr(event, field_name, value)
            audit.record(
                session,
                actor,
                "event_edit",
                event.unit_id,
                self._clock.now(),
                event=event_id,
                field=field_name,
            )
            # Reminders carry the title and venue: re-word the ones still to come.
            for member_id, telegram_id in await events.registered(session, event_id):
                await self._plan_reminders(session, event, member_id, telegram_id)
        self._work.wake()
        return "done"

    async def set_places(self, actor: int, event_id: int, capacity: Capacity) -> str:
        """Change the places; more room promotes waiting members (in order, within the gender
        quotas), who are told. Fewer never removes anyone. done | not_allowed | cancelled."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id, lock=True)
            if event is None:
                return "not_allowed"
            if event.status == EventStatus.CANCELLED:
                return "cancelled"
            event.capacity = capacity.total
            event.capacity_male, event.capacity_female = capacity.male, capacity.female
            await session.flush()
            promoted = 0
            while await self._promote(session, event):
                promoted += 1
            audit.record(session, actor, "event_places", event.unit_id, self._clock.now(),
                         event=event_id, total=capacity.total, promoted=promoted)  # fmt: skip
        self._work.wake()
        return "done"

    async def reschedule(self, actor: int, event_id: int, starts_at: datetime) -> str:
        """Move the event (its end, sign-up deadline and mutual choice with it) and tell the
        registrants; done, not_allowed, cancelled or past."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id, lock=True)
            if event is None:
                return "not_allowed"
            if event.status == EventStatus.CANCELLED:
                return "cancelled"
            if starts_at <= self._clock.now():
                return "past"
            shift = starts_at - event.starts_at
            event.starts_at, event.ends_at = starts_at, event.ends_at + shift
            event.choice_deadline += shift
            event.signup_deadline = min(event.signup_deadline + shift, starts_at)
            audit.record(session, actor, "event_reschedule", event.unit_id, self._clock.now(),
                         event=event_id, starts_at=starts_at.isoformat())  # fmt: skip
            await self._plan_choice(session, event)
            for member_id, telegram_id in await events.registered(session, event_id):
                await self._plan_reminders(session, event, member_id, telegram_id)
            await self._broadcasts.create_in(
                session, actor, Draft(rescheduled_text(event, self._settings)),
                Audience(event.unit_id, event_id=event_id),
            )  # fmt: skip
        self._work.wake()
        return "done"

    async def cancel(self, actor: int, event_id: int) -> int | None:
        """Cancel the event and tell everyone registered or waiting (through a broadcast);
        returns how many will be told, None if not allowed or already cancelled."""
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id, lock=True)
            if event is None:
                return None
            if event.status == EventStatus.CANCELLED:
                return None
            event.status = EventStatus.CANCELLED
            told = await session.scalar(
                select(func.count()).where(
                    Registration.event_id == event_id,
                    Registration.status != RegistrationStatus.CANCELLED,
                )
            )
            registrants = (
                await session.scalars(
                    select(Registration.member_id).where(Registration.event_id == event_id)
                )
            ).all()
            audit.record(session, actor, "event_cancel", event.unit_id, now, event=event_id)
            if event.announcement_id is not None:
                await self._broadcasts.cancel_in(session, actor, event.announcement_id)
            for key in (f"{CHOICE_OPEN}:{event_id}", f"{CHOICE_CLOSE}:{event_id}"):
                await tasks.cancel(session, key)
            for member_id in registrants:
                await self._cancel_reminders(session, event_id, member_id)
            if told:
                await self._broadcasts.create_in(
                    session,
                    actor,
                    Draft(cancellation_text(event, self._settings)),
                    Audience(event.unit_id, event_id=event_id),
                )
        self._work.wake()
        return told or 0

    async def overview(self, actor: int, event_id: int) -> Overview | None:
        async with self._db() as session:
            event = await self._managed_in(session, actor, event_id)
            if event is None:
                return None
            return Overview(event, await events.funnel(session, event))

    # Members
    async def view(self, event_id: int) -> Event | None:
        async with self._db() as session:
            event = await session.get(Event, event_id)
            return event if event is not None and event.status == EventStatus.PUBLISHED else None

    async def sign_up(self, telegram_id: int, event_id: int) -> SignUp:
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await session.get(Event, event_id, with_for_update=True)
            if event is None:
                return SignUp("unknown")
            if event.status == EventStatus.CANCELLED:
                return SignUp("refused", (Refusal.CANCELLED,))
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            if member is None or member.verified_at is None:
                return SignUp("refused", (Refusal.NOT_VERIFIED,))
            existing = await session.scalar(
                select(Registration).where(
                    Registration.event_id == event_id, Registration.member_id == member.id
                )
            )
            if existing is not None and existing.status != RegistrationStatus.CANCELLED:
                waiting = existing.status == RegistrationStatus.WAITLISTED
                return SignUp("still_waiting" if waiting else "already", badge=existing.badge)
            if now > event.signup_deadline:
                return SignUp("refused", (Refusal.DEADLINE,))
            applicant = await self._applicant(session, member, event)
            capacity = _capacity(event)
            found = refusals(applicant, Conditions.from_json(event.conditions), capacity)
            if found:
                return SignUp("refused", tuple(found))
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
                await self._plan_reminders(session, event, member.id, telegram_id)
        self._work.wake()
        return SignUp(status.value, badge=badge)

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
            await self._cancel_reminders(session, event_id, member.id)
            if freed and event.status == EventStatus.PUBLISHED:
                await self._promote(session, event)
        self._work.wake()
        return True

    async def my_events(self, telegram_id: int) -> list[tuple[Event, Registration]]:
        async with self._db() as session:
            rows = await session.execute(
                select(Event, Registration)
                .join(Registration, Registration.event_id == Event.id)
                .join(Member, Member.id == Registration.member_id)
                .where(
                    Member.telegram_id == telegram_id,
                    Registration.status != RegistrationStatus.CANCELLED,
                    Event.ends_at > self._clock.now() - CHOICE_WINDOW,
                )
                .order_by(Event.starts_at)
            )
            return [(event, registration) for event, registration in rows.all()]

    async def check_in(self, telegram_id: int, code: str) -> tuple[str, Event | None, int | None]:
        """(checked_in | already | wrong_code | too_many | not_registered, event, badge)"""
        now = self._clock.now()
        misses = [t for t in self._wrong_codes.get(telegram_id, []) if now - t < timedelta(hours=1)]
        if len(misses) >= WRONG_CODES_PER_HOUR:
            return "too_many", None, None
        async with self._db.begin() as session:
            rows = await session.execute(
                select(Event, Registration)
                .join(Registration, Registration.event_id == Event.id)
                .join(Member, Member.id == Registration.member_id)
                .where(
                    Member.telegram_id == telegram_id,
                    Registration.status == RegistrationStatus.REGISTERED,
                    Event.status == EventStatus.PUBLISHED,
                    Event.starts_at <= now + CHECK_IN_OPENS,
                    Event.ends_at >= now,
                )
            )
            found = rows.all()
            if not found:
                return "not_registered", None, None
            for event, registration in found:
                if secrets.compare_digest(event.checkin_code, code.strip()):
                    if registration.checked_in_at is not None:
                        return "already", event, registration.badge
                    registration.checked_in_at = now
                    return "checked_in", event, registration.badge
            # Six digits are guessable one try at a time: a few wrong tries, then an hour's wait.
            self._wrong_codes[telegram_id] = [*misses, now]
            return "wrong_code", found[0][0], None

    async def choice_options(
        self, telegram_id: int, event_id: int
    ) -> tuple[Event, list[Person], set[int]] | None:
        """The attendees a member may pick from (the other gender, if known), and their picks;
        None unless the member attended and the choice is open."""
        async with self._db() as session:
            event, me = await self._choosing(session, telegram_id, event_id)
            if event is None or me is None:
                return None
            own_gender = await events.same_gender(session, event_id, me.member_id)
            people = [
                p
                for p in await events.attendees(session, event_id)
                if p.member_id != me.member_id and p.member_id not in own_gender
            ]
            chosen = set(
                (
                    await session.scalars(
                        select(EventChoice.chosen_id).where(
                            EventChoice.event_id == event_id,
                            EventChoice.chooser_id == me.member_id,
                        )
                    )
                ).all()
            )
            return event, people, chosen

    async def toggle_choice(self, telegram_id: int, event_id: int, chosen_id: int) -> str:
        """picked / unpicked / full / closed"""
        options = await self.choice_options(telegram_id, event_id)
        if options is None:
            return "closed"
        event, people, chosen = options
        if chosen_id not in {p.member_id for p in people}:
            return "closed"
        async with self._db.begin() as session:
            me = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
            if chosen_id in chosen:
                choice = await session.get(EventChoice, (event_id, me, chosen_id))
                await session.delete(choice)
                return "unpicked"
            if len(chosen) >= event.choice_limit:
                return "full"
            session.add(EventChoice(event_id=event_id, chooser_id=me, chosen_id=chosen_id))
            return "picked"

    async def open_choice(self, event_id: int) -> None:
        """The event has ended: each attendee is invited to pick the people they would meet
        again (one keyed notice each, so a rerun after a crash invites nobody twice)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await session.get(Event, event_id)
            if event is None or event.status != EventStatus.PUBLISHED:
                return
            deadline = event.choice_deadline.astimezone(self._settings.tz)
            for person in await events.attendees(session, event_id):
                if person.telegram_id is None:
                    continue
                await notices.put(
                    session, to=person.telegram_id, now=now,
                    lines=[line(N_("Thank you for coming to “{title}”! Mutual choice (互选) is "
                                   "open until {time}: pick up to {limit} people you would like "
                                   "to meet again. Only mutual picks are revealed."),
                                title=event.title, time=f"{deadline:%m-%d %H:%M}",
                                limit=event.choice_limit)],
                    buttons=[[notices.Button(N_("Choose"), OpenChoice(event_id).encode())]],
                    key=f"{CHOICE_OPEN}:{event_id}:{person.member_id}",
                    member_id=person.member_id,
                )  # fmt: skip

    async def close_choice(self, event_id: int) -> None:
        """Mutual picks become matches (once), and both people and the organiser are told;
        nothing happens if the choice is already closed or the event cancelled."""
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await session.get(Event, event_id, with_for_update=True)
            if event is None or event.choice_closed or event.status != EventStatus.PUBLISHED:
                return
            event.choice_closed = True
            choices = (
                await session.execute(
                    select(EventChoice.chooser_id, EventChoice.chosen_id).where(
                        EventChoice.event_id == event_id
                    )
                )
            ).all()
            people = {p.member_id: p for p in await events.attendees(session, event_id)}
            pairs = []
            for a, b in mutual_pairs(tuple(c) for c in choices):
                await follow_ups.record_match(session, a, b, "event", now)
                pairs.append((people[a], people[b]))
            await self._announce_pairs(session, event, ChoiceResult(len(people), pairs), now)

    async def _announce_pairs(
        self, session: AsyncSession, event: Event, result: ChoiceResult, now: datetime
    ) -> None:
        """Notices written with the matches they announce (same transaction)."""
        for a, b in result.pairs:
            for me, other in ((a, b), (b, a)):
                if me.telegram_id is None:
                    continue
                await notices.put(
                    session, to=me.telegram_id, now=now,
                    lines=[line(N_("🎉 A mutual choice! You and {nickname} #{badge} picked each "
                                   "other. Send /matches to get in touch."),
                                nickname=other.nickname, badge=other.badge)],
                    key=f"{CHOICE_CLOSE}:{event.id}:{me.member_id}:{other.member_id}",
                    member_id=me.member_id,
                )  # fmt: skip
        if event.created_by is not None:
            await notices.put(
                session, to=event.created_by, now=now,
                lines=[line(N_("Mutual choice of “{title}” closed: {attendees} attended, "
                               "{pairs} pair(s), pairing rate {rate}."),
                            title=event.title, attendees=result.attendees,
                            pairs=len(result.pairs), rate=f"{result.rate:.0%}")],
                key=f"{CHOICE_CLOSE}:{event.id}:organiser",
            )  # fmt: skip

    async def sheet(self, actor: int, event_id: int) -> tuple[Event, list[SheetRow]] | None:
        async with self._db() as session:
            event = await self._managed_in(session, actor, event_id)
            return None if event is None else (event, await events.sheet(session, event_id))

    async def groups(self, actor: int, event_id: int, size: int) -> list[list[Person]] | None:
        """Split the attendees (checked in; before the event, those registered) into groups."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id)
            if event is None:
                return None
            people = await events.attendees(session, event_id) or await events.attendees(
                session, event_id, checked_in=False
            )
            facts = await events.grouping_facts(session, [p.member_id for p in people])
            attendees = [
                Attendee(p.member_id, *facts.get(p.member_id, (None, frozenset(), None)))
                for p in people
            ]
            by_id = {p.member_id: p for p in people}
            groups = make_groups(attendees, size, seed=event_id)
            now = self._clock.now()
            for number, group in enumerate(groups, start=1):
                for attendee in group:
                    registration = await session.scalar(
                        select(Registration).where(
                            Registration.event_id == event_id,
                            Registration.member_id == attendee.id,
                        )
                    )
                    registration.group_no = number
                    person = by_id[attendee.id]
                    if person.telegram_id is None:
                        continue
                    others = "、".join(
                        f"{by_id[a.id].nickname} #{by_id[a.id].badge}"
                        for a in group
                        if a.id != attendee.id
                    )
                    await notices.put(
                        session, to=person.telegram_id, now=now,
                        lines=[line(N_("You are in group {number} with {people}. Have fun!"),
                                    number=number, people=others)],
                        key=f"event_group:{event_id}:{attendee.id}:{now.isoformat()}",
                        member_id=attendee.id,
                    )  # fmt: skip
            audit.record(
                session,
                actor,
                "event_groups",
                event.unit_id,
                self._clock.now(),
                event=event_id,
                size=size,
            )
        self._work.wake()
        return [[by_id[a.id] for a in group] for group in groups]

    # Internals
    async def _managed_in(
        self, session: AsyncSession, actor: int, event_id: int, *, lock: bool = False
    ) -> Event | None:
        """The event if the actor's scope covers it (locked for an update if asked)."""
        event = await session.get(Event, event_id, with_for_update=lock)
        power = await self._administration.authority(session, actor)
        return event if event is not None and event.unit_id in power.scope else None

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

    async def _promote(self, session: AsyncSession, event: Event) -> bool:
        """Give a freed place to the first waiting member who fits the quotas, who is told and
        gets reminders (all in the caller's transaction). False if nobody could take it."""
        waiting = (
            await session.execute(
                select(Registration.id, Registration.gender)
                .where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
                .order_by(Registration.registered_at, Registration.id)
            )
        ).all()
        chosen = next_from_waitlist(
            [tuple(w) for w in waiting], _capacity(event), await events.held(session, event.id)
        )
        if chosen is None:
            return False
        registration = await session.get(Registration, chosen)
        registration.status = RegistrationStatus.REGISTERED
        await session.flush()
        telegram_id = await session.scalar(
            select(Member.telegram_id).where(Member.id == registration.member_id)
        )
        if telegram_id is not None:
            now = self._clock.now()
            await notices.put(
                session, to=telegram_id, now=now,
                lines=[line(N_("Good news: a place at “{title}” freed up and you are now signed "
                               "up, badge #{badge}. /my_events shows it."),
                            title=event.title, badge=registration.badge)],
                key=f"event_promoted:{event.id}:{registration.member_id}:{now.isoformat()}",
                member_id=registration.member_id,
            )  # fmt: skip
            await self._plan_reminders(session, event, registration.member_id, telegram_id)
        return True

    async def _plan_reminders(
        self, session: AsyncSession, event: Event, member_id: int, telegram_id: int
    ) -> None:
        """The member's reminders before the event (replacing any planned), in the caller's
        transaction; each is dropped if it could not be sent before the event begins."""
        now = self._clock.now()
        for hours in self._settings.event_reminders:
            due = event.starts_at - timedelta(hours=hours)
            if due <= now:
                continue  # signed up after this reminder's time: nothing to remind of yet
            await notices.put(
                session, to=telegram_id, now=now, due_at=due, expires_at=event.starts_at,
                lines=reminder_lines(event, hours, self._settings),
                key=_reminder_key(event.id, member_id, hours), member_id=member_id,
            )  # fmt: skip

    async def _cancel_reminders(self, session: AsyncSession, event_id: int, member_id: int) -> None:
        for hours in self._settings.event_reminders:
            await notices.withdraw(session, _reminder_key(event_id, member_id, hours))

    async def _plan_choice(self, session: AsyncSession, event: Event) -> None:
        """The mutual choice opens when the event ends and closes a day later."""
        payload = {"event_id": event.id}
        await self._work.put(
            session, CHOICE_OPEN, event.ends_at, payload, key=f"{CHOICE_OPEN}:{event.id}"
        )
        await self._work.put(
            session, CHOICE_CLOSE, event.choice_deadline, payload, key=f"{CHOICE_CLOSE}:{event.id}"
        )

    async def _choosing(
        self, session: AsyncSession, telegram_id: int, event_id: int
    ) -> tuple[Event | None, Person | None]:
        event = await session.get(Event, event_id)
        now = self._clock.now()
        if (
            event is None
            or event.status != EventStatus.PUBLISHED
            or event.choice_closed
            or not event.ends_at <= now < event.choice_deadline
        ):
            return None, None
        me = next(
            (p for p in await events.attendees(session, event_id) if p.telegram_id == telegram_id),
            None,
        )
        return event, me


def _reminder_key(event_id: int, member_id: int, hours: int) -> str:
    return f"event_reminder:{event_id}:{member_id}:{hours}h"


# How long before the start a reminder comes, in words (the common lead times).
LEAD_TIMES = {1: N_("an hour"), 2: N_("two hours"), 3: N_("three hours"), 6: N_("six hours"),
              12: N_("twelve hours")}  # fmt: skip


def reminder_lines(event: Event, hours: int, settings: Settings) -> list[Line]:
    """A reminder that says when, as people say it: "tomorrow at 14:00", "in two hours"."""
    local = event.starts_at.astimezone(settings.tz)
    values: dict[str, Any] = {"title": event.title, "time": f"{local:%H:%M}",
                              "date": f"{local:%m-%d}"}  # fmt: skip
    values["venue"] = translated(N_("online")) if event.venue is None else event.venue
    if 20 <= hours < 48:
        first = line(N_("Reminder: “{title}” is tomorrow at {time}, {venue}."), **values)
    elif hours >= 48:
        first = line(N_("Reminder: “{title}” is in {days} days, on {date} at {time}, {venue}."),
                     days=hours // 24, **values)  # fmt: skip
    else:
        if hours in LEAD_TIMES:
            message = N_("Reminder: “{title}” starts in {lead}, at {time}, {venue}.")
            first = line(message, lead=translated(LEAD_TIMES[hours]), **values)
        else:
            message = N_("Reminder: “{title}” starts in {lead} hours, at {time}, {venue}.")
            first = line(message, lead=hours, **values)
    if event.venue is None:
        return [first]
    return [first, line(N_("When you arrive, send me the check-in code shown at the venue, "
                           "like this: /checkin 123456"))]  # fmt: skip


def _capacity(event: Event) -> Capacity:
    return Capacity(event.capacity, event.capacity_male, event.capacity_female)
