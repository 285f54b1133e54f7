"""What ``free_text.clean`` takes out of typed or uploaded text (roster files, names, notes):
exactly the control characters but line breaks and tabs, lone surrogates and the Unicode
non-characters; every other code point is kept, Chinese, emoji and zero-width marks included."""

from __future__ import annotations

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


def test_a_roster_cell_keeps_what_people_wrote() -> None:
    assert free_text.clean("\u3000王小雨\x00\u200b👩‍💻\r\n", single_line=True) == "王小雨\u200b👩‍💻"
    assert free_text.clean("第一行\r\n\t第二行\ufffe\U0010ffff") == "第一行\n\t第二行"
