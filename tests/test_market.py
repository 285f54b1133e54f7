"""The daily market plan on plain data (bot.domain.market)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from bot.domain.market import candidate_graph, pair_keys, plan
from bot.domain.matching import Condition, History, Profile, compatible, pair_score, rarity
from bot.domain.pair_arrays import Columns

# Three women (1-3) and four men (11-14). Everyone rates 11 highest: ranked one list at a
# time, he would head every woman's cards and 14 would head nobody's.
SCORES = {
    (w, m): score for w in (1, 2, 3) for m, score in ((11, 0.9), (12, 0.5), (13, 0.4), (14, 0.1))
}


def test_each_member_is_in_at_most_the_planned_number_of_pairs() -> None:
    pairs = plan(SCORES, stages=(1, 2))
    per_member = Counter(m for a, b, _stage in pairs for m in (a, b))
    assert max(per_member.values()) <= 2
    first = Counter(m for a, b, stage in pairs if stage == 0 for m in (a, b))
    assert max(first.values()) == 1
    assert len({(a, b) for a, b, _stage in pairs}) == len(pairs)


def test_the_favourite_goes_to_whom_he_suits_when_the_other_has_a_good_second_choice() -> None:
    # 1 likes 11 and 12 almost equally; 2 suits only 11. Taking the best pair first would
    # leave 2 with a poor card; the plan gives both a good one.
    scores = {(1, 11): 0.9, (1, 12): 0.8, (2, 11): 0.85, (2, 12): 0.1}
    assert sorted(pair[:2] for pair in plan(scores, stages=(1,))) == [(1, 12), (2, 11)]


def test_a_member_whom_everyone_rates_low_is_still_planned() -> None:
    pairs = plan(SCORES, stages=(1, 2))
    assert any(14 in (a, b) for a, b, _stage in pairs)


def test_a_rarely_seen_member_comes_first() -> None:
    scores = {(1, 11): 0.5, (1, 12): 0.45}
    assert plan(scores, stages=(1,))[0][:2] == (1, 11)
    assert plan(scores, stages=(1,), shown_lately={11: 40})[0][:2] == (1, 12)


def test_the_plan_is_the_same_every_time_and_empty_without_pairs() -> None:
    assert plan(SCORES) == plan(dict(reversed(SCORES.items())))
    assert plan({}) == []


def varied_profiles(count: int, seed: int) -> list[Profile]:
    """Profiles using every field the engine reads: ranges that must or may hold, districts,
    education, employers, backgrounds, heights, facts and conditions, unknowns everywhere."""
    rng = random.Random(seed)

    def maybe(value: object) -> object:
        return value if rng.random() < 0.7 else None

    found = []
    for member_id in range(1, count + 1):
        gender = rng.choice(("female", "male"))
        low = rng.randint(20, 35)
        tall = rng.randint(150, 175)
        facts = {
            fact: rng.choice(values)
            for fact, values in FACTS.items()
            if rng.random() < 0.8  # noqa: PLR2004
        }
        conditions = tuple(
            Condition(fact, frozenset(rng.sample(values, rng.randint(1, 2))), rng.random() < 0.4)
            for fact, values in FACTS.items()
            if rng.random() < 0.3  # noqa: PLR2004
        )
        found.append(
            Profile(
                id=member_id * 7,
                gender=gender,
                age=maybe(rng.randint(22, 45)),  # type: ignore[arg-type]
                seeks=rng.choice((frozenset({"male"}), frozenset({"female"}), frozenset())),
                age_range=rng.choice((None, (low, low + rng.randint(2, 12)))),
                age_range_must=rng.random() < 0.5,  # noqa: PLR2004
                interests={t: rng.choice((1.0, 0.5, 0.0)) for t in rng.sample(TAGS, 3)},
                values={k: rng.choice("abc") for k in rng.sample(("kids", "pets", "city"), 2)},
                district=maybe(rng.choice(DISTRICTS)),  # type: ignore[arg-type]
                districts_sought=frozenset(rng.sample(DISTRICTS, rng.randint(0, 2))),
                districts_must=rng.random() < 0.3,  # noqa: PLR2004
                education=maybe(rng.randint(1, 4)),  # type: ignore[arg-type]
                min_education=maybe(rng.randint(1, 4)),  # type: ignore[arg-type]
                education_must=rng.random() < 0.3,  # noqa: PLR2004
                background=maybe(rng.choice(("han", "hui"))),  # type: ignore[arg-type]
                background_weight=rng.random(),
                employer=rng.choice((None, "", "上海电气", "宝钢")),
                avoid_own_employer=rng.random() < 0.5,  # noqa: PLR2004
                openness=rng.uniform(-1, 1),
                height=maybe(rng.randint(150, 190)),  # type: ignore[arg-type]
                height_range=rng.choice((None, (tall, tall + 15))),
                height_must=rng.random() < 0.3,  # noqa: PLR2004
                facts=facts,
                conditions=conditions,
            )
        )
    return found


FACTS = {"marital": ["never", "divorced", "widowed"], "children": ["none", "some"]}
TAGS = ["hiking", "films", "badminton", "cooking", "reading", "travel"]
DISTRICTS = ["浦东新区", "徐汇区", "静安区", "闵行区"]


def test_the_union_wide_scores_are_the_engines_own() -> None:
    # The plan scores a whole union over arrays (bot.domain.pair_arrays); each pair must get
    # exactly what the engine says one pair at a time, hard constraints included.
    people = varied_profiles(400, seed=5)
    columns = Columns()
    columns.add(people[:150])  # a page at a time, as the planner's worker receives them
    columns.add(people[150:])
    union = columns.done()
    union.set_rarity()
    idf = rarity(people)
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, len(people), 30_000), rng.integers(0, len(people), 30_000)
    history = History.from_counts(
        {p.id: (int(rng.integers(0, 6)), 6) for p in people[::3]},
        {p.id: (int(rng.integers(0, 9)), 9) for p in people[::2]},
        {},
        {},
    )
    for known in (None, history):
        ok, scores = union.score(a, b, union.history_terms(known))
        expected_ok = [compatible(people[x], people[y]) for x, y in zip(a, b, strict=True)]
        assert ok.tolist() == expected_ok
        assert 1_000 < sum(expected_ok) < 25_000  # both kinds of pair were tried
        expected = [
            pair_score(people[x], people[y], idf, known)
            for x, y, fine in zip(a, b, expected_ok, strict=True)
            if fine
        ]
        assert np.allclose(scores[ok], expected, rtol=1e-9, atol=1e-12)


def test_the_candidate_graph_keeps_only_compatible_pairs_never_settled_ones() -> None:
    people = varied_profiles(300, seed=8)
    found = {p.id: p for p in people}
    low, high, scores = candidate_graph(people, history=None, sample=10, seed=1)
    assert len(low) > 300
    assert all(
        compatible(found[a], found[b]) for a, b in zip(low.tolist(), high.tolist(), strict=True)
    )
    settled = pair_keys(np.stack([low[:50], high[:50]], axis=1))
    again = candidate_graph(people, history=None, sample=10, seed=1, excluded=settled)
    assert not set(pair_keys(np.stack(again[:2], axis=1)).tolist()) & set(settled.tolist())
    assert len(again[0]) == len(low) - 50
