"""/broadcast, last step: send now or at a chosen time. The service checks the organiser's
scope again when it stores the broadcast."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.domain.audience import Audience
from bot.domain.buttons import (
    AudienceAction,
)
from bot.services.broadcasts import Draft
from conversations.broadcast.audience import show_audience
from conversations.broadcast.draft import DRAFT, WHEN, cancel, outside_scope
from conversations.common import (
    future_moment,
    pressed,
    say,
    scratch,
)
from conversations.context import HuihuiContext


async def confirm_button(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    action = pressed(update, AudienceAction).step
    if action == "now":
        return await _create(update, context, None)
    if action == "later":
        await say(
            update,
            context,
            _(
                "When should it be sent? Type a date and time such as 2026-12-01 09:30 "
                "(Beijing time)."
            ),
        )
        return WHEN
    if action == "back":
        return await show_audience(update, context)
    return await cancel(update, context)


async def when_typed(update: Update, context: HuihuiContext) -> str | int:
    moment = await future_moment(update, context, update.effective_message.text or "")
    if moment is None:
        return WHEN
    return await _create(update, context, moment)


async def _create(update: Update, context: HuihuiContext, send_at: Any) -> str | int:
    _ = context.gettext
    draft = scratch(context).pop(DRAFT, None)
    if not draft or "text" not in draft:
        await say(update, context, _("That broadcast is no longer open. Send /broadcast."))
        return ConversationHandler.END
    made = await context.services.broadcasts.made(
        update.effective_user.id,
        Draft(draft["text"], tuple(draft["entities"]), draft.get("photo")),
        Audience.from_json(draft["audience"]),
        send_at,
    )
    if made is None:
        await outside_scope(update, context)
        return ConversationHandler.END
    broadcast_id = made.id
    if not made.new:
        await say(
            update,
            context,
            _(
                "The same message to the same members was made a moment ago, as broadcast "
                "#{id}: it is not sent twice. /broadcasts shows how it goes.",
                id=broadcast_id,
            ),
        )
    elif send_at is None:
        await say(
            update,
            context,
            _("Broadcast #{id} is starting; progress follows here.", id=broadcast_id),
        )
    else:
        local = send_at.astimezone(context.services.settings.tz)
        await say(
            update,
            context,
            _(
                "Broadcast #{id} is scheduled for {time}. /broadcasts lists it, with a button "
                "to cancel it.",
                id=broadcast_id,
                time=f"{local:%Y-%m-%d %H:%M}",
            ),
        )
    return ConversationHandler.END
