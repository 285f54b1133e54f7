"""Normalising what people type before it is compared with what organisers imported."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_DIGITS = re.compile(r"\D")
_MEMBER_NUMBER_NOISE = re.compile(r"[\s\-_./]")


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
