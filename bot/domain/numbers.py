"""Numbers as people type them: full-width digits, Chinese numerals ("一百七十五", "七五",
"二十五"), heights in metres or centimetres ("1.65米", "一米六五", "165cm"), ranges ("25到35岁")
and years ("1995年", "九五年")."""

from __future__ import annotations

import re
import unicodedata

import cn2an

_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_RANGE = re.compile(r"^(\d{1,3})\s*(?:岁)?\s*(?:-|~|到|至|—|–|to)\s*(\d{1,3})\s*(?:岁|周岁)?$")
_CENTIMETRES = re.compile(r"^(\d{2,3})\s*(?:cm|厘米|公分)?$")
_METRES = re.compile(r"^(\d)\s*(?:\.|米|m)\s*(\d{1,2})\s*(?:米|m|cm|厘米|公分)?$")
_YEAR = re.compile(r"^(\d{2}|\d{4})\s*(?:年|年生|年出生|后)?$")


def arabic(text: str) -> str:
    """The text with half-width digits and Chinese numerals as digits, trimmed and lower-case:
    "一米六五" → "1米65", "１９９５年" → "1995年", "二十五到三十" → "25到30"."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return _NUMERALS.sub(_numeral, text)


def _numeral(found: re.Match[str]) -> str:
    try:
        return str(cn2an.cn2an(found.group(), "smart"))
    except ValueError:
        return found.group()


def parse_height_cm(text: str) -> int | None:
    """ "175", "175cm", "1.75米", "1米75", "1米7", "一米七五" → centimetres."""
    text = arabic(text).replace(" ", "")
    if found := _CENTIMETRES.match(text):
        return int(found.group(1))
    if found := _METRES.match(text):
        metres, rest = found.groups()
        # "1米7" is 170, "1米75" is 175, "1.7" is 170.
        return int(metres) * 100 + int(rest.ljust(2, "0"))
    return None


def parse_range(text: str) -> tuple[int, int] | None:
    """ "25-35", "25～35岁", "二十五到三十五" → (25, 35), lowest first."""
    found = _RANGE.match(arabic(text))
    if found is None:
        return None
    low, high = sorted((int(found.group(1)), int(found.group(2))))
    return low, high


def parse_year(text: str, current_year: int) -> int | None:
    """ "1995", "1995年", "九五年", "95后" → 1995; two digits are the latest such year not in
    the future."""
    found = _YEAR.match(arabic(text))
    if found is None:
        return None
    digits = found.group(1)
    if len(digits) == 4:
        return int(digits)
    century = current_year // 100 * 100
    year = century + int(digits)
    return year if year <= current_year else year - 100


def parse_whole(text: str) -> int | None:
    """A whole number on its own ("40", "四十", "40人")."""
    found = re.fullmatch(r"(\d{1,6})\s*(?:人|个|位|名)?", arabic(text))
    return int(found.group(1)) if found else None
