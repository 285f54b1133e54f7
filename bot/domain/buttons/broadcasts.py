"""Buttons of /broadcast composition and /broadcasts."""

from __future__ import annotations

from typing import Literal

from bot.domain.buttons.codec import Button, button

# /broadcast composition and /broadcasts.
AudienceStep = Literal[
    "unit",
    "gender",
    "age",
    "district",
    "industry",
    "verified",
    "events",
    "preview",
    "cancel",
    "done",
    "now",
    "later",
    "back",
]


@button("ba")
class AudienceAction(Button):
    step: AudienceStep


@button("bu")
class AudienceUnit(Button):
    unit: int


@button("be")
class AudienceEvent(Button):
    """0: not limited to an event."""

    event: int


@button("bt")
class AudienceToggle(Button):
    field: Literal["district", "industry"]
    option: int


@button("bx")
class CancelBroadcast(Button):
    broadcast: int
