"""A member's personal check-in code for one event, shown as a QR code and scanned at the door.

The code names the event and the member (by the member's number in 会会, never their Telegram
id) and carries a MAC over both, so it cannot be guessed, altered into another member's or
moved to another event. It is written in QR's alphanumeric alphabet (digits, capitals, "-"),
which keeps the printed code small and readable at arm's length:

    HH1-<event id>-<member id>-<MAC: 20 base32 characters, 100 bits>
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

PREFIX = "HH1"
_MAC_LENGTH = 20
_NUMBER = "([1-9][0-9]{0,11})"
_PATTERN = re.compile(rf"{PREFIX}-{_NUMBER}-{_NUMBER}-([A-Z2-7]{{{_MAC_LENGTH}}})")


@dataclass(frozen=True)
class CheckInPass:
    event_id: int
    member_id: int


def pass_key(secret: str) -> bytes:
    """The key of every pass, derived from a deployment secret (the bot's token): a new token
    makes the old codes worthless, as it should."""
    return hmac.new(secret.encode(), b"huihui check-in pass", hashlib.sha256).digest()


def _mac(key: bytes, event_id: int, member_id: int) -> str:
    digest = hmac.new(key, f"{event_id}:{member_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:_MAC_LENGTH]


def pass_code(key: bytes, event_id: int, member_id: int) -> str:
    return f"{PREFIX}-{event_id}-{member_id}-{_mac(key, event_id, member_id)}"


def read_pass(key: bytes, text: str) -> CheckInPass | None:
    """The event and member a scanned code names; None unless it is one of ours, unaltered."""
    found = _PATTERN.fullmatch(text.strip().upper()[:64])
    if found is None:
        return None
    event_id, member_id = int(found.group(1)), int(found.group(2))
    if not hmac.compare_digest(found.group(3), _mac(key, event_id, member_id)):
        return None
    return CheckInPass(event_id, member_id)
