"""How much a wish about the other person matters, as the chat (questionnaire and /edit) and
the Mini App's My profile ask it after the answer: a must (a hard condition), nice to have (a
preference the ranking weighs), or not important (kept, no condition). "Any" is no condition,
so whether it is a must does not arise."""

from __future__ import annotations

from typing import Any

from bot.domain import N_
from bot.domain.free_text import Invalid
from bot.domain.questions.model import Question
from bot.domain.questions.questionnaire import ANY

MUST, PREFER, NOT_IMPORTANT = "must", "prefer", "not_important"
LABELS = {
    MUST: N_("A must"),
    PREFER: N_("Nice to have"),
    NOT_IMPORTANT: N_("Not important"),
}
UNCHOSEN = Invalid(N_("Please choose how much this matters to you."))


def asked(question: Question, value: Any) -> bool:
    """Whether how much the answer matters is asked at all: only for a wish about the other
    person, and not when the answer is "any"."""
    return question.importance and value not in (ANY, [ANY])


def levels(question: Question) -> tuple[str, ...]:
    """The levels the member may choose for the question (whom one meets is always a wish)."""
    return (MUST, PREFER, NOT_IMPORTANT) if question.ignorable else (MUST, PREFER)


def must_have(question: Question, value: Any, level: str) -> bool | None | Invalid:
    """What is stored with the answer: True (a must), False (nice to have), None."""
    if not asked(question, value):
        return None
    if level not in levels(question):
        return UNCHOSEN
    return {MUST: True, PREFER: False}.get(level)


def level_of(value: Any, stored: bool | None) -> str:
    """The level an answer stands at, from what was stored with it."""
    if value in (ANY, [ANY]) or stored is None:
        return NOT_IMPORTANT
    return MUST if stored else PREFER


# How people type the levels instead of pressing them (after the punctuation is dropped).
_TYPED = {
    MUST: ("必须", "必须满足", "必需", "一定", "一定要", "硬性", "硬性要求", "must", "amust"),
    PREFER: ("最好", "最好满足", "尽量", "希望", "优先", "加分", "nicetohave", "nice", "prefer"),
    NOT_IMPORTANT: ("不重要", "无所谓", "都行", "随便", "都可以", "没关系", "notimportant"),
}
_DROPPED = str.maketrans("", "", " ,，.。!！~～吧的啊呀")


def typed_level(text: str) -> str | None:
    """The level a member typed ("必须", "最好吧", "无所谓"), or None."""
    plain = text.strip().lower().translate(_DROPPED)
    return next((level for level, words in _TYPED.items() if plain in words), None)
