"""Asking a person. Members: /ask, then 回复 / 结束对话 under each answer, and a rating when it
ends. Staff (matchmakers, counsellors, organisers): /inbox lists open threads oldest first;
回复 claims a thread and sends what they write, headed with their union and role; /cancel gives
the thread back. Rights and limits are checked in ``bot.services.inbox`` at every step."""

from __future__ import annotations

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.common.i18n import N_
from bot.common.wording.events import local_time
from bot.common.wording.inbox import ANSWERED, NOT_SENT
from bot.domain import free_text
from bot.domain.buttons import (
    AnswerThread,
    CloseThread,
    RateThread,
    ReplyToThread,
    StaffCloseThread,
)
from bot.services.inbox import Outcome, ThreadView
from conversations.common import buttons, on_press, pressed, rewrite, say, scratch, words_wanted
from conversations.context import ChatApplication, HuihuiContext
from conversations.dialogs import add_dialog

COMMANDS = [("ask", N_("Ask a person at your union: a matchmaker or counsellor"))]
# Everyone who answers members' questions: organisers, matchmakers, counsellors.
STAFF_COMMANDS = [("inbox", N_("Members' questions waiting for an answer"))]
ORGANISER_COMMANDS = STAFF_COMMANDS
WRITING = "writing"
MESSAGE = free_text.FEEDBACK
# Which thread the next text belongs to (None: a new question).
THREAD = "inbox_thread"
# Which thread a staff member is answering (apart: staff may be members too).
ANSWERING = "inbox_answering"


async def ask(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    outcome, verified = await context.services.inbox.may_write(update.effective_user.id)
    if outcome in (Outcome.LIMITED, Outcome.VERIFY_FIRST):  # say so before they write it all
        await say(update, context, await sent_or_refused(outcome, update, context))
        return ConversationHandler.END
    scratch(context)[THREAD] = None
    prompt = _(
        "What would you like to ask? A matchmaker or counsellor of your union will answer "
        "here. They see your nickname and union, not your phone number or real name. "
        "Write it in one message, or send /cancel."
    )
    if outcome == Outcome.DONE and not verified:
        prompt = _(
            "Your membership is not verified yet, so you can ask the union one question, about "
            "verification. Union staff see your nickname, not your phone number. Write it in "
            "one message, or send /cancel."
        )
    await say(update, context, prompt)
    return WRITING


async def reply_pressed(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    await update.callback_query.answer()
    thread_id = pressed(update, ReplyToThread).thread
    if not await context.services.inbox.may_reply(update.effective_user.id, thread_id):
        await say(update, context, _("This conversation has ended. /ask to start a new one."))
        return ConversationHandler.END
    scratch(context)[THREAD] = thread_id
    await say(update, context, _("Write your reply in one message, or send /cancel."))
    return WRITING


async def written(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    text = free_text.check(update.effective_message.text or "", MESSAGE)
    if isinstance(text, free_text.Invalid):
        await say(update, context, _(text.reason, **text.values))
        return WRITING
    thread_id = scratch(context).pop(THREAD, None)
    inbox = context.services.inbox
    user = update.effective_user.id
    outcome = await (inbox.reply(user, thread_id, text) if thread_id else inbox.ask(user, text))
    await say(update, context, await sent_or_refused(outcome, update, context))
    return ConversationHandler.END


async def sent_or_refused(
    outcome: Outcome, update: Update, context: HuihuiContext, kind: str = "ask"
) -> str:
    """What the member is told of a message to the union (/ask and /feedback)."""
    _ = context.gettext
    if outcome == Outcome.DONE:
        if kind == "feedback":
            return _("Thank you! The organisers will read your message.")
        return _(
            "Sent. Union staff usually answer within 24 hours, here. If nobody has answered "
            "in 48 hours, I will tell you how to reach your union directly."
        )
    if outcome == Outcome.CLOSED:
        return _("This conversation has ended. /ask to start a new one.")
    contact = await context.services.onboarding.union_contact_of(update.effective_user.id)
    if outcome == Outcome.VERIFY_FIRST:
        return _(
            "Until your membership is verified you can ask one question, about verification, "
            "and you already have. Please wait for the answer here, or contact your union: "
            "{contact}",
            contact=contact,
        )
    if outcome == Outcome.LIMITED:
        return _(
            "You have written to the union a lot today, so I cannot pass on more. Staff will "
            "read what you already wrote; write again tomorrow, or contact your union: {contact}",
            contact=contact,
        )
    if kind == "feedback":
        return _("Please send /start first.")
    return _("Please send /start first. To reach your union meanwhile: {contact}", contact=contact)


async def cancel(update: Update, context: HuihuiContext) -> int:
    scratch(context).pop(THREAD, None)
    await say(update, context, context.gettext("Cancelled. Nothing was sent."))
    return ConversationHandler.END


async def member_closes(update: Update, context: HuihuiContext) -> None:
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    await context.services.inbox.close_as_member(
        update.effective_user.id, pressed(update, CloseThread).thread
    )


async def rate(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, RateThread)
    outcome = await context.services.inbox.rate(
        update.effective_user.id, button.thread, button.rating
    )
    await query.answer()
    if outcome == Outcome.DONE:
        await query.edit_message_reply_markup(None)
        await say(update, context, _("Thank you for telling us."))


# Staff


async def inbox(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.inbox.open_threads(update.effective_user.id)
    if found is None:
        await say(
            update, context, _("This command is for your union's matchmakers and counsellors.")
        )
        return
    if not found:
        await say(update, context, _("No questions are waiting."))
        return
    for view in found:
        await say(
            update,
            context,
            _thread_text(view, context),
            buttons(
                [
                    [
                        (_("Reply"), AnswerThread(view.id)),
                        (_("Close"), StaffCloseThread(view.id)),
                    ]
                ]
            ),
        )


async def staff_cancel(update: Update, context: HuihuiContext) -> int:
    """Stopping an answer gives the thread back to the others at once."""
    thread_id = scratch(context).pop(ANSWERING, None)
    if thread_id is not None:
        await context.services.inbox.release(update.effective_user.id, thread_id)
    await say(
        update,
        context,
        context.gettext("Cancelled. Nothing was sent; the question is back in /inbox for others."),
    )
    return ConversationHandler.END


# Messages of a thread shown in the chat: the first, and the latest after it.
SHOWN = 6


def _thread_text(view: ThreadView, context: HuihuiContext) -> str:
    _ = context.gettext
    heading = _(
        "#{id} {nickname} ({unit}) · since {time}",
        id=view.id,
        nickname=view.nickname or _("(no nickname yet)"),
        unit=view.unit,
        time=local_time(view.created_at, context.services.settings),
    )
    if view.kind == "feedback":
        heading += " · " + _("feedback")
    if not view.verified:
        heading += " · " + _("not verified yet: about verification")
    said = [
        (_("Us: {text}", text=text) if by_staff else _("Member: {text}", text=text))
        for by_staff, text in view.messages
    ]
    if len(said) > SHOWN:  # the question itself, and how it ends: the rest is said to be left out
        left_out = len(said) - SHOWN
        said = [
            said[0],
            _("(… {count} more in between: all of it in the admin desk)", count=left_out),
            *said[-(SHOWN - 1) :],
        ]
    return free_text.shortened("\n".join([heading, *said]), MessageLimit.MAX_TEXT_LENGTH)


async def answer_pressed(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    query = update.callback_query
    found = await context.services.inbox.claim(
        update.effective_user.id, pressed(update, AnswerThread).thread
    )
    if not isinstance(found, ThreadView):
        await query.answer(_refusal(found, context), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    scratch(context)[ANSWERING] = found.id
    await say(
        update,
        context,
        _(
            "Write your answer in one message; {nickname} reads it headed with your union and "
            "role, without your name. /cancel to stop and leave it to others.",
            nickname=found.nickname or _("(no nickname yet)"),
        ),
    )
    return WRITING


async def answer_written(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    text = free_text.check(update.effective_message.text or "", MESSAGE)
    if isinstance(text, free_text.Invalid):
        await say(update, context, _(text.reason, **text.values))
        return WRITING
    thread_id = scratch(context).pop(ANSWERING, None)
    if thread_id is None:
        return ConversationHandler.END
    outcome = await context.services.inbox.answer(update.effective_user.id, thread_id, text)
    if outcome == Outcome.TAKEN:  # and what she wrote, to copy if it is still wanted
        await say(update, context, _(NOT_SENT))
        await say(update, context, text)
    else:
        await say(update, context, _refusal(outcome, context))
    return ConversationHandler.END


async def staff_closes(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    outcome = await context.services.inbox.close_as_staff(
        update.effective_user.id, pressed(update, StaffCloseThread).thread
    )
    if outcome != Outcome.DONE:
        await query.answer(_refusal(outcome, context), show_alert=True)
        return
    await query.answer()
    text = query.message.text if query.message else None
    await rewrite(update, context, f"{text or ''}\n\n{_('Closed.')}".strip())


async def answer_in_words(update: Update, context: HuihuiContext) -> None:
    """A photo, voice message or sticker as a staff answer: only words reach the member."""
    await say(
        update,
        context,
        context.gettext(
            "Only a written answer is passed on: photos and voice messages do not reach the "
            "member. Write your answer, or send /cancel to leave it to a colleague."
        ),
    )


def _refusal(outcome: Outcome, context: HuihuiContext) -> str:
    return context.gettext(ANSWERED[outcome])


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    not_words = private & filters.UpdateType.MESSAGE & ~filters.TEXT  # voice, stickers, files…
    add_dialog(
        application,
        "ask",
        entry_points=[
            CommandHandler("ask", ask, filters=private),
            on_press(reply_pressed, ReplyToThread),
        ],
        states={WRITING: [MessageHandler(text, written), MessageHandler(not_words, words_wanted)]},
        cancel=cancel,
    )
    add_dialog(
        application,
        "inbox_answer",
        entry_points=[on_press(answer_pressed, AnswerThread)],
        states={
            WRITING: [
                MessageHandler(text, answer_written),
                MessageHandler(not_words, answer_in_words),
            ]
        },
        cancel=staff_cancel,
    )
    application.add_handler(CommandHandler("inbox", inbox, filters=private))
    application.add_handler(on_press(member_closes, CloseThread))
    application.add_handler(on_press(rate, RateThread))
    application.add_handler(on_press(staff_closes, StaffCloseThread))
