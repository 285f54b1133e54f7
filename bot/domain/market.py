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
1. **Candidate graph**: each member's best candidates by the engine's two-way score (the caller
   scores them; see bot.domain.matching.pair_score).
2. **Transport normalisation** (one Sinkhorn step, after Tomita et al., RecSys 2023): a pair's
   weight is its score divided by the geometric mean of the two members' total scores, so a
   member everyone scores highly does not take every pair, and a member whom few score highly
   still has pairs that count for them.
3. **Rarely seen first**: a member shown to few people lately has their pairs' weights raised.
4. **Greedy b-matching in stages**: pairs by weight, heaviest first, each member in at most
   ``stages[0]`` pairs (their top cards), then up to ``stages[1]``, …; the stages keep the first
   cards of the day agreed pairs. Greedy is within half of the best weight and runs in one pass
   over sorted pairs; on the speed-dating waves it matched an exact solver.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from bot.domain.matching import History, Profile, compatible, pair_score, rarity

STAGES = (3, 5)  # pairs per member: the first cards, then the rest of the plan
RARELY_SEEN_BOOST = 1.0  # weight multiplier 1 + boost / (1 + times shown lately)


def normalise(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], weight: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """One Sinkhorn step: weight / sqrt(total of a's pairs × total of b's pairs). ``a`` and
    ``b`` are dense member indices."""
    size = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
    total = np.bincount(a, weight, size) + np.bincount(b, weight, size)
    total[total <= 0] = 1.0
    result: npt.NDArray[np.float64] = weight / np.sqrt(total[a] * total[b])
    return result


def greedy_stages(
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    stages: Sequence[int],
) -> list[tuple[int, int, int]]:
    """Greedy b-matching in stages: (a, b, stage) of the chosen pairs, heaviest first within a
    stage. Pairs must be distinct and unordered-unique."""
    order = np.lexsort((b, a, -weight))  # ties broken by ids, so the plan is reproducible
    first, second = a[order].tolist(), b[order].tolist()
    size = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
    degree = [0] * size
    taken = bytearray(len(first))
    chosen: list[tuple[int, int, int]] = []
    for stage, cap in enumerate(stages):
        for n, (x, y) in enumerate(zip(first, second, strict=True)):
            if not taken[n] and degree[x] < cap and degree[y] < cap:
                taken[n] = 1
                degree[x] += 1
                degree[y] += 1
                chosen.append((x, y, stage))
    return chosen


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
    members = sorted({m for pair in scores for m in pair})
    index = {m: n for n, m in enumerate(members)}
    a = np.fromiter((index[x] for x, _ in scores), np.int64, len(scores))
    b = np.fromiter((index[y] for _, y in scores), np.int64, len(scores))
    weight = np.fromiter(scores.values(), np.float64, len(scores))
    seen = np.array([(shown_lately or {}).get(m, 0) for m in members], np.float64)
    return [
        (members[x], members[y], stage)
        for x, y, stage in greedy_stages(a, b, weighted(a, b, weight, seen), stages)
    ]


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
    profiles: Sequence[Profile],
    *,
    history: History | None,
    sample: int,
    seed: int,
    excluded: npt.NDArray[np.int64] | None = None,
) -> dict[tuple[int, int], float]:
    """Each member's candidates for the day: ``sample`` members drawn at random from the
    genders they seek (a fresh draw each day: ``seed``), kept if the hard constraints hold both
    ways and the pair is not ``excluded`` (keys ``pair_key``), scored by the engine's two-way
    score. Each unordered pair once, as (lower id, higher id)."""
    rng = np.random.default_rng(seed)
    by_gender: dict[str, list[Profile]] = {}
    for profile in profiles:
        by_gender.setdefault(profile.gender, []).append(profile)
    idf = rarity(profiles)
    drawn: dict[tuple[int, int], None] = {}
    for viewer in profiles:
        pools = [by_gender.get(g, []) for g in (viewer.seeks or by_gender)]
        people = [p for pool in pools for p in pool]
        if not people:
            continue
        for index in rng.integers(0, len(people), min(sample, len(people))).tolist():
            other = people[index]
            if other.id != viewer.id:
                drawn[(viewer.id, other.id) if viewer.id < other.id else (other.id, viewer.id)] = (
                    None
                )
    pairs = list(drawn)
    if excluded is not None and len(excluded) and pairs:
        keys = pair_keys(np.array(pairs, np.int64))
        keep = ~np.isin(keys, excluded)
        pairs = [pair for pair, kept in zip(pairs, keep.tolist(), strict=True) if kept]
    found = {p.id: p for p in profiles}
    scores: dict[tuple[int, int], float] = {}
    for a, b in pairs:
        first, second = found[a], found[b]
        if compatible(first, second):
            scores[(a, b)] = pair_score(first, second, idf, history)
    return scores


def pair_keys(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """One int64 per unordered pair of member ids (rows of ``pairs``), for fast set tests."""
    low = np.minimum(pairs[:, 0], pairs[:, 1])
    high = np.maximum(pairs[:, 0], pairs[:, 1])
    result: npt.NDArray[np.int64] = (low << 32) | high
    return result


def cards(pairs: Sequence[tuple[int, int, int]]) -> dict[int, list[int]]:
    """Each member's planned cards in order: stage by stage, heaviest pair first within one."""
    result: dict[int, list[int]] = {}
    for a, b, _stage in pairs:  # plan() lists stage 0 first, heaviest first within a stage
        result.setdefault(a, []).append(b)
        result.setdefault(b, []).append(a)
    return result
