"""The romance-scam screen on written corpora (issue 14, point 4).

Figures (benchmarks/scam_screen.py): on the sets the patterns were written against, recall
161/161 and false alarms 1/153. Measured on the held-out set before it was used for a second
round of patterns: recall 7/40 (17.5 %), false alarms 0/40; after that round 38/40. On the fresh
set, written after the last change and never used to tune: recall 9/30 (30 %), false alarms
1/30. A keyword screen generalises poorly; this test keeps what it does catch from regressing and
keeps ordinary conversation clear. The fresh set must stay untouched by tuning.
"""

from __future__ import annotations

import pytest

from benchmarks.scam_screen import MAX_FALSE_ALARMS, measure
from bot.domain.scams import HELD, ScamSignal, scam_signals


def test_ordinary_first_conversations_are_rarely_flagged() -> None:
    report = measure()
    ordinary = sum(int(figures["ordinary_messages"]) for figures in report.values())
    alarms = sum(int(figures["false_alarms"]) for figures in report.values())
    assert ordinary >= 150 and alarms / ordinary <= MAX_FALSE_ALARMS
    assert report["tuned"]["false_alarm_rate"] <= MAX_FALSE_ALARMS


def test_scam_like_messages_are_caught() -> None:
    report = measure()
    assert report["tuned"]["scam_messages"] >= 150
    assert report["tuned"]["recall"] >= 0.95
    assert report["heldout"]["recall"] >= 0.9


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("我舅舅在证券公司做内部数据分析，跟着他做基本稳赚不赔", ScamSignal.INVESTMENT),
        ("你有ＵＳＤＴ吗？我教你怎么买", ScamSignal.CRYPTO),  # full-width letters too
        ("时时彩有计划群，跟着下注基本不亏", ScamSignal.GAMBLING),
        ("急用钱，转我八百，明天就还", ScamSignal.MONEY),
        ("你下载一下这个App，我给你邀请码", ScamSignal.APP),
        ("你点这个链接看看，https://invest-gold.vip/login", ScamSignal.LINK),
        ("这里不方便聊，加我微信吧", ScamSignal.OFF_PLATFORM),
        ("我们的事别告诉你家里人", ScamSignal.SECRECY),
    ],
)
def test_each_kind_of_signal(text: str, signal: ScamSignal) -> None:
    assert signal in scam_signals(text)


def test_links_and_money_requests_are_the_ones_held() -> None:
    assert HELD == {ScamSignal.LINK, ScamSignal.MONEY}
    assert scam_signals("周末有空一起喝杯咖啡吗？我请你") == frozenset()
