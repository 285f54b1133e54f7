"""A signed link to the Mini Apps for a desk browser outside Telegram (``huihui console-link``,
the web demo, browser tests); Telegram's own address is ``bot.common.webapp.app_url``."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from bot.common.config import Settings
from bot.common.webapp import PATH
from bot.web.initdata import sign

# A desk link is shown on a screen and may be copied around: it works for ten minutes.
DESK_LINK_VALID = timedelta(minutes=10)


def local_base(settings: Settings) -> str:
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::", "") else settings.http_host
    return f"http://{host}:{settings.http_port}"


def desk_link(
    settings: Settings,
    telegram_id: int,
    now: datetime,
    first_name: str = "",
    base: str = "",
    language_code: str = "zh",
) -> str:
    """The Mini Apps for ``telegram_id`` in any browser: initData signed with the bot's token,
    as Telegram signs it, in the address's fragment (never sent to a server's access log);
    ``language_code`` is the Telegram app's language, as Telegram would send it."""
    if settings.bot_token is None:
        raise ValueError("signing needs the bot token")
    user = {
        "id": telegram_id,
        "first_name": first_name or str(telegram_id),
        "language_code": language_code,
    }
    data = sign(user, settings.bot_token.get_secret_value(), now, DESK_LINK_VALID)
    return f"{base or local_base(settings)}{PATH}#tgWebAppData={quote(data, safe='')}"
