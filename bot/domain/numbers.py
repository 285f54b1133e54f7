"""Numbers as people type them: full-width digits, Chinese numerals ("一百七十五", "七五",
"二十五"), heights in metres or centimetres ("1.65米", "一米六五", "165cm", "1米65左右吧"), ranges
("25到35岁", "30岁以下", "一米六到一米七五", "170以上") and years ("1995年", "九五年")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import cn2an

_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_RANGE = re.compile(r"^(\d{1,3})\s*(?:岁)?\s*(?:-|~|到|至|—|–|to)\s*(\d{1,3})\s*(?:岁|周岁)?$")
_CENTIMETRES = re.compile(r"^(\d{2,3})\s*(?:cm|厘米|公分)?$")
_METRES = re.compile(r"^(\d)\s*(?:\.|米|m)\s*(\d{1,2})\s*(?:米|m|cm|厘米|公分)?$")
# What people wrap a number in: "大概1米65左右吧", "身高165", "我170".
_HEDGE_BEFORE = re.compile(r"^(?:我|身高|大概|大约|差不多|约|是|有|在)+")
_HEDGE_AFTER = re.compile(r"(?:左右|上下|的样子|吧|啊|呀|哈|吧。|。|~|～|!|！)+$")
_SEPARATOR = re.compile(r"\s*(?:-|~|～|到|至|—|–|to)\s*")
_BOUND = re.compile(r"^(.+?)\s*(以上|及以上|或以上|以下|及以下|或以下)$")
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


def _unhedged(text: str) -> str:
    text = arabic(text).replace(" ", "")
    return _HEDGE_AFTER.sub("", _HEDGE_BEFORE.sub("", text))


def parse_height_cm(text: str) -> int | None:
    """ "175", "175cm", "1.75米", "1米75", "1米7", "一米七五", "1米65左右吧" → centimetres."""
    text = _unhedged(text)
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


def parse_bounded(
    text: str, parse_one: Callable[[str], int | None], lowest: int, highest: int
) -> tuple[int, int] | None:
    """A range of anything ``parse_one`` reads, as people write it: "160-175", "1米6到1米75",
    "170以上" (up to ``highest``), "30岁以下" (from ``lowest``); lowest first."""
    text = _unhedged(text)
    if found := _BOUND.match(text):
        value = parse_one(found.group(1))
        if value is None:
            return None
        bounds = (value, highest) if "上" in found.group(2) else (lowest, value)
        # "75以上" of ages up to 70 is no range at all: nobody would ever be suggested.
        return bounds if bounds[0] <= bounds[1] else None
    parts = _SEPARATOR.split(text)
    if len(parts) != 2:
        return None
    low, high = parse_one(parts[0]), parse_one(parts[1])
    if low is None or high is None:
        return None
    return (low, high) if low <= high else (high, low)


_GENERATION = re.compile(r"^(\d{2}|\d{4})后(?:的)?$")
_YEARS_WORD = re.compile(r"年(?:出生|生)?(?:的)?$")


def parse_birth_years(text: str, current_year: int) -> tuple[int, int] | None:
    """Birth years as people name an age group: "85后" (1985–1989), "90后" (the 1990s),
    "1985-1995年的", "85年到95年"; None for anything else (so "25-35" stays ages)."""
    plain = _unhedged(text)
    if found := _GENERATION.match(plain):
        year = parse_year(found.group(1), current_year)
        if year is None or year % 5:
            return None  # "88后" is no group people share
        return year, year + (9 if year % 10 == 0 else 4)
    if "年" not in plain and not re.search(r"(?:19|20)\d\d", plain):
        return None
    parts = _SEPARATOR.split(_YEARS_WORD.sub("", plain))
    if len(parts) != 2:  # noqa: PLR2004 - from and to
        return None
    years = [parse_year(part.removesuffix("年"), current_year) for part in parts]
    if None in years:
        return None
    low, high = sorted(y for y in years if y is not None)
    return low, high


def parse_age(text: str) -> int | None:
    """An age on its own: "30", "30岁", "三十周岁"."""
    found = re.fullmatch(r"(\d{1,3})\s*(?:岁|周岁)?", _unhedged(text))
    return int(found.group(1)) if found else None


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
