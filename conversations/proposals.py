"""/propose: a matchmaker (红娘) picks a pair from the engine's shortlist and adds a note; each
member accepts or declines; both accepting makes a match."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.config import Language
from bot.context import HuihuiContext
from bot.domain import free_text
from bot.domain.buttons import AnswerProposal, ProposePair, ReviewSuggestion
from bot.i18n import translator
from bot.profile_card import render_card
from conversations.common import buttons, conversation, on_press, pressed, say
from conversations.matching import announce_match, reason_line

if TYPE_CHECKING:
    from bot.app import HuihuiApplication
    from bot.services import Services
    from storage.models import Proposal

_LOGGER = logging.getLogger(__name__)
NOTE = "note"
MAX_NOTE = free_text.PROPOSAL_NOTE.maximum


def _summary(answers: dict[str, Any], context: HuihuiContext) -> str:
    return render_card(
        answers,
        context.services.onboarding.questionnaire,
        context.gettext,
        context.services.clock.now().astimezone(context.services.settings.tz).year,
    ).split("\n")[0]


async def propose(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    pairs = await context.services.proposals.shortlist(update.effective_user.id)
    if pairs is None:
        await say(update, context, _("Only the union's matchmakers (红娘) can propose pairs."))
        return ConversationHandler.END
    if not pairs:
        await say(update, context, _("No new pairs to suggest in your unions right now."))
        return ConversationHandler.END
    await say(update, context, _("The engine's best pairs among members of your unions:"))
    for pair in pairs:
        text = f"{_summary(pair.a_answers, context)}\n× {_summary(pair.b_answers, context)}"
        why = reason_line(pair.reasons, _, context)
        if why:
            text += "\n💡 " + why
        await say(
            update,
            context,
            text,
            buttons([[(_("Propose this pair"), ProposePair(pair.a, pair.b))]]),
        )
    return NOTE


async def picked(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    button = pressed(update, ProposePair)
    a, b = button.a, button.b
    context.user_data["proposal_pair"] = [a, b]
    await say(
        update,
        context,
        _(
            "Write a note to both of them: why you think they suit each "
            "other (at most {limit} characters). /cancel to stop.",
            limit=MAX_NOTE,
        ),
    )
    return NOTE


async def note(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    pair = context.user_data.get("proposal_pair")
    text = free_text.clean(update.effective_message.text)
    if not pair:
        await say(update, context, _("Please choose a pair first."))
        return NOTE
    if not text or len(text) > MAX_NOTE:
        await say(
            update,
            context,
            _("Please keep the note between 1 and {limit} characters.", limit=MAX_NOTE),
        )
        return NOTE
    services = context.services
    proposal = await services.proposals.propose(update.effective_user.id, pair[0], pair[1], text)
    context.user_data.pop("proposal_pair", None)
    if proposal is None:
        await say(update, context, _("This pair can no longer be proposed."))
        return ConversationHandler.END
    a, b = await services.proposals.contacts(proposal)
    answers = {
        m: await services.onboarding.answers(m) for m in (proposal.member_a, proposal.member_b)
    }
    for member, other in ((a, proposal.member_b), (b, proposal.member_a)):
        if member is not None:
            await _send_proposal(context, services, member.telegram_id, answers[other], proposal)
    await say(update, context, _("Sent to both. I will tell you how they answer."))
    return ConversationHandler.END


async def _send_proposal(
    context: HuihuiContext, services: Services, telegram_id: int, other: dict, proposal: Proposal
) -> None:
    language = await services.languages.resolve_id(telegram_id)
    _ = translator(language)
    year = services.clock.now().astimezone(services.settings.tz).year
    card = render_card(other, services.onboarding.questionnaire, _, year)
    text = (
        _("A union matchmaker (红娘) thinks you two may suit each other:")
        + "\n\n"
        + card
        + "\n\n"
        + _("The matchmaker's note: {note}", note=proposal.note)
    )
    markup = buttons(
        [
            [
                (_("Accept"), AnswerProposal(proposal.id, accept=True)),
                (_("Decline"), AnswerProposal(proposal.id, accept=False)),
            ]
        ]
    )
    try:
        await context.bot.send_message(telegram_id, text, reply_markup=markup)
    except TelegramError as error:
        _LOGGER.info("proposal not delivered: %s", type(error).__name__)


async def cancel(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    context.user_data.pop("proposal_pair", None)
    await say(update, context, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END


async def answered(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, AnswerProposal)
    result = await context.services.proposals.answer(
        update.effective_user.id, button.proposal, button.accept
    )
    if result.status in ("not_yours", "closed"):
        await query.answer(_("This proposal is closed."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    proposal = result.proposal
    if result.status == "waiting":
        await say(update, context, _("Thank you. I will tell you when the other person answers."))
    elif result.status == "declined":
        await say(update, context, _("All right, declined. Nobody is told why."))
        await _tell_others(context, proposal, update.effective_user.id, declined=True)
    elif result.status == "matched":
        await announce_match(context, result.a, result.b)
        await _tell_matchmaker(context, proposal, accepted=True)


async def _tell_others(
    context: HuihuiContext, proposal: Proposal, decliner: int, *, declined: bool
) -> None:
    a, b = await context.services.proposals.contacts(proposal)
    for member in (a, b):
        if member is not None and member.telegram_id != decliner:
            language = await context.services.languages.resolve_id(member.telegram_id)
            await _notify(context, member.telegram_id, _not_this_time(language))
    await _tell_matchmaker(context, proposal, accepted=not declined)


async def _tell_matchmaker(context: HuihuiContext, proposal: Proposal, *, accepted: bool) -> None:
    if proposal.matchmaker_telegram_id is None:
        return  # the matchmaker has since deleted their data
    language = await context.services.languages.resolve_id(proposal.matchmaker_telegram_id)
    await _notify(context, proposal.matchmaker_telegram_id, _outcome(language, accepted))


def _not_this_time(language: Language) -> str:
    _ = translator(language)
    return _("The matchmaker's suggestion did not work out this time.")


def _outcome(language: Language, accepted: bool) -> str:
    _ = translator(language)
    if accepted:
        return _("Good news: both accepted your proposal, and they can now reach each other.")
    return _("One of the two declined your proposal.")


async def _notify(context: HuihuiContext, telegram_id: int, text: str) -> None:
    try:
        await context.bot.send_message(telegram_id, text)
    except TelegramError as error:
        _LOGGER.info("proposal update not delivered: %s", type(error).__name__)


async def shortlist(update: Update, context: HuihuiContext) -> None:
    """Strong suggestions that wait for a matchmaker before members see them."""
    _ = context.gettext
    waiting = await context.services.proposals.pending_reviews(update.effective_user.id)
    if waiting is None:
        await say(update, context, _("Only the union's matchmakers (红娘) can propose pairs."))
        return
    if not waiting:
        await say(update, context, _("No suggestions are waiting for your approval."))
        return
    for item in waiting:
        text = _("Suggest {candidate} to {viewer}?", viewer=_summary(item.viewer_answers, context),
                 candidate=_summary(item.candidate_answers, context))  # fmt: skip
        await say(update, context, text, buttons([[
            (_("Approve"), ReviewSuggestion(item.review_id, approve=True)),
            (_("Reject"), ReviewSuggestion(item.review_id, approve=False)),
        ]]))  # fmt: skip


async def reviewed(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, ReviewSuggestion)
    done = await context.services.proposals.decide_review(
        update.effective_user.id, button.review, button.approve
    )
    if not done:
        await query.answer(_("This suggestion is not yours to decide, or was decided already."),
                           show_alert=True)  # fmt: skip
        return
    await query.answer()
    outcome = _("✅ Approved: they will see it next.") if button.approve else _("❌ Not shown.")
    await query.edit_message_text(f"{query.message.text}\n\n{outcome}")


def register(application: HuihuiApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(
        conversation(
            entry_points=[CommandHandler("propose", propose, filters=private)],
            states={
                NOTE: [
                    on_press(picked, ProposePair),
                    MessageHandler(private & filters.TEXT & ~filters.COMMAND, note),
                ]
            },
            fallbacks=[CommandHandler("cancel", cancel, filters=private)],
            name="proposal",
            persistent=True,
        )
    )
    application.add_handler(on_press(answered, AnswerProposal))
    application.add_handler(CommandHandler("shortlist", shortlist, filters=private))
    application.add_handler(on_press(reviewed, ReviewSuggestion))
