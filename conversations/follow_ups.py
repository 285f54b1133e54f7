"""Answers to the check-ins after a match (bot.follow_ups): one press each, or none at all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import follow_ups
from bot.context import HuihuiContext
from conversations.common import say

if TYPE_CHECKING:
    from bot.app import HuihuiApplication


async def answered(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    services = context.services
    async with services.db.begin() as session:
        if query.data == follow_ups.STOP:
            await follow_ups.stop(session, update.effective_user.id)
            done = True
        else:
            match_id, stage, outcome = query.data.removeprefix(follow_ups.ANSWER).split(":")
            done = await follow_ups.answer(
                session,
                update.effective_user.id,
                int(match_id),
                stage,
                outcome,
                services.clock.now(),
            )
    if not done:
        await say(update, context, _("That question is no longer open."))
        return
    await query.edit_message_reply_markup(None)
    if query.data == follow_ups.STOP:
        await say(update, context, _("Understood: no more check-ins from me."))
    else:
        await say(update, context, _("Thank you for telling us. We wish you well!"))


def register(application: HuihuiApplication) -> None:
    outcomes = "|".join(follow_ups.OUTCOMES)
    application.add_handler(
        CallbackQueryHandler(
            answered,
            pattern=rf"^({follow_ups.ANSWER}\d+:(3d|3w|3m):({outcomes})|{follow_ups.STOP})$",
        )
    )
