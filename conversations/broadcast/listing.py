"""/broadcasts: the latest broadcasts in the organiser's scope, how each went, and a button to
cancel one still to be sent."""

from __future__ import annotations

from telegram import Update

from bot.common.i18n import N_
from bot.common.wording.broadcasts import audience_summary
from bot.domain.broadcasts import BroadcastStatus, DeliveryStatus
from bot.domain.buttons import (
    CancelBroadcast,
)
from bot.services.broadcasts import Cancellation, Summary
from conversations.admin import refuse
from conversations.common import (
    buttons,
    pressed,
    say,
)
from conversations.context import HuihuiContext

STATUS_WORDS = {
    BroadcastStatus.SCHEDULED: N_("Scheduled"),
    BroadcastStatus.SENDING: N_("Sending"),
    BroadcastStatus.DONE: N_("Finished"),
    BroadcastStatus.CANCELLED: N_("Cancelled"),
}


async def listing(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.broadcasts.listing(update.effective_user.id)
    if found is None:
        await refuse(update, context)
        return
    if not found:
        await say(update, context, _("No broadcasts yet. Send /broadcast to write one."))
        return
    for broadcast in reversed(found):  # the newest last, nearest the reply box
        markup = None
        if broadcast.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
            markup = buttons(
                [[(_("Cancel #{id}", id=broadcast.id), CancelBroadcast(broadcast.id))]]
            )
        await say(update, context, _summary(broadcast, context), markup)


def _summary(broadcast: Summary, context: HuihuiContext) -> str:
    _ = context.gettext
    tz = context.services.settings.tz
    preview = broadcast.text if len(broadcast.text) <= 60 else broadcast.text[:60] + "…"
    questionnaire = context.services.onboarding.questionnaire
    audience = audience_summary(broadcast.audience, broadcast.unit, questionnaire, _)
    preview = f"{audience}\n{preview}"
    status = _(STATUS_WORDS[broadcast.status])
    when = f"{broadcast.send_at.astimezone(tz):%Y-%m-%d %H:%M}"
    if broadcast.status == BroadcastStatus.SCHEDULED:
        return _(
            "#{id} · {status} · {time}\n{preview}",
            id=broadcast.id,
            status=status,
            time=when,
            preview=preview,
        )
    return _(
        "#{id} · {status} · {time}\n{preview}\nSent {sent} / {total} · failed {failed} · "
        "unreachable {unreachable}",
        id=broadcast.id,
        status=status,
        time=when,
        preview=preview,
        sent=broadcast.tally[DeliveryStatus.SENT],
        total=broadcast.total,
        failed=broadcast.tally[DeliveryStatus.FAILED],
        unreachable=broadcast.tally[DeliveryStatus.UNREACHABLE],
    )


async def cancel_sent(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    broadcast_id = pressed(update, CancelBroadcast).broadcast
    result = await context.services.broadcasts.cancel(update.effective_user.id, broadcast_id)
    if result == Cancellation.NOT_ALLOWED:
        await query.answer(
            _("Only organisers of this broadcast's union can cancel it."), show_alert=True
        )
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await say(
        update,
        context,
        {
            Cancellation.CANCELLED: _(
                "Broadcast #{id} is cancelled; nobody else will receive it.", id=broadcast_id
            ),
            Cancellation.FINISHED: _("Broadcast #{id} has already finished.", id=broadcast_id),
        }[result],
    )
