"""Buttons of a member's own data and settings."""

from __future__ import annotations

from typing import Literal

from bot.domain.buttons.codec import Button, button


# A member's own data and settings.
@button("dm")
class DeleteMyData(Button):
    confirm: bool


@button("lg")
class ChooseLanguage(Button):
    language: Literal["zh", "en"]


@button("st")
class ChangeSetting(Button):
    """Switch one of the member's settings to ``on``: the value, not a toggle, so a double tap
    sets it once."""

    setting: Literal["announcements", "digest", "colleagues"]
    on: bool
