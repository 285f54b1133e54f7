"""/propose: a matchmaker (红娘) picks a pair from the engine's shortlist and adds a note; each
member accepts or declines; both accepting makes a match."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common.i18n import N_
from bot.common.wording.profile_card import reasons_text, render_card
from bot.domain import free_text
from bot.domain.buttons import AnswerProposal, ProposePair, ReviewSuggestion
from bot.services.matching.proposals import AnswerStatus
from conversations.common import buttons, conversation, on_press, pressed, rewrite, say
from conversations.context import ChatApplication, HuihuiContext

NOTE = "note"
MAX_NOTE = free_text.PROPOSAL_NOTE.maximum


def _summary(answers: dict[str, Any], context: HuihuiContext) -> str:
    return render_card(
        answers,
        context.services.onboarding.questionnaire,
        context.gettext,
        context.services.clock.now().astimezone(context.services.settings.tz).year,
    ).split("\n")[0]


# Listed by /help to matchmakers (with /inbox).
MATCHMAKER_COMMANDS = [
    ("propose", N_("Suggest pairs among members of your unions")),
    ("shortlist", N_("Engine suggestions waiting for your approval")),
]


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
    questions = {q.key: q for q in context.services.onboarding.questionnaire}
    for pair in pairs:
        text = f"{_summary(pair.a_answers, context)}\n× {_summary(pair.b_answers, context)}"
        why = reasons_text(pair.reasons, questions, _, of_pair=True)
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
    proposal = await context.services.proposals.propose(
        update.effective_user.id, pair[0], pair[1], text
    )
    context.user_data.pop("proposal_pair", None)
    if proposal is None:
        await say(update, context, _("This pair can no longer be proposed."))
        return ConversationHandler.END
    await say(update, context, _("Sent to both. I will tell you how they answer."))
    return ConversationHandler.END


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
    if result.status in (AnswerStatus.NOT_YOURS, AnswerStatus.CLOSED):
        await query.answer(_("This proposal is closed."), show_alert=True)
        return
    if result.status == AnswerStatus.PAUSED:
        await query.answer(
            _("You have paused your suggestions, so this proposal ends here. /resume to go on."),
            show_alert=True,
        )
        await query.edit_message_reply_markup(None)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if result.status == AnswerStatus.WAITING:
        await say(update, context, _("Thank you. I will tell you when the other person answers."))
    elif result.status == AnswerStatus.DECLINED:
        await say(update, context, _("All right, declined. Nobody is told why."))
    # A match is announced to both, and the matchmaker told, by notices written with it.


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
    await say(
        update,
        context,
        _(
            "These suggestions scored high, so your union asks a matchmaker to check them "
            "first: approved, the person is suggested to the member; rejected, never."
        ),
    )
    for item in waiting:
        text = _(
            "Suggest {candidate} to {viewer}?",
            viewer=_summary(item.viewer_answers, context),
            candidate=_summary(item.candidate_answers, context),
        )
        await say(
            update,
            context,
            text,
            buttons(
                [
                    [
                        (_("Approve"), ReviewSuggestion(item.review_id, approve=True)),
                        (_("Reject"), ReviewSuggestion(item.review_id, approve=False)),
                    ]
                ]
            ),
        )


async def reviewed(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, ReviewSuggestion)
    done = await context.services.proposals.decide_review(
        update.effective_user.id, button.review, button.approve
    )
    if not done:
        await query.answer(
            _("This suggestion is not yours to decide, or was decided already."), show_alert=True
        )
        return
    await query.answer()
    outcome = (
        _("✅ Approved: they will see it next.")
        if button.approve
        else _("❌ Not approved: they will not be suggested.")
    )
    await rewrite(update, context, f"{query.message.text or ''}\n\n{outcome}".strip())


def register(application: ChatApplication) -> None:
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
