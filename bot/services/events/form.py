"""The desk's event form, read by the rules /event_new and /event_edit apply to typed answers:
the same bounds on title, description and venue, the same places and ages, times in the
future, the end after the start, sign-up closing by the start and the announcement before it.
Fields arrive as a browser sends them (``<input type=date>`` "2026-12-05", ``type=time``
"14:00"); what is wrong is said per field, as a msgid with values."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import N_, free_text
from bot.domain.audience import parse_age_range
from bot.domain.events import Capacity, Conditions, parse_capacity
from bot.domain.free_text import Invalid
from bot.services.events import places
from bot.services.events.results import EventSpec, SignUpRules
from storage.models import Event

PAST = N_("{time} has already passed. Please give a time in the future.")
NO_MOMENT = N_("Please choose a date and a time.")
AFTER_START = N_("Sign-up must close before the event starts.")
EMPTY = {
    "title": N_("Please give the event a name."),
    "description": N_("Please say what the event is."),
    "venue": N_("Please say where it takes place."),
}
END_ON_ANOTHER_DAY = N_(
    "The end must come after the start. If the event ends on a later day, choose its end date too."
)
ANNOUNCE_LATE = N_("The announcement must come before sign-up closes.")
SIGN_UP_PASSED = N_(
    "Moved to that time, sign-up would already have closed. Please give a new sign-up "
    "deadline as well."
)
ANNOUNCED = N_("Members have already been told of this event: that time cannot change now.")
# What "online" is called when typed as the venue, as /event_new reads it.
ONLINE_WORDS = ("online", "线上")
Problems = dict[str, Invalid]


@dataclass(frozen=True)
class EventEdit:
    """What an organiser changed in an event's form (None: unchanged)."""

    title: str | None = None
    description: str | None = None
    venue: str | None = None
    starts_at: datetime | None = None
    capacity: Capacity | None = None
    conditions: Conditions | None = None
    signup_deadline: datetime | None = None
    announce_at: datetime | None = None

    @property
    def sign_up(self) -> SignUpRules | None:
        """Who may sign up and when, if any of it changed."""
        rules = SignUpRules(self.conditions, self.signup_deadline, self.announce_at)
        return rules if rules != SignUpRules() else None


def announcement_pending(event: Event, now: datetime) -> bool:
    """Whether members are still to be told of the event (its announcement time can move)."""
    return event.announce_at > now


def read_new_event(
    fields: Mapping[str, str],
    chosen: Mapping[str, Sequence[str]],
    known: Mapping[str, Collection[str]],
    now: datetime,
    tz: ZoneInfo,
) -> EventSpec | Problems:
    """The event the form describes, or what is wrong with it. ``chosen``: the districts and
    industries ticked; ``known``: the questionnaire's keys for them."""
    problems: Problems = {}
    unit = free_text.parse_id(fields.get("unit", ""))
    if unit is None:
        problems["unit"] = Invalid(N_("Please choose a union."))
    texts = _texts(fields, problems, required=("title", "description"))
    capacity = _capacity(fields, problems)
    ages = _ages(fields, problems)
    picked = _picked(chosen, known, problems)
    start = _future(fields, "start", now, tz, problems)
    end = _end(fields, start, tz, problems)
    deadline = _deadline(fields, start, now, tz, problems)
    announce = _announce(fields, deadline, now, tz, problems)
    if problems:
        return problems
    assert unit and start and end and deadline and announce and capacity and ages
    venue = texts.get("venue")
    return EventSpec(
        unit_id=unit,
        title=texts["title"],
        description=texts["description"],
        starts_at=start,
        ends_at=end,
        venue=None if venue is None or venue.lower() in ONLINE_WORDS else venue,
        capacity=capacity,
        conditions=Conditions(ages[0], ages[1], picked["industries"], picked["districts"]),
        signup_deadline=deadline,
        announce_at=announce,
    )


def read_event_edit(
    fields: Mapping[str, str],
    chosen: Mapping[str, Sequence[str]],
    known: Mapping[str, Collection[str]],
    event: Event,
    now: datetime,
    tz: ZoneInfo,
) -> EventEdit | Problems:
    """What the edit form changes in ``event``, or what is wrong with it: the texts, start
    and places as /event_edit changes them, and who may sign up, when sign-up closes and
    (while members have not been told) when they are told, by /event_new's rules. Empty
    sign-up times leave them as they are; a moved start moves an unchanged deadline with it."""
    problems: Problems = {}
    texts = _texts(fields, problems, required=("title", "description"))
    capacity = _capacity(fields, problems)
    ages = _ages(fields, problems)
    picked = _picked(chosen, known, problems)
    start = _moment(fields, "start", tz, problems)
    local_start = _minute(event.starts_at, tz)
    if start is not None and start != local_start and start <= now:
        problems["start"] = _past(start, tz)
    new_start = start or local_start
    deadline = _changed_moment(fields, "deadline", event.signup_deadline, tz, problems)
    if deadline is not None:
        if deadline <= now:
            problems["deadline"] = _past(deadline, tz)
        elif deadline > new_start:
            problems["deadline"] = Invalid(AFTER_START)
    closes = deadline or min(event.signup_deadline + (new_start - local_start), new_start)
    if "deadline" not in problems and closes <= now < event.signup_deadline:
        problems["deadline"] = Invalid(SIGN_UP_PASSED)  # the moved deadline has passed
    announce = None
    if announcement_pending(event, now):
        if fields.get("announce", "later") == "now":
            announce = now
        else:
            announce = _changed_moment(fields, "announce", event.announce_at, tz, problems)
            if announce is not None and announce <= now:
                problems["announce"] = _past(announce, tz)
        if "announce" not in problems and (announce or event.announce_at) >= closes:
            problems["announce"] = Invalid(ANNOUNCE_LATE)
    if problems:
        return problems
    assert ages is not None
    old = places.capacity(event)
    conditions = Conditions(ages[0], ages[1], picked["industries"], picked["districts"])
    return EventEdit(
        title=changed(texts.get("title"), event.title),
        description=changed(texts.get("description"), event.description),
        venue=changed(texts.get("venue"), event.venue),
        starts_at=changed(start, local_start),
        capacity=changed(capacity, old),
        conditions=changed(conditions, Conditions.from_json(event.conditions)),
        signup_deadline=deadline,
        announce_at=announce,
    )


def _minute(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(second=0, microsecond=0)


def _changed_moment(
    fields: Mapping[str, str], name: str, before: datetime, tz: ZoneInfo, problems: Problems
) -> datetime | None:
    """The moment of ``<name>_date`` and ``<name>_time`` if it differs from ``before`` (to the
    minute); None if unchanged or left empty."""
    if not (fields.get(f"{name}_date", "").strip() or fields.get(f"{name}_time", "").strip()):
        return None
    moment = _moment(fields, name, tz, problems)
    return moment if moment is not None and moment != _minute(before, tz) else None


def _picked(
    chosen: Mapping[str, Sequence[str]], known: Mapping[str, Collection[str]], problems: Problems
) -> dict[str, tuple[str, ...]]:
    """The districts and industries ticked (none: any), each one the questionnaire knows."""
    picked = {}
    for name in ("districts", "industries"):
        picked[name] = tuple(dict.fromkeys(chosen.get(name, ())))
        if not set(picked[name]) <= set(known.get(name, ())):
            problems[name] = Invalid(N_("Please choose from the list."))
    return picked


def changed(new: Any, before: Any) -> Any:
    """``new`` if it differs from what was there (None: unchanged)."""
    return new if new is not None and new != before else None


def _texts(
    fields: Mapping[str, str], problems: Problems, required: Sequence[str]
) -> dict[str, str]:
    bounds = {
        "title": free_text.EVENT_TITLE,
        "description": free_text.EVENT_DESCRIPTION,
        "venue": free_text.EVENT_VENUE,
    }
    texts = {}
    for name, bound in bounds.items():
        typed = fields.get(name, "")
        if not free_text.clean(typed, single_line=True):
            if name in required:  # the chat's "请写下你的回答" read oddly under a form's field
                problems[name] = Invalid(EMPTY[name])
            continue  # no venue: online
        checked = free_text.check(typed, bound)
        if isinstance(checked, Invalid):
            problems[name] = checked
        else:
            texts[name] = checked
    return texts


def _capacity(fields: Mapping[str, str], problems: Problems) -> Capacity | None:
    """Places as /event_new reads "40", "40 20 20" or "不限": empty is no limit."""
    total, men, women = (
        unicodedata.normalize("NFKC", fields.get(name, "")).strip()
        for name in ("places", "men", "women")
    )
    if not (men or women):
        found = parse_capacity(total) if total else Capacity()
        if found is None:
            problems["places"] = Invalid(
                N_("Places must be a whole number such as 40; leave it empty for no limit.")
            )
        return found
    if not (men.isdigit() and women.isdigit()) or (total and not total.isdigit()):
        found = None
    else:
        found = parse_capacity(f"{total or int(men) + int(women)} {men} {women}")
    if found is None:
        problems["places"] = Invalid(
            N_(
                "Places for men and for women must be whole numbers that together make at "
                "least the total."
            )
        )
    return found


def _ages(fields: Mapping[str, str], problems: Problems) -> tuple[int | None, int | None] | None:
    low, high = (fields.get(name, "").strip() for name in ("age_min", "age_max"))
    if not (low or high):
        return None, None
    found = parse_age_range(f"{low or 18}-{high or 80}")
    if found is None:
        problems["ages"] = Invalid(
            N_(
                "Ages must be whole numbers from 18 to 80, the lower first; leave both empty "
                "for any age."
            )
        )
    return found


def _moment(
    fields: Mapping[str, str], name: str, tz: ZoneInfo, problems: Problems
) -> datetime | None:
    """The date and time of ``<name>_date`` and ``<name>_time``, in the deployment's zone."""
    try:
        day = date.fromisoformat(fields.get(f"{name}_date", "").strip())
        clock = time.fromisoformat(fields.get(f"{name}_time", "").strip())
    except ValueError:
        problems[name] = Invalid(NO_MOMENT)
        return None
    return datetime.combine(day, clock.replace(second=0, microsecond=0, tzinfo=None), tzinfo=tz)


def _past(moment: datetime, tz: ZoneInfo) -> Invalid:
    return Invalid(PAST, {"time": f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"})


def _future(
    fields: Mapping[str, str], name: str, now: datetime, tz: ZoneInfo, problems: Problems
) -> datetime | None:
    moment = _moment(fields, name, tz, problems)
    if moment is not None and moment <= now:
        problems[name] = _past(moment, tz)
        return None
    return moment


def _end(
    fields: Mapping[str, str], start: datetime | None, tz: ZoneInfo, problems: Problems
) -> datetime | None:
    """The end; a time without a date is on the start's day, as the form's hint says. An
    end before the start on that day is refused rather than taken as the next day: the form
    has a field for the end's date, and a slip (12:00 for 17:00) would otherwise go out to
    every member as a 22-hour event."""
    if start is None:
        return None
    if not fields.get("end_date", "").strip():
        try:
            clock = time.fromisoformat(fields.get("end_time", "").strip())
        except ValueError:
            problems["end"] = Invalid(N_("Please choose a time."))
            return None
        local = start.astimezone(tz)
        same_day = datetime.combine(local.date(), clock.replace(tzinfo=None), tzinfo=tz)
        if same_day <= start:
            problems["end"] = Invalid(END_ON_ANOTHER_DAY)
            return None
        return same_day
    end = _moment(fields, "end", tz, problems)
    if end is not None and end <= start:
        problems["end"] = Invalid(N_("The end must come after the start."))
        return None
    return end


def _deadline(
    fields: Mapping[str, str],
    start: datetime | None,
    now: datetime,
    tz: ZoneInfo,
    problems: Problems,
) -> datetime | None:
    """When sign-up closes; left empty, a day before the start (as /event_new's "any")."""
    if start is None:
        return None
    if not (fields.get("deadline_date", "").strip() or fields.get("deadline_time", "").strip()):
        return max(start - timedelta(days=1), min(start, now + timedelta(hours=1)))
    deadline = _future(fields, "deadline", now, tz, problems)
    if deadline is not None and deadline > start:
        problems["deadline"] = Invalid(AFTER_START)
        return None
    return deadline


def _announce(
    fields: Mapping[str, str],
    deadline: datetime | None,
    now: datetime,
    tz: ZoneInfo,
    problems: Problems,
) -> datetime | None:
    """When members are told: now, or a moment before sign-up closes."""
    if fields.get("announce", "now") == "now":
        return now
    announce = _future(fields, "announce", now, tz, problems)
    if announce is not None and deadline is not None and announce >= deadline:
        problems["announce"] = Invalid(ANNOUNCE_LATE)
        return None
    return announce
