"""The matching engine on plain data."""

from __future__ import annotations

from bot.domain.matching import Decision, Profile, Reason, compatible, rank

ANN = Profile(
    1,
    "female",
    28,
    frozenset({"male"}),
    (27, 35),
    interests={"hiking": 1.0, "films": 0.8},
    values={"children": "want", "weekends": "outdoors"},
    district="浦东新区",
)


def man(id_: int, age: int = 30, **fields) -> Profile:
    return Profile(id_, "male", age, frozenset({"female"}), (24, 32), **fields)


def test_hard_constraints_hold_both_ways() -> None:
    assert compatible(ANN, man(2))
    assert not compatible(ANN, man(3, age=40))  # too old for her
    assert not compatible(
        ANN, Profile(4, "male", 30, frozenset({"female"}), (20, 25))
    )  # she is too old for him
    assert not compatible(ANN, Profile(5, "female", 30, frozenset({"female"})))  # she seeks men
    assert not compatible(ANN, ANN)
    colleague = Profile(6, "male", 30, employer="上海电气", avoid_own_employer=True)
    assert not compatible(colleague, Profile(7, "female", 28, employer="上海电气"))
    assert [s.candidate.id for s in rank(ANN, [man(2), man(3, age=40)])] == [2]


def test_nice_to_have_preferences_are_soft() -> None:
    picky = Profile(1, "female", 28, districts_sought=frozenset({"徐汇区"}), districts_must=False)
    near, far = man(2, district="徐汇区"), man(3, district="崇明区")
    assert [s.candidate.id for s in rank(picky, [far, near])] == [2, 3]
    strict = Profile(1, "female", 28, districts_sought=frozenset({"徐汇区"}), districts_must=True)
    assert [s.candidate.id for s in rank(strict, [far, near])] == [2]


def test_rare_shared_hobbies_count_more_than_common_ones() -> None:
    pool = [man(i, interests={"films": 1.0}) for i in range(10, 20)]
    films_fan = man(2, interests={"films": 1.0})
    hiker = man(3, interests={"hiking": 1.0})
    ranked = rank(ANN, [films_fan, hiker, *pool])
    assert ranked[0].candidate.id == 3
    assert Reason("shared_interests", ("hiking",)) in ranked[0].reasons


def test_reasons_name_what_the_two_share() -> None:
    twin = man(
        2,
        interests={"hiking": 1.0, "films": 1.0},
        district="浦东新区",
        values={"children": "want", "weekends": "outdoors"},
    )
    [suggestion] = rank(ANN, [twin])
    kinds = {reason.kind: reason.items for reason in suggestion.reasons}
    assert set(kinds["shared_interests"]) == {"hiking", "films"}
    assert kinds["same_district"] == ("浦东新区",)
    assert set(kinds["shared_values"]) == {"children", "weekends"}


def test_reciprocity_prefers_someone_likely_to_like_back() -> None:
    open_ = man(2, openness=0.8)
    choosy = man(3, openness=-0.8)
    assert [s.candidate.id for s in rank(ANN, [choosy, open_])] == [2, 3]


def test_history_brings_people_who_liked_you_and_liked_people_up() -> None:
    admirer, popular, ignored = man(2), man(3), man(4)
    others = [Profile(i, "female", 28) for i in range(20, 26)]
    history = [Decision(2, 1, True)]
    history += [Decision(o.id, 3, True) for o in others] + [
        Decision(o.id, 4, False) for o in others
    ]
    ranked = rank(ANN, [ignored, popular, admirer], history)
    assert ranked[-1].candidate.id == 4
    admired = next(s for s in ranked if s.candidate.id == 2)
    assert Reason("liked_you") in admired.reasons


def test_exposure_cap_lets_quiet_members_be_seen() -> None:
    star, quiet = man(2, interests={"hiking": 1.0}), man(3)
    assert rank(ANN, [quiet, star])[0].candidate.id == 2
    capped = rank(ANN, [quiet, star], exposure={2: 40}, exposure_cap=20)
    assert capped[0].candidate.id == 3
