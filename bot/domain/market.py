"""The daily plan: who is shown to whom across a union, so that lists agree and nobody is left
unseen.

Plain Python and numpy (no Telegram, no SQL). Measured on the speed-dating experiment by
benchmarks/market.py and on a synthetic union by benchmarks/market_simulation.py.

Why a plan
----------
Each member looks at the top few cards of the day, and a mutual match needs both to have seen
each other. Ranking each member's list on its own crowds the same few people into everyone's top
three (a third of the speed-dating participants were in nobody's) and lists rarely agree. The
plan instead chooses *pairs*: when she is shown him today, he is shown her today.

How
---
1. **Candidate graph** (``candidate_graph``): for each member, members they seek drawn at
   random (a fresh draw each day), kept if the hard constraints hold both ways, scored by the
   engine's two-way score (bot.domain.matching.pair_score, computed for all pairs at once over
   arrays by bot.domain.pair_arrays).
2. **Transport normalisation** (one Sinkhorn step, after Tomita et al., RecSys 2023): a pair's
   weight is its score divided by the geometric mean of the two members' total scores, so a
   member everyone scores highly does not take every pair, and a member whom few score highly
   still has pairs that count for them.
3. **Rarely seen first**: a member shown to few people lately has their pairs' weights raised.
4. **Greedy b-matching in stages**: pairs by weight, heaviest first, each member in at most
   ``stages[0]`` pairs (their top cards), then up to ``stages[1]``, …; the stages keep the first
   cards of the day agreed pairs. Greedy is within half of the best weight and runs in one pass
   over sorted pairs; on the speed-dating waves it did as well as an exact solver of the same
   weights (33.6 against 32.0 mutual matches per 100 at top 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from bot.domain.matching import History, Profile
from bot.domain.pair_arrays import Arrays, Columns

# Pairs per member: the first cards, then the rest (the speed-dating benchmark's top 3 and 5;
# the bot's own are bot.services.matching.plan.STAGES).
STAGES = (3, 5)
GREEDY_CHUNK = 200_000
BALANCE = 0.5  # the normalisation's power: 0 plain scores, 0.5 one Sinkhorn step
RARELY_SEEN_BOOST = 1.0  # weight multiplier 1 + boost / (1 + times shown lately)


def normalise(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], weight: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """One Sinkhorn step: weight / sqrt(total of a's pairs × total of b's pairs). ``a`` and
    ``b`` are dense member indices."""
    size = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
    total = np.bincount(a, weight, size) + np.bincount(b, weight, size)
    total[total <= 0] = 1.0
    result: npt.NDArray[np.float64] = weight / (total[a] * total[b]) ** BALANCE
    return result


def greedy_stages(
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    stages: Sequence[int],
) -> list[tuple[int, int, int]]:
    """Greedy b-matching in stages: (a, b, stage) of the chosen pairs, heaviest first within a
    stage. Pairs must be distinct and unordered-unique."""
    chosen, stage = greedy_arrays(a, b, weight, stages)
    return list(zip(a[chosen].tolist(), b[chosen].tolist(), stage.tolist(), strict=True))


def greedy_arrays(
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    stages: Sequence[int],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``greedy_stages`` as arrays: the chosen pairs' indices into ``a``/``b`` and their
    stages, stage by stage and heaviest first within a stage."""
    order = np.lexsort((b, a, -weight))  # ties broken by ids, so the plan is reproducible
    first, second = a[order], b[order]
    size = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
    degree = [0] * size
    taken = bytearray(len(first))  # 0: not chosen, else 1 + the stage it was chosen in
    untaken = np.frombuffer(taken, np.uint8)
    for stage, cap in enumerate(stages):
        mark = stage + 1
        # A chunk of sorted pairs at a time: Python lists of every pair of a million members
        # would take gigabytes.
        for start in range(0, len(first), GREEDY_CHUNK):
            span = slice(start, start + GREEDY_CHUNK)
            free = np.flatnonzero(untaken[span] == 0)
            xs, ys = first[span][free].tolist(), second[span][free].tolist()
            for n, x, y in zip((free + start).tolist(), xs, ys, strict=True):
                if degree[x] < cap and degree[y] < cap:
                    taken[n] = mark
                    degree[x] += 1
                    degree[y] += 1
    position = np.flatnonzero(untaken)
    stage_of = untaken[position].astype(np.int64) - 1
    within = np.lexsort((position, stage_of))  # stage by stage, heaviest first
    chosen: npt.NDArray[np.int64] = order[position[within]]
    return chosen, stage_of[within]


def plan(
    scores: Mapping[tuple[int, int], float],
    stages: Sequence[int] = STAGES,
    shown_lately: Mapping[int, int] | None = None,
) -> list[tuple[int, int, int]]:
    """The day's pairs (a, b, stage), best first within each stage: each member in at most
    ``stages[-1]`` pairs, ``stages[0]`` of them in stage 0. ``scores`` holds each unordered
    pair once (the engine's two-way score); ``shown_lately`` counts how often each member was
    shown recently (missing: never)."""
    if not scores:
        return []
    pairs = np.array(list(scores), np.int64)
    weight = np.fromiter(scores.values(), np.float64, len(scores))
    return plan_arrays(pairs[:, 0], pairs[:, 1], weight, stages, shown_lately)


def plan_arrays(
    first: npt.NDArray[np.int64],
    second: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
    stages: Sequence[int] = STAGES,
    shown_lately: Mapping[int, int] | None = None,
) -> list[tuple[int, int, int]]:
    """``plan`` for pairs given as arrays of member ids and their scores (a large union's
    candidate graph, which a dict of tuples would hold in several times the memory)."""
    low, high, stage = planned_arrays(first, second, score, stages, shown_lately)
    return list(zip(low.tolist(), high.tolist(), stage.tolist(), strict=True))


def planned_arrays(
    first: npt.NDArray[np.int64],
    second: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
    stages: Sequence[int] = STAGES,
    shown_lately: Mapping[int, int] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``plan_arrays`` as three arrays (first ids, second ids, stages), for ``cards`` without
    a Python tuple per pair."""
    if not len(score):
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    members, index = np.unique(np.concatenate([first, second]), return_inverse=True)
    a, b = index[: len(first)], index[len(first) :]
    shown = shown_lately or {}
    seen = np.array([shown.get(m, 0) for m in members.tolist()], np.float64)
    chosen, stage = greedy_arrays(a, b, weighted(a, b, score, seen), stages)
    return members[a[chosen]], members[b[chosen]], stage


def weighted(
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
    shown_lately: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The plan's weight of each pair: normalised, rarely seen members raised."""
    boost = 1.0 + RARELY_SEEN_BOOST / (1.0 + shown_lately)
    result: npt.NDArray[np.float64] = normalise(a, b, score) * boost[a] * boost[b]
    return result


def candidate_graph(
    profiles: Sequence[Profile] | Arrays,
    *,
    history: History | None,
    sample: int,
    seed: int,
    excluded: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Each member's candidates for the day: ``sample`` members drawn at random from the
    genders they seek (a fresh draw each day: ``seed``), kept if the hard constraints hold both
    ways and the pair is not ``excluded`` (``pair_keys``), scored by the engine's two-way score
    (computed over arrays: bot.domain.pair_arrays). Returns (lower ids, higher ids, scores),
    each unordered pair once."""
    union = profiles if isinstance(profiles, Arrays) else _arrays(profiles)
    if not union.size:
        return _no_pairs()
    rng = np.random.default_rng(seed)
    gender, seeks = union.c["gender"], union.c["seeks"]
    patterns, group = np.unique(seeks, axis=0, return_inverse=True)
    # Each drawn pair as one int64 key of its two members' indices (the lower first), so that
    # a million members' 24 million draws are held once, as keys, not as rows of ids too.
    drawn = []
    for n, pattern in enumerate(patterns):
        viewers = np.flatnonzero(group.ravel() == n)
        pool = np.flatnonzero(pattern[gender]) if pattern.any() else np.arange(union.size)
        if not len(pool):
            continue
        others = pool[rng.integers(0, len(pool), (len(viewers), sample))].ravel()
        mine = np.repeat(viewers, sample)
        apart = mine != others
        drawn.append(_keys(mine[apart], others[apart]))
        del others, mine, apart
    if not drawn:
        return _no_pairs()
    keys = np.concatenate(drawn)
    del drawn
    keys = np.unique(keys)  # each unordered pair once
    if excluded is not None and len(excluded):
        keys = keys[~np.isin(keys, _as_indices(union.ids, excluded))]
    first, second = keys >> 32, keys & _LOW
    del keys
    ok, scores = union.score(first, second, union.history_terms(history))
    a, b = union.ids[first[ok]], union.ids[second[ok]]
    return np.minimum(a, b), np.maximum(a, b), scores[ok]


_LOW = np.int64(0xFFFFFFFF)


def _keys(x: npt.NDArray[np.int64], y: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    result: npt.NDArray[np.int64] = (np.minimum(x, y).astype(np.int64) << 32) | np.maximum(x, y)
    return result


def _as_indices(ids: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``pair_keys`` of member ids as keys of the members' indices into ``ids``; pairs with
    someone not in ``ids`` are left out (they cannot be drawn)."""
    order = np.argsort(ids, kind="stable")
    ranked = ids[order]
    found = []
    for half in (keys >> 32, keys & _LOW):
        at = np.minimum(np.searchsorted(ranked, half), len(ranked) - 1)
        found.append((order[at], ranked[at] == half))
    (x, x_in), (y, y_in) = found
    both = x_in & y_in
    return _keys(x[both], y[both])


def _arrays(profiles: Sequence[Profile]) -> Arrays:
    columns = Columns()
    columns.add(profiles)
    union = columns.done()
    union.set_rarity()
    return union


def _no_pairs() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)


def pair_keys(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """One int64 per unordered pair of member ids (rows of ``pairs``), for fast set tests."""
    low = np.minimum(pairs[:, 0], pairs[:, 1])
    high = np.maximum(pairs[:, 0], pairs[:, 1])
    result: npt.NDArray[np.int64] = (low << 32) | high
    return result


def cards(
    pairs: Sequence[tuple[int, int, int]]
    | tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> npt.NDArray[np.int64]:
    """Each member's planned cards as rows (viewer, position, candidate): stage by stage,
    heaviest pair first within a stage (the order ``plan`` lists them in). ``pairs`` as
    ``plan`` returns them, or as ``planned_arrays`` does."""
    if isinstance(pairs, tuple):
        chosen = np.stack(pairs[:2], axis=1).astype(np.int64)
    elif len(pairs):
        chosen = np.array(pairs, np.int64)[:, :2]
    else:
        return np.empty((0, 3), np.int64)
    # Rows in the pairs' order, each pair both ways: (a, b) then (b, a).
    viewers = chosen.ravel()
    candidates = chosen[:, ::-1].ravel()
    # A viewer's position is how many of their rows came before (a stable sort keeps the order).
    order = np.argsort(viewers, kind="stable")
    grouped = viewers[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    counts = np.diff(np.r_[starts, len(grouped)])
    positions = np.empty(len(viewers), np.int64)
    positions[order] = np.arange(len(viewers)) - np.repeat(starts, counts)
    return np.stack([viewers, positions, candidates], axis=1)
