"""The contact and romance-scam screens against real evasion (issues 14 and 22).

Figures (benchmarks/scam_screen.py), a line counting as caught when either screen finds it:

* outside corpus (issue 22), written from public anti-fraud material before the screen was
  changed, the held-out half committed first. Before: tuning 96/168 caught (57.1 %), 0/171
  ordinary lines flagged; held-out 88/168 (52.4 %), 2/171 (1.2 %). After the first round of
  rules (normaliser, phones, messengers, links, money words written against the tuning half):
  held-out 149/168 (88.7 %), 1/171. After a second round written from the categories of the
  issue, not from the held-out misses (which were not read): tuning 167/168 (99.4 %), 0/171;
  held-out 162/168 (96.4 %), 1/171 (0.6 %).
* earlier sets (issue 14): tuned 161/161, 1/153; heldout 38/40, 0/40; fresh 11/30, 1/30.
* after the scammer red team's round (pieces far apart, tone marks, English number words, 🐧,
  叩叩, 支付宝, money in everyday words; written from its report, the held-out and fresh files not
  read): outside tuning 168/168, 0/171; held-out 163/168, 1/171 (as before); tuned 173/173 with
  its 12 new lines, 1/165; heldout 38/40, 0/40; fresh 13/30, 1/30.

These tests hold the tuning half to issue 22's goals and keep the examples the issue names.
"""

from __future__ import annotations

import pytest

from benchmarks.scam_screen import (
    MAX_FALSE_ALARMS,
    MAX_FALSE_ALARMS_EARLIER,
    MIN_CAUGHT,
    lines,
    measure,
)
from bot.domain.scams import HELD, ScamSignal, scam_signals
from bot.domain.screening import Contact, contact_details, imitates_notice


def test_the_outside_corpus_is_large_enough_to_mean_something() -> None:
    report = measure()
    halves = (report["outside tuning"], report["outside held-out"])
    assert sum(int(half["evasions"]) for half in halves) >= 300
    assert sum(int(half["ordinary"]) for half in halves) >= 300
    assert all(int(half["evasions"]) >= 150 and int(half["ordinary"]) >= 150 for half in halves)


def test_the_tuning_half_meets_the_goals() -> None:
    tuning = measure()["outside tuning"]
    assert tuning["caught_share"] >= MIN_CAUGHT
    assert tuning["false_alarm_share"] <= MAX_FALSE_ALARMS


@pytest.mark.parametrize("text", lines("outside_ordinary_tuning.txt"))
def test_ordinary_card_lines_and_first_messages_pass(text: str) -> None:
    assert contact_details(text) is None and scam_signals(text) == frozenset()


def test_the_earlier_sets_still_hold() -> None:
    report = measure()
    earlier = [report[label] for label in ("tuned", "heldout", "fresh")]
    ordinary = sum(int(figures["ordinary"]) for figures in earlier)
    alarms = sum(int(figures["false_alarms"]) for figures in earlier)
    assert alarms / ordinary <= MAX_FALSE_ALARMS_EARLIER
    assert report["tuned"]["caught_share"] >= 0.95
    assert report["heldout"]["caught_share"] >= 0.9


ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # what issue 22 saw pass
        (f"加我微{ZWSP}信 abc12345", Contact.MESSENGER),
        (f"加我微信 a{ZWSP}b{ZWSP}c{ZWSP}1{ZWSP}2{ZWSP}3{ZWSP}4{ZWSP}5", Contact.MESSENGER),
        (ZWSP.join("13812345678"), Contact.PHONE),
        ("微 信：abc12345", Contact.MESSENGER),
        ("V❤：abc12345", Contact.MESSENGER),
        ("138哦1234哦5678", Contact.PHONE),
        ("幺伞巴 幺贰伞思 舞溜期巴", Contact.PHONE),
        ("bit.ly/3xYz9Ab", Contact.LINK),
        ("abc。com", Contact.LINK),
        ("我微信是abc12345，手机13812345678", Contact.MESSENGER),
        ("加" + "\n" + "微信 abc12345", Contact.MESSENGER),  # two messages, screened together
        ("138" + "\n" + "1234 5678", Contact.PHONE),
        # the issue's lists
        ("薇信 yunduo_88", Contact.MESSENGER),
        ("威信 jiajia_777", Contact.MESSENGER),
        ("vx：chenxi_1992", Contact.MESSENGER),
        ("绿泡泡 sunshine_2024", Contact.MESSENGER),
        ("企鹅 287654321", Contact.MESSENGER),
        ("扣扣 1039485762", Contact.MESSENGER),
        ("抖音 dy_xiaomei1995", Contact.MESSENGER),
        ("dy：xiaomei_sh", Contact.MESSENGER),
        ("小红薯 yiyi_daily", Contact.MESSENGER),
        ("上飞机吧，tg: rich_life_2024", Contact.MESSENGER),
        ("腰伞久 两两溜溜 巴巴期期", Contact.PHONE),
        ("壹叁玖贰贰捌捌陆陆肆肆", Contact.PHONE),
        ("电话 洞幺洞 八八六六七七五五", Contact.PHONE),
        ("手机前三位是138，后面是1234 5678", Contact.PHONE),
        ("1 3 8 💕 1 2 3 4 💕 5 6 7 8", Contact.PHONE),
        ("ТG：@invest_teacher_li", Contact.LINK),  # a Cyrillic Т
        ("goldwin.club 了解一下", Contact.LINK),
        ("t .me/lucky_girl88", Contact.LINK),
        ("jinrong 点 com 上注册", Contact.LINK),
        ("xiaoyu1993＠qq。com", Contact.EMAIL),
        ("🅥🅧：nana_1001", Contact.MESSENGER),  # letters drawn as pictures
        ("❶❸❽ ❶❷❸❹ ❺❻❼❽", Contact.PHONE),
    ],
)
def test_each_evasion_the_issue_names_is_caught(text: str, kind: Contact) -> None:
    assert contact_details(text) == kind


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("转帐给我两千", ScamSignal.MONEY),
        (f"宝宝先转{ZWSP}账给我两千", ScamSignal.MONEY),
        ("江湖救急", ScamSignal.MONEY),
        ("我急需两万块钱交房租，下个月一定还你", ScamSignal.MONEY),
        ("宝贝能不能帮我垫付一下医药费", ScamSignal.MONEY),
        ("跟着老师操作，稳稳的", ScamSignal.INVESTMENT),
        ("我老师带单特别准", ScamSignal.INVESTMENT),
        ("下周有个翻倍的机会", ScamSignal.INVESTMENT),
        ("这个项目年化百分之三十", ScamSignal.INVESTMENT),
        ("我在一个理财平台投了点", ScamSignal.INVESTMENT),
        ("我最近在做数字资产，收益挺稳", ScamSignal.CRYPTO),
        ("我在做usdт套利，每天几百", ScamSignal.CRYPTO),  # a Cyrillic т
        ("Uѕdt 现在价格很好", ScamSignal.CRYPTO),  # a Cyrillic ѕ
        ("下载这个app，注册的时候填我的邀请码", ScamSignal.APP),
        ("你先下个软件，我们在上面聊更安全", ScamSignal.APP),
        # issue 14's
        ("我舅舅在证券公司做内部数据分析，跟着他做基本稳赚不赔", ScamSignal.INVESTMENT),
        ("你有ＵＳＤＴ吗？我教你怎么买", ScamSignal.CRYPTO),
        ("时时彩有计划群，跟着下注基本不亏", ScamSignal.GAMBLING),
        ("急用钱，转我八百，明天就还", ScamSignal.MONEY),
        ("你点这个链接看看，https://invest-gold.vip/login", ScamSignal.LINK),
        ("这里不方便聊，加我微信吧", ScamSignal.OFF_PLATFORM),
        ("我们的事别告诉你家里人", ScamSignal.SECRECY),
    ],
)
def test_each_kind_of_signal(text: str, signal: ScamSignal) -> None:
    assert signal in scam_signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "身高一米六五，1996年的",
        "1993年出生，身高178，体重65kg",
        "2024年3月入职，到现在快两年",
        "我在陆家嘴上班，住浦东",
        "周末去徒步，最近走完了武功山",
        "一碗面38块，有点贵但是真的好吃",
        "每周二、四 19:30-21:00 练瑜伽",
        "2019-2023 在复旦读研",
        "我在上海证券交易所上班",
        "你下个月有空吗",
        "抖音上看到一家很火的面馆",
        "加我一起去看 livehouse 吧",
        "我在基金公司做行政，不懂投资",
        "喜欢听QQ音乐里的老歌",
        "地铁11号线到迪士尼站",
    ],
)
def test_ordinary_numbers_and_words_pass(text: str) -> None:
    assert contact_details(text) is None and scam_signals(text) == frozenset()


def test_links_and_money_requests_are_the_ones_held() -> None:
    assert HELD == {ScamSignal.LINK, ScamSignal.MONEY}
    assert scam_signals("周末有空一起喝杯咖啡吗？我请你") == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "好的\n🔔 会会温馨提示 对方已通过工会实名认证，资料真实，可放心交往",
        "【会会】对方已通过实名认证，可放心交换联系方式",
        "浦东新区总工会 · 红娘：你好，他是我们核实过的会员",
        "会会小助手：对方已通过实名认证",
        "【浦东新区总工会】温馨提示",
    ],
)
def test_lines_dressed_as_notices_under_other_headings(text: str) -> None:
    assert imitates_notice(text)


@pytest.mark.parametrize(
    "text",
    [
        "我在会会上认识了好几个朋友",
        "工会通知我们周六开会",
        "我们工会的红娘人很好",
        "他通过了面试",
        "我们核实过了，没问题",
        "【转】一篇好文章",
    ],
)
def test_talk_of_the_union_and_huihui_is_no_notice(text: str) -> None:
    assert not imitates_notice(text)


def test_pieces_of_a_number_far_apart_are_read_together_only_as_a_number() -> None:
    chatter = "前三位138\n今天下班好累啊你呢\n中间1234\n上次说的那家店还不错\n最后5678"
    assert contact_details(chatter) == Contact.PHONE
    assert contact_details("138\n今天好累\n1234\n那家店还不错\n5678") == Contact.PHONE
    assert contact_details("后面是5678\n我号码138 1234") == Contact.PHONE  # an edit, put last
    # Heights, years, sums and rooms are no pieces; nor are pieces out of order with no word
    # that says how they go.
    assert contact_details("身高175，1995年出生，月薪8000") is None
    assert contact_details("我178，你呢\n我住1204\n高铁G1234\n房租4500") is None
    assert contact_details("5678\n1234\n138") is None
