"""The daily market plan on plain data (bot.domain.market)."""

from __future__ import annotations

from collections import Counter

from bot.domain.market import plan

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
