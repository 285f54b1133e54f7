"""Organisers' Approve / Reject buttons on verifications that need a human."""

from __future__ import annotations

import logging

from telegram import Update

from bot.domain.buttons import (
    ApproveVerification,
    RejectBecause,
    RejectVerification,
    parse,
)
from bot.domain.verification import REJECTION_REASONS
from bot.services.onboarding import ReviewStatus
from conversations.common import buttons, on_press, pressed, rewrite
from conversations.context import ChatApplication, HuihuiContext

_LOGGER = logging.getLogger(__name__)


async def ask_reason(update: Update, context: HuihuiContext) -> None:
    """Rejecting asks why first; the reason is what the member is told."""
    _ = context.gettext
    query = update.callback_query
    attempt_id = pressed(update, RejectVerification).attempt
    if not await context.services.administration.can_administer(update.effective_user.id):
        await query.answer(_("Only organisers of this member's union can decide."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(
        buttons(
            [
                [(_(label), RejectBecause(attempt_id, key))]  # type: ignore[arg-type]
                for key, (label, _text) in REJECTION_REASONS.items()
            ]
        )
    )


async def decide(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = parse(query.data)
    approve = isinstance(button, ApproveVerification)
    attempt_id = button.attempt  # type: ignore[union-attr]
    reason = button.reason if isinstance(button, RejectBecause) else None
    result = await context.services.onboarding.review(
        attempt_id, update.effective_user.id, approve, reason
    )
    if result.status == ReviewStatus.NOT_ALLOWED:
        await query.answer(_("Only organisers of this member's union can decide."), show_alert=True)
        return
    await query.answer()
    outcome = {
        ReviewStatus.APPROVED: _("✅ Approved. The member has been told."),
        ReviewStatus.REJECTED: _("❌ Rejected. The member has been told."),
        ReviewStatus.NUMBER_TAKEN: _("This member number was linked to another account meanwhile."),
        ReviewStatus.ALREADY_REVIEWED: _("Someone has already decided on this request."),
    }[result.status]
    await rewrite(update, context, f"{query.message.text or ''}\n\n{outcome}".strip())


def register(application: ChatApplication) -> None:
    application.add_handler(on_press(decide, ApproveVerification, RejectBecause))
    application.add_handler(on_press(ask_reason, RejectVerification))
