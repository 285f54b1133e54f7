"""What events say to members, in one place: the card, the announcement, notices of a move or
a cancellation (to everyone, so in both languages), and the sign-up button's label."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.common.config import Settings
from bot.common.i18n import N_, Translator, translator
from bot.common.wording.profile_card import option_words
from bot.domain.events import Capacity, Conditions
from bot.domain.questions import Question

SIGN_UP_LABEL = N_("Sign up")


class Event(Protocol):
    """What the wording reads of an event (a stored one, or one being composed)."""

    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def venue(self) -> str | None: ...


def _both_languages(render: Any) -> str:
    """System-written broadcasts go to everyone in one message: Chinese first, then English."""
    return render(translator("zh")) + "\n\n" + render(translator("en"))


def local_time(moment: datetime, settings: Settings) -> str:
    return f"{moment.astimezone(settings.tz):%Y-%m-%d %H:%M}"


def event_time(event: Event, settings: Settings) -> str:
    """When an event is, as members read it everywhere: "2026-12-11 10:00–13:00", and the
    end's day too when it ends on another ("2026-12-11 20:00–12-12 02:00")."""
    start, end = event.starts_at.astimezone(settings.tz), event.ends_at.astimezone(settings.tz)
    ends = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{local_time(event.starts_at, settings)}–{ends}"


def places_text(capacity: Capacity, _: Translator) -> str:
    """An event's places as organisers set them: "40", "40（男 20，女 20）" or "不限"."""
    places = _("any") if capacity.total is None else str(capacity.total)
    if capacity.by_gender:
        places = _(
            "{places} (men {men}, women {women})",
            places=places,
            men=_("any") if capacity.male is None else capacity.male,
            women=_("any") if capacity.female is None else capacity.female,
        )
    return places


def ages_text(low: int | None, high: int | None, _: Translator) -> str:
    """An age range as members read it: "25–35 岁", "25 岁及以上", "35 岁及以下"."""
    if low is not None and high is not None:
        return _("{low}–{high}", low=low, high=high)
    if low is not None:
        return _("{low} or over", low=low)
    return _("up to {high}", high=high)


def who_may_sign_up(
    conditions: Conditions, questionnaire: Sequence[Question], _: Translator
) -> list[str]:
    """Who an event is for, as its card tells members ("aged 25–35 岁", the districts, the
    industries); empty when it is open to every member of the union."""
    by_key = {question.key: question for question in questionnaire}
    who = []
    if conditions.age_min is not None or conditions.age_max is not None:
        who.append(_("aged {ages}", ages=ages_text(conditions.age_min, conditions.age_max, _)))
    if conditions.districts:
        who.append(option_words(by_key["district"], conditions.districts, _))
    if conditions.industries:
        who.append(option_words(by_key["industry"], conditions.industries, _))
    return who


def announcement_text(event: Event, settings: Settings) -> str:
    """The organiser's own words with the time and place: one language is enough."""
    _ = translator(settings.default_language)
    return event_card(event, settings, _)


def event_card(event: Event, settings: Settings, _: Translator) -> str:
    head = _(
        "📣 {title}\n🕒 {time}\n📍 {venue}",
        title=event.title,
        time=event_time(event, settings),
        venue=event.venue or _("Online"),
    )
    return head + "\n" + event.description


def rescheduled_text(event: Event, settings: Settings) -> str:
    def render(_: Translator) -> str:
        return _(
            "“{title}” has moved: it is now {time}. Your place is kept; /my_events to "
            "withdraw if the new time does not suit you.",
            title=event.title,
            time=event_time(event, settings),
        )

    return _both_languages(render)


def cancellation_text(event: Event, settings: Settings) -> str:
    def render(_: Translator) -> str:
        return _(
            "“{title}” ({time}) is cancelled. We are sorry; you will hear about the next one.",
            title=event.title,
            time=event_time(event, settings),
        )

    return _both_languages(render)
