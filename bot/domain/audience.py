"""Who a broadcast goes to: a union's subtree, narrowed by profile facts. Plain data, stored as
JSON with the broadcast so a scheduled send draws the audience as it is on the day."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.domain.numbers import parse_range

AGE_LIMITS = (18, 80)
_SEPARATORS = re.compile(r"[,，、;；/\s]+")


@dataclass(frozen=True)
class Audience:
    unit_id: int
    gender: str | None = None  # "male", "female" or None for everyone
    age_min: int | None = None
    age_max: int | None = None
    districts: tuple[str, ...] = field(default=())
    industries: tuple[str, ...] = field(default=())
    verified_only: bool = False
    # Only people registered for this event (with a place or on the waitlist).
    event_id: int | None = None

    @property
    def needs_profile(self) -> bool:
        """Whether the filter reads profile answers (members without a profile never match)."""
        return bool(
            self.gender or self.age_min or self.age_max or self.districts or self.industries
        )

    def birth_years(self, current_year: int) -> tuple[int | None, int | None]:
        """The age range as (earliest, latest) birth year."""
        earliest = current_year - self.age_max if self.age_max is not None else None
        latest = current_year - self.age_min if self.age_min is not None else None
        return earliest, latest

    def with_(self, **changes: Any) -> Audience:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["districts"], data["industries"] = list(self.districts), list(self.industries)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        return cls(
            **{
                **data,
                "districts": tuple(data.get("districts") or ()),
                "industries": tuple(data.get("industries") or ()),
            }
        )


def parse_age_range(text: str) -> tuple[int, int] | None:
    """ "25-35", "25～35岁", "二十五到三十五" → (25, 35); None if it is not a sensible range."""
    found = parse_range(text)
    if found is None or found[0] < AGE_LIMITS[0] or found[1] > AGE_LIMITS[1]:
        return None
    return found


def pick_named(text: str, names: dict[str, set[str]]) -> tuple[tuple[str, ...], list[str]]:
    """Keys named in a typed list ("浦东新区、徐汇" or "Pudong, Xuhui"), matched on any of each
    key's names, case-blind; a unique prefix is enough. Returns (keys, words not understood)."""
    keys: list[str] = []
    unknown: list[str] = []
    for word in filter(None, (w.strip() for w in _SEPARATORS.split(text))):
        lowered = word.lower()
        exact = [k for k, n in names.items() if lowered in {x.lower() for x in n}]
        partial = [k for k, n in names.items() if any(x.lower().startswith(lowered) for x in n)]
        found = exact or (partial if len(partial) == 1 else [])
        if found:
            keys += [k for k in found if k not in keys]
        else:
            unknown.append(word)
    return tuple(keys), unknown
