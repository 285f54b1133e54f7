"""A yardstick for the engine's profile-only scores: an L2-regularised logistic regression of each
decision (``dec``: did she say yes to him) on every sign-up answer the data may be read for
(shared/data/speeddating/README.md), fitted on the other waves (leave one wave out) — what a
model *fitted* to the experiment makes of the same answers, where the engine's weights are set
by hand for a union's questionnaire.

Not a policy the bot could run (a union's members answer other questions), and it never reads
the wave it scores. benchmarks/market.py plans with its two-way probabilities
(``plan_fitted``) to show whether the engine's scores leave matches on the table.

Features, for the one deciding (how readily they say yes), the one decided on (how often
people say yes to them), and the pair (what they share); a separate model for each gender
deciding, as the study found women and men choose differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from match_quality import INTERESTS, Row, number

Pair = tuple[int, int]
# L2 weight. On waves 1-10, with penalties 10-300 and with or without the interests, fields
# and careers, the plan on the fitted probabilities made 27.6-31.2 mutual matches per 100 at
# top 3 and the fitted order's AUC was 0.564-0.605; all features at 100 sits in the middle.
PENALTY = 100.0
NEWTON_STEPS = 25
SCALES = {  # the answer's range, so every feature is about -1 … 1
    "age": (18, 42),
    "imprace": (1, 10),
    "imprelig": (1, 10),
    "date": (1, 7),
    "go_out": (1, 7),
    "exphappy": (1, 10),
}
CATEGORIES = {  # categorical answers, one indicator per value (the data key's codes)
    "race": range(1, 7),
    "goal": range(1, 7),
    "field_cd": range(1, 19),
    "career_c": range(1, 18),
}
PREFERENCES = ("attr1_1", "sinc1_1", "intel1_1", "fun1_1", "amb1_1", "shar1_1")


def person_features(row: Row) -> list[float]:
    """One person's sign-up answers as numbers; unanswered as the middle (0) with a flag."""
    found: list[float] = []
    for key, (low, high) in SCALES.items():
        value = number(row, key)
        found += [0.0, 1.0] if value is None else [(2 * value - low - high) / (high - low), 0.0]
    for key, values in CATEGORIES.items():
        value = number(row, key)
        found += [float(value == v) for v in values]
    # Preference points: waves 6-9 asked 1-10 each, the others 100 points shared out; as shares.
    points = [number(row, key) or 0.0 for key in PREFERENCES]
    total = sum(points)
    found += [p / total if total else 0.0 for p in points]
    found += [((number(row, key) or 5.0) - 5.0) / 5.0 for key in INTERESTS]
    return found


def pair_features(liker: Row, liked: Row) -> list[float]:
    mine = np.array([number(liker, key) or 5.0 for key in INTERESTS])
    theirs = np.array([number(liked, key) or 5.0 for key in INTERESTS])
    shared = float(np.corrcoef(mine, theirs)[0, 1]) if mine.std() > 0 and theirs.std() > 0 else 0.0
    a, b = number(liker, "age"), number(liked, "age")
    gap = 0.0 if a is None or b is None else (b - a) / 5
    same_race = float(liker.get("race", "") != "" and liker.get("race") == liked.get("race"))
    cares = ((number(liker, "imprace") or 1.0) - 1) / 9
    return [
        shared,
        gap,
        abs(gap),
        same_race,
        same_race * cares,
        *(float(liker.get(k, "") != "" and liker.get(k) == liked.get(k)) for k in CATEGORIES),
    ]


def fit(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Weights (the first the intercept, not penalised) by Newton's method."""
    design = np.c_[np.ones(len(x)), x]
    weights = np.zeros(design.shape[1])
    penalty = PENALTY * np.eye(len(weights))
    penalty[0, 0] = 0.0
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + penalty @ weights
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty
        weights -= np.linalg.solve(hessian, gradient)
    return weights


def leave_one_wave_out(rows: Sequence[Row]) -> dict[Pair, float]:
    """P(liker says yes to liked) for every date of ``rows``, each wave's from a model fitted
    on the other waves' decisions (by the liker's gender)."""
    people = {int(r["iid"]): r for r in rows}
    dates = [(int(r["iid"]), int(r["pid"])) for r in rows]
    x = np.array([_features(people[i], people[j]) for i, j in dates])
    wave = np.array([r["wave"] for r in rows])
    woman = np.array([r["gender"] == "0" for r in rows])
    decided = np.array([r.get("dec") in ("0", "1") for r in rows])
    said_yes = np.array([r.get("dec") == "1" for r in rows], np.float64)
    found = np.full(len(rows), np.nan)
    for name in sorted(set(wave)):
        for side in (woman, ~woman):
            train = (wave != name) & side & decided
            scored = (wave == name) & side
            if not scored.any() or not train.any():
                continue
            weights = fit(x[train], said_yes[train])
            found[scored] = 1.0 / (1.0 + np.exp(-(weights[0] + x[scored] @ weights[1:])))
    return {pair: float(p) for pair, p in zip(dates, found, strict=True) if not np.isnan(p)}


def two_way(yes: dict[Pair, float], pairs: Iterable[Pair]) -> dict[Pair, float]:
    """Both say yes, as the product of the two fitted probabilities."""
    return {(i, j): yes.get((i, j), 0.0) * yes.get((j, i), 0.0) for i, j in pairs}


def _features(liker: Row, liked: Row) -> list[float]:
    return person_features(liker) + person_features(liked) + pair_features(liker, liked)
