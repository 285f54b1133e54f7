"""The opt-in daily digest: "今天有 N 位新推荐", sent at the deployment's digest hour.

One scheduled task per day (keyed by date, so arming it twice is harmless). A digest missed
while the bot was down is still sent within 3 hours, else dropped: a morning-after "today"
would be wrong.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from bot.common.i18n import translator
from bot.delivery.scheduler import DueTask, Scheduler
from bot.services.container import Services

if TYPE_CHECKING:
    from bot.app.application import HuihuiApplication

KIND = "daily_digest"
MAX_LATENESS = timedelta(hours=3)
_LOGGER = logging.getLogger(__name__)


def next_run(services: Services) -> datetime:
    settings = services.settings
    local_now = services.clock.now().astimezone(settings.tz)
    today = datetime.combine(local_now.date(), time(settings.digest_hour), tzinfo=settings.tz)
    return today if today > local_now else today + timedelta(days=1)


async def arm(services: Services) -> None:
    due = next_run(services)
    await services.scheduler.schedule(KIND, due, key=f"{KIND}:{due.date().isoformat()}")


async def send_digests(application: HuihuiApplication, task: DueTask) -> None:
    services = application.services
    sent = 0
    for telegram_id, waiting in await services.matchmaking.digest_counts():
        _ = translator(await services.languages.resolve_id(telegram_id))
        text = _(
            "Today {count} new people may suit you. /match to see them. (/digest to stop these)",
            count=waiting,
        )
        try:
            await application.bot.send_message(telegram_id, text)
            sent += 1
        except TelegramError as error:
            _LOGGER.info("digest not delivered: %s", type(error).__name__)
    _LOGGER.info("daily digest %d sent to %d member(s)", task.id, sent)
    await arm(services)


def register(scheduler: Scheduler) -> None:
    scheduler.register(KIND, send_digests, max_lateness=MAX_LATENESS)
