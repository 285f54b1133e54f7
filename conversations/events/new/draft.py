"""The event being drafted in /event_new: its steps (the dialog's states), the draft kept in
the organiser's scratch data, and how it reads back as a preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update

from bot.common.wording.events import local_time, places_text
from bot.domain.events import Capacity, Conditions
from bot.services.events.results import EventSpec
from conversations.common import (
    chosen_options,
    future_moment,
    scratch,
)
from conversations.context import HuihuiContext

DRAFT = "event_draft"


UNIT, TITLE, DESCRIPTION, START, END, VENUE, CAPACITY = (
    "unit",
    "title",
    "description",
    "start",
    "end",
    "venue",
    "capacity",
)


AGES, DISTRICTS, INDUSTRIES, DEADLINE, ANNOUNCE, PREVIEW = (
    "ages",
    "districts",
    "industries",
    "deadline",
    "announce",
    "preview",
)


NOW_WORDS = ("now", "现在", "立即")


def draft_of(context: HuihuiContext) -> dict[str, Any]:
    return scratch(context).setdefault(DRAFT, {})


def local(moment: datetime, context: HuihuiContext) -> str:
    return local_time(moment, context.services.settings)


async def typed_time(
    update: Update, context: HuihuiContext, *, after: datetime | None = None
) -> datetime | None:
    return await future_moment(update, context, update.effective_message.text or "", after=after)


def spec_of(draft: dict[str, Any]) -> EventSpec:
    total, men, women = draft["capacity"]
    low, high = draft["ages"]
    return EventSpec(
        unit_id=draft["unit_id"],
        title=draft["title"],
        description=draft["description"],
        starts_at=datetime.fromisoformat(draft["starts_at"]),
        ends_at=datetime.fromisoformat(draft["ends_at"]),
        venue=draft["venue"],
        capacity=Capacity(total, men, women),
        conditions=Conditions(low, high, tuple(draft["industries"]), tuple(draft["districts"])),
        signup_deadline=datetime.fromisoformat(draft["signup_deadline"]),
        announce_at=datetime.fromisoformat(draft["announce_at"]),
    )


def summary(spec: EventSpec, context: HuihuiContext) -> str:
    _ = context.gettext
    conditions = spec.conditions
    ages = f"{conditions.age_min}–{conditions.age_max}" if conditions.age_min else _("any")
    return _(
        "Preview:\n{title}\n{description}\nTime: {start} – {end}\nVenue: {venue}\nPlaces: "
        "{places}\nAges: {ages} · districts: {districts} · industries: {industries}\n"
        "Sign-up closes {deadline}; members are told {announce}.",
        title=spec.title,
        description=spec.description,
        start=local(spec.starts_at, context),
        end=local(spec.ends_at, context),
        venue=spec.venue or _("Online"),
        places=places_text(spec.capacity, _),
        ages=ages,
        districts=chosen_options(context, "district", conditions.districts),
        industries=chosen_options(context, "industry", conditions.industries),
        deadline=local(spec.signup_deadline, context),
        announce=local(spec.announce_at, context),
    )
