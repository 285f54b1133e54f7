"""/feedback: a member writes a note to the organisers of their union, who read and answer it
in /inbox (a thread like /ask's). Two steps, persistent across restarts; any other command ends
it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.common.i18n import N_
from bot.domain import free_text
from bot.services.inbox import Outcome
from conversations.common import words_wanted
from conversations.context import ChatApplication, HuihuiContext
from conversations.dialogs import add_dialog
from conversations.inbox import sent_or_refused

COMMANDS = [("feedback", N_("Write to the organisers"))]
MAX_LENGTH = free_text.FEEDBACK.maximum
WRITING = "writing"


async def ask(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    outcome, _verified = await context.services.inbox.may_write(
        update.effective_user.id, "feedback"
    )
    if outcome in (Outcome.LIMITED, Outcome.VERIFY_FIRST):  # say so before they write it all
        await update.effective_message.reply_text(
            await sent_or_refused(outcome, update, context, kind="feedback")
        )
        return ConversationHandler.END
    await update.effective_message.reply_text(
        _(
            "What would you like to tell the union's organisers? Write it in one message "
            "(at most {limit} characters). Send /cancel to stop.",
            limit=MAX_LENGTH,
        )
    )
    return WRITING


async def receive(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    text = free_text.clean(update.effective_message.text)
    if not text or len(text) > MAX_LENGTH:
        await update.effective_message.reply_text(
            _(
                "That is {length} characters; please keep it to {limit} and send it again.",
                length=len(text),
                limit=MAX_LENGTH,
            )
        )
        return WRITING
    outcome = await context.services.inbox.ask(update.effective_user.id, text, kind="feedback")
    await update.effective_message.reply_text(
        await sent_or_refused(outcome, update, context, kind="feedback")
    )
    return ConversationHandler.END


async def cancel(update: Update, context: HuihuiContext) -> int:
    _ = context.gettext
    await update.effective_message.reply_text(_("Cancelled. Nothing was sent."))
    return ConversationHandler.END


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    add_dialog(
        application,
        "feedback",
        entry_points=[CommandHandler("feedback", ask, filters=private)],
        states={
            WRITING: [
                MessageHandler(private & filters.TEXT & ~filters.COMMAND, receive),
                MessageHandler(private & ~filters.COMMAND, words_wanted),
            ]
        },
        cancel=cancel,
    )
