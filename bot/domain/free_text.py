"""What people may type where 会会 keeps their words: one bound per field, the same wherever the
field is entered (a wizard, a command, a file), and nothing either database refuses.

``clean`` removes what neither SQLite and PostgreSQL nor a reader wants: NUL and other control
characters (PostgreSQL refuses NUL in text), lone surrogates, Unicode non-characters, and, in
single-line fields, line breaks. ``check`` then applies the field's bound, so what is stored
always fits its column and every message that carries it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain import N_


@dataclass(frozen=True)
class Invalid:
    """Why an answer was not accepted (msgid plus values), so the person can try again."""

    reason: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Field:
    maximum: int
    single_line: bool = False


# Members' profile (also the bounds of the questionnaire's text questions).
NICKNAME = Field(20, single_line=True)
HOMETOWN = Field(30, single_line=True)
INTRODUCTION = Field(300)
# An organiser's reason for rejecting a verification, read by the member.
REVIEW_NOTE = Field(300)
OWN_HOBBY = Field(20, single_line=True)
# Verification, as the roster holds them (columns of roster_entries).
REAL_NAME = Field(50, single_line=True)
MEMBER_NUMBER = Field(40, single_line=True)
EMPLOYER = Field(100, single_line=True)
# Events (columns of events: title 100, venue 200; the description is text).
EVENT_TITLE = Field(100, single_line=True)
EVENT_DESCRIPTION = Field(2000)
EVENT_VENUE = Field(200, single_line=True)
# Notes people write to people.
FEEDBACK = Field(1000)
PROPOSAL_NOTE = Field(300)
UNIT_NAME = Field(100, single_line=True)

TOO_LONG = N_("That is {length} characters; at most {maximum}, please.")

# On one line, each run of line breaks and spaces (of any width) is one space.
_BLANKS = re.compile(r"[\r\n\u2028\u2029\u0085 \t\u00a0\u3000]+")


# What no database or reader should get: control characters but line breaks and tabs (Unicode
# category Cc: U+0000–U+001F, U+007F–U+009F), lone surrogates (Cs) and the non-characters
# (U+FDD0–U+FDEF, and the last two code points of each plane). One pattern rather than a test
# of each character: a roster file of 16,600 rows was cleaned in 0.8 s, most of its reading.
_REMOVED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)


def clean(text: str, *, single_line: bool = False) -> str:
    """``text`` without what no database or reader should get, trimmed."""
    text = _REMOVED.sub("", text)
    if single_line:
        text = _BLANKS.sub(" ", text)
    return text.strip()


def check(text: str, bound: Field) -> str | Invalid:
    """The cleaned text, or why it cannot be kept (empty, or longer than the field allows)."""
    cleaned = clean(text, single_line=bound.single_line)
    if not cleaned:
        return Invalid(N_("Please write an answer."))
    if len(cleaned) > bound.maximum:
        return Invalid(TOO_LONG, {"length": len(cleaned), "maximum": bound.maximum})
    return cleaned


# Row ids are INTEGER columns: the tighter of SQLite's and PostgreSQL's ranges.
MAX_ID = 2**31 - 1
# "Telegram user identifiers have at most 52 significant bits."
MAX_TELEGRAM_ID = 2**52
_NUMBER = re.compile(r"[0-9]{1,16}")


def parse_id(text: str, maximum: int = MAX_ID) -> int | None:
    """A positive id typed by a person (full-width digits too), or None if it is not one that
    can exist — so a database never sees a number it cannot hold."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= maximum else None


def utf16_length(text: str) -> int:
    """Length as Telegram counts a message ("characters" are UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def in_parts(lines: Sequence[str], limit: int) -> list[str]:
    """Lines joined into as few texts as fit ``limit`` (UTF-16) each, never splitting a line
    unless it alone is too long (then it is shortened): a long list sent as several
    messages."""
    parts: list[str] = []
    for line in lines:
        line = shortened(line, limit)
        joined = f"{parts[-1]}\n{line}" if parts else line
        if parts and utf16_length(joined) <= limit:
            parts[-1] = joined
        else:
            parts.append(line)
    return parts


def shortened(text: str, limit: int) -> str:
    """The text cut to ``limit`` UTF-16 units (as Telegram counts), ending in "…" if cut."""
    if utf16_length(text) <= limit:
        return text
    kept = text.encode("utf-16-le")[: (limit - 1) * 2].decode("utf-16-le", errors="ignore")
    return kept + "…"
