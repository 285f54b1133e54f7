"""What events say to members, in one place: the card, the announcement, notices of a move or
a cancellation (to everyone, so in both languages), and the sign-up button's label."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from bot.common.config import Settings
from bot.common.i18n import N_, Translator, translator

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
