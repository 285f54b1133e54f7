"""Every button 会会 puts under a message, as a small typed definition with one codec.

A button carries only ids and short keys — never names or free text — so its data always fits
Telegram's 64 bytes (checked when each kind is defined, from its fields' widest values), and a
press is parsed with validation: wrong kind, wrong number of parts, a non-number, a number out of
the databases' range or an unknown key all parse to ``None``, which the bot answers as an
expired button. Telegram never sees these classes: the front end encodes them into
``callback_data`` and parses them back.

    data = Like(member=42).encode()      # "ml:42"
    parse(data) == Like(member=42)       # True
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

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
B = TypeVar("B", bound=type[Button])


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


def button(prefix: str) -> Callable[[B], B]:
    """Make a class a frozen button kind with this prefix; its fields are int (an id), bool,
    str (a short key such as a question key) or a Literal of choices."""

    def make(cls: B) -> B:
        if not _TOKEN.match(prefix) or prefix in _KINDS:
            raise ValueError(f"button prefix {prefix!r} is invalid or taken")
        cls = dataclasses.dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(cls)
        fields = tuple((f.name, _field_for(hints[f.name])) for f in dataclasses.fields(cls))
        widest = len(prefix) + sum(len(SEPARATOR) + field.width for _name, field in fields)
        if widest > MAX_BYTES:
            raise ValueError(f"button {cls.__name__} can reach {widest} bytes")
        cls.prefix, cls._fields = prefix, fields
        _KINDS[prefix] = cls
        return cls

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


# Onboarding: consent, verification, pledge, the profile questions and /edit.
@button("cs")
class Consent(Button):
    agree: bool


@button("vr")
class RetryVerification(Button):
    pass


@button("pl")
class Pledge(Button):
    choice: Literal["yes", "later"]


@button("oc")
class ContinueOnboarding(Button):
    pass


@button("qa")
class AnswerOption(Button):
    """A single-choice answer: the option's position in the question's options."""

    question: str
    option: int


@button("qt")
class ToggleOption(Button):
    question: str
    option: int


@button("qn")
class ToggleAny(Button):
    question: str


@button("qd")
class DoneChoosing(Button):
    question: str


@button("qs")
class SkipQuestion(Button):
    question: str


@button("qi")
class Importance(Button):
    question: str
    must: bool


@button("qe")
class EditAnswer(Button):
    question: str


# /match and mutual matches.
@button("ml")
class Like(Button):
    member: int


@button("mp")
class Pass(Button):
    member: int


@button("mr")
class Report(Button):
    member: int


ReportReason = Literal["fake", "harassment", "not_single", "other"]


@button("mw")
class ReportBecause(Button):
    member: int
    reason: ReportReason


@button("mb")
class Block(Button):
    member: int


@button("ma")
class AskForContact(Button):
    member: int


# Organisers: verification review, moderation.
@button("ra")
class ApproveVerification(Button):
    attempt: int


@button("rr")
class RejectVerification(Button):
    attempt: int


RejectionReason = Literal["mismatch", "not_member", "other"]


@button("rw")
class RejectBecause(Button):
    attempt: int
    reason: RejectionReason


@button("md")
class Moderate(Button):
    action: Literal["dismiss", "warn", "suspend", "lift"]
    member: int


# A member's own data and settings.
@button("dm")
class DeleteMyData(Button):
    confirm: bool


@button("lg")
class ChooseLanguage(Button):
    language: Literal["zh", "en"]


# Roster upload in chat.
@button("ri")
class ImportInto(Button):
    unit: int


@button("rc")
class CancelImport(Button):
    pass


# /broadcast composition and /broadcasts.
AudienceStep = Literal[
    "unit", "gender", "age", "district", "industry", "verified", "events", "preview", "cancel",
    "done", "now", "later", "back",
]  # fmt: skip


@button("ba")
class AudienceAction(Button):
    step: AudienceStep


@button("bu")
class AudienceUnit(Button):
    unit: int


@button("be")
class AudienceEvent(Button):
    """0: not limited to an event."""

    event: int


@button("bt")
class AudienceToggle(Button):
    field: Literal["district", "industry"]
    option: int


@button("bx")
class CancelBroadcast(Button):
    broadcast: int


# Events: organisers.
@button("ea")
class EventOverview(Button):
    event: int


@button("eq")
class EventPoster(Button):
    event: int


@button("eg")
class EventGroups(Button):
    event: int
    size: int


@button("es")
class EventSheet(Button):
    event: int


@button("ex")
class CancelEvent(Button):
    event: int


@button("ey")
class CancelEventConfirmed(Button):
    event: int


@button("nu")
class NewEventUnit(Button):
    unit: int


@button("np")
class NewEventDecision(Button):
    publish: bool


# Events: members.
@button("ej")
class JoinEvent(Button):
    event: int


@button("el")
class LeaveEvent(Button):
    event: int


@button("eo")
class OpenChoice(Button):
    event: int


@button("ec")
class ChoosePerson(Button):
    event: int
    member: int


@button("ed")
class ChoiceDone(Button):
    event: int


# Check-ins after a match.
Stage = Literal["3d", "3w", "3m"]
Outcome = Literal["talking", "met", "together", "ended"]


@button("fa")
class FollowUpAnswer(Button):
    match: int
    stage: Stage
    outcome: Outcome


@button("fs")
class StopFollowUps(Button):
    pass


# Matchmakers.
@button("pp")
class ProposePair(Button):
    a: int
    b: int


@button("pa")
class AnswerProposal(Button):
    proposal: int
    accept: bool


@button("sr")
class ReviewSuggestion(Button):
    review: int
    approve: bool
