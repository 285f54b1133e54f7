"""The desk's broadcast composer, read by the rules of the chat's /broadcast: the message's
room (Telegram's limit less the union's signature) and the audience as /broadcast builds it.
What is wrong is said per field, as a msgid with values."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from bot.common.wording.broadcasts import SIGNATURE_ROOM
from bot.domain import N_, free_text
from bot.domain.audience import Audience, parse_age_range
from bot.domain.free_text import Invalid, utf16_length

# Telegram's longest text message (MessageLimit.MAX_TEXT_LENGTH), less the signature's room.
TEXT_ROOM = 4096 - SIGNATURE_ROOM
GENDERS = ("male", "female")
Problems = dict[str, Invalid]


def read_message(text: str) -> str | Invalid:
    cleaned = free_text.clean(text.replace("\r\n", "\n"))
    if not cleaned:
        return Invalid(N_("Please write the message."))
    if utf16_length(cleaned) > TEXT_ROOM:
        return Invalid(
            N_(
                "A broadcast can have at most {maximum} characters, and this one has {length}. "
                "Please shorten it."
            ),
            {"maximum": TEXT_ROOM, "length": utf16_length(cleaned)},
        )
    return cleaned


def read_audience(
    fields: Mapping[str, str],
    chosen: Mapping[str, Sequence[str]],
    known: Mapping[str, Collection[str]],
) -> Audience | Problems:
    """The audience the builder describes (scope is the service's to check), or what is
    wrong with it. ``chosen``: districts and industries ticked; ``known``: their keys."""
    problems: Problems = {}
    unit = free_text.parse_id(fields.get("unit", ""))
    if unit is None:
        problems["unit"] = Invalid(N_("Please choose a union."))
    gender = fields.get("gender", "") or None
    if gender is not None and gender not in GENDERS:
        problems["gender"] = Invalid(N_("Please choose from the list."))
    low, high = (fields.get(name, "").strip() for name in ("age_min", "age_max"))
    ages: tuple[int | None, int | None] | None = (None, None)
    if low or high:
        ages = parse_age_range(f"{low or 18}-{high or 80}")
        if ages is None:
            problems["ages"] = Invalid(
                N_(
                    "Ages must be whole numbers from 18 to 80, the lower first; leave both "
                    "empty for any age."
                )
            )
    event = fields.get("event", "").strip()
    event_id = free_text.parse_id(event) if event else None
    if event and event_id is None:
        problems["event"] = Invalid(N_("Please choose from the list."))
    picked = {}
    for name in ("districts", "industries"):
        picked[name] = tuple(dict.fromkeys(chosen.get(name, ())))
        if not set(picked[name]) <= set(known.get(name, ())):
            problems[name] = Invalid(N_("Please choose from the list."))
    if problems or unit is None or ages is None:
        return problems
    return Audience(
        unit,
        gender=gender,
        age_min=ages[0],
        age_max=ages[1],
        districts=picked["districts"],
        industries=picked["industries"],
        verified_only=fields.get("verified") == "1",
        event_id=event_id,
    )
