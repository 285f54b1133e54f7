"""Answers to the check-ins after a match (bot.services.matching.follow_ups): one press each, or none at all."""

from __future__ import annotations

from telegram import Update

from bot.domain.buttons import FollowUpAnswer, StopFollowUps, parse
from bot.services.matching import follow_ups
from conversations.common import on_press, say
from conversations.context import ChatApplication, HuihuiContext


async def answered(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    services = context.services
    button = parse(query.data)
    async with services.db.begin() as session:
        if isinstance(button, FollowUpAnswer):
            done = await follow_ups.answer(
                session,
                update.effective_user.id,
                button.match,
                button.stage,
                button.outcome,
                services.clock.now(),
            )
        else:
            await follow_ups.stop(session, update.effective_user.id)
            done = True
    if not done:
        await say(update, context, _("That question is no longer open."))
        return
    await query.edit_message_reply_markup(None)
    if isinstance(button, StopFollowUps):
        await say(update, context, _("Understood: no more check-ins from me."))
    else:
        await say(update, context, _("Thank you for telling us. We wish you well!"))


def register(application: ChatApplication) -> None:
    application.add_handler(on_press(answered, FollowUpAnswer, StopFollowUps))
