"""Buttons of moderation beyond the decision itself (``organising.Moderate``)."""

from __future__ import annotations

from bot.domain.buttons.codec import Button, button


# An organiser asks who a reported member is by the roster (audited).
@button("mi")
class ShowIdentity(Button):
    member: int
