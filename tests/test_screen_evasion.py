"""What Telegram does not display cannot change what the screens decide, and is not shown to
others (issue 22, section 1); a nickname cannot pass its owner off as staff (section 5)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.scam_screen import lines
from bot.domain.scams import scam_signals
from bot.domain.screening import card_contact, contact_details, imitates_notice
from bot.domain.text import visible
from bot.tools.sandbox import Sandbox
from tests.helpers import ZH_ANSWERS, answer, seed_union, verify

CORPUS_LINES = [
    line
    for name in (
        "outside_evasions_tuning.txt",
        "outside_evasions_heldout.txt",
        "outside_ordinary_tuning.txt",
        "outside_ordinary_heldout.txt",
    )
    for line in lines(name)
]
FORMAT_CHARACTERS = st.characters(categories=["Cf"])


def with_inserted(text: str, insertions: list[tuple[int, str]]) -> str:
    for at, invisible in sorted(insertions, reverse=True):
        at = min(at, len(text))
        text = text[:at] + invisible + text[at:]
    return text


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.sampled_from(CORPUS_LINES), st.text(max_size=60)),
    insertions=st.lists(
        st.tuples(st.integers(0, 80), st.text(FORMAT_CHARACTERS, min_size=1, max_size=3)),
        max_size=12,
    ),
)
def test_format_characters_anywhere_never_change_the_decision(
    text: str, insertions: list[tuple[int, str]]
) -> None:
    padded = with_inserted(text, insertions)
    assert contact_details(padded) == contact_details(text)
    assert scam_signals(padded) == scam_signals(text)


# What the screens read specially, to be put together in any order: digits said as words, with
# tone marks or apart, pieces of numbers, units, headings of notices.
PIECES = st.sampled_from(
    [
        *"yao er san si wu liu qi ba jiu ling one two three four five six seven eight nine".split(),
        *["yāo", "èr", "sì", "wǔ", "liù", "qī", "bā", "\u0301", "З", "б", "I", "O", "l"],
        *["138", "1234", "5678", "1995", "175", "8000", "年", "cm", "身高", "尾号", "前面是"],
        *[" ", "\n", "-", ".", "，", "🐧", "叩叩", "w信", "支付宝", "我的微：", "QQ邮箱", "(.)"],
        *[
            "【会会】",
            "会会温馨提示",
            "工会 · 红娘：",
            "对方已通过实名",
            "转个账",
            "还差",
            "需要钱",
        ],
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=30).map("".join))
def test_the_screens_read_any_text_without_failing(text: str) -> None:
    contact_details(text)
    scam_signals(text)
    imitates_notice(text)
    card_contact({"nickname": text[:20], "hobbies": [text[:10]], "introduction": text})


@given(text=st.text(max_size=60))
def test_what_others_see_has_no_format_characters_outside_emoji(text: str) -> None:
    shown = visible(text)
    hidden = [c for c in shown if unicodedata.category(c) == "Cf"]
    assert all(c == "\u200d" for c in hidden)  # only a joiner inside an emoji sequence
    assert contact_details(shown) == contact_details(text)


def test_what_others_see() -> None:
    assert visible("加我微\u200b信 abc\u2060123\u00ad45") == "加我微信 abc12345"
    assert visible("\u202e小雨\u200e\ufeff") == "小雨"  # a BiDi override cannot flip a name
    assert visible("一家人 👨\u200d👩\u200d👧") == "一家人 👨\u200d👩\u200d👧"


WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
LOOKS_LIKE_STAFF = "容易让人误以为是工会工作人员或会会官方"


@pytest.mark.parametrize(
    "nickname",
    [
        "工会红娘",
        "红娘",
        "会会客服",
        "客服",
        "管理员",
        "工会",
        "辅导员",
        "工 会 · 红 娘",
        "会会\u200b客\u200d服",
        "管-理-员小王",
        "紅娘",
        "ａdмin",  # full-width a, Cyrillic м
        "🏛 小雨",  # the mark every staff answer starts with
    ],
)
async def test_a_nickname_that_passes_for_staff_is_refused_kindly(
    sandbox: Sandbox, nickname: str
) -> None:
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    await wang.send(nickname)
    assert LOOKS_LIKE_STAFF in wang.last_text()
    await wang.send("化工会计小雨")  # 化工 + 会计: no union in it
    assert "你的性别是" in wang.last_text()  # accepted: on to the next question


async def test_edit_cannot_turn_a_nickname_into_a_staff_title(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    for steps in ZH_ANSWERS.values():
        await answer(wang, steps)
    await wang.send("/edit")
    await wang.press("昵称")
    await wang.send("浦东工会·红娘")
    assert LOOKS_LIKE_STAFF in wang.last_text()
    await wang.send("/profile")
    assert "红娘" not in wang.last_text() and "小雨" in wang.last_text()


async def test_a_nickname_of_invisible_characters_is_no_nickname(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    await wang.send("\u200b\u00ad\u202e")
    assert "请写下你的回答" in wang.last_text()
