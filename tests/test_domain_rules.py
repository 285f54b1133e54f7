"""Plain domain rules: verification, normalisation, hobby mapping, event rules, grouping."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bot.domain.events import (
    Applicant,
    Capacity,
    Conditions,
    Refusal,
    mutual_pairs,
    next_from_waitlist,
    pairing_rate,
    parse_capacity,
    refusals,
)
from bot.domain.grouping import Attendee, colleague_pairs, make_groups, shared_interests
from bot.domain.interests import map_interests
from bot.domain.text import normalise, normalise_member_number, normalise_phone
from bot.domain.verification import Claim, Outcome, Reason, RosterRecord, decide

RECORD = RosterRecord("张三丰", "上海申通地铁集团有限公司", "13800138000")


def claim(name="张三丰", employer="上海申通地铁集团有限公司", phone="13800138000") -> Claim:
    return Claim(name, "SH001", employer, phone)


def test_normalisation_handles_full_width_spaces_and_case() -> None:
    assert normalise("  Ｚｈａｎｇ　San ") == "zhang san"
    assert normalise_member_number("ｓｈ-00１2 3") == "SH00123"
    assert normalise_phone("+86 138-0013-8000") == "13800138000"
    assert normalise_phone("１３８００１３８０００") == "13800138000"
    assert normalise_phone("12") is None


@pytest.mark.parametrize(
    ("entered", "outcome", "reasons"),
    [
        (claim(), Outcome.VERIFIED, ()),
        (claim(name="张 三 丰"), Outcome.VERIFIED, ()),
        (claim(employer="申通地铁"), Outcome.VERIFIED, ()),
        (claim(name="张三峰"), Outcome.PENDING, (Reason.NAME_CLOSE,)),
        (claim(employer="上海申通地跌集团"), Outcome.PENDING, (Reason.EMPLOYER_CLOSE,)),
        (claim(phone="13900000000"), Outcome.PENDING, (Reason.PHONE_DIFFERS,)),
        (claim(name="李四"), Outcome.REJECTED, (Reason.NAME_DIFFERS,)),
        (claim(employer="华为"), Outcome.REJECTED, (Reason.EMPLOYER_DIFFERS,)),
    ],
)
def test_verification_outcomes(entered: Claim, outcome: Outcome, reasons: tuple) -> None:
    decision = decide(entered, RECORD)
    assert (decision.outcome, decision.reasons) == (outcome, reasons)


def test_unknown_and_taken_member_numbers_are_rejected() -> None:
    assert decide(claim(), None).reasons == (Reason.NUMBER_UNKNOWN,)
    assert decide(claim(), RECORD, taken=True).reasons == (Reason.NUMBER_TAKEN,)


def test_roster_without_a_phone_does_not_need_one() -> None:
    record = RosterRecord("张三丰", "上海电气", None)
    assert decide(claim(employer="上海电气", phone=None), record).outcome == Outcome.VERIFIED


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("爬山、看电影，打羽毛球, cosplay", ["hiking", "movies", "badminton", "cosplay"]),
        ("周末爬山和骑车", ["hiking", "cycling"]),
        (
            "hikng, Photography and jogging swimming, table tennis",
            ["hiking", "photography", "running", "swimming", "table_tennis"],
        ),
        ("撸猫 追剧", ["pets", "追剧"]),
        ("K歌；健身房", ["singing", "fitness"]),
    ],
)
def test_free_text_hobbies_map_onto_tags_and_keep_the_rest(text: str, tags: list[str]) -> None:
    assert map_interests(text) == tags


def test_groups_respect_size_gender_balance_and_keep_colleagues_apart() -> None:
    chooser = random.Random(4)
    tags = ["hiking", "cooking", "reading", "music", "movies", "travel", "photo", "sports"]
    attendees = [
        Attendee(
            i,
            "male" if i % 2 else "female",
            frozenset(chooser.sample(tags, 3)),
            f"employer {i % 10}",
        )
        for i in range(60)
    ]
    groups = make_groups(attendees, 6)
    assert sorted(len(g) for g in groups) == [6] * 10
    assert all(sum(a.gender == "male" for a in g) == 3 for g in groups)
    assert colleague_pairs(groups) == 0
    in_order = [attendees[i : i + 6] for i in range(0, 60, 6)]  # the sign-up order
    assert shared_interests(groups) > shared_interests(in_order)


def test_waitlist_promotes_the_first_who_fits_a_gender_quota() -> None:
    capacity = Capacity(total=4, male=2, female=2)
    held = Counter({"male": 2, "female": 1})
    assert not capacity.has_place(held, "male") and capacity.has_place(held, "female")
    waiting = [(11, "male"), (12, "female"), (13, "female")]
    assert next_from_waitlist(waiting, capacity, held) == 12
    assert next_from_waitlist(waiting[:1], capacity, held) is None


def test_event_refusals_name_every_reason() -> None:
    applicant = Applicant(
        verified=True, in_scope=False, gender=None, age=41, industry="finance", district="徐汇区"
    )
    found = refusals(
        applicant, Conditions(25, 35, ("education",), ("浦东新区",)), Capacity(10, 5, 5)
    )
    assert found == [
        Refusal.OUTSIDE_UNION,
        Refusal.AGE,
        Refusal.INDUSTRY,
        Refusal.DISTRICT,
        Refusal.NO_GENDER,
    ]
    assert mutual_pairs([(1, 2), (2, 1), (3, 1), (4, 4)]) == [(1, 2)]
    assert pairing_rate(6, 1) == 2 / 6


def test_places_as_organisers_type_them() -> None:
    assert parse_capacity("40") == Capacity(40)
    assert parse_capacity(" 40 20 20 ") == Capacity(40, 20, 20)
    assert parse_capacity("不限") == Capacity()
    for wrong in ("0", "40 10 10", "forty", "40 20"):
        assert parse_capacity(wrong) is None, wrong


def test_a_report_counts_by_the_reporters_standing() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.domain.members import REPORT_WEIGHT_TO_HIDE, report_weight

    now = datetime(2026, 11, 27, tzinfo=UTC)
    newcomer, veteran = now - timedelta(days=3), now - timedelta(days=200)
    assert report_weight(newcomer, now, reported_themselves=False) == 1.0
    assert report_weight(veteran, now, reported_themselves=False) == 1.5
    assert report_weight(veteran, now, reported_themselves=True) == 0.75
    # Three reporters who are themselves under report cannot hide anyone; two veterans can.
    assert 3 * report_weight(newcomer, now, True) < REPORT_WEIGHT_TO_HIDE
    assert 2 * report_weight(veteran, now, False) >= REPORT_WEIGHT_TO_HIDE


def test_text_is_shortened_as_telegram_counts_it() -> None:
    from bot.domain.free_text import shortened, utf16_length

    assert shortened("你好", 10) == "你好"
    cut = shortened("😀" * 3000, 4096)  # each emoji is two UTF-16 units
    assert utf16_length(cut) <= 4096 and cut.endswith("…") and "\ufffd" not in cut
