"""Buttons of events: organisers' and members'."""

from __future__ import annotations

from bot.domain.buttons.codec import Button, button


# Events: organisers.
@button("ea")
class EventOverview(Button):
    event: int


@button("eq")
class EventPoster(Button):
    event: int


@button("eg")
class EventGroups(Button):
    event: int
    size: int


@button("gs")
class EventGroupsSend(Button):
    """Confirms one draft of groups (``version``): everyone in it is told theirs."""

    event: int
    version: str


@button("es")
class EventSheet(Button):
    event: int


@button("ex")
class CancelEvent(Button):
    event: int


@button("ey")
class CancelEventConfirmed(Button):
    event: int


@button("nu")
class NewEventUnit(Button):
    unit: int


@button("np")
class NewEventDecision(Button):
    publish: bool


# Events: members.
@button("ej")
class JoinEvent(Button):
    event: int


@button("el")
class LeaveEvent(Button):
    event: int


@button("eo")
class OpenChoice(Button):
    event: int


@button("ec")
class ChoosePerson(Button):
    event: int
    member: int
    page: int  # the page to show again after the pick


@button("ef")
class ChoicePage(Button):
    event: int
    page: int


@button("ed")
class ChoiceDone(Button):
    event: int
