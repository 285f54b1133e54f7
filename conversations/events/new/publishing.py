"""/event_new, last steps: when sign-up closes, when members are told, the preview and
publishing."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import ConversationHandler

from bot.domain.buttons import NewEventDecision
from bot.domain.events import ANY_WORDS
from conversations.admin import refuse
from conversations.common import (
    buttons,
    pressed,
    say,
    scratch,
)
from conversations.context import HuihuiContext
from conversations.events.new.draft import (
    ANNOUNCE,
    DEADLINE,
    DRAFT,
    NOW_WORDS,
    PREVIEW,
    draft_of,
    local,
    spec_of,
    summary,
    typed_time,
)


async def got_deadline(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    draft = draft_of(context)
    start = datetime.fromisoformat(draft["starts_at"])
    now = context.services.clock.now()
    if update.effective_message.text.strip().lower() in ANY_WORDS:
        deadline = max(start - timedelta(days=1), min(start, now + timedelta(hours=1)))
    else:
        deadline = await typed_time(update, context)
        if deadline is None:
            return DEADLINE
        if deadline > start:
            await say(update, context, _("Sign-up must close before the event starts."))
            return DEADLINE
    draft["signup_deadline"] = deadline.isoformat()
    await say(
        update,
        context,
        _('When should members be told? Type a date and time before sign-up closes, or "now".'),
    )
    return ANNOUNCE


async def got_announce(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    draft = draft_of(context)
    if update.effective_message.text.strip().lower() in NOW_WORDS:
        announce = context.services.clock.now()
    else:
        announce = await typed_time(update, context)
        if announce is None:
            return ANNOUNCE
        if announce >= datetime.fromisoformat(draft["signup_deadline"]):
            await say(update, context, _("The announcement must come before sign-up closes."))
            return ANNOUNCE
    draft["announce_at"] = announce.isoformat()
    spec = spec_of(draft)
    await say(
        update,
        context,
        summary(spec, context),
        buttons(
            [
                [
                    (_("Publish"), NewEventDecision(publish=True)),
                    (_("Cancel"), NewEventDecision(publish=False)),
                ]
            ]
        ),
    )
    return PREVIEW


async def publish(update: Update, context: HuihuiContext) -> int:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    draft = scratch(context).pop(DRAFT, None)
    if not pressed(update, NewEventDecision).publish or not draft or "announce_at" not in draft:
        await say(update, context, _("Cancelled. Nothing was published."))
        return ConversationHandler.END
    event_id = await context.services.events.organising.create(
        update.effective_user.id, spec_of(draft)
    )
    if event_id is None:
        await refuse(update, context)
        return ConversationHandler.END
    await say(
        update,
        context,
        _(
            "Published as event #{id}. Members are told at {time}. /events shows sign-ups, the "
            "check-in code and the QR poster.",
            id=event_id,
            time=local(datetime.fromisoformat(draft["announce_at"]), context),
        ),
    )
    return ConversationHandler.END
