"""Where the Mini Apps are served: shared by the chat (Web App buttons) and the web server."""

from __future__ import annotations

from bot.common.config import Settings

PATH = "/app/"


def app_url(settings: Settings) -> str | None:
    """The HTTPS address Telegram opens the Mini Apps at (None: HUIHUI_PUBLIC_URL not set)."""
    return settings.public_url.rstrip("/") + PATH if settings.public_url else None
