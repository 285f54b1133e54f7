"""Buttons of a thread between a member and their union's staff (/ask, /inbox)."""

from __future__ import annotations

from bot.domain.buttons.codec import Button, button


# Staff.
@button("ia")
class AnswerThread(Button):
    thread: int


@button("ic")
class StaffCloseThread(Button):
    thread: int


# The member.
@button("ir")
class ReplyToThread(Button):
    thread: int


@button("ix")
class CloseThread(Button):
    thread: int


@button("iv")
class RateThread(Button):
    thread: int
    rating: int
