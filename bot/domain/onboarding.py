"""Where a member is in onboarding, derived from what is stored — never from memory alone, so a
restart or a lost conversation state always resumes at the right place."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.questions import Question

MAX_ATTEMPTS_PER_DAY = 5
CLAIM_FIELDS = ("phone", "real_name", "member_number", "employer")


class Step(enum.StrEnum):
    CONSENT = "consent"
    PHONE = "phone"
    REAL_NAME = "real_name"
    MEMBER_NUMBER = "member_number"
    EMPLOYER = "employer"
    AWAITING_REVIEW = "awaiting_review"
    PLEDGE = "pledge"
    QUESTION = "question"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Progress:
    consented: bool = False
    verified: bool = False
    awaiting_review: bool = False
    pledged: bool = False
    # What the member has entered so far for the verification they are filling in.
    claim: Mapping[str, str] = field(default_factory=dict)
    answered: frozenset[str] = frozenset()
    # A question the member chose to change with /edit.
    editing: str | None = None


def next_step(
    progress: Progress, questionnaire: Sequence[Question]
) -> tuple[Step, Question | None]:
    if not progress.consented:
        return Step.CONSENT, None
    if not progress.verified:
        if progress.awaiting_review:
            return Step.AWAITING_REVIEW, None
        missing = [name for name in CLAIM_FIELDS if name not in progress.claim]
        # All entered but not yet decided (interrupted): ask the last part again.
        return Step(missing[0] if missing else CLAIM_FIELDS[-1]), None
    if not progress.pledged:
        return Step.PLEDGE, None
    if progress.editing is not None:
        question = next((q for q in questionnaire if q.key == progress.editing), None)
        if question is not None:
            return Step.QUESTION, question
    question = first_unanswered(questionnaire, progress.answered)
    return (Step.QUESTION, question) if question else (Step.COMPLETE, None)


def first_unanswered(
    questionnaire: Iterable[Question], answered: frozenset[str]
) -> Question | None:
    return next((q for q in questionnaire if q.key not in answered), None)


def attempts_left(attempts_in_last_day: int) -> int:
    return max(0, MAX_ATTEMPTS_PER_DAY - attempts_in_last_day)
