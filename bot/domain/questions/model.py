"""What a profile question is: its kind (single or multiple choice, number, year, range, text,
photos), its section of the card, its options and bounds."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


class Kind(enum.StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    NUMBER = "number"
    YEAR = "year"
    RANGE = "range"
    TEXT = "text"
    LONG_TEXT = "long_text"
    PHOTOS = "photos"


class Section(enum.StrEnum):
    ABOUT = "about"
    VALUES = "values"
    LOOKING_FOR = "looking_for"


@dataclass(frozen=True)
class Option:
    key: str
    # A msgid, translated when shown; or, for options from configuration, the label per language.
    label: str
    labels: dict[str, str] | None = None
    # Other words people type for it ("离婚" for 离异, "银行" for 金融).
    aliases: tuple[str, ...] = ()

    def text(self, translate: Callable[[str], str], language: str) -> str:
        if self.labels:
            return self.labels.get(language) or next(iter(self.labels.values()))
        return translate(self.label)


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    prompt: str
    kind: Kind
    section: Section
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    optional: bool = False
    importance: bool = False
    # An importance question may also be answered "not important" (kept, but no condition).
    ignorable: bool = True
    # Multi-choice: also accept free text, mapped onto the options (hobbies).
    free_text: bool = False
    unit: str = ""

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)
