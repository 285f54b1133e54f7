"""What the event services are asked and what they answer: plain values, no Telegram."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.events import Capacity, Conditions, Refusal, RegistrationStatus, pairing_rate
from storage.events import Funnel, Person
from storage.models import Event


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


class Change(enum.StrEnum):
    """How an organiser's change to an event went."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"  # not in the organiser's scope (or no such event)
    CANCELLED = "cancelled"  # the event is cancelled: nothing more changes
    PAST = "past"  # a new start time (or sign-up deadline) that has already passed
    AFTER_START = "after_start"  # sign-up would close after the event starts
    ANNOUNCED = "announced"  # members were told already: the announcement cannot move
    ANNOUNCE_LATE = "announce_late"  # the announcement would come once sign-up has closed
    # A moved start moves the sign-up deadline with it, and that would have passed already.
    SIGN_UP_PASSED = "sign_up_passed"
    UNKNOWN_FIELD = "unknown_field"


class SignUpStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    ALREADY = "already"  # registered before
    STILL_WAITING = "still_waiting"  # on the waitlist before
    REFUSED = "refused"  # see ``SignUp.refusals``
    UNKNOWN = "unknown"  # no such event


@dataclass(frozen=True)
class SignUp:
    status: SignUpStatus
    refusals: tuple[Refusal, ...] = ()
    badge: int | None = None
    # The event's conditions, so a refusal can say exactly whom the event is for.
    conditions: Conditions = field(default_factory=Conditions)


@dataclass(frozen=True)
class SignUpRules:
    """Who may sign up to an event and when, as an organiser changes them (None: unchanged).
    ``announce_at``: when members are told of the event, while they have not been."""

    conditions: Conditions | None = None
    signup_deadline: datetime | None = None
    announce_at: datetime | None = None


@dataclass(frozen=True)
class GroupDraft:
    """Groups as the organiser sees them before anyone is told."""

    groups: list[list[Person]]
    version: str  # names this draft, so only it can be confirmed
    arrived: int  # people checked in when it was made
    opens_at: datetime | None = None  # when check-in opens, if it has not: nothing to group
    to_tell: int = 0  # people a confirmation tells (not those alone in a group)
    told: int = 0  # of them, those already told the group this draft gives them
    # Groups beyond what the size asked for, made to keep apart people one of whom blocked or
    # reported the other (said to the organiser, never who).
    extra: int = 0


def draft_version(group_of: Mapping[int, int]) -> str:
    """A short name for one assignment of members to groups (member id → group number)."""
    digest = hashlib.sha256(repr(sorted(group_of.items())).encode()).hexdigest()
    return digest[:12]


def group_key(number: int, group: list[Person]) -> str:
    """A short name for one group as its members are told of it: its number and who is in
    it (the same group told twice is one notice)."""
    members = sorted(p.member_id for p in group)
    return hashlib.sha256(repr((number, members)).encode()).hexdigest()[:12]


class CheckInStatus(enum.StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"
    WRONG_CODE = "wrong_code"
    TOO_MANY = "too_many"  # too many wrong codes within the hour
    NOT_REGISTERED = "not_registered"  # the member is signed up for no event to come
    TOO_EARLY = "too_early"  # the right code, before check-in opens (``CheckIn.opens_at``)


@dataclass(frozen=True)
class CheckIn:
    status: CheckInStatus
    event: Event | None = None
    badge: int | None = None
    opens_at: datetime | None = None  # TOO_EARLY: when check-in opens


class Pick(enum.StrEnum):
    """What pressing a person in the mutual choice did."""

    PICKED = "picked"
    UNPICKED = "unpicked"
    FULL = "full"  # the member has picked as many as the event allows
    CLOSED = "closed"  # the choice is not open to this member (or not for that person)


@dataclass(frozen=True)
class Offer:
    """An event as one member may see it: how many places are left, why they may not sign up
    (empty: they may), and their place if they signed up."""

    event: Event
    places_left: int | None  # None: no limit
    refusals: tuple[Refusal, ...] = ()
    registration: RegistrationStatus | None = None


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


@dataclass(frozen=True)
class ChoiceView:
    """What a member sees of the mutual choice at one moment."""

    event: Event
    picked: list[Person]  # always shown, so a pick can be undone from any page
    listed: list[Person]  # one page of the others, or what a search found
    page: int  # from 0
    pages: int
    found: int  # people on all pages, or all that a search found
    search: str | None
