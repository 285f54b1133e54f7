"""Organisers and their events: creating one (announced through a durable broadcast), listing,
editing, changing places (the waitlist moves up), moving, cancelling (everyone is told), the
sign-up sheet and smart groups. Every call checks the organiser's scope where it writes."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.common.wording.events import (
    SIGN_UP_LABEL,
    announcement_text,
    cancellation_text,
    rescheduled_text,
)
from bot.common.workers import in_worker
from bot.domain import free_text
from bot.domain.audience import Audience
from bot.domain.buttons import JoinEvent
from bot.domain.check_in_pass import pass_key, read_pass
from bot.domain.clock import Clock
from bot.domain.events import Capacity, Conditions, cancellable
from bot.domain.free_text import Invalid
from bot.domain.grouping import Attendee, make_groups
from bot.services import notices
from bot.services.administration import Administration
from bot.services.broadcasts import Broadcasts, Draft
from bot.services.events import choice, places
from bot.services.events.attending import CHECK_IN_OPENS
from bot.services.events.choice import MutualChoice
from bot.services.events.form import announcement_pending
from bot.services.events.reminders import Reminders
from bot.services.events.results import (
    Change,
    EventSpec,
    GroupDraft,
    Overview,
    SignUpRules,
    draft_version,
    group_key,
)
from bot.services.notices import line
from bot.services.work import WorkQueue
from storage import audit, events, tasks
from storage.events import Person, SheetRow
from storage.models import (
    Event,
    EventStatus,
    OrgUnit,
    ProfileAnswer,
    Registration,
    RegistrationStatus,
)

# Groups are made of people who have arrived; one person is no group.
MIN_TO_GROUP = 2
# ``send_groups``' answer when the draft confirmed is no longer the one recorded.
STALE = -1

# What /event_edit may change, bounded as when the event was created.
EDITABLE = {
    "title": free_text.EVENT_TITLE,
    "description": free_text.EVENT_DESCRIPTION,
    "venue": free_text.EVENT_VENUE,
}


class Door(enum.StrEnum):
    """What typing a badge number at the door did."""

    CHECKED_IN = "checked_in"
    ALREADY = "already"
    NO_SUCH_BADGE = "no_such_badge"
    NOT_REGISTERED = "not_registered"  # on the waitlist or withdrawn: no place to check in to
    TOO_EARLY = "too_early"  # check-in opens when it does for members checking in themselves
    CANCELLED = "cancelled"
    # A scanned personal code (``bot.domain.check_in_pass``):
    NOT_A_PASS = "not_a_pass"  # not one of ours, or altered
    OTHER_EVENT = "other_event"  # a true code, for another event
    NOT_SIGNED_UP = "not_signed_up"  # a true code of someone with no registration here


@dataclass(frozen=True)
class DoorCheckIn:
    status: Door
    badge: int | None = None
    nickname: str | None = None
    opens_at: datetime | None = None  # when check-in opens, if it has not
    funnel: events.Funnel | None = None  # the event's figures once someone is checked in


def announced_to(unit_id: int, conditions: Conditions) -> Audience:
    """Who an event's announcement goes to: the verified members its conditions admit."""
    return Audience(
        unit_id,
        age_min=conditions.age_min,
        age_max=conditions.age_max,
        districts=conditions.districts,
        industries=conditions.industries,
        verified_only=True,
    )


# How long the same event from the same organiser counts as the one already published.
SAME_WITHIN = timedelta(minutes=10)


class Organising:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        administration: Administration,
        work: WorkQueue,
        broadcasts: Broadcasts,
        reminders: Reminders,
        choice: MutualChoice,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._administration = administration
        self._work = work
        self._broadcasts = broadcasts
        self._reminders = reminders
        self._choice = choice

    async def create(self, actor: int, spec: EventSpec) -> int | None:
        """Publish an event and schedule its announcement; None if outside the actor's scope.
        The same event (title, start, place, text) published again by the same organiser
        within ``SAME_WITHIN`` (发布 pressed twice, a request retried) is the one already
        published: its id, announced once."""
        now = self._clock.now()
        async with self._db.begin() as session:
            if spec.unit_id not in (await self._administration.authority(session, actor)).scope:
                return None
            # Events of a union are published one at a time, so a second press waits for the
            # first and finds it.
            await session.get(OrgUnit, spec.unit_id, with_for_update=True)
            same = await session.scalar(
                select(Event.id).where(
                    Event.created_by == actor,
                    Event.unit_id == spec.unit_id,
                    Event.created_at >= now - SAME_WITHIN,
                    Event.status != EventStatus.CANCELLED,
                    Event.title == spec.title,
                    Event.starts_at == spec.starts_at,
                    Event.venue == spec.venue,
                    Event.description == spec.description,
                )
            )
            if same is not None:
                return same
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
                choice_deadline=spec.ends_at + choice.WINDOW,
                created_at=now,
            )
            session.add(event)
            await session.flush()
            audit.record(session, actor, "event_create", spec.unit_id, now, event=event.id)
            audience = announced_to(spec.unit_id, spec.conditions)
            draft = Draft(
                announcement_text(event, self._settings),
                button={"label": SIGN_UP_LABEL, "data": JoinEvent(event.id).encode()},
            )
            send_at = spec.announce_at if spec.announce_at > now else None
            event.announcement_id = await self._broadcasts.create_in(
                session, actor, draft, audience, send_at
            )
            await self._choice.plan(session, event)
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

    async def edit(
        self, actor: int, event_id: int, field_name: str, value: str
    ) -> Change | Invalid:
        """Change the title, description or venue, bounded as in /event_new; or why the text
        cannot be kept."""
        bound = EDITABLE.get(field_name)
        if bound is None:
            return Change.UNKNOWN_FIELD
        value = free_text.check(value, bound)  # type: ignore[assignment]
        if isinstance(value, Invalid):
            return value
        async with self._db.begin() as session:
            event = await self._changeable_in(session, actor, event_id)
            if isinstance(event, Change):
                return event
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
                await self._reminders.plan(session, event, member_id, telegram_id)
        self._work.wake()
        return Change.DONE

    async def set_places(self, actor: int, event_id: int, capacity: Capacity) -> Change:
        """Change the places; more room promotes waiting members (in order, within the gender
        quotas), who are told. Fewer never removes anyone."""
        async with self._db.begin() as session:
            event = await self._changeable_in(session, actor, event_id)
            if isinstance(event, Change):
                return event
            event.capacity = capacity.total
            event.capacity_male, event.capacity_female = capacity.male, capacity.female
            await session.flush()
            promoted = 0
            while await places.promote(session, event, self._clock, self._reminders):
                promoted += 1
            audit.record(
                session,
                actor,
                "event_places",
                event.unit_id,
                self._clock.now(),
                event=event_id,
                total=capacity.total,
                promoted=promoted,
            )
        self._work.wake()
        return Change.DONE

    async def set_sign_up(self, actor: int, event_id: int, rules: SignUpRules) -> Change:
        """Change who may sign up (ages, districts, industries), when sign-up closes and, while
        members have not been told of the event, when they are. Members who signed up stay
        signed up under new conditions, as fewer places never remove anyone; an announcement
        still to come goes to the members the new conditions name. Sign-up closes in the
        future and by the start (``PAST``, ``AFTER_START``); the announcement comes before it
        closes (``ANNOUNCE_LATE``), moves only while it has not gone (``ANNOUNCED``), and a
        time already passed is now."""
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await self._changeable_in(session, actor, event_id)
            if isinstance(event, Change):
                return event
            deadline = rules.signup_deadline or event.signup_deadline
            if rules.signup_deadline is not None:
                if deadline <= now:
                    return Change.PAST
                if deadline > event.starts_at:
                    return Change.AFTER_START
            pending = event.announce_at > now
            if rules.announce_at is not None and not pending:
                return Change.ANNOUNCED
            # A time that passed while the form was on its way (or "now"): at once.
            announce = max(rules.announce_at, now) if rules.announce_at else event.announce_at
            if (pending or rules.announce_at is not None) and announce >= deadline:
                return Change.ANNOUNCE_LATE
            conditions = rules.conditions or Conditions.from_json(event.conditions)
            if pending and event.announcement_id is not None:
                # The announcement still to come, to its time and the members named now; if
                # it began meanwhile (the scheduler was quicker), its time stays as it went.
                moved = await self._broadcasts.reschedule_in(
                    session,
                    actor,
                    event.announcement_id,
                    announce,
                    announced_to(event.unit_id, conditions),
                )
                if not moved and rules.announce_at is not None:
                    return Change.ANNOUNCED
            changed: dict[str, str] = {}
            if rules.conditions is not None:
                event.conditions = rules.conditions.to_json()
                changed["conditions"] = "changed"
            if rules.signup_deadline is not None:
                event.signup_deadline = rules.signup_deadline
                changed["signup_deadline"] = rules.signup_deadline.isoformat()
            if rules.announce_at is not None:
                event.announce_at = announce
                changed["announce_at"] = announce.isoformat()
            if changed:
                audit.record(
                    session, actor, "event_sign_up", event.unit_id, now, event=event_id, **changed
                )
        self._work.wake()
        return Change.DONE

    async def reschedule(self, actor: int, event_id: int, starts_at: datetime) -> Change:
        """Move the event (its end, sign-up deadline and mutual choice with it) and tell the
        registrants."""
        async with self._db.begin() as session:
            event = await self._changeable_in(session, actor, event_id)
            if isinstance(event, Change):
                return event
            now = self._clock.now()
            if starts_at <= now:
                return Change.PAST
            shift = starts_at - event.starts_at
            closes = min(event.signup_deadline + shift, starts_at)
            # Moved earlier, sign-up open now could close in the past, or before members are
            # even told of the event: the organiser sets those times with the start (the desk).
            if closes <= now < event.signup_deadline:
                return Change.SIGN_UP_PASSED
            if announcement_pending(event, now) and event.announce_at >= closes:
                return Change.ANNOUNCE_LATE
            event.starts_at, event.ends_at = starts_at, event.ends_at + shift
            event.choice_deadline += shift
            event.signup_deadline = closes
            audit.record(
                session,
                actor,
                "event_reschedule",
                event.unit_id,
                self._clock.now(),
                event=event_id,
                starts_at=starts_at.isoformat(),
            )
            await self._choice.plan(session, event)
            for member_id, telegram_id in await events.registered(session, event_id):
                await self._reminders.plan(session, event, member_id, telegram_id)
            await self._broadcasts.create_in(
                session,
                actor,
                Draft(rescheduled_text(event, self._settings)),
                Audience(event.unit_id, event_id=event_id),
            )
        self._work.wake()
        return Change.DONE

    async def cancel(self, actor: int, event_id: int) -> int | Change:
        """Cancel the event and tell everyone registered or waiting (through a broadcast);
        returns how many will be told, or why not: not allowed, cancelled already, or begun
        (those who came were told, days later, that it was cancelled)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id, lock=True)
            if event is None:
                return Change.NOT_ALLOWED
            if event.status == EventStatus.CANCELLED:
                return Change.CANCELLED
            if not cancellable(event.status, event.starts_at, now):
                return Change.PAST
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
            await self._choice.unplan(session, event_id)
            await self._reminders.cancel(session, event_id, registrants)
            if told:
                await self._broadcasts.create_in(
                    session,
                    actor,
                    Draft(cancellation_text(event, self._settings)),
                    Audience(event.unit_id, event_id=event_id),
                )
        self._work.wake()
        return told or 0

    def cancellable(self, event: Event) -> bool:
        """Whether the event may still be cancelled (its page offers it)."""
        return cancellable(event.status, event.starts_at, self._clock.now())

    async def overview(self, actor: int, event_id: int) -> Overview | None:
        async with self._db() as session:
            event = await self._managed_in(session, actor, event_id)
            if event is None:
                return None
            return Overview(event, await events.funnel(session, event))

    async def sheet(self, actor: int, event_id: int) -> tuple[Event, list[SheetRow]] | None:
        """The door list with real names, employers and phones: organisers of the event's
        union only, and every look is in the audit log."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id)
            if event is None:
                return None
            rows = await events.sheet(session, event_id)
            audit.record(
                session,
                actor,
                "event_sheet",
                event.unit_id,
                self._clock.now(),
                event=event_id,
                people=len(rows),
            )
            return event, rows

    async def check_in_badge(self, actor: int, event_id: int, badge: int) -> DoorCheckIn | None:
        """Check in the person wearing this badge, as the organiser at the door says; None if
        the event is not the actor's. Scope is checked in the transaction that writes."""
        return await self._door(actor, event_id, Registration.badge == badge, badge=badge)

    async def check_in_pass(self, actor: int, event_id: int, code: str) -> DoorCheckIn | None:
        """Check in the member whose personal code was scanned at this event's door; a code
        that is not ours, altered, or another event's checks nobody in. None if the event is
        not the actor's (asked before anything about the code is said)."""
        key = self._pass_key()
        scanned = read_pass(key, code) if key is not None else None
        if scanned is None or scanned.event_id != event_id:
            if await self.managed(actor, event_id) is None:
                return None
            return DoorCheckIn(Door.NOT_A_PASS if scanned is None else Door.OTHER_EVENT)
        return await self._door(actor, event_id, Registration.member_id == scanned.member_id)

    def _pass_key(self) -> bytes | None:
        token = self._settings.bot_token
        return pass_key(token.get_secret_value()) if token is not None else None

    async def _door(
        self,
        actor: int,
        event_id: int,
        whose: ColumnElement[bool],
        *,
        badge: int | None = None,
    ) -> DoorCheckIn | None:
        """Check in the registration ``whose`` selects, audited as the organiser's act."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id)
            if event is None:
                return None
            now = self._clock.now()
            if event.status == EventStatus.CANCELLED:
                return DoorCheckIn(Door.CANCELLED, badge)
            if now < event.starts_at - CHECK_IN_OPENS:
                return DoorCheckIn(Door.TOO_EARLY, badge, opens_at=event.starts_at - CHECK_IN_OPENS)
            registration = await session.scalar(
                select(Registration)
                .where(Registration.event_id == event_id, whose)
                .with_for_update()
            )
            if registration is None:
                missing = Door.NOT_SIGNED_UP if badge is None else Door.NO_SUCH_BADGE
                return DoorCheckIn(missing, badge)
            badge = registration.badge
            nickname = await session.scalar(
                select(ProfileAnswer.value).where(
                    ProfileAnswer.member_id == registration.member_id,
                    ProfileAnswer.question == "nickname",
                )
            )
            found = partial(DoorCheckIn, badge=badge, nickname=str(nickname or "—"))
            if registration.status != RegistrationStatus.REGISTERED:
                return found(Door.NOT_REGISTERED)
            if registration.checked_in_at is not None:
                return found(Door.ALREADY)
            registration.checked_in_at = now
            audit.record(
                session, actor, "event_check_in", event.unit_id, now, event=event_id, badge=badge
            )
            await session.flush()
            return found(Door.CHECKED_IN, funnel=await events.funnel(session, event))

    async def groups(self, actor: int, event_id: int, size: int) -> GroupDraft | None:
        """A draft of groups of the people who have checked in, recorded but told to nobody
        until the organiser confirms it (``send_groups``). Before two people have arrived there
        is nothing to group: the draft says how many have (None: not the actor's event)."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id)
            if event is None:
                return None
            opens_at = event.starts_at - CHECK_IN_OPENS
            if self._clock.now() < opens_at:  # groups are of people who have arrived
                return GroupDraft([], "", arrived=0, opens_at=opens_at)
            people = await events.attendees(session, event_id)
            if len(people) < MIN_TO_GROUP:
                return GroupDraft([], "", arrived=len(people))
            facts = await events.grouping_facts(session, [p.member_id for p in people])
            attendees = [
                Attendee(p.member_id, *facts.get(p.member_id, (None, frozenset(), None)))
                for p in people
            ]
            by_id = {p.member_id: p for p in people}
            # Two people one of whom blocked or reported the other never share a group (the
            # grouping makes more, smaller groups rather than seat them together); two whose
            # relayed conversation one ended are kept apart as colleagues are, if it can.
            apart = await events.kept_apart(session, list(by_id))
            # Grouping a fair takes seconds of computing: in the worker process.
            made = await in_worker(
                partial(make_groups, seed=event_id, apart=apart.never, rather_apart=apart.rather),
                attendees,
                size,
            )
            # Each group by badge, as the recorded draft is read back (``group_draft``).
            table = [sorted((by_id[a.id] for a in group), key=lambda p: p.badge) for group in made]
            group_of = {p.member_id: n for n, group in enumerate(table, start=1) for p in group}
            await events.number_groups(session, event_id, group_of, clear_first=True)
            audit.record(
                session,
                actor,
                "event_groups_draft",
                event.unit_id,
                self._clock.now(),
                event=event_id,
                size=size,
                groups=len(made),
                kept_apart=len(apart.never),
            )
        asked = -(-len(people) // size)  # the groups the size alone gives
        return GroupDraft(
            table, draft_version(group_of), arrived=len(people), extra=max(0, len(made) - asked)
        )

    async def group_draft(self, actor: int, event_id: int) -> GroupDraft | None:
        """The draft last made (and perhaps adjusted) for the event, as recorded: empty if
        none was made. None: not the actor's event."""
        async with self._db() as session:
            event = await self._managed_in(session, actor, event_id)
            if event is None:
                return None
            opens_at = event.starts_at - CHECK_IN_OPENS
            if self._clock.now() < opens_at:
                return GroupDraft([], "", arrived=0, opens_at=opens_at)
            return await self._recorded_draft(session, event_id)

    async def move_in_draft(
        self, actor: int, event_id: int, version: str, member_id: int, to_group: int
    ) -> GroupDraft | int | None:
        """Move one person of the draft ``version`` into group ``to_group`` (one past the
        last: a new group); groups left empty are dropped and the rest numbered on. Nobody
        is told until the organiser confirms the new draft. ``STALE``: the draft is no longer
        ``version`` (made again, or moved meanwhile), or the person or group is not in it.
        None: not the actor's event."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id, lock=True)
            if event is None:
                return None
            table = await events.grouped(session, event_id)
            group_of = {p.member_id: n for n, group in table.items() for p in group}
            numbers = sorted(table)
            if (
                not group_of
                or draft_version(group_of) != version
                or member_id not in group_of
                or not 1 <= to_group <= len(numbers) + 1
            ):
                return STALE
            target = numbers[to_group - 1] if to_group <= len(numbers) else numbers[-1] + 1
            group_of[member_id] = target
            renumbered = {n: new for new, n in enumerate(sorted(set(group_of.values())), 1)}
            group_of = {m: renumbered[n] for m, n in group_of.items()}
            await events.number_groups(session, event_id, group_of, clear_first=True)
            audit.record(
                session,
                actor,
                "event_groups_move",
                event.unit_id,
                self._clock.now(),
                event=event_id,
                member=member_id,
                to=group_of[member_id],
            )
            return await self._recorded_draft(session, event_id)

    async def _recorded_draft(self, session: AsyncSession, event_id: int) -> GroupDraft:
        table = await events.grouped(session, event_id)
        group_of = {p.member_id: n for n, group in table.items() for p in group}
        arrived = len(await events.attendees(session, event_id))
        groups = [table[n] for n in sorted(table)]
        keys = [telling.key for telling in _told_of(event_id, table)]
        told = len(await tasks.put_keys(session, keys))
        return GroupDraft(
            groups,
            draft_version(group_of) if group_of else "",
            arrived=arrived,
            to_tell=len(keys),
            told=told,
        )

    async def send_groups(self, actor: int, event_id: int, version: str) -> int | None:
        """Tell everyone in the confirmed draft their group and its other members; the
        number told. A confirmation of a draft since replaced tells nobody (``STALE``); the
        same confirmation twice tells each person once, and confirming a draft adjusted
        after an earlier confirmation tells only those whose group changed (each notice is
        keyed by the group it names). Nobody is told of a group with only themselves. None:
        not the actor's event. Confirmations wait for each other on the event's row: two
        at once (a double press) put each notice once, not a duplicate key's error."""
        async with self._db.begin() as session:
            event = await self._managed_in(session, actor, event_id, lock=True)
            if event is None:
                return None
            table = await events.grouped(session, event_id)
            group_of = {p.member_id: n for n, group in table.items() for p in group}
            if not group_of or draft_version(group_of) != version:
                return STALE
            now = self._clock.now()
            told = [
                notices.Notice(
                    to=telling.to,
                    lines=[
                        line(
                            N_("You are in group {number} with {people}. Have fun!"),
                            number=telling.number,
                            people="、".join(
                                f"{other.nickname} #{other.badge}"
                                for other in telling.group
                                if other.member_id != telling.person.member_id
                            ),
                        )
                    ],
                    key=telling.key,
                    member_id=telling.person.member_id,
                )
                for telling in _told_of(event_id, table)
            ]
            await notices.put_all(session, told, now)
            audit.record(
                session, actor, "event_groups", event.unit_id, now, event=event_id, told=len(told)
            )
        self._work.wake()
        return len(told)

    async def _changeable_in(
        self, session: AsyncSession, actor: int, event_id: int
    ) -> Event | Change:
        """The event locked for a change, or why it cannot be changed: not in the actor's
        scope (``NOT_ALLOWED``) or cancelled."""
        event = await self._managed_in(session, actor, event_id, lock=True)
        if event is None:
            return Change.NOT_ALLOWED
        if event.status == EventStatus.CANCELLED:
            return Change.CANCELLED
        return event

    async def _managed_in(
        self, session: AsyncSession, actor: int, event_id: int, *, lock: bool = False
    ) -> Event | None:
        """The event if the actor's scope covers it (locked for an update if asked)."""
        event = await session.get(Event, event_id, with_for_update=lock)
        power = await self._administration.authority(session, actor)
        return event if event is not None and event.unit_id in power.scope else None


@dataclass(frozen=True)
class _Telling:
    number: int
    group: list[Person]
    person: Person
    to: int  # the person's Telegram id
    key: str  # their notice's: one per group it names, so the same group is never told twice


def _told_of(event_id: int, table: Mapping[int, list[Person]]) -> Iterator[_Telling]:
    """Whom a confirmation of these groups tells. Nobody is told of a group with only
    themselves."""
    for number, group in table.items():
        if len(group) < MIN_TO_GROUP:
            continue
        for person in group:
            if person.telegram_id is not None:
                key = f"event_group:{event_id}:{person.member_id}:{group_key(number, group)}"
                yield _Telling(number, group, person, person.telegram_id, key)
