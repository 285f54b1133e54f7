"""Buttons of organisers: verification review, moderation and roster upload."""

from __future__ import annotations

from typing import Literal

from bot.domain.buttons.codec import Button, button


# Organisers: verification review, moderation.
@button("ra")
class ApproveVerification(Button):
    attempt: int


@button("rr")
class RejectVerification(Button):
    attempt: int


RejectionReason = Literal["mismatch", "not_member"]


@button("rw")
class RejectBecause(Button):
    attempt: int
    reason: RejectionReason


@button("rn")
class RejectWithNote(Button):
    """Reject for another reason, which the organiser then writes for the member."""

    attempt: int


@button("ph")
class ApprovePhoto(Button):
    review: int


@button("px")
class RejectPhoto(Button):
    review: int


@button("md")
class Moderate(Button):
    action: Literal["dismiss", "warn", "suspend", "lift"]
    member: int


# Roster upload in chat.
@button("ri")
class ImportInto(Button):
    unit: int
    # The file is the unit's whole roster: entries it leaves out are marked as left.
    replace: bool = False
    # Which upload the button was offered for (a newer file makes it stale).
    upload: int = 0


@button("rp")
class ReplaceRoster(Button):
    """Confirms a replacing import whose preview said ``leaving`` people would be marked as
    left: if the roster has changed since, the organiser sees the new figures first."""

    unit: int
    leaving: int
    upload: int


@button("rc")
class CancelImport(Button):
    pass
