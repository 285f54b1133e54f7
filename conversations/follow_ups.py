"""Answers to the check-ins after a match (``bot.services.matching.follow_ups``): one press
each, or none at all."""

from __future__ import annotations

from telegram import Update

from bot.domain.buttons import FollowUpAnswer, StopFollowUps, parse
from conversations.common import on_press, say
from conversations.context import ChatApplication, HuihuiContext


async def answered(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    check_ins = context.services.check_ins
    button = parse(query.data)
    if isinstance(button, FollowUpAnswer):
        done = await check_ins.answer(
            update.effective_user.id, button.match, button.stage, button.outcome
        )
    else:
        await check_ins.stop(update.effective_user.id)
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
