"""Who of a few new people may be suggested to each of many members: the daily digest's count.

The candidate pool (``storage.matching.pool``) decides this in SQL for one viewer at a time.
The digest asks it for tens of thousands of members about the same few people who are new
since yesterday; one query each took a union's digest minutes. Here the same rules are applied
to all the pairs at once, as arrays: a member and a new person are a pair unless

* they are the same person, or the new person seeks the other gender (or has no wish stored);
* the member seeks one gender and the new person is not of it;
* the member insists on ages the new person's birth year is outside of (or unknown);
* the new person insists on ages the member is outside of (their range half unknown counts as
  outside, as SQL's NULL does);
* they work for the same employer and the member avoids colleagues, or the new person does;
* the member liked or lately skipped them, either blocked the other (``excluded``: member →
  those kept from them).

Whether a new person is suggested at all (eligible, not hidden by reports) is decided before.
Kept beside the pool's SQL on purpose, and tested against it member by member.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

# Viewers × candidates cells worked out at once: a few milliseconds of the event loop.
CELLS = 100_000
GENDERS = ("male", "female")


class Terms(NamedTuple):
    """The columns of a match profile that the pool's rules read."""

    member_id: int
    gender: str | None
    birth_year: int | None
    seeks: str | None
    age_min: int | None
    age_max: int | None
    age_must: bool
    employer: str | None
    avoid_colleagues: bool


class _Codes:
    """Strings as integers, the same string the same number; what stands for "nothing" never
    equals anything (SQL's NULL)."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def of(self, values: Sequence[str | None], nothing: int) -> npt.NDArray[np.int64]:
        return np.array(
            [nothing if v is None else self._codes.setdefault(v, len(self._codes)) for v in values],
            dtype=np.int64,
        )


def _numbers(values: Sequence[int | None]) -> npt.NDArray[np.float64]:
    """Unknown as NaN: every comparison with it is false, as with SQL's NULL."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


class NewPeople:
    """The people new for a group of members, ready to be paired with any of them."""

    def __init__(self, candidates: Sequence[Terms]) -> None:
        self._words = words = _Codes()
        self.size = len(candidates)
        c = list(zip(*candidates, strict=True)) or [()] * len(Terms._fields)
        self._column = {member: j for j, member in enumerate(c[0])}
        self._id = np.array(c[0], dtype=np.int64)
        self._gender = words.of(c[1], -1)
        self._seeks = words.of(c[3], -3)
        self._seeks_any = self._seeks == words.of(["any"], -4)[0]
        self._birth_year = _numbers(c[2])
        self._age_min, self._age_max = _numbers(c[4]), _numbers(c[5])
        self._age_must = np.array(c[6], dtype=bool)
        self._employer = words.of(c[7], -7)
        self._avoid = np.array(c[8], dtype=bool)

    def viewers_at_once(self) -> int:
        """How many viewers to pair in one step of the event loop (``CELLS`` pairs)."""
        return max(1, CELLS // max(1, self.size))

    def counts(
        self,
        viewers: Sequence[Terms],
        excluded: Mapping[int, Collection[int]],
        current_year: int,
        limit: int,
    ) -> list[int]:
        """For each viewer, how many of the new people may be suggested to them, at most
        ``limit`` (what ``len(pool(viewer, only=these people, limit=limit))`` would be)."""
        if not viewers or not self.size:
            return [0] * len(viewers)
        v = list(zip(*viewers, strict=True))
        words, col = self._words, np.newaxis
        v_id = np.array(v[0], dtype=np.int64)
        v_gender = words.of(v[1], -2)
        v_seeks = words.of([s if s in GENDERS else None for s in v[3]], -5)
        v_by, v_min, v_max = _numbers(v[2]), _numbers(v[4]), _numbers(v[5])
        v_age_must = np.array(v[6], dtype=bool)
        v_employer = words.of([e or None for e in v[7]], -6)
        v_avoid = np.array(v[8], dtype=bool)
        c_by, c_min, c_max = self._birth_year, self._age_min, self._age_max

        ok = v_id[:, col] != self._id
        ok &= self._seeks_any | (self._seeks == v_gender[:, col])
        ok &= (v_seeks < 0)[:, col] | (self._gender == v_seeks[:, col])
        insists = v_age_must & ~np.isnan(v_min)
        ok &= ~insists[:, col] | (
            (c_by >= current_year - v_max[:, col]) & (c_by <= current_year - v_min[:, col])
        )
        v_age = (current_year - v_by)[:, col]
        ok &= (
            np.isnan(v_by)[:, col]
            | ~self._age_must
            | np.isnan(c_min)
            | ((c_min <= v_age) & (c_max >= v_age))
        )
        ok &= (
            (v_employer < 0)[:, col]
            | (self._employer < 0)
            | (self._employer != v_employer[:, col])
            | (~v_avoid[:, col] & ~self._avoid)
        )
        for i, viewer in enumerate(v[0]):
            for candidate in excluded.get(viewer, ()):
                j = self._column.get(candidate)
                if j is not None:
                    ok[i, j] = False
        return [min(int(n), limit) for n in ok.sum(axis=1)]


def counts(
    viewers: Sequence[Terms],
    candidates: Sequence[Terms],
    excluded: Mapping[int, Collection[int]],
    current_year: int,
    limit: int,
) -> list[int]:
    """``NewPeople(candidates).counts(...)``, for one group of viewers."""
    return NewPeople(candidates).counts(viewers, excluded, current_year, limit)
