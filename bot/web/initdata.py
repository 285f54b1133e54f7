"""Telegram Mini App ``initData``: checked as Telegram documents it, and signed the same way for
a desk browser, the demo and tests.

"Validating data received via the Mini App" (core.telegram.org/bots/webapps): the secret key is
HMAC-SHA256 of the bot token with the key "WebAppData"; the hash is HMAC-SHA256, with that
secret, of every received field but ``hash``, sorted by name and joined as ``name=value`` lines.
The query string is split once and its values are never encoded again: rebuilding it from
parsed values breaks the check whenever Telegram adds or formats a field differently.

Beside ``auth_date`` (at most ``max_age`` old), data this project signs for a browser outside
Telegram may carry ``huihui_expires`` (a Unix time), inside the signed fields, so a link printed
by ``huihui console-link`` stops working sooner than Telegram's own data would.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

EXPIRES = "huihui_expires"
# Telegram's initData is a few hundred bytes; anything far larger is not one.
MAX_LENGTH = 4096


@dataclass(frozen=True)
class WebAppUser:
    """Who opened the Mini App, as Telegram vouches for them."""

    id: int
    first_name: str
    language_code: str | None


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> bytes:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash").encode()


def verify(init_data: str, bot_token: str, now: datetime, max_age: timedelta) -> WebAppUser | None:
    """The user the data vouches for, or None: unsigned, altered, signed with another bot's
    token, too old, past its own expiry, or not data of a user at all."""
    signed = _signed(init_data, bot_token)
    if signed is None or not _fresh(signed, now, max_age):
        return None
    return signed.user


def expired(init_data: str, bot_token: str, now: datetime, max_age: timedelta) -> bool:
    """Good data of this bot's user, but too old now: a page left open past ``max_age``."""
    signed = _signed(init_data, bot_token)
    return signed is not None and not _fresh(signed, now, max_age)


@dataclass(frozen=True)
class _Signed:
    user: WebAppUser
    signed_at: int
    expires: int | None


def _signed(init_data: str, bot_token: str) -> _Signed | None:
    if not init_data or len(init_data) > MAX_LENGTH:
        return None
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a field given twice: which one was signed?
        return None
    sent = fields.get("hash", "")
    expected = hmac.new(_secret(bot_token), _check_string(fields), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        return None
    try:
        signed_at = int(fields["auth_date"])
        expires = int(fields[EXPIRES]) if EXPIRES in fields else None
        user = json.loads(fields["user"])
        found = WebAppUser(
            int(user["id"]), str(user.get("first_name", "")), user.get("language_code")
        )
    except (KeyError, ValueError, TypeError):
        return None
    return _Signed(found, signed_at, expires)


def _fresh(signed: _Signed, now: datetime, max_age: timedelta) -> bool:
    moment = now.timestamp()
    until = signed.signed_at + max_age.total_seconds()
    if signed.expires is not None:
        until = min(until, signed.expires)
    return signed.signed_at - 60 <= moment <= until  # a minute's grace for a clock behind


def sign(
    user: dict[str, object],
    bot_token: str,
    now: datetime,
    valid_for: timedelta | None = None,
) -> str:
    """initData for ``user`` as Telegram would send it (with ``huihui_expires`` when
    ``valid_for`` is given)."""
    fields = {
        "auth_date": str(int(now.timestamp())),
        "query_id": "huihui-local",
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
    }
    if valid_for is not None:
        fields[EXPIRES] = str(int((now + valid_for).timestamp()))
    fields["hash"] = hmac.new(_secret(bot_token), _check_string(fields), hashlib.sha256).hexdigest()
    return urlencode(fields)
