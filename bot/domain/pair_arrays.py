"""The engine's pair score and hard constraints for a whole union at once, over numpy arrays.

bot.domain.matching scores one pair at a time in Python (about 50 µs a pair); the daily market
plan scores a dozen pairs per member, which for 100,000 members took most of a minute of the
worker's time. Here the same rules (``matching.compatible`` and ``matching.pair_score``, with a
history of counts and no taste, as the planner has) run over columns: each member's profile
becomes a row of small arrays, and pairs are scored a chunk at a time. tests/test_market.py
checks that both give the same answers on varied profiles, so the two cannot drift apart
unnoticed.

Profiles are added a page at a time (``Columns.add``) and only their columns are kept, so a
union of a million members is held in a few hundred megabytes, not as Profile objects.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.domain import matching as m
from bot.domain.matching import History, Profile

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Terms = tuple[Floats, Floats] | None  # per-member log-odds of yes and of being liked
NONE = -1
CHUNK = 100_000  # pairs scored at a time (bounded temporary arrays)


class _Codes:
    """Small integer codes for strings (genders, districts, hobbies, …), in order of first use."""

    def __init__(self) -> None:
        self.index: dict[Hashable, int] = {}

    def of(self, key: Hashable | None) -> int:
        if key is None:
            return NONE
        index = self.index
        return index.setdefault(key, len(index))

    def __len__(self) -> int:
        return len(self.index)


_SCALARS = (
    "id gender age age_low age_high age_must age_nice openness district districts_must "
    "has_sought education min_education education_must background background_weight employer "
    "avoid_employer height height_low height_high height_must height_nice"
).split()
_FLOAT = {"age", "age_low", "age_high", "openness", "education", "min_education"}
_FLOAT |= {"background_weight", "height", "height_low", "height_high"}
_CODES = {"id", "gender", "district", "background", "employer"}
_SPARSE = ("seeks", "interests", "values", "sought", "fact", "cond_fact", "cond_must", "allowed")


class Columns:
    """A union's profiles as arrays: one row per member, in the order they were added. Each
    page added becomes arrays at once (a million members' Python objects would not fit)."""

    def __init__(self) -> None:
        self.genders, self.districts, self.tags = _Codes(), _Codes(), _Codes()
        self.keys, self.answers, self.facts = _Codes(), _Codes(), _Codes()
        self.fact_values: dict[int, _Codes] = {}
        self.employers, self.backgrounds = _Codes(), _Codes()
        self._scalars: dict[str, list[Any]] = {name: [] for name in _SCALARS}
        # Sparse entries as arrays of (row, column, value), made dense by ``done``.
        self._sparse: dict[str, list[Any]] = {name: [] for name in _SPARSE}
        self.size = 0
        self.conditions = 0

    def add(self, profiles: Sequence[Profile]) -> None:
        """A page of profiles, turned into arrays column by column."""
        first = self.size
        self.size += len(profiles)
        ranged = [p.age_range or (None, None) for p in profiles]
        heights = [p.height_range or (None, None) for p in profiles]
        employers = [p.employer or None for p in profiles]
        scalars: dict[str, list[Any]] = {
            "id": [p.id for p in profiles],
            "gender": [self.genders.of(p.gender) for p in profiles],
            "age": [p.age for p in profiles],
            "age_low": [r[0] for r in ranged],
            "age_high": [r[1] for r in ranged],
            "age_must": [bool(p.age_range) and p.age_range_must for p in profiles],
            "age_nice": [bool(p.age_range) and not p.age_range_must for p in profiles],
            "openness": [p.openness for p in profiles],
            "district": [self.districts.of(p.district) for p in profiles],
            "districts_must": [p.districts_must for p in profiles],
            "has_sought": [bool(p.districts_sought) for p in profiles],
            "education": [p.education for p in profiles],
            "min_education": [p.min_education for p in profiles],
            "education_must": [p.education_must for p in profiles],
            "background": [self.backgrounds.of(p.background) for p in profiles],
            "background_weight": [p.background_weight for p in profiles],
            "employer": [self.employers.of(e) for e in employers],
            "avoid_employer": [
                p.avoid_own_employer and e is not None
                for p, e in zip(profiles, employers, strict=True)
            ],
            "height": [p.height for p in profiles],
            "height_low": [r[0] for r in heights],
            "height_high": [r[1] for r in heights],
            "height_must": [bool(p.height_range) and p.height_must for p in profiles],
            "height_nice": [bool(p.height_range) and not p.height_must for p in profiles],
        }
        for name, values in scalars.items():
            if name in _FLOAT:
                array = np.array([np.nan if v is None else v for v in values], np.float64)
            else:
                array = np.array(values, np.int64 if name in _CODES else np.bool_)
            self._scalars[name].append(array)
        page: dict[str, list[Any]] = {name: [] for name in _SPARSE}
        for row, p in enumerate(profiles, start=first):
            self._add_sparse(row, p, page)
        for name in _SPARSE:
            dtype = {"interests": np.float64, "allowed": np.int64}.get(name, np.int32)
            self._sparse[name].append(np.array(page[name], dtype).reshape(-1, 3))

    def _add_sparse(self, row: int, p: Profile, page: dict[str, list[Any]]) -> None:
        page["seeks"] += [(row, self.genders.of(g), 1) for g in p.seeks]
        page["interests"] += [(row, self.tags.of(t), v) for t, v in p.interests.items()]
        page["values"] += [
            (row, self.keys.of(key), self.answers.of(answer)) for key, answer in p.values.items()
        ]
        page["sought"] += [(row, self.districts.of(d), 1) for d in p.districts_sought]
        for fact, known in p.facts.items():
            code = self.facts.of(fact)
            page["fact"].append((row, code, self._fact_value(code, known)))
        for slot, c in enumerate(p.conditions):
            code = self.facts.of(c.fact)
            allowed = 0
            for option in c.allowed:
                allowed |= 1 << self._fact_value(code, option)
            page["cond_fact"].append((row, slot, code))
            page["cond_must"].append((row, slot, int(c.must)))
            page["allowed"].append((row, slot, allowed))
        self.conditions = max(self.conditions, len(p.conditions))

    def _fact_value(self, fact: int, value: str) -> int:
        code = self.fact_values.setdefault(fact, _Codes()).of(value)
        if code >= 62:  # noqa: PLR2004 - allowed values are a bit mask in an int64
            raise ValueError("too many values of one fact")
        return code

    def done(self) -> Arrays:
        """The arrays (the pages' pieces are dropped)."""
        n = self.size
        cols: dict[str, Any] = {}
        for name, pieces in self._scalars.items():
            cols[name] = np.concatenate(pieces) if pieces else np.zeros(0)
        widths = {
            "seeks": (len(self.genders), np.bool_, False),
            "interests": (len(self.tags), np.float32, 0.0),
            "values": (len(self.keys), np.int32, NONE),
            "sought": (len(self.districts), np.bool_, False),
            "fact": (len(self.facts), np.int32, NONE),
            "cond_fact": (self.conditions, np.int32, NONE),
            "cond_must": (self.conditions, np.bool_, False),
            "allowed": (self.conditions, np.int64, 0),
        }
        for name, (width, dtype, fill) in widths.items():
            cols[name] = _dense(self._sparse[name], n, width, dtype, fill)
        cols["interests"] = np.maximum(cols["interests"], 0)  # only liked hobbies are shared
        self._scalars = {name: [] for name in _SCALARS}
        self._sparse = {name: [] for name in _SPARSE}
        return Arrays(cols)


def _dense(pieces: Sequence[Any], rows: int, width: int, dtype: Any, fill: Any) -> Any:
    result = np.full((rows, max(width, 1)), fill, dtype)
    if pieces:
        entries = np.concatenate(pieces)
        rows_, columns = entries[:, 0].astype(np.int64), entries[:, 1].astype(np.int64)
        result[rows_, columns] = entries[:, 2].astype(dtype)
    return result


class Arrays:
    """Built ``Columns``: score and check pairs of rows."""

    def __init__(self, cols: dict[str, Any]) -> None:
        self.c = cols
        self.size = len(cols["id"])
        self.ids: Ints = cols["id"]
        self.idf: npt.NDArray[np.float32] = np.ones(cols["interests"].shape[1], np.float32)

    def set_rarity(self) -> None:
        """Hobby weights as matching.rarity over these members."""
        count = (self.c["interests"] > 0).sum(axis=0)
        self.idf = (np.log((1 + self.size) / (1 + count)) + 1).astype(np.float64)

    def acceptable(self, a: Ints, b: Ints) -> Bools:
        """matching.acceptable(a, b) for rows a[k], b[k]."""
        c = self.c
        ok = a != b
        seeks = c["seeks"]
        ok &= ~seeks[a].any(axis=1) | seeks[a, c["gender"][b]]
        age = c["age"][b]
        inside = (c["age_low"][a] <= age) & (age <= c["age_high"][a])
        ok &= ~(c["age_must"][a] & ~np.isnan(age) & ~inside)
        district = c["district"][b]
        in_sought = (district != NONE) & c["sought"][a, np.maximum(district, 0)]
        ok &= ~(c["districts_must"][a] & c["has_sought"][a] & ~in_sought)
        education, least = c["education"][b], c["min_education"][a]
        has_min = c["education_must"][a] & ~np.isnan(least)
        ok &= ~(has_min & ~(education >= least))  # NaN education fails, as None
        employer = c["employer"][a]
        ok &= ~(c["avoid_employer"][a] & (employer != NONE) & (employer == c["employer"][b]))
        height = c["height"][b]
        fits = (c["height_low"][a] <= height) & (height <= c["height_high"][a])
        ok &= ~(c["height_must"][a] & ~fits)
        for slot in range(c["cond_fact"].shape[1]):
            fact = c["cond_fact"][a, slot]
            must = c["cond_must"][a, slot] & (fact != NONE)
            ok &= ~(must & ~self._allowed(a, b, slot))
        result: Bools = ok
        return result

    def _allowed(self, a: Ints, b: Ints, slot: int) -> Bools:
        """Whether b's fact is among a's allowed values for a's condition ``slot`` (unknown:
        not allowed)."""
        c = self.c
        fact = np.maximum(c["cond_fact"][a, slot], 0)
        value = c["fact"][b, fact] if c["fact"].shape[1] else np.full(len(b), NONE)
        bit = np.left_shift(np.int64(1), np.maximum(value, 0).astype(np.int64))
        result: Bools = (value != NONE) & ((c["allowed"][a, slot] & bit) != 0)
        return result

    def likes_logit(self, a: Ints, b: Ints, selectivity: Terms) -> Floats:
        """matching.likes_logit(a, b, history) for rows; ``selectivity`` is the history's
        per-member part (``history_terms``) or None without history."""
        c = self.c
        logit = m.W_OPENNESS * c["openness"][a]
        age_a, age_b = c["age"][a], c["age"][b]
        logit -= np.nan_to_num(m.W_AGE_GAP * np.abs(age_a - age_b))
        low, high = c["age_low"][a], c["age_high"][a]
        outside = np.maximum(0, low - age_b) + np.maximum(0, age_b - high)
        logit -= np.where(c["age_nice"][a] & ~np.isnan(age_b), m.W_NICE_TO_HAVE * outside / 5, 0)
        shared = np.minimum(c["interests"][a], c["interests"][b]) @ self.idf
        logit += m.W_SHARED_INTERESTS * np.log1p(shared)
        va, vb = c["values"][a], c["values"][b]
        common = ((va != NONE) & (vb != NONE)).sum(axis=1)
        agree = ((va == vb) & (va != NONE)).sum(axis=1)
        logit += np.where(common > 0, m.W_VALUES * (agree / np.maximum(common, 1) - 0.5), 0)
        district = c["district"][b]
        in_sought = (district != NONE) & c["sought"][a, np.maximum(district, 0)]
        logit += np.where(~c["districts_must"][a] & in_sought, m.W_NICE_TO_HAVE, 0)
        least, education = c["min_education"][a], c["education"][b]
        known = ~np.isnan(least) & ~c["education_must"][a] & ~np.isnan(education)
        logit += np.where(known, np.where(education >= least, 1, -1) * m.W_NICE_TO_HAVE, 0)
        height = c["height"][b]
        fits = (c["height_low"][a] <= height) & (height <= c["height_high"][a])
        known = c["height_nice"][a] & ~np.isnan(height)
        logit += np.where(known, np.where(fits, 1, -1) * m.W_NICE_TO_HAVE, 0)
        for slot in range(c["cond_fact"].shape[1]):
            fact = c["cond_fact"][a, slot]
            facts = c["fact"]
            value = facts[b, np.maximum(fact, 0)] if facts.shape[1] else np.full(len(b), NONE)
            counted = (fact != NONE) & ~c["cond_must"][a, slot] & (value != NONE)
            sign = np.where(self._allowed(a, b, slot), 1, -1)
            logit += np.where(counted, sign * m.W_NICE_TO_HAVE, 0)
        background = c["background"][a]
        same = (background != NONE) & (background == c["background"][b])
        logit += np.where(same, m.W_BACKGROUND * c["background_weight"][a], 0)
        if selectivity is not None:
            yes, liked = selectivity
            logit += m.W_SELECTIVITY * yes[a] + m.W_POPULARITY * liked[b]
        result: Floats = logit
        return result

    def history_terms(self, history: History | None) -> Terms:
        """Each member's log-odds of saying yes and of being liked (the taste term is not
        used: the planner's history is counts only)."""
        if history is None:
            return None
        ids = self.ids.tolist()
        yes = np.array([history.yes_rate(i) for i in ids], np.float64)
        liked = np.array([history.liked_rate(i) for i in ids], np.float64)
        return _logit(yes), _logit(liked)

    def score(self, a: Ints, b: Ints, terms: Terms) -> tuple[Bools, Floats]:
        """Which pairs are compatible, and their two-way scores (matching.pair_score)."""
        ok = np.zeros(len(a), np.bool_)
        score = np.zeros(len(a), np.float64)
        for start in range(0, len(a), CHUNK):
            x, y = a[start : start + CHUNK], b[start : start + CHUNK]
            fine = self.acceptable(x, y) & self.acceptable(y, x)
            ok[start : start + CHUNK] = fine
            xs, ys = x[fine], y[fine]
            both = _sigmoid(self.likes_logit(xs, ys, terms)) * _sigmoid(
                self.likes_logit(ys, xs, terms)
            )
            score[start : start + CHUNK][fine] = both
        return ok, score


def _logit(p: Floats) -> Floats:
    p = np.clip(p, 1e-6, 1 - 1e-6)  # as matching._logit
    result: Floats = np.log(p / (1 - p))
    return result


def _sigmoid(x: Floats) -> Floats:
    result: Floats = 1.0 / (1.0 + np.exp(-x))
    return result
