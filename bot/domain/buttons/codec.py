"""The one codec for every button 会会 puts under a message: each kind a small typed definition.

A button carries only ids and short keys — never names or free text — so its data always fits
Telegram's 64 bytes (checked when each kind is defined, from its fields' widest values), and a
press is parsed with validation: wrong kind, wrong number of parts, a non-number, a number out of
the databases' range or an unknown key all parse to ``None``, which the bot answers as an
expired button. Telegram never sees these classes: the front end encodes them into
``callback_data`` and parses them back.

    data = Like(member=42).encode()      # "ml:42"
    parse(data) == Like(member=42)       # True

The kinds themselves are defined beside each other by feature in this package's modules.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar, cast, dataclass_transform

# Telegram: "callback_data — Data to be sent in a callback query to the bot when the button is
# pressed, 1-64 bytes".
MAX_BYTES = 64
# Ids are INTEGER columns: the tighter of SQLite's and PostgreSQL's ranges.
MAX_ID = 2**31 - 1
_TOKEN = re.compile(r"^[a-z0-9_]{1,24}$")
_NUMBER = re.compile(r"^[0-9]{1,10}$")
SEPARATOR = ":"


class Button:
    """Base of every button kind; subclasses are made with ``@button(prefix)``."""

    prefix: ClassVar[str]
    _fields: ClassVar[tuple[tuple[str, _Field], ...]]

    def encode(self) -> str:
        parts = [self.prefix]
        for name, field in self._fields:
            parts.append(field.encode(getattr(self, name)))
        return SEPARATOR.join(parts)

    @classmethod
    def matches(cls, data: object) -> bool:
        """For ``CallbackQueryHandler(pattern=...)``: the press is a valid button of this kind."""
        return isinstance(parse(data), cls)


_KINDS: dict[str, type[Button]] = {}
B = TypeVar("B", bound=Button)


@dataclasses.dataclass(frozen=True)
class _Field:
    width: int
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]  # raises ValueError when the text is no such value


def _id_field() -> _Field:
    def decode(text: str) -> int:
        if not _NUMBER.match(text) or int(text) > MAX_ID:
            raise ValueError(text)
        return int(text)

    def encode(value: int) -> str:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
            raise ValueError(f"{value!r} is not an id")
        return str(value)

    return _Field(len(str(MAX_ID)), encode, decode)


def _bool_field() -> _Field:
    def decode(text: str) -> bool:
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"

    return _Field(1, lambda value: "1" if value else "0", decode)


def _token_field() -> _Field:
    def check(text: str) -> str:
        if not isinstance(text, str) or not _TOKEN.match(text):
            raise ValueError(text)
        return text

    return _Field(24, check, check)


def _choice_field(choices: tuple[str, ...]) -> _Field:
    def check(text: str) -> str:
        if text not in choices:
            raise ValueError(text)
        return text

    return _Field(max(len(c) for c in choices), check, check)


def _field_for(hint: Any) -> _Field:
    if hint is int:
        return _id_field()
    if hint is bool:
        return _bool_field()
    if hint is str:
        return _token_field()
    if typing.get_origin(hint) is Literal:
        return _choice_field(typing.get_args(hint))
    raise TypeError(f"a button field must be int, bool, str or a Literal, not {hint!r}")


@dataclass_transform(frozen_default=True)
def button(prefix: str) -> Callable[[type[B]], type[B]]:
    """Make a class a frozen button kind with this prefix; its fields are int (an id), bool,
    str (a short key such as a question key) or a Literal of choices."""

    def make(cls: type[B]) -> type[B]:
        if not _TOKEN.match(prefix) or prefix in _KINDS:
            raise ValueError(f"button prefix {prefix!r} is invalid or taken")
        kind = dataclasses.dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(kind)
        fields = tuple(
            (f.name, _field_for(hints[f.name])) for f in dataclasses.fields(cast(Any, kind))
        )
        widest = len(prefix) + sum(len(SEPARATOR) + field.width for _name, field in fields)
        if widest > MAX_BYTES:
            raise ValueError(f"button {kind.__name__} can reach {widest} bytes")
        kind.prefix, kind._fields = prefix, fields
        _KINDS[prefix] = kind
        return kind

    return make


def parse(data: object) -> Button | None:
    """The button a press carries, or None for anything that is not a valid button."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    prefix, *parts = data.split(SEPARATOR)
    kind = _KINDS.get(prefix)
    if kind is None or len(parts) != len(kind._fields):
        return None
    try:
        values = {
            name: field.decode(part)
            for (name, field), part in zip(kind._fields, parts, strict=True)
        }
    except ValueError:
        return None
    return kind(**values)


def kinds() -> tuple[type[Button], ...]:
    """Every button kind (for tests that check each one fits)."""
    return tuple(_KINDS.values())


def widest(kind: type[Button]) -> int:
    """The most bytes a button of this kind can take."""
    return len(kind.prefix) + sum(len(SEPARATOR) + f.width for _n, f in kind._fields)
