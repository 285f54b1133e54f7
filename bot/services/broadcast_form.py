"""The desk's broadcast composer, read by the rules of the chat's /broadcast: the message's
room (Telegram's limit less the union's signature) and the audience as /broadcast builds it.
What is wrong is said per field, as a msgid with values."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from bot.common.wording.broadcasts import SIGNATURE_ROOM
from bot.domain import N_, free_text
from bot.domain.audience import Audience, parse_age_range
from bot.domain.free_text import Invalid, utf16_length

# Telegram's longest text message (MessageLimit.MAX_TEXT_LENGTH), less the signature's room.
TEXT_ROOM = 4096 - SIGNATURE_ROOM
# Telegram's longest photo caption (MessageLimit.CAPTION_LENGTH), less the signature's room.
CAPTION_ROOM = 1024 - SIGNATURE_ROOM
GENDERS = ("male", "female")
# Telegram's file ids are under 200 characters (the column's size), the time 10, the mac 32.
MAX_PHOTO_TOKEN = 250
# A photo token's life. A composer page works for as long as its Telegram initData is accepted
# (HUIHUI_INIT_DATA_MAX_AGE, a day at most) and took the token after it opened: an organiser
# who chose the photo, went to lunch and came back to the same page still has it. A token
# copied from an address or a log is refused a day after it was issued.
PHOTO_TOKEN_LIFETIME = timedelta(days=1)
PHOTO_EXPIRED = Invalid(
    N_(
        "This photo was chosen more than a day ago and can no longer be sent. "
        "Please choose it again."
    )
)
NOT_A_PHOTO_TOKEN = Invalid(N_("Please choose the photo again."))
Problems = dict[str, Invalid]
# The composer's form key: made when the composer is shown and after each send (``new_form_key``).
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def read_message(text: str, photo: bool = False) -> str | Invalid:
    """The message as members will read it above the signature; with a photo it is the
    photo's caption (it may be empty, as in the chat) and has a caption's room."""
    cleaned = free_text.clean(text.replace("\r\n", "\n"))
    if photo:
        if utf16_length(cleaned) > CAPTION_ROOM:
            return Invalid(
                N_(
                    "With a photo, the message can have at most {maximum} characters, and this "
                    "one has {length}. Please shorten it, or send it without the photo."
                ),
                {"maximum": CAPTION_ROOM, "length": utf16_length(cleaned)},
            )
        return cleaned
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


def photo_key(secret: str) -> bytes:
    """The key photo tokens are signed with, from the bot's token."""
    return hmac.new(secret.encode(), b"huihui broadcast photo", hashlib.sha256).digest()


def photo_token(key: bytes, actor: int, file_id: str, issued: datetime) -> str:
    """A token for a photo an organiser uploaded for a broadcast: the composer carries it, so
    the photo is uploaded once, and only the photo they uploaded can be sent (never another
    file the bot holds, such as a member's photo), for ``PHOTO_TOKEN_LIFETIME``."""
    stamp = int(issued.timestamp())
    return f"{file_id}.{stamp}.{_mac(key, actor, file_id, stamp)}"


def read_photo_token(key: bytes, actor: int, token: str, now: datetime) -> str | Invalid:
    """The file id a token of this organiser's names, or why it cannot be used: expired, or
    not one (another organiser's, altered, made up)."""
    rest, _dot, mac = token.rpartition(".")
    file_id, _dot, stamp = rest.rpartition(".")
    if not file_id or not stamp.isdigit() or len(token) > MAX_PHOTO_TOKEN:
        return NOT_A_PHOTO_TOKEN
    if not hmac.compare_digest(_mac(key, actor, file_id, int(stamp)), mac):
        return NOT_A_PHOTO_TOKEN
    # Checked after the mac, so only the time the bot itself wrote is believed.
    if now.timestamp() - int(stamp) > PHOTO_TOKEN_LIFETIME.total_seconds():
        return PHOTO_EXPIRED
    return file_id


def _mac(key: bytes, actor: int, file_id: str, stamp: int) -> str:
    return hmac.new(key, f"{actor}:{stamp}:{file_id}".encode(), hashlib.sha256).hexdigest()[:32]


def new_form_key() -> str:
    """A key for a composed form: a broadcast sent from it is the only one it makes (a second
    press, or the same request repeated, finds that broadcast). Renewed once it is sent."""
    return secrets.token_urlsafe(16)


def read_form_key(value: str) -> str | None:
    """The form key a send carries; None if there is none, or it is not one of ours (then the
    same words within minutes still count as the same broadcast)."""
    return value if FORM_KEY.fullmatch(value) else None
