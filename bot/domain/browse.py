"""Browsing suggestions with filters (the member's Mini App): what a filter is, which of its
conditions a candidate's answers meet, and how many new people a member may still be shown.

The filters narrow the people the engine would suggest anyway (verified, hard conditions both
ways); they never widen them. However a member filters, each new person shown counts towards the
daily number of cards and that person's exposure, so browsing cannot list the membership."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from bot.domain.match_profile import facts
from bot.domain.questions import ADULT_AGE, OLDEST_AGE

# Cards a page adds: a screen and a half on a phone.
PAGE = 8
# Who counts as new, and as active.
NEW_WITHIN = timedelta(days=7)
ACTIVE_WITHIN = timedelta(days=30)
# The last skip may be taken back for this long.
UNDO_WITHIN = timedelta(days=1)
SHORTEST, TALLEST = 130, 220


@dataclass(frozen=True)
class Filters:
    """A member's browse filters; None or empty means "any"."""

    age_min: int | None = None
    age_max: int | None = None
    districts: tuple[str, ...] = ()
    education_min: int | None = None  # a rank of bot.domain.questions.EDUCATION_RANK
    height_min: int | None = None
    height_max: int | None = None
    hobbies: tuple[str, ...] = ()  # any of them
    marital: tuple[str, ...] = ()
    children: tuple[str, ...] = ()  # has children (asked of the divorced and widowed)
    new_this_week: bool = False
    active_this_month: bool = False

    def query(self) -> list[tuple[str, str]]:
        """The filters as a query string's pairs, to ask for the next page with the same."""
        pairs: list[tuple[str, str]] = []
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, tuple):
                pairs.extend((field.name, item) for item in value)
            elif value is True:
                pairs.append((field.name, "1"))
            elif value is not None and value is not False:
                pairs.append((field.name, str(value)))
        return pairs


def _whole(text: str | None, low: int, high: int) -> int | None:
    """A whole number within bounds, or None for anything else (a filter left at "any")."""
    if text is None or not text.strip().isdigit() or len(text.strip()) > 4:
        return None
    value = int(text.strip())
    return value if low <= value <= high else None


def _ordered(low: int | None, high: int | None) -> tuple[int | None, int | None]:
    if low is not None and high is not None and low > high:
        return high, low
    return low, high


def read_filters(
    one: Callable[[str], str | None],
    many: Callable[[str], list[str]],
    known: Mapping[str, Collection[str]],
    education_ranks: Mapping[str, int],
) -> Filters:
    """Filters from a form or a query string: ``one(name)`` and ``many(name)`` read it.
    Unknown options and numbers out of range are dropped (a forged or stale form filters by
    what it makes sense of); ``known`` lists the options a multiple choice may hold."""

    def chosen(name: str) -> tuple[str, ...]:
        allowed = known.get(name, ())
        return tuple(dict.fromkeys(v for v in many(name)[:40] if v in allowed))

    age_min, age_max = _ordered(
        _whole(one("age_min"), ADULT_AGE, OLDEST_AGE), _whole(one("age_max"), ADULT_AGE, OLDEST_AGE)
    )
    height_min, height_max = _ordered(
        _whole(one("height_min"), SHORTEST, TALLEST), _whole(one("height_max"), SHORTEST, TALLEST)
    )
    education = one("education_min")
    return Filters(
        age_min=age_min,
        age_max=age_max,
        districts=chosen("districts"),
        education_min=education_ranks.get(education) if education else None,
        height_min=height_min,
        height_max=height_max,
        hobbies=chosen("hobbies"),
        marital=chosen("marital"),
        children=chosen("children"),
        new_this_week=one("new_this_week") == "1",
        active_this_month=one("active_this_month") == "1",
    )


def birth_years(filters: Filters, current_year: int) -> tuple[int | None, int | None]:
    """The birth years the age filter allows (earliest, latest)."""
    earliest = current_year - filters.age_max if filters.age_max is not None else None
    latest = current_year - filters.age_min if filters.age_min is not None else None
    return earliest, latest


# Answers the filters read beyond the indexed columns (bot.domain.match_profile).
ANSWERS_READ = ("height", "marital_status", "has_children")


def fits(filters: Filters, interests: Collection[str], answers: Mapping[str, Any]) -> bool:
    """Whether a candidate meets the filters the database does not check: hobbies (any of
    those chosen), height, marital status, children. Someone who did not answer a question a
    filter asks about does not meet it: the filter asked for a fact the card cannot show."""
    if filters.hobbies and not set(filters.hobbies) & set(interests):
        return False
    height = answers.get("height")
    if filters.height_min is not None or filters.height_max is not None:
        if not isinstance(height, int):
            return False
        if filters.height_min is not None and height < filters.height_min:
            return False
        if filters.height_max is not None and height > filters.height_max:
            return False
    if filters.marital and answers.get("marital_status") not in filters.marital:
        return False
    # The never married were not asked about children and count as having none.
    children = facts(answers).get("children")
    return not (filters.children and children not in filters.children)


def new_allowed(daily_cards: int, shown_today: int) -> int:
    """How many people not shown before a member may still be shown today."""
    return max(0, daily_cards - shown_today)


def shown_again_most(daily_cards: int) -> int:
    """How many people shown lately and not answered a first page brings back (the most
    recent first): at least a whole day's worth, so that none of today's people drop out of
    her list however often she comes back to it."""
    return max(PAGE, daily_cards)


def new_on_page(first: bool, shown_again: int, left: int) -> int:
    """How many new people a page adds: a later page ("show more") a page's worth; a first
    page only what fills it after the people shown again. Coming back to the list, reloading
    it or reopening the app then spends none of the day's new people while a page's worth of
    unanswered ones remain: only asking for more does."""
    room = PAGE - shown_again if first else PAGE
    return max(0, min(left, room))
