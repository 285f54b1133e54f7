"""会会's questionnaire answers as what the matching engine reads.

``openness`` — how readily a member says yes — is estimated from how they answered, the way the
speed-dating data suggests (people eager to meet, with broad preferences, reciprocate more):
an early marriage timeline, sociable weekends, "any" (or "not important") districts, education
or ages, a wide age range raise it; must-haves and a narrow range lower it.

Each wish about the other person is used as the member set it: a must (a hard condition), nice
to have (ranks those who meet it higher), or not important (stored as answered, but no
condition) — ``must_have`` True, False or None beside the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import mean
from typing import Any

from bot.domain.matching import Condition, Profile
from bot.domain.questions import ANY, EDUCATION_RANK
from bot.domain.questions.questionnaire import WERE_MARRIED

VALUES = (
    "marriage_timeline",
    "children",
    "live_with_parents",
    "spending",
    "weekends",
    "pets",
    "smoking",
)
_TIMELINE = {
    "within_1y": 1.0,
    "in_1_2y": 0.5,
    "in_2_3y": 0.0,
    "in_3y_plus": -0.5,
    "no_plan": 0.0,
}
_WEEKENDS = {"friends": 1.0, "outdoors": 0.5, "learning": 0.0, "home": -0.5}
# Wishes about one of the other's facts: question → the fact it is about.
CONDITIONS = {
    "seek_marital": "marital",
    "accept_children": "children",
    "seek_hukou": "hukou",
    "seek_housing": "housing",
}


def wish(answers: Mapping[str, Any], must: Mapping[str, bool | None], key: str) -> Any | None:
    """The answer to a question about the other person if it sets a condition: not when
    unanswered, "any", or marked not important. (A range stored before importance was asked
    with it counts as a must.)"""
    value = answers.get(key)
    if value in (None, ANY, [ANY], []) or (key in must and must[key] is None):
        return None
    return value


def facts(answers: Mapping[str, Any]) -> dict[str, str]:
    """What others' conditions are about. The never married were not asked about children and
    are taken to have none."""
    children = answers.get("has_children")
    if children is None and answers.get("marital_status") not in (None, *WERE_MARRIED):
        children = "none"
    found = {
        "marital": answers.get("marital_status"),
        "children": children,
        "hukou": answers.get("hukou"),
        "housing": answers.get("housing"),
    }
    return {fact: value for fact, value in found.items() if isinstance(value, str)}


def conditions(
    answers: Mapping[str, Any], must: Mapping[str, bool | None]
) -> list[tuple[str, list[str], bool]]:
    found = []
    for key, fact in CONDITIONS.items():
        value = wish(answers, must, key)
        if value is not None:
            allowed = value if isinstance(value, list) else [value]
            found.append((fact, [str(v) for v in allowed], bool(must.get(key))))
    return found


def openness(answers: Mapping[str, Any], must: Mapping[str, bool | None]) -> float:
    signals = [
        _TIMELINE.get(answers.get("marriage_timeline") or "", 0.0),
        _WEEKENDS.get(answers.get("weekends") or "", 0.0),
    ]
    for key in ("seek_districts", "seek_education"):
        if answers.get(key) is None:
            continue
        if wish(answers, must, key) is None:  # any, or not important
            signals.append(0.5)
        elif must.get(key):
            signals.append(-0.5)
    age_range = wish(answers, must, "seek_age")
    if age_range is None and answers.get("seek_age") is not None:
        signals.append(0.5)
    elif isinstance(age_range, list) and len(age_range) == 2:
        width = age_range[1] - age_range[0]
        signals.append(0.5 if width >= 10 else -0.5 if width <= 4 else 0.0)
    return max(-1.0, min(1.0, mean(signals)))


def match_row(
    answers: Mapping[str, Any], must: Mapping[str, bool | None], employer: str | None
) -> dict[str, Any]:
    """The indexed columns and the features of a member's match profile."""
    seek_gender = answers.get("seek_gender")
    age_range = wish(answers, must, "seek_age")
    age_range = age_range if isinstance(age_range, list) else None
    districts = wish(answers, must, "seek_districts") or []
    min_education = wish(answers, must, "seek_education")
    height_range = wish(answers, must, "seek_height")
    height = answers.get("height")
    return {
        "gender": answers.get("gender"),
        "birth_year": answers.get("birth_year"),
        "seeks": seek_gender if seek_gender in ("male", "female") else "any",
        "age_min": age_range[0] if age_range else None,
        "age_max": age_range[1] if age_range else None,
        "age_must": bool(must.get("seek_age", True)),
        "district": answers.get("district"),
        "industry": answers.get("industry"),
        "employer": employer,
        "education": EDUCATION_RANK.get(answers.get("education") or ""),
        "features": {
            "interests": {tag: 1.0 for tag in answers.get("hobbies") or []},
            "values": {key: answers[key] for key in VALUES if answers.get(key)},
            "min_education": EDUCATION_RANK.get(min_education or ""),
            "education_must": bool(must.get("seek_education")) and min_education != ANY,
            "districts_sought": [d for d in districts if d != ANY],
            "districts_must": bool(must.get("seek_districts")) and ANY not in districts,
            "openness": openness(answers, must),
            "height": height if isinstance(height, int) else None,
            "height_range": height_range if isinstance(height_range, list) else None,
            "height_must": bool(must.get("seek_height")),
            "facts": facts(answers),
            "conditions": conditions(answers, must),
        },
    }


def to_profile(member_id: int, row: Mapping[str, Any], current_year: int) -> Profile:
    """A stored match profile row as the engine's Profile."""
    features = row["features"]
    age = current_year - row["birth_year"] if row.get("birth_year") else None
    age_range = (row["age_min"], row["age_max"]) if row.get("age_min") is not None else None
    heights = features.get("height_range")
    return Profile(
        id=member_id,
        gender=row.get("gender") or "",
        age=age,
        seeks=frozenset() if row.get("seeks") in (None, "any") else frozenset({row["seeks"]}),
        age_range=age_range,
        age_range_must=bool(row.get("age_must", True)),
        interests=features.get("interests", {}),
        values=features.get("values", {}),
        district=row.get("district"),
        districts_sought=frozenset(features.get("districts_sought", ())),
        districts_must=bool(features.get("districts_must")),
        education=row.get("education"),
        min_education=features.get("min_education"),
        education_must=bool(features.get("education_must")),
        employer=row.get("employer"),
        avoid_own_employer=bool(row.get("avoid_colleagues")),
        openness=float(features.get("openness", 0.0)),
        height=features.get("height"),
        height_range=(heights[0], heights[1]) if heights else None,
        height_must=bool(features.get("height_must")),
        facts=features.get("facts", {}),
        conditions=tuple(
            Condition(fact, frozenset(allowed), must)
            for fact, allowed, must in features.get("conditions", ())
        ),
    )
