"""Serving real Telegram: long polling or a webhook, until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from telegram import Update

from bot.app import HuihuiApplication
from bot.config import Settings
from bot.runtime import Runtime

WEBHOOK_PATH = "telegram"


async def serve_polling(settings: Settings) -> None:
    async with Runtime(settings) as runtime:
        updater = runtime.application.updater
        assert updater is not None
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await _until_stopped()


async def serve_webhook(settings: Settings) -> None:
    async with Runtime(settings) as runtime:
        await start_webhook(runtime.application, settings)
        await _until_stopped()


async def start_webhook(application: HuihuiApplication, settings: Settings) -> None:
    """Listen for Telegram's POSTs; requests without the secret token are refused (403)."""
    if settings.webhook_secret is None or settings.webhook_url is None:
        raise ValueError("HUIHUI_WEBHOOK_URL and HUIHUI_WEBHOOK_SECRET must be set")
    assert application.updater is not None
    await application.updater.start_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=WEBHOOK_PATH,
        webhook_url=settings.webhook_url.rstrip("/") + "/" + WEBHOOK_PATH,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
    )


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
