"""What events say to members, in one place: the card, the announcement, notices of a move or
a cancellation (to everyone, so in both languages), and the sign-up button."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.common.config import Settings
from bot.common.i18n import N_, Translator, translator
from bot.domain.buttons import JoinEvent
from storage.models import Event

SIGN_UP_LABEL = N_("Sign up")


def _both_languages(render: Any) -> str:
    """System-written broadcasts go to everyone in one message: Chinese first, then English."""
    return render(translator("zh")) + "\n\n" + render(translator("en"))


def local_time(moment: datetime, settings: Settings) -> str:
    return f"{moment.astimezone(settings.tz):%Y-%m-%d %H:%M}"


def _when(event: Event, settings: Settings) -> str:
    end = event.ends_at.astimezone(settings.tz)
    return f"{local_time(event.starts_at, settings)}–{end:%H:%M}"


def announcement_text(event: Event, settings: Settings) -> str:
    """The organiser's own words with the time and place: one language is enough."""
    _ = translator(settings.default_language)
    return event_card(event, settings, _)


def event_card(event: Event, settings: Settings, _: Translator) -> str:
    head = _("📣 {title}\n🕒 {time}\n📍 {venue}", title=event.title,
             time=_when(event, settings), venue=event.venue or _("Online"))  # fmt: skip
    return head + "\n" + event.description


def rescheduled_text(event: Event, settings: Settings) -> str:
    def render(_: Translator) -> str:
        return _("“{title}” has moved: it is now {time}. Your place is kept; /my_events to "
                 "withdraw if the new time does not suit you.", title=event.title,
                 time=_when(event, settings))  # fmt: skip

    return _both_languages(render)


def cancellation_text(event: Event, settings: Settings) -> str:
    def render(_: Translator) -> str:
        return _(
            "“{title}” ({time}) is cancelled. We are sorry; you will hear about the next one.",
            title=event.title,
            time=_when(event, settings),
        )

    return _both_languages(render)


def signup_button(event_id: int, _: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_(SIGN_UP_LABEL), callback_data=JoinEvent(event_id).encode())]]
    )
