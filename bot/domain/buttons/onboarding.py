"""Buttons of signing up: consent, verification, the pledge, the profile questions and /edit."""

from __future__ import annotations

from typing import Literal

from bot.domain.buttons.codec import Button, button


# Onboarding: consent, verification, pledge, the profile questions and /edit.
@button("cs")
class Consent(Button):
    agree: bool


@button("vr")
class RetryVerification(Button):
    pass


@button("vk")
class AskUnionForNumber(Button):
    """A member who does not know their member number asks the union to look it up."""


@button("pl")
class Pledge(Button):
    choice: Literal["yes", "later"]


@button("oc")
class ContinueOnboarding(Button):
    pass


@button("qa")
class AnswerOption(Button):
    """A single-choice answer: the option's position in the question's options."""

    question: str
    option: int


@button("qt")
class ToggleOption(Button):
    question: str
    option: int


@button("qn")
class ToggleAny(Button):
    question: str


@button("qd")
class DoneChoosing(Button):
    question: str


@button("qs")
class SkipQuestion(Button):
    question: str


@button("qi")
class Importance(Button):
    question: str
    must: bool


@button("qu")
class NotImportant(Button):
    """A wish kept but set as no condition (the third answer beside Importance's two)."""

    question: str


@button("qh")
class UseShortened(Button):
    """Keep the first part of an over-long answer, as much as the question allows."""

    question: str


@button("qe")
class EditAnswer(Button):
    question: str


@button("qb")
class PreviousQuestion(Button):
    """Back to the question before this one, to change its answer."""

    question: str
