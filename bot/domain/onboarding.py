"""Where a member is in onboarding, derived from what is stored — never from memory alone, so a
restart or a lost conversation state always resumes at the right place."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.questions import Question
from bot.domain.questions.questionnaire import FOLLOW_UP_OF, implied

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


_AGREE = {"同意", "我同意", "同意的", "同意了", "agree", "i agree", "yes, i agree"}
_DECLINE = {"不同意", "我不同意", "拒绝", "disagree", "i do not agree", "i don't agree"}


def typed_consent(text: str) -> bool | None:
    """Consent typed instead of pressed: True for an explicit "同意", False for "不同意", None for
    anything else (a question, a greeting), which is not taken as either."""
    plain = "".join(ch for ch in text.strip().lower() if ch not in "。.!！~～ ")
    if plain in {word.replace(" ", "") for word in _AGREE}:
        return True
    if plain in {word.replace(" ", "") for word in _DECLINE}:
        return False
    return None


# What people type to go back: "返回上一题", "上一题", "返回", "back"…
_PREVIOUS = {
    "返回上一题",
    "回到上一题",
    "上一题",
    "返回上题",
    "返回",
    "返回上一步",
    "上一步",
    "退回",
    "后退",
    "back",
    "goback",
    "previous",
    "previousquestion",
}


# What people type to leave a question unanswered: "跳过", "不填", "skip"…
_SKIP = {
    "跳过",
    "先跳过",
    "跳过吧",
    "略过",
    "不填",
    "不想填",
    "暂不填",
    "暂不填写",
    "暂时不填",
    "以后再填",
    "下一题",
    "skip",
    "pass",
    "next",
}
# ...and what says there is nothing to tell ("无", "没有"), which may also be an answer (no
# children, never smokes): a skip only where it is not one.
_NOTHING = {"无", "没有", "暂无", "略", "none", "n/a"}


def _plain(text: str) -> str:
    return "".join(ch for ch in text.strip().lower() if ch not in "。.!！~～ ，,↩️⬅")


def wants_to_skip(text: str, *, optional: bool) -> bool:
    """Whether the member typed that they leave the question unanswered ("跳过"; for an
    optional one also "无")."""
    plain = _plain(text)
    return plain in _SKIP or (optional and plain in _NOTHING)


def named_question(text: str, titles: Mapping[str, Sequence[str]]) -> str | None:
    """The question whose title the member typed, alone or in a sentence ("家乡", "我想改一下
    身高"): the longest title found in the text, if only one question has it. ``titles``: each
    question's key → its titles in every language."""
    plain = _plain(text)
    found = {
        key: max((len(t) for t in map(_plain, names) if t and t in plain), default=0)
        for key, names in titles.items()
    }
    longest = max(found.values(), default=0)
    best = [key for key, length in found.items() if length == longest]
    return best[0] if longest and len(best) == 1 else None


# A greeting and nothing else: "你好", "您好！", "hi", "在吗？", "哈喽~"; or someone back after a
# while asking where they were: "我回来了", "刚才填到哪了".
GREETING = re.compile(
    r"^\s*(?:你好|您好|你们好|嗨|哈喽|哈啰|在吗|在不在|hi|hello|hey|早上好|晚上好|下午好)"
    r"[\s!！~～。.,，?？呀啊呢吖哈]*$",
    re.IGNORECASE,
)
_WHERE_WAS_I = re.compile(r"我回来了|填到哪|到哪了|到哪一步|继续填|接着填")


def back_to_carry_on(text: str) -> bool:
    """A greeting, or asking where they had got to: what people send after days away."""
    return GREETING.match(text) is not None or _WHERE_WAS_I.search(text) is not None


# "打错了，是1990", "165，刚才打错了": the member corrects the answer before.
_CORRECTS = re.compile(
    r"(?:刚才|刚刚|上一题|前面)?(?:打|写|输|填|选)?错了|更正一下|纠正一下|更正|纠正"
)
# What leads into the corrected answer, or trails after it; the answer itself is kept as typed.
_LEAD = re.compile(
    r"^(?:[\s,，.。!！:：;；~～]|不好意思|抱歉|刚才|刚刚|应该是|应该|改成|改为|其实是|是)+"
)
_TRAIL = re.compile(r"(?:[\s,，.。!！;；~～]|刚才|刚刚|吧|啊|呀)+$")


def correction(text: str) -> str | None:
    """The corrected answer to the question before, if the text says it corrects one ("打错了，
    是1990" → "1990"; "165，刚才打错了" → "165"; "打错了" alone → ""); None if it does not."""
    found = _CORRECTS.search(text)
    if found is None:
        return None
    after = _TRAIL.sub("", _LEAD.sub("", text[found.end() :]))
    before = _TRAIL.sub("", _LEAD.sub("", text[: found.start()]))
    return after or before


def wants_previous(text: str) -> bool:
    """Whether the member typed that they want the previous question back."""
    return _plain(text) in _PREVIOUS


def previous_question(
    questionnaire: Sequence[Question], current: str, answers: Mapping[str, object]
) -> Question | None:
    """The question asked before ``current`` (None at the first): a follow-up that did not
    apply, such as children of one's own for the never married, was not asked."""
    keys = [q.key for q in questionnaire]
    for question in reversed(list(questionnaire)[: keys.index(current)]):
        source = FOLLOW_UP_OF.get(question.key)
        if source is not None and question.key in implied(source, answers.get(source)):
            continue
        return question
    return None


def first_unanswered(
    questionnaire: Iterable[Question], answered: frozenset[str]
) -> Question | None:
    return next((q for q in questionnaire if q.key not in answered), None)


def attempts_left(attempts_in_last_day: int) -> int:
    return max(0, MAX_ATTEMPTS_PER_DAY - attempts_in_last_day)
