"""Event rules without Telegram or SQL: who may sign up (and why not), places and per-gender
quotas, the waitlist order, mutual choice pairs and the pairing rate (牵手率)."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.text import normalise

# What organisers type for "no limit".
ANY_WORDS = ("any", "不限", "无", "none")
_PLACES = re.compile(r"^\s*([0-9]{1,6})(?:\s+([0-9]{1,6})\s+([0-9]{1,6}))?\s*$")
# More places than any venue holds: a typing slip, and more than a column should hold.
MAX_PLACES = 100_000


class EventStatus(enum.StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Refusal(enum.StrEnum):
    NOT_VERIFIED = "not_verified"
    OUTSIDE_UNION = "outside_union"
    AGE = "age"
    INDUSTRY = "industry"
    DISTRICT = "district"
    NO_GENDER = "no_gender"  # per-gender quotas need the member's gender from their profile
    DEADLINE = "deadline"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Conditions:
    age_min: int | None = None
    age_max: int | None = None
    industries: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "age_min": self.age_min,
            "age_max": self.age_max,
            "industries": list(self.industries),
            "districts": list(self.districts),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conditions:
        return cls(
            data.get("age_min"),
            data.get("age_max"),
            tuple(data.get("industries") or ()),
            tuple(data.get("districts") or ()),
        )


@dataclass(frozen=True)
class Capacity:
    total: int | None = None
    male: int | None = None
    female: int | None = None

    @property
    def by_gender(self) -> bool:
        return self.male is not None or self.female is not None

    def left(self, registered: Counter[str]) -> int | None:
        """Places not yet held (None: no limit in all)."""
        if self.total is None:
            return None
        return max(0, self.total - sum(registered.values()))

    def has_place(self, registered: Counter[str], gender: str | None) -> bool:
        """Whether one more member of ``gender`` fits, given who holds a place."""
        if self.total is not None and sum(registered.values()) >= self.total:
            return False
        quota = {"male": self.male, "female": self.female}.get(gender or "")
        return quota is None or registered[gender or ""] < quota


def parse_capacity(text: str) -> Capacity | None:
    """ "40" (places in all), "40 20 20" (in all, for men, for women: together at least the
    total), or "不限"; None if it is none of these."""
    if text.strip().lower() in ANY_WORDS:
        return Capacity()
    found = _PLACES.match(unicodedata.normalize("NFKC", text))
    if found is None or not 0 < int(found.group(1)) <= MAX_PLACES:
        return None
    total = int(found.group(1))
    if found.group(2) is None:
        return Capacity(total)
    men, women = int(found.group(2)), int(found.group(3))
    if men > MAX_PLACES or women > MAX_PLACES:
        return None
    return Capacity(total, men, women) if men + women >= total else None


@dataclass(frozen=True)
class Applicant:
    verified: bool
    in_scope: bool
    gender: str | None
    age: int | None
    industry: str | None
    district: str | None


def refusals(applicant: Applicant, conditions: Conditions, capacity: Capacity) -> list[Refusal]:
    """Every reason the applicant may not sign up (empty: they may)."""
    found = []
    if not applicant.verified:
        found.append(Refusal.NOT_VERIFIED)
    elif not applicant.in_scope:
        found.append(Refusal.OUTSIDE_UNION)
    if conditions.age_min is not None or conditions.age_max is not None:
        low, high = conditions.age_min or 0, conditions.age_max or 200
        if applicant.age is None or not low <= applicant.age <= high:
            found.append(Refusal.AGE)
    if conditions.industries and applicant.industry not in conditions.industries:
        found.append(Refusal.INDUSTRY)
    if conditions.districts and applicant.district not in conditions.districts:
        found.append(Refusal.DISTRICT)
    if capacity.by_gender and applicant.gender not in ("male", "female"):
        found.append(Refusal.NO_GENDER)
    return found


def next_from_waitlist(
    waitlist: Sequence[tuple[int, str | None]], capacity: Capacity, registered: Counter[str]
) -> int | None:
    """The first waiting registration (in waitlist order) that now fits, if any: with per-gender
    quotas a freed man's place goes to the first waiting man, not the first in line."""
    for registration_id, gender in waitlist:
        if capacity.has_place(registered, gender):
            return registration_id
    return None


def mutual_pairs(choices: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pairs (low id, high id) who picked each other."""
    picked = set(choices)
    return sorted({(min(a, b), max(a, b)) for a, b in picked if (b, a) in picked and a != b})


_BADGE = re.compile(r"(?:#|no\.?|编号|胸牌)?\s*(\d{1,6})\s*号?")


@dataclass(frozen=True)
class Search:
    """What an attendee typed to find someone in the mutual choice: the number on a badge
    worn at the fair ("128", "#128", "１２８号") or part of a nickname ("小雨")."""

    badge: int | None
    words: str

    @classmethod
    def of(cls, typed: str) -> Search:
        text = normalise(typed)
        found = _BADGE.fullmatch(text)
        return cls(int(found.group(1)) if found else None, text)

    def finds(self, badge: int, nickname: str) -> bool:
        if self.badge is not None:
            return badge == self.badge
        return bool(self.words) and self.words in normalise(nickname)


def pairing_rate(attendees: int, pairs: int) -> float:
    """牵手率: the share of attendees who left with a mutual match."""
    return 2 * pairs / attendees if attendees else 0.0


def cancellable(status: EventStatus, starts_at: datetime, now: datetime) -> bool:
    """An event may be cancelled until it begins: after, those who came would be told it was
    cancelled."""
    return status == EventStatus.PUBLISHED and now < starts_at
