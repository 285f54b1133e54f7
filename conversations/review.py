"""Organisers' Approve / Reject buttons on verifications that need a human. Rejecting asks
why; "other reason" then asks the organiser to write it, and the member reads those words."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler, filters

from bot.domain import free_text
from bot.domain.buttons import (
    ApprovePhoto,
    ApproveVerification,
    RejectBecause,
    RejectPhoto,
    RejectVerification,
    RejectWithNote,
    parse,
)
from bot.domain.verification import REJECTION_REASONS
from bot.services.administration import Decision
from bot.services.onboarding import ReviewStatus
from conversations.common import buttons, on_press, pressed, rewrite, say, scratch
from conversations.context import ChatApplication, HuihuiContext
from conversations.dialogs import add_dialog

WRITING_NOTE = "writing_note"
NOTE = free_text.REVIEW_NOTE


async def ask_reason(update: Update, context: HuihuiContext) -> None:
    """Rejecting asks why first; the reason is what the member is told."""
    _ = context.gettext
    query = update.callback_query
    attempt_id = pressed(update, RejectVerification).attempt
    if not await context.services.administration.can_administer(update.effective_user.id):
        await query.answer(_("Only organisers of this member's union can decide."), show_alert=True)
        return
    await query.answer()
    rows = [
        [(_(label), RejectBecause(attempt_id, key))]  # type: ignore[arg-type]
        for key, (label, _text) in REJECTION_REASONS.items()
    ]
    rows.append([(_("Other reason"), RejectWithNote(attempt_id))])
    await query.edit_message_reply_markup(buttons(rows))


async def decide(update: Update, context: HuihuiContext) -> None:
    query = update.callback_query
    button = parse(query.data)
    approve = isinstance(button, ApproveVerification)
    attempt_id = button.attempt  # type: ignore[union-attr]
    reason = button.reason if isinstance(button, RejectBecause) else None
    result = await context.services.onboarding.review(
        attempt_id, update.effective_user.id, approve, reason
    )
    if result.status == ReviewStatus.NOT_ALLOWED:
        await query.answer(
            context.gettext("Only organisers of this member's union can decide."), show_alert=True
        )
        return
    await query.answer()
    text = query.message.text if query.message else None
    await rewrite(update, context, f"{text or ''}\n\n{_outcome(result.status, context)}".strip())


async def ask_for_note(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    query = update.callback_query
    if not await context.services.administration.can_administer(update.effective_user.id):
        await query.answer(_("Only organisers of this member's union can decide."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(None)  # decided here, or again from /review
    scratch(context)["rejecting"] = pressed(update, RejectWithNote).attempt
    await say(
        update,
        context,
        _(
            "Write the reason in one message; the member will read it as you write it "
            "(at most {limit} characters). Send /cancel to keep the request waiting.",
            limit=NOTE.maximum,
        ),
    )
    return WRITING_NOTE


async def reject_with_note(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    note = free_text.check(update.effective_message.text or "", NOTE)
    if isinstance(note, free_text.Invalid):
        await say(update, context, _(note.reason, **note.values))
        return WRITING_NOTE
    attempt_id = scratch(context).pop("rejecting", None)
    if attempt_id is None:
        return ConversationHandler.END
    result = await context.services.onboarding.review(
        attempt_id, update.effective_user.id, False, note=note
    )
    if result.status == ReviewStatus.NOT_ALLOWED:
        await say(update, context, _("Only organisers of this member's union can decide."))
    else:
        await say(update, context, _outcome(result.status, context))
    return ConversationHandler.END


async def cancel(update: Update, context: HuihuiContext) -> int:
    scratch(context).pop("rejecting", None)
    await say(update, context, context.gettext("Cancelled. The request is still waiting: /review"))
    return ConversationHandler.END


def _outcome(status: ReviewStatus, context: HuihuiContext) -> str:
    _ = context.gettext
    return {
        ReviewStatus.APPROVED: _("✅ Approved. The member has been told."),
        ReviewStatus.REJECTED: _("❌ Rejected. The member has been told."),
        ReviewStatus.NUMBER_TAKEN: _("This member number was linked to another account meanwhile."),
        ReviewStatus.ALREADY_REVIEWED: _("Someone has already decided on this request."),
        ReviewStatus.NOT_ALLOWED: _("Only organisers of this member's union can decide."),
    }[status]


async def decide_photo(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = parse(query.data)
    approve = isinstance(button, ApprovePhoto)
    review_id = button.review  # type: ignore[union-attr]
    done = await context.services.photo_reviews.decide(update.effective_user.id, review_id, approve)
    if done == Decision.NOT_ALLOWED:
        await query.answer(_("Only organisers of this member's union can decide."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    outcome = {
        Decision.DONE: _("✅ Approved: others see it now.")
        if approve
        else _("❌ Not approved: others will not see it."),
        Decision.UNCHANGED: _("Someone has already decided on this request."),
        Decision.UNKNOWN: _("This photo is no longer waiting."),
    }[done]
    await say(update, context, outcome)


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    add_dialog(
        application,
        "rejection_note",
        entry_points=[on_press(ask_for_note, RejectWithNote)],
        states={
            WRITING_NOTE: [
                MessageHandler(private & filters.TEXT & ~filters.COMMAND, reject_with_note)
            ]
        },
        cancel=cancel,
    )
    application.add_handler(on_press(decide, ApproveVerification, RejectBecause))
    application.add_handler(on_press(decide_photo, ApprovePhoto, RejectPhoto))
    application.add_handler(on_press(ask_reason, RejectVerification))
