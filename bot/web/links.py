"""Addresses of the Mini Apps: the one Telegram opens (a Web App button), and a signed link for
a desk browser outside Telegram (``huihui console-link``, the web demo, browser tests)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from bot.common.config import Settings
from bot.web.initdata import sign

# A desk link is shown on a screen and may be copied around: it works for ten minutes.
DESK_LINK_VALID = timedelta(minutes=10)
PATH = "/app/"


def app_url(settings: Settings) -> str | None:
    """The HTTPS address Telegram opens the Mini Apps at (None: not configured)."""
    return settings.public_url.rstrip("/") + PATH if settings.public_url else None


def local_base(settings: Settings) -> str:
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::", "") else settings.http_host
    return f"http://{host}:{settings.http_port}"


def desk_link(
    settings: Settings, telegram_id: int, now: datetime, first_name: str = "", base: str = ""
) -> str:
    """The Mini Apps for ``telegram_id`` in any browser: initData signed with the bot's token,
    as Telegram signs it, in the address's fragment (never sent to a server's access log)."""
    if settings.bot_token is None:
        raise ValueError("signing needs the bot token")
    user = {"id": telegram_id, "first_name": first_name or str(telegram_id), "language_code": "zh"}
    data = sign(user, settings.bot_token.get_secret_value(), now, DESK_LINK_VALID)
    return f"{base or local_base(settings)}{PATH}#tgWebAppData={quote(data, safe='')}"
