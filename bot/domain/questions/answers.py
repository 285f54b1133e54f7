"""The rules for valid answers: turning what a member typed or chose into an answer, or saying
why it is not one.

Answers are stored as JSON-friendly values: an option key, a list of keys (free-text hobbies
that match no tag are kept as written), an int, ``[low, high]`` for a range, text, or a list of
photo file ids. Questions marked ``importance`` also record whether it is a must-have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.domain import N_, free_text
from bot.domain.free_text import Invalid
from bot.domain.interests import map_interests
from bot.domain.numbers import (
    parse_age,
    parse_birth_years,
    parse_bounded,
    parse_height_cm,
    parse_whole,
    parse_year,
)
from bot.domain.questions.model import Kind, Option, Question, Section
from bot.domain.questions.questionnaire import ADULT_AGE, ANY, NO_PREFERENCE, OLDEST_AGE
from bot.domain.screening import (
    CONTACT_DETAILS,
    STAFF_NAME,
    contact_details,
    impersonates_staff,
)
from bot.domain.text import normalise, simplified, visible

_NO_PREFERENCE = frozenset(normalise(word) for word in NO_PREFERENCE)
_HEDGES = re.compile(r"(?:吧|啊|呀|的|了|。|!|！|~)+$")


def parse_text(
    question: Question,
    text: str,
    *,
    current_year: int,
    option_texts: Callable[[Option], Sequence[str]] = lambda option: (option.label,),
) -> Any | Invalid:
    """Turn what the member typed into an answer, or say why it is not one.

    ``option_texts`` gives every label an option is known by (in each language), so typing
    "本科" instead of pressing its button works too.
    """
    single_line = question.kind != Kind.LONG_TEXT
    text = visible(free_text.clean(text, single_line=single_line))  # as others would see it
    if not text:
        return Invalid(N_("Please write an answer."))
    if takes_any(question) and no_preference(text):
        return [ANY] if question.kind == Kind.MULTI else ANY
    match question.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            if contact_details(text) is not None:
                return CONTACT_DETAILS
            if question.key == "nickname" and impersonates_staff(text):
                return STAFF_NAME
            return free_text.check(text, free_text.Field(question.maximum or 0, single_line))
        case Kind.NUMBER:
            return _number(question, text)
        case Kind.YEAR:
            return _birth_year(text, current_year)
        case Kind.RANGE:
            return _range(question, text, current_year)
        case Kind.SINGLE:
            key = _option_for(question, text, option_texts)
            return key if key else Invalid(N_("Please choose one of the buttons."))
        case Kind.MULTI:
            return _multi(question, text, option_texts)
        case Kind.PHOTOS:
            return Invalid(N_("Please send a photo, or press Done."))
    raise AssertionError(question.kind)


def takes_any(question: Question) -> bool:
    """Whether "no preference" is an answer: a condition on the other person, or an option."""
    return question.section == Section.LOOKING_FOR or question.option(ANY) is not None


def no_preference(text: str) -> bool:
    """ "不限", "都行吧", "无所谓", "any" — the member sets no condition."""
    return _HEDGES.sub("", normalise(text)) in _NO_PREFERENCE


def check_choice(question: Question, keys: Sequence[str]) -> list[str] | Invalid:
    """A multi-choice answer made with buttons."""
    if ANY in keys:
        return [ANY]
    if len(keys) < (question.minimum or 0):
        return Invalid(N_("Please choose at least one, or write your answer."))
    if question.maximum is not None and len(keys) > question.maximum:
        return Invalid(N_("Please choose at most {maximum}."), {"maximum": question.maximum})
    return list(keys)


def _number(question: Question, text: str) -> int | Invalid:
    low, high = question.minimum, question.maximum
    in_cm = question.unit == "cm"
    value = parse_height_cm(text) if in_cm else parse_whole(text)
    if value is None and in_cm:
        return Invalid(N_("Please write your height in centimetres, for example 165 (or 1.65米)."))
    if value is None or (low is not None and high is not None and not low <= value <= high):
        if in_cm:
            return Invalid(
                N_("Please check your height: it should be between {minimum} and {maximum} cm."),
                {"minimum": low, "maximum": high},
            )
        return Invalid(
            N_("Please write a whole number between {minimum} and {maximum}."),
            {"minimum": low, "maximum": high},
        )
    return value


def _birth_year(text: str, current_year: int) -> int | Invalid:
    year = parse_year(text, current_year)
    if year is None:
        return Invalid(N_("Please write the year you were born, for example 1995."))
    if current_year - year < ADULT_AGE:
        return Invalid(N_("会会 is for adults: you need to be at least {age}."), {"age": ADULT_AGE})
    if current_year - year > OLDEST_AGE or year > current_year:
        return Invalid(N_("Please check the year: {year} does not look right."), {"year": year})
    return year


def _range(question: Question, text: str, current_year: int) -> list[int] | Invalid:
    in_cm = question.unit == "cm"
    low_limit = question.minimum or (0 if in_cm else ADULT_AGE)
    high_limit = question.maximum or (999 if in_cm else OLDEST_AGE)
    found = parse_bounded(text, parse_height_cm if in_cm else parse_age, low_limit, high_limit)
    born = None if in_cm or found else parse_birth_years(text, current_year)
    if born is not None:  # "85后": the ages those born then are this year
        found = (current_year - born[1], current_year - born[0])
    if found is None or found[0] < low_limit or found[1] > high_limit:
        if in_cm:
            return Invalid(
                N_(
                    "Please write two heights between {minimum} and {maximum} cm, for example "
                    "165-180, or 不限."
                ),
                {"minimum": low_limit, "maximum": high_limit},
            )
        return Invalid(
            N_("Please write two ages between {minimum} and {maximum}, for example 25-35."),
            {"minimum": low_limit, "maximum": high_limit},
        )
    return list(found)


def _option_for(
    question: Question, text: str, option_texts: Callable[[Option], Sequence[str]]
) -> str | None:
    """The option the text names: by its key, a label in any language or a word people use
    for it; failing that, the one option whose name the text contains ("我是本科" → 本科)."""
    wanted = normalise(simplified(text))  # "浦東" is 浦东
    names = {
        option.key: {normalise(n) for n in (option.key, *option_texts(option), *option.aliases)}
        for option in question.options
    }
    for key, known in names.items():
        if wanted in known:
            return key
    # The longest name inside wins: "我不抽烟" is 不抽烟 (never), not 抽烟 (often).
    inside = {
        key: max((len(n) for n in known if len(n) >= 2 and n in wanted), default=0)
        for key, known in names.items()
    }
    longest = max(inside.values(), default=0)
    best = [key for key, length in inside.items() if length == longest]
    return best[0] if longest and len(best) == 1 else None


def _multi(
    question: Question, text: str, option_texts: Callable[[Option], Sequence[str]]
) -> list[str] | Invalid:
    if question.free_text:
        if contact_details(text) is not None:
            return CONTACT_DETAILS
        keys = map_interests(text)
        too_long = [key for key in keys if len(key) > free_text.OWN_HOBBY.maximum]
        if too_long:
            return Invalid(
                N_("Please name each hobby in at most {maximum} characters."),
                {"maximum": free_text.OWN_HOBBY.maximum},
            )
    else:
        keys = []
        for part in re.split(r"[,，、;；/\s]+|或者|或", text):
            key = _option_for(question, part, option_texts) if part else None
            if part and key is None:
                return Invalid(N_("Please choose with the buttons."))
            if key and key not in keys:
                keys.append(key)
    return check_choice(question, keys)
