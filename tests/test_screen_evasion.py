"""What Telegram does not display cannot change what the screens decide, and is not shown to
others (issue 22, section 1)."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.scam_screen import lines
from bot.domain.scams import scam_signals
from bot.domain.screening import contact_details
from bot.domain.text import visible

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
