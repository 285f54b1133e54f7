"""Normalising what people type: before it is compared with what organisers imported, and before
other members see it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
# Characters that show nothing yet are not format characters (Cf): Hangul fillers, the blank
# Braille pattern, the combining grapheme joiner and Khmer's invisible vowels. They hide a space
# between the letters of a WeChat id as well as a zero-width space does.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
_ZWJ = "\u200d"
# Emoji joined by a zero-width joiner are one picture (👨‍👩‍👧): the joiner is kept there.
_PICTURE = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")
_NOT_DIGITS = re.compile(r"\D")
_MEMBER_NUMBER_NOISE = re.compile(r"[\s\-_./]")


def visible(text: str) -> str:
    """The text as others should get it: without the characters Telegram does not display
    (Unicode format characters such as zero-width spaces, BiDi overrides and soft hyphens, and
    blank fillers), which would let "微\u200b信" look like 微信 to the reader yet not to a screen.
    A joiner between two emoji stays: it is part of the picture."""
    kept = []
    for i, char in enumerate(text):
        if char in BLANKS:
            continue
        if unicodedata.category(char) == "Cf":
            between_pictures = (
                char == _ZWJ
                and 0 < i < len(text) - 1
                and bool(_PICTURE.match(text[i - 1]))
                and bool(_PICTURE.match(text[i + 1]))
            )
            if not between_pictures:
                continue
        kept.append(char)
    return "".join(kept)


def visible_answer(value: Any) -> Any:
    """``visible`` applied to an answer's words (a text, or each text in a list)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [visible(item) if isinstance(item, str) else item for item in value]
    return value


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become half-width), single spaces,
    trimmed, case-folded. ``"  Ｚｈａｎｇ　San "`` → ``"zhang san"``."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip().casefold()


def compact(text: str) -> str:
    """``normalise`` without any spaces, for comparing names (``"张 三"`` = ``"张三"``)."""
    return normalise(text).replace(" ", "")


def normalise_member_number(text: str) -> str:
    """Member numbers are compared exactly after this: ``"ｓｈ-00１2 3"`` → ``"SH00123"``."""
    return _MEMBER_NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


def normalise_phone(text: str) -> str | None:
    """Mainland mobile numbers as 11 digits (``+86 138-0013-8000`` → ``13800138000``); other
    numbers as their digits; None when there are too few digits to be a phone number."""
    digits = _NOT_DIGITS.sub("", unicodedata.normalize("NFKC", text))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 7 else None
