"""/my_qr: a member's personal check-in QR code for each event they hold a place at, to show at
the door, where an organiser scans it from the desk (the code: ``bot.domain.check_in_pass``).
Members checking themselves in still type the event's code (/checkin)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from bot.common.qr import qr_png
from bot.common.wording.events import local_time
from conversations.common import say
from conversations.context import ChatApplication, HuihuiContext

COMMANDS = [("my_qr", N_("My check-in QR code for the events I signed up for"))]
# A phone held up at the door: a few events at most are coming at once.
SHOWN = 5


async def my_qr(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    services = context.services
    passes = await services.events.passes.mine(update.effective_user.id)
    if not passes:
        await say(
            update,
            context,
            _(
                "You hold a place at no event to come, so there is no check-in code to show. "
                "/events lists the events you can sign up for."
            ),
        )
        return
    for held in passes[:SHOWN]:
        image = await asyncio.to_thread(qr_png, held.code)  # drawing: off the event loop
        caption = _(
            "“{title}” · {time} · badge #{badge}\nShow this code at the door; the organiser "
            "scans it to check you in. It works only for this event.",
            title=held.event.title,
            time=local_time(held.event.starts_at, services.settings),
            badge=held.badge,
        )
        await context.bot.send_photo(update.effective_chat.id, image, caption=caption)


def register(application: ChatApplication) -> None:
    application.add_handler(CommandHandler("my_qr", my_qr, filters=filters.ChatType.PRIVATE))
