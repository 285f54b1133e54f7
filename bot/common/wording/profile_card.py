"""A member's profile card: what other members see. Never the real name, phone or employer;
hukou and housing only if the member chose to show them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.common.i18n import Translator
from bot.domain.interests import LABELS as INTEREST_LABELS
from bot.domain.matching import Reason
from bot.domain.questions import ANY, Kind, Question, Section


def option_text(question: Question, key: str, _: Translator) -> str:
    option = question.option(key)
    if option is not None:
        return option.text(_, _.language)
    if key == ANY:
        return _("Any")
    if key in INTEREST_LABELS:
        return _(INTEREST_LABELS[key])
    return key  # a hobby in the member's own words


def option_words(question: Question, keys: Sequence[str], _: Translator) -> str:
    """Chosen options as words in the reader's language, in the questionnaire's order ("浦东新区、
    徐汇区"); "any" when none are chosen (a filter or condition that does not narrow)."""
    return "、".join(o.text(_, _.language) for o in question.options if o.key in keys) or _("any")


def answer_text(question: Question, value: Any, _: Translator) -> str:
    """An answer as words, in the reader's language."""
    if value is None:
        return _("(skipped)")
    if value == ANY and question.kind == Kind.RANGE:
        return _("Any")
    match question.kind:
        case Kind.SINGLE:
            return option_text(question, value, _)
        case Kind.MULTI:
            separator = "、" if _.language == "zh" else ", "
            return separator.join(option_text(question, key, _) for key in value)
        case Kind.RANGE:
            return _range_text(question, value[0], value[1], _)
        case Kind.NUMBER:
            return f"{value} {question.unit}".strip()
        case Kind.PHOTOS:
            return _("{count} photo(s)", count=len(value))
    return str(value)


def _range_text(question: Question, low: int, high: int, _: Translator) -> str:
    """ "175 cm or more" for what she typed as "1米75以上", not "175–220 cm": an end at the
    question's own bound is no end she gave."""
    unit = question.unit or _("years")
    if high >= (question.maximum or high + 1) and low > (question.minimum or low):
        return _("{low} {unit} or more", low=low, unit=unit)
    if low <= (question.minimum or low - 1) and high < (question.maximum or high):
        return _("{high} {unit} or less", high=high, unit=unit)
    if question.unit:
        return f"{low}–{high} {question.unit}"
    return _("{low}–{high} years", low=low, high=high)


def render_card(
    answers: Mapping[str, Any],
    questionnaire: Sequence[Question],
    _: Translator,
    current_year: int,
) -> str:
    by_key = {question.key: question for question in questionnaire}

    def shown(key: str) -> str | None:
        value = answers.get(key)
        known = key in by_key and value not in (None, [])
        return answer_text(by_key[key], value, _) if known else None

    headline = [answers.get("nickname") or _("(no nickname yet)")]
    if isinstance(answers.get("birth_year"), int):
        headline.append(_("{age} years old", age=current_year - answers["birth_year"]))
    if shown("height"):
        headline.append(shown("height"))
    lines = [" · ".join(str(part) for part in headline)]
    facts = [
        f"{icon} {text}"
        for icon, key in (("📍", "district"), ("🎓", "education"), ("💼", "industry"))
        if (text := shown(key))
    ]
    if facts:
        lines.append(" · ".join(facts))
    status = [text for key in ("marital_status", "has_children") if (text := shown(key))]
    if status:
        lines.append("💍 " + " · ".join(status))
    home = [text for key in ("hukou", "housing") if (text := shown(key))]
    if home and answers.get("show_home") == "yes":
        lines.append("🏡 " + " · ".join(home))
    if shown("hometown"):
        lines.append("🏠 " + _("Hometown: {place}", place=shown("hometown")))
    if hobbies := shown("hobbies"):
        lines.append("❤️ " + hobbies)
    values = [
        _("{title}: {answer}", title=_(q.title), answer=answer_text(q, answers[q.key], _))
        for q in questionnaire
        if q.section == Section.VALUES and answers.get(q.key) is not None
    ]
    if values:
        lines.append("🧭 " + " · ".join(values))
    if introduction := shown("introduction"):
        lines.append("📝 " + introduction)
    return "\n".join(lines)


def reason_phrases(
    reasons: Sequence[Reason],
    questions: Mapping[str, Question],
    _: Translator,
    *,
    of_pair: bool = False,
) -> list[str]:
    """Why a person is suggested, a phrase per reason in the reader's language. A member reads
    them of herself and the person on the card ("they liked you"); a matchmaker reads them of
    the two people of a pair ("one of them already liked the other")."""
    parts = []
    for reason in reasons:
        if reason.kind == "liked_you":
            parts.append(
                _("one of them already liked the other") if of_pair else _("they liked you")
            )
        elif reason.kind == "shared_interests":
            joined = _listed([option_text(questions["hobbies"], tag, _) for tag in reason.items], _)
            parts.append(
                _("both like {hobbies}", hobbies=joined)
                if of_pair
                else _("you both like {hobbies}", hobbies=joined)
            )
        elif reason.kind == "same_district":
            district = option_text(questions["district"], reason.items[0], _)
            parts.append(_("both in {district}", district=district))
        elif reason.kind == "shared_values":
            topics = _listed(
                [_(questions[key].title) for key in reason.items if key in questions], _
            )
            parts.append(
                _("think alike about {topics}", topics=topics)
                if of_pair
                else _("you think alike about {topics}", topics=topics)
            )
    return parts


def reasons_text(
    reasons: Sequence[Reason],
    questions: Mapping[str, Question],
    _: Translator,
    *,
    of_pair: bool = False,
) -> str:
    """The reasons as one line: the chat's card, the Mini App's, and both matchmaker surfaces
    say them the same way."""
    line = _("; ").join(reason_phrases(reasons, questions, _, of_pair=of_pair))
    return line[:1].upper() + line[1:]  # a sentence in English ("You both like…"); no-op in Chinese


def _listed(names: Sequence[str], _: Translator) -> str:
    """ "A, B and C" (in Chinese "A、B和C")."""
    if len(names) < 2:
        return "".join(names)
    return _(", ").join(names[:-1]) + _(" and ") + names[-1]
