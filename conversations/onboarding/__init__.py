"""Onboarding: consent → verification → single pledge → profile questions, plus /edit.

One persistent ConversationHandler routes the member's messages here while they sign up. Every
handler works out the step from what is stored (``bot.domain.onboarding.next_step``), so a
restart, a lost conversation state or an old button never puts the member in the wrong place.
The steps (``bot.domain.onboarding.Step``):

```mermaid
stateDiagram-v2
    [*] --> CONSENT: /start
    CONSENT --> [*]: Decline (only the refusal is stored)
    CONSENT --> PHONE: Agree
    PHONE --> REAL_NAME: shared contact or typed number
    REAL_NAME --> MEMBER_NUMBER
    MEMBER_NUMBER --> EMPLOYER
    EMPLOYER --> PLEDGE: matches the union roster
    EMPLOYER --> AWAITING_REVIEW: close, an organiser decides
    EMPLOYER --> PHONE: no match (Try again, 5 a day)
    AWAITING_REVIEW --> PLEDGE: approved (a notice with Continue)
    AWAITING_REVIEW --> PHONE: rejected (a notice with Try again)
    PLEDGE --> [*]: Not now (/start later)
    PLEDGE --> QUESTION: I promise
    QUESTION --> QUESTION: answered or skipped; the next unanswered
    QUESTION --> COMPLETE: all answered, the card is shown
    COMPLETE --> QUESTION: /edit a question
    COMPLETE --> [*]
```
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from telegram import Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common.i18n import N_, SUPPORTED_LANGUAGES, translator
from bot.common.wording.profile_card import answer_text, render_card
from bot.domain.buttons import (
    AnswerOption,
    AskUnionForNumber,
    Button,
    Consent,
    ContinueOnboarding,
    DoneChoosing,
    EditAnswer,
    Importance,
    NotImportant,
    Pledge,
    PreviousQuestion,
    RetryVerification,
    SkipQuestion,
    ToggleAny,
    ToggleOption,
    UseShortened,
    parse,
)
from bot.domain.events import Refusal
from bot.domain.onboarding import (
    Progress,
    Step,
    back_to_carry_on,
    correction,
    named_question,
    next_step,
    previous_question,
    typed_consent,
    wants_previous,
    wants_to_skip,
)
from bot.domain.questions import ANY, Invalid, Kind, Question, Section, importance
from bot.domain.questions.questionnaire import asked_after, implied
from bot.services.onboarding import MemberStatus
from conversations.common import buttons, in_rows, on_press, say, scratch, send_photo_with_text
from conversations.common import conversation as make_conversation
from conversations.context import ChatApplication, HuihuiContext
from conversations.events import attending
from conversations.member_app import app_button
from conversations.onboarding import consent, questions, verify

COMMANDS = [
    ("start", N_("Sign up, or carry on where you stopped")),
    ("edit", N_("Change an answer in your profile")),
]
ACTIVE = "active"
END = ConversationHandler.END
BUTTON_KINDS = (
    Consent,
    RetryVerification,
    AskUnionForNumber,
    ContinueOnboarding,
    Pledge,
    EditAnswer,
    AnswerOption,
    ToggleOption,
    ToggleAny,
    DoneChoosing,
    SkipQuestion,
    Importance,
    NotImportant,
    UseShortened,
    PreviousQuestion,
)


# An event's deep link, as on its QR poster: /start event_12.
EVENT_LINK = r"^/start event_\d+$"
# The event a newcomer came for, kept in their conversation data (persisted) until they are
# verified: {"id": 12, "after_profile": False}.
CAME_FOR = "came_for_event"
# Refusals a newly verified member's empty profile may cause (gender places, ages, districts).
UNTIL_PROFILE = {Refusal.NO_GENDER, Refusal.AGE, Refusal.DISTRICT, Refusal.INDUSTRY}
BEFORE_VERIFIED = {
    Step.CONSENT,
    Step.PHONE,
    Step.REAL_NAME,
    Step.MEMBER_NUMBER,
    Step.EMPLOYER,
    Step.AWAITING_REVIEW,
}


class Where(NamedTuple):
    """Where the member stands, as read at the start of their update."""

    member: MemberStatus | None
    step: Step
    question: Question | None
    progress: Progress


async def _where(update: Update, context: HuihuiContext) -> Where:
    member, progress = await context.services.onboarding.progress(
        update.effective_user.id, scratch(context)
    )
    return _at(member, progress, context)


def _at(member: MemberStatus | None, progress: Progress, context: HuihuiContext) -> Where:
    step, question = next_step(progress, context.services.onboarding.questionnaire)
    return Where(member, step, question, progress)


def _after_answering(where: Where, stored: set[str], context: HuihuiContext) -> Where:
    """Where the member stands once their answers (``stored``) are. Their updates are handled
    one at a time, so what was read at the start of this one and the answers just written are
    all there is: reading it all again cost three statements per answer."""
    progress = replace(where.progress, answered=where.progress.answered | stored, editing=None)
    return _at(where.member, progress, context)


async def start(update: Update, context: HuihuiContext, came_for: str | None = None) -> Any:
    """/start; ``came_for``: the title of the event whose link a newcomer opened."""
    _ = context.gettext
    member, step, _question, _progress = await _where(update, context)
    if step == Step.COMPLETE:
        await say(
            update,
            context,
            _(
                "Welcome back! Your profile is complete. /profile shows it, /edit changes it, "
                "/help lists everything else."
            ),
        )
        return END
    if step == Step.CONSENT:
        await say(
            update,
            context,
            _(
                "Hello {name}! I am 会会, the matchmaking assistant of your trade union, free "
                "for single union members. Everyone here is a union member whose identity the "
                "union has checked, so the people you meet are who they say they are.",
                name=update.effective_user.first_name,
            ),
        )
    else:
        await say(update, context, _("Welcome back — let's carry on where you stopped."))
    if came_for is not None:
        await say(
            update,
            context,
            _(
                "To sign up for “{title}” you first confirm that you are a union member; it "
                "takes a few minutes. Once you are verified I will bring you back to the event.",
                title=came_for,
            ),
        )
    return await resume(update, context)


async def event_link(update: Update, context: HuihuiContext) -> Any:
    """A poster's deep link. A member who is verified sees the event; a newcomer is taken
    through consent and verification first, and the event is kept to show them afterwards."""
    _ = context.gettext
    event_id = int(update.effective_message.text.removeprefix("/start event_"))
    member, step, _question, _progress = await _where(update, context)
    if step not in BEFORE_VERIFIED:
        await attending.deep_link(update, context, event_id)
        # Where they were stays as it was: someone in the middle of their questions goes on
        # answering them, and for anyone else a check-in code typed next is that.
        return None
    offer = await context.services.events.attending.offer(update.effective_user.id, event_id)
    if offer is None:
        await say(
            update, context, _("This event is no longer open. Send /events to see the others.")
        )
        return await start(update, context)
    scratch(context)[CAME_FOR] = {"id": event_id, "after_profile": False}
    if step == Step.AWAITING_REVIEW:
        await say(
            update,
            context,
            _(
                "Your union is still checking your details. Once they have, I will show you "
                "“{title}” so you can sign up.",
                title=offer.event.title,
            ),
        )
        return END
    return await start(update, context, came_for=offer.event.title)


async def _back_to_event(update: Update, context: HuihuiContext, profile_complete: bool) -> None:
    """Show a newly verified member the event they came for, with its sign-up button. If
    only their profile is missing for it (their gender for places kept by gender, their age…),
    it is shown once the profile is complete."""
    _ = context.gettext
    kept = scratch(context)[CAME_FOR]
    offer = await context.services.events.attending.offer(update.effective_user.id, kept["id"])
    if offer is None:
        scratch(context).pop(CAME_FOR)
        await say(
            update,
            context,
            _("The event you came for is no longer open. Send /events to see the others."),
        )
        return
    if not profile_complete and offer.refusals and set(offer.refusals) <= UNTIL_PROFILE:
        scratch(context)[CAME_FOR] = {**kept, "after_profile": True}
        await say(
            update,
            context,
            _(
                "Who can join “{title}” depends on the profile (gender, age or district), so I "
                "will show you the event again as soon as your profile is complete.",
                title=offer.event.title,
            ),
        )
        return
    scratch(context).pop(CAME_FOR)
    if profile_complete:
        await say(update, context, _("Here is the event you came for:"))
    else:
        await say(
            update,
            context,
            _(
                "Here is the event you came for. You can sign up now and finish your profile "
                "afterwards."
            ),
        )
    await attending.show_offer(update, context, offer)


async def resume(update: Update, context: HuihuiContext, where: Where | None = None) -> Any:
    """Ask whatever comes next for this member (``where`` they stand, when already known)."""
    _ = context.gettext
    where = where or await _where(update, context)
    member, step, question, _progress = where
    came_for = scratch(context).get(CAME_FOR)
    if came_for and not came_for["after_profile"] and step not in BEFORE_VERIFIED:
        await _back_to_event(update, context, profile_complete=step == Step.COMPLETE)
    if step == Step.QUESTION and (not_asked := await _not_for_them(context, where)):
        if scratch(context).pop("editing", None) is not None:
            await say(update, context, _("Only members who have been married are asked this."))
            return END
        return await resume(update, context, _after_answering(where, not_asked, context))
    match step:
        case Step.CONSENT:
            await consent.ask(update, context)
        case Step.PHONE if "claim" not in scratch(context):
            return ACTIVE if await verify.start(update, context, member.id) else END
        case Step.PHONE | Step.REAL_NAME | Step.MEMBER_NUMBER | Step.EMPLOYER:
            await verify.ask(update, context, step)
        case Step.AWAITING_REVIEW:
            await say(
                update,
                context,
                _(
                    "Your union is still checking your details; I will tell you as soon as "
                    "they have."
                ),
            )
            return END
        case Step.PLEDGE:
            await _ask_pledge(update, context)
        case Step.QUESTION:
            if questions.pending_value(context, question) is not None:
                await questions.ask_importance(
                    update, context, question, questions.pending_value(context, question)
                )
            else:
                await questions.ask(update, context, question)
        case Step.COMPLETE:
            return await _finish(update, context, member)
    return ACTIVE


async def _not_for_them(context: HuihuiContext, where: Where) -> set[str]:
    """A follow-up that does not apply to this member, stored as skipped; the keys stored."""
    if where.question is None or where.member is None:
        return set()
    return await context.services.onboarding.skip_not_asked(where.member.id, where.question.key)


# A correction of the answer before is a short message ("打错了，是1990").
CORRECTION_LENGTH = 20
# Where the member is asked to type something (a greeting there is not the answer).
ASKS_FOR_WORDS = (Step.REAL_NAME, Step.MEMBER_NUMBER, Step.EMPLOYER, Step.QUESTION)


async def on_text(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    where = await _where(update, context)
    member, step, question, _progress = where
    typed = update.effective_message.text or ""
    if step in ASKS_FOR_WORDS and back_to_carry_on(typed):  # "在吗", days later: not an answer
        await say(update, context, _("Welcome back — let's carry on where you stopped."))
        return await resume(update, context, where)
    if step in (Step.PHONE, Step.REAL_NAME, Step.MEMBER_NUMBER, Step.EMPLOYER):
        if step == Step.PHONE and "claim" not in scratch(context):
            retried = await verify.typed_after_rejection(update, context, member.id)
            if retried is None:
                return await resume(update, context)
            return await resume(update, context) if retried else ACTIVE
        if await verify.on_text(update, context, step, member.id):
            return await resume(update, context)
        return ACTIVE
    if step == Step.QUESTION and wants_previous(typed) and questions.may_go_back(context):
        return await _go_back(update, context, where)
    if (
        step == Step.QUESTION
        and question is not None
        and question.kind != Kind.LONG_TEXT  # an introduction may well say 错了
        and len(typed) <= CORRECTION_LENGTH
        and (corrected := correction(typed)) is not None
        and questions.may_go_back(context)
    ):
        return await _correct_previous(update, context, where, corrected)
    pending = questions.pending_value(context, question) if question is not None else None
    if step == Step.QUESTION and question is not None and pending is not None:
        # "必须", "最好", "无所谓" typed under the buttons that say them.
        level = importance.typed_level(typed)
        if level is not None and level in importance.levels(question):
            stored = importance.must_have(question, pending, level)
            if not isinstance(stored, Invalid):
                return await _store(update, context, where, pending, stored)
    if step == Step.QUESTION and pending is None:
        if question is not None and _skipping(context, question, typed):
            if question.optional:
                return await _store(update, context, where, None, None)  # as the 跳过 button
            await say(update, context, _("This question needs an answer; it cannot be skipped."))
            await questions.ask(update, context, question)
            return ACTIVE
        value = await questions.on_text(update, context, question)
        return ACTIVE if value is None else await _accept(update, context, where, value)
    if step == Step.CONSENT:
        agreed = typed_consent(update.effective_message.text or "")
        if agreed is None:
            await consent.ask_again(update, context)
            return ACTIVE
        await context.services.onboarding.consent(update.effective_user.id, agreed)
        if agreed:
            return await resume(update, context)
        await consent.declined(update, context)
        return END
    if step == Step.PLEDGE:
        await _ask_pledge(update, context, again=True)
        return ACTIVE
    if step == Step.COMPLETE and member is not None and member.pledged:
        # Shown /edit's menu, people type what they want to change ("家乡", "我想改一下身高").
        key = named_question(typed, _titles(context))
        return await (edit(update, context) if key is None else _change(update, context, key))
    if step == Step.QUESTION:
        await say(update, context, _("Please answer with the buttons."))
    return await resume(update, context)


def _skipping(context: HuihuiContext, question: Question, typed: str) -> bool:
    """Whether the words leave the question unanswered rather than answer it ("没有" is an
    answer to whether one has children, not a skip)."""
    if not wants_to_skip(typed, optional=question.optional):
        return False
    free = question.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.PHOTOS)
    return free or isinstance(questions.parsed(context, question, typed), Invalid)


async def _change(update: Update, context: HuihuiContext, key: str) -> Any:
    """Ask the question ``key`` again, to change its answer (from /edit)."""
    questions.clear(context)
    scratch(context)["editing"] = key
    scratch(context).pop("back", None)
    return await resume(update, context)


def _titles(context: HuihuiContext) -> dict[str, list[str]]:
    return {
        q.key: [translator(language)(q.title) for language in SUPPORTED_LANGUAGES]
        for q in context.services.onboarding.questionnaire
    }


async def on_contact(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    member, step, _question, _progress = await _where(update, context)
    if step != Step.PHONE:
        await say(update, context, _("Thank you, but I do not need your number right now."))
        return await resume(update, context)
    if await context.services.onboarding.locked_until(member.id):
        return await resume(update, context)
    await verify.on_contact(update, context)
    return ACTIVE


async def on_photo(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    where = await _where(update, context)
    question = where.question
    if where.step != Step.QUESTION or question is None or question.kind != Kind.PHOTOS:
        await say(update, context, _("Thank you, but I do not need a photo right now."))
        return await resume(update, context, where)
    photos = await questions.on_photo(update, context, question)
    return ACTIVE if photos is None else await _accept(update, context, where, photos)


async def on_other(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    await say(update, context, _("Please answer with text or the buttons."))
    return await resume(update, context)


async def on_button(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    query = update.callback_query
    button = parse(query.data)
    where = await _where(update, context)
    member, step, question, _progress = where
    onboarding = context.services.onboarding
    match button:
        case Consent(agree=agree) if step == Step.CONSENT:
            await query.answer()
            await query.edit_message_reply_markup(None)
            await onboarding.consent(update.effective_user.id, agree)
            if agree:
                return await resume(update, context)
            await consent.declined(update, context)
            return END
        case RetryVerification() if step == Step.PHONE:
            await query.answer()
            return ACTIVE if await verify.start(update, context, member.id, retry=True) else END
        case AskUnionForNumber() if step == Step.MEMBER_NUMBER:
            await query.answer()
            await query.edit_message_reply_markup(None)
            await verify.ask_union(update, context)
            return ACTIVE
        case ContinueOnboarding():
            await query.answer()
            return await resume(update, context)
        case Pledge(choice=choice) if step == Step.PLEDGE:
            await query.answer()
            await query.edit_message_reply_markup(None)
            if choice == "later":
                await say(update, context, _("All right. Send /start when you are ready."))
                return END
            await onboarding.pledge(member.id)
            await say(
                update,
                context,
                _(
                    "Thank you. Now a few questions for your profile — about five minutes. "
                    "Others see your answers on your card, never your real name or phone."
                ),
            )
            return await resume(update, context)
        case EditAnswer(question=key) if member is not None and member.pledged:
            await query.answer()
            if onboarding_question(context, key) is None:
                return END
            return await _change(update, context, key)
        case PreviousQuestion(question=key) if (
            step == Step.QUESTION and question is not None and question.key == key
        ):
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _go_back(update, context, where)
    asked = getattr(button, "question", None)
    if step != Step.QUESTION or question is None or question.key != asked:
        earlier = onboarding_question(context, asked) if isinstance(asked, str) else None
        if earlier is not None and member is not None and member.pledged:
            # A button under an earlier question, pressed later: how to change that answer.
            await query.answer(
                _(
                    "You have answered “{title}” already. To change it, send /edit and "
                    "choose “{title}”.",
                    title=_(earlier.title),
                ),
                show_alert=True,
            )
        else:
            await query.answer(_("That question has been answered already."), show_alert=True)
        return ACTIVE if step != Step.COMPLETE else END
    return await _question_button(update, context, where, question, button)


async def _question_button(
    update: Update, context: HuihuiContext, where: Where, question: Question, button: Button
) -> Any:
    _ = context.gettext
    query = update.callback_query
    pending = questions.pending_value(context, question)
    match button:
        case ToggleOption(option=index) if question.kind == Kind.MULTI and pending is None:
            await query.answer()
            if 0 <= index < len(question.options):
                await questions.on_toggle(update, context, question, question.options[index].key)
            return ACTIVE
        case ToggleAny() if question.section == Section.LOOKING_FOR and pending is None:
            await query.answer()
            await questions.on_toggle(update, context, question, ANY)
            return ACTIVE
        case AnswerOption(option=index) if 0 <= index < len(question.options) and pending is None:
            value: Any = question.options[index].key
        case DoneChoosing() if pending is None:
            value = questions.on_done(context, question)
            if isinstance(value, Invalid):
                await query.answer(_(value.reason, **value.values), show_alert=True)
                return ACTIVE
        case SkipQuestion() if question.optional:
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _store(update, context, where, None, None)
        case Importance() | NotImportant() if pending is not None:
            stored = importance.must_have(question, pending, questions.level_of_button(button))
            await query.answer()
            if isinstance(stored, Invalid):  # a level this question does not offer
                return ACTIVE
            await query.edit_message_reply_markup(None)
            return await _store(update, context, where, pending, stored)
        case UseShortened() if pending is None:
            value = questions.shortened_answer(context, question)
            if value is None:
                await query.answer()
                return ACTIVE
            if isinstance(value, Invalid):
                await query.answer(_(value.reason, **value.values), show_alert=True)
                return ACTIVE
        case _:
            await query.answer()
            return ACTIVE
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _accept(update, context, where, value)


async def _go_back(update: Update, context: HuihuiContext, where: Where) -> Any:
    """Back to the previous question, its current answer shown; once it is answered again
    the questionnaire carries on where the member was. From "must or nice to have?" it is
    back to the answer of the same question."""
    _ = context.gettext
    member, question = where.member, where.question
    assert member is not None and question is not None
    onboarding = context.services.onboarding
    if questions.pending_value(context, question) is not None:
        questions.clear(context)
        await questions.ask(update, context, question)
        return ACTIVE
    answers = await onboarding.answers(member.id)
    previous = previous_question(onboarding.questionnaire, question.key, answers)
    if previous is None:
        await say(update, context, _("This is the first question."))
        await questions.ask(update, context, question)
        return ACTIVE
    questions.clear(context)
    scratch(context)["editing"] = previous.key
    scratch(context)["back"] = True
    now = answer_text(previous, answers.get(previous.key), _)
    await say(
        update, context, _("Back to the previous question. Your answer now: {answer}", answer=now)
    )
    await questions.ask(update, context, previous)
    return ACTIVE


async def _correct_previous(
    update: Update, context: HuihuiContext, where: Where, corrected: str
) -> Any:
    """ "打错了，是1990" at the question after: the answer before is corrected and this question
    asked again. When the correction is not a whole answer to it ("打错了" alone), or changing
    it could change which questions follow, it is asked again instead (as ↩️ 返回上一题)."""
    _ = context.gettext
    member, question = where.member, where.question
    assert member is not None and question is not None
    onboarding = context.services.onboarding
    answers = await onboarding.answers(member.id)
    previous = previous_question(onboarding.questionnaire, question.key, answers)
    value = (
        questions.parsed(context, previous, corrected) if previous and corrected else Invalid("")
    )
    if previous is not None and previous.optional and _skipping(context, previous, corrected):
        value = None  # "打错了，家乡不填": left unanswered
    if (
        previous is None
        or isinstance(value, Invalid)
        or importance.asked(previous, value)
        or implied(previous.key, value)
        or asked_after(previous.key, value) is not None
        or await onboarding.answer(member.id, previous.key, value) is not None
    ):
        return await _go_back(update, context, where)
    await say(
        update,
        context,
        _(
            "Corrected “{title}”: {answer}.",
            title=_(previous.title),
            answer=answer_text(previous, value, _),
        ),
    )
    await questions.ask(update, context, question)
    return ACTIVE


async def _accept(update: Update, context: HuihuiContext, where: Where, value: Any) -> Any:
    question = where.question
    assert question is not None
    if importance.asked(question, value):
        await questions.ask_importance(update, context, question, value)
        return ACTIVE
    return await _store(update, context, where, value, None)


async def _store(
    update: Update, context: HuihuiContext, where: Where, value: Any, must_have: bool | None
) -> Any:
    """Store the answer to the question ``where`` the member stands (at a question)."""
    _ = context.gettext
    member, question = where.member, where.question
    assert member is not None and question is not None
    onboarding = context.services.onboarding
    refused = await onboarding.answer(member.id, question.key, value, must_have)
    if refused is not None:
        questions.clear(context)
        await questions.invalid(update, context, question, refused)
        return ACTIVE
    questions.clear(context)
    following = implied(question.key, value)  # stored with the answer: "未婚", no children
    going_back = scratch(context).pop("back", False)
    if scratch(context).pop("editing", None) == question.key:
        if (next_key := asked_after(question.key, value)) is not None:
            scratch(context)["editing"] = next_key  # now divorced: children of one's own?
            if going_back:
                scratch(context)["back"] = True
            return await resume(update, context)
        after = _after_answering(where, {question.key, *following}, context)
        if after.step == Step.QUESTION and not going_back:
            # /edit in the middle of the questionnaire: back to where the member was.
            await say(update, context, _("Saved. Now let's carry on where you were."))
            return await resume(update, context, after)
        if not going_back:
            await say(update, context, _("Saved. Your card now reads:"))
            await show_card(update, context, member.id)
            return END
    stored = {question.key, *following}
    return await resume(update, context, _after_answering(where, stored, context))


async def _ask_pledge(update: Update, context: HuihuiContext, again: bool = False) -> None:
    _ = context.gettext
    text = (
        _("Please answer with the buttons: do you make the single pledge?")
        if again
        else _(
            "The single pledge (单身承诺)\n\n"
            "I promise that I am single — unmarried, divorced or widowed, and not in a "
            "relationship — and that everything I tell 会会 is true. If it is not, the union "
            "may end my use of the service."
        )
    )
    await say(
        update,
        context,
        text,
        buttons([[(_("I promise"), Pledge("yes")), (_("Not now"), Pledge("later"))]]),
    )


async def _finish(update: Update, context: HuihuiContext, member: MemberStatus) -> Any:
    _ = context.gettext
    await context.services.onboarding.complete(member.id)
    await say(update, context, _("🎉 Your profile is complete. This is how others will see you:"))
    await show_card(update, context, member.id)
    # What to do next, the first thing first: she had only been told how to change things.
    window = await app_button(update, context)
    what_next = (
        _(
            "/match shows you the people suggested to you, or press the button below to "
            "browse them in a window. /edit changes an answer, /pause hides you for a while, "
            "/help lists everything."
        )
        if window
        else _(
            "/match shows you the people suggested to you. /edit changes an answer, /pause "
            "hides you for a while, /help lists everything."
        )
    )
    await say(update, context, what_next, window)
    if CAME_FOR in scratch(context):
        await _back_to_event(update, context, profile_complete=True)
    return END


async def show_card(update: Update, context: HuihuiContext, member_id: int) -> None:
    """The member's card as others will see it, with their first photo if they gave one."""
    onboarding = context.services.onboarding
    answers = await onboarding.answers(member_id)
    card = render_card(
        answers, onboarding.questionnaire, context.gettext, questions.current_year(context)
    )
    photos = answers.get("photos") or []
    if photos:
        await send_photo_with_text(context.bot, update.effective_chat.id, photos[0], card)
    else:
        await say(update, context, card)


def onboarding_question(context: HuihuiContext, key: str) -> Question | None:
    return next((q for q in context.services.onboarding.questionnaire if q.key == key), None)


async def edit(update: Update, context: HuihuiContext) -> Any:
    _ = context.gettext
    member = await context.services.onboarding.member(update.effective_user.id)
    if member is None or not member.pledged:
        await say(update, context, _("Please finish signing up first: send /start."))
        return END
    choices = [(_(q.title), EditAnswer(q.key)) for q in context.services.onboarding.questionnaire]
    await say(
        update, context, _("Which answer would you like to change?"), buttons(in_rows(choices, 3))
    )
    return ACTIVE


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    button = on_press(on_button, *BUTTON_KINDS)
    conversation = make_conversation(
        entry_points=[
            CommandHandler("start", event_link, filters=private & filters.Regex(EVENT_LINK)),
            CommandHandler("start", start, filters=private),
            CommandHandler("edit", edit, filters=private),
            button,
        ],
        states={
            ACTIVE: [
                button,
                MessageHandler(private & filters.CONTACT, on_contact),
                MessageHandler(private & filters.PHOTO, on_photo),
                MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text),
                MessageHandler(private & ~filters.COMMAND, on_other),
            ]
        },
        fallbacks=[
            CommandHandler("start", event_link, filters=private & filters.Regex(EVENT_LINK)),
            CommandHandler("start", start, filters=private),
            CommandHandler("edit", edit, filters=private),
        ],
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )
    application.add_handler(conversation)
