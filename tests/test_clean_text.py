"""What ``free_text.clean`` takes out of typed or uploaded text (roster files, names, notes):
exactly the control characters but line breaks and tabs, lone surrogates and the Unicode
non-characters; every other code point is kept, Chinese, emoji and zero-width marks included."""

from __future__ import annotations

import random
import re
import unicodedata

from bot.domain import free_text


def removed_by_rule(char: str) -> bool:
    """The rule, one character at a time (as clean applied it before it used one pattern)."""
    if char in "\n\t":
        return False
    if unicodedata.category(char) in ("Cc", "Cs"):
        return True
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def test_clean_removes_exactly_the_characters_the_rule_names() -> None:
    everything = "".join(chr(code) for code in range(0x110000))
    kept = free_text.clean(f"x{everything}x")
    expected = "".join(char for char in everything if not removed_by_rule(char))
    assert kept == f"x{expected}x"


def on_one_line_by_rule(text: str) -> str:
    """The one-line rule in two steps: each run of line breaks becomes a space, then each run
    of spaces (tabs, no-break and ideographic spaces) one space."""
    text = re.sub(r"[\r\n\u2028\u2029\u0085]+", " ", text)
    return re.sub(r"[ \t\u00a0\u3000]+", " ", text)


def test_on_one_line_every_run_of_breaks_and_spaces_is_one_space() -> None:
    pieces = ["王", "a", " ", "  ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u2028", "\x85"]
    pieces.append("\x00")
    shuffler = random.Random(24)
    for _ in range(5_000):
        text = "".join(shuffler.choice(pieces) for _ in range(shuffler.randrange(12)))
        expected = on_one_line_by_rule("".join(c for c in text if not removed_by_rule(c)))
        assert free_text.clean(text, single_line=True) == expected.strip(), repr(text)


def test_a_roster_cell_keeps_what_people_wrote() -> None:
    assert free_text.clean("\u3000王小雨\x00\u200b👩‍💻\r\n", single_line=True) == "王小雨\u200b👩‍💻"
    assert free_text.clean("第一行\r\n\t第二行\ufffe\U0010ffff") == "第一行\n\t第二行"
