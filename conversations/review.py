"""Organisers' Approve / Reject buttons on verifications that need a human."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.config import Language
from bot.context import HuihuiContext
from bot.domain.buttons import (
    ApproveVerification,
    ContinueOnboarding,
    RejectBecause,
    RejectVerification,
    parse,
)
from bot.i18n import N_, translator
from conversations.common import buttons, on_press, pressed
from conversations.onboarding.verify import RETRY

if TYPE_CHECKING:
    from bot.app import HuihuiApplication

_LOGGER = logging.getLogger(__name__)


# key → (the reviewer's button, what the member is told)
REJECTION_REASONS = {
    "mismatch": (N_("Details do not match"), N_("Your details do not match the union's roster.")),
    "not_member": (
        N_("Not our member"),
        N_("The union could not confirm that you are its member."),
    ),
    "other": (N_("Other reason"), N_("Please contact your union for details.")),
}


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
    result = await context.services.onboarding.review(attempt_id, update.effective_user.id, approve)
    if result.status == "not_allowed":
        await query.answer(_("Only organisers of this member's union can decide."), show_alert=True)
        return
    await query.answer()
    outcome = {
        "approved": _("✅ Approved. The member has been told."),
        "rejected": _("❌ Rejected. The member has been told."),
        "number_taken": _("This member number was linked to another account meanwhile."),
        "already_reviewed": _("Someone has already decided on this request."),
    }[result.status]
    await query.edit_message_text(f"{query.message.text}\n\n{outcome}")
    if result.member_telegram_id is None or result.status == "already_reviewed":
        return
    language = await context.services.languages.resolve_id(result.member_telegram_id)
    text, markup = _tell_member(language, approved=result.status == "approved", reason=reason)
    try:
        await context.bot.send_message(result.member_telegram_id, text, reply_markup=markup)
    except TelegramError as error:
        _LOGGER.info("member not told of a review decision: %s", type(error).__name__)


def _tell_member(
    language: Language, *, approved: bool, reason: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    _ = translator(language)
    if approved:
        text = _("✅ Your union has confirmed your membership. Let's continue.")
        return text, buttons([[(_("Continue"), ContinueOnboarding())]])
    text = _(
        "Your union could not confirm your details against its roster. Please check them "
        "and try again, or ask your union to correct the roster."
    )
    if reason in REJECTION_REASONS:
        text += "\n" + _(REJECTION_REASONS[reason][1])
    return text, buttons([[(_("Try again"), RETRY)]])


def register(application: HuihuiApplication) -> None:
    application.add_handler(on_press(decide, ApproveVerification, RejectBecause))
    application.add_handler(on_press(ask_reason, RejectVerification))
