"""Serving real Telegram: long polling or a webhook, until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import signal

from telegram import Update

from bot.app import webhook
from bot.app.application import HuihuiApplication
from bot.app.runtime import Runtime
from bot.app.webhook import WebhookServer
from bot.common.config import Settings
from conversations import charts

WEBHOOK_PATH = "telegram"


async def serve_polling(settings: Settings) -> None:
    async with Runtime(settings) as runtime:
        updater = runtime.application.updater
        assert updater is not None
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        now_serving(runtime.application)
        await _until_stopped()


async def serve_webhook(settings: Settings) -> None:
    async with Runtime(settings) as runtime:
        server = await start_webhook(runtime.application, settings)
        now_serving(runtime.application)
        try:
            await _until_stopped()
        finally:
            await server.stop()


async def start_webhook(application: HuihuiApplication, settings: Settings) -> WebhookServer:
    """Register the webhook with Telegram and listen for its POSTs (bot.app.webhook)."""
    if settings.webhook_secret is None or settings.webhook_url is None:
        raise ValueError("HUIHUI_WEBHOOK_URL and HUIHUI_WEBHOOK_SECRET must be set")
    secret = settings.webhook_secret.get_secret_value()
    server = webhook.listen(
        application, WEBHOOK_PATH, secret, settings.webhook_listen, settings.webhook_port
    )
    await application.bot.set_webhook(
        settings.webhook_url.rstrip("/") + "/" + WEBHOOK_PATH,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
    return server


def now_serving(application: HuihuiApplication) -> None:
    """Once the bot is up and taking updates: what started is kept out of the garbage
    collector's scans, and the drawing worker starts in the background so the first /stats
    does not wait for it (only when serving: a short run such as the demo would wait for the
    worker at exit)."""
    keep_what_started()
    application.create_task(charts.warm_up(), name="warm-up-drawing")


def keep_what_started() -> None:
    """Everything alive once the bot is up (modules, catalogs, the questionnaire, the
    Application) lives as long as the process: moved out of the garbage collector's sight, so
    a full collection scans only what was made since. Without this, each one paused the bot
    for a tenth of a second or more, several times a minute under load."""
    gc.collect()
    gc.freeze()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
