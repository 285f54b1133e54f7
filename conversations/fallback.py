"""What 会会 does with what nothing else took: a check-in code sent alone is checked in; words
typed by a member with conversations open are offered to them (as in any chat app, people
answer a match by typing, not by pressing 回复 first); words that ask for a command ("下一位",
"报名") are pointed to it; the rest is not understood. Registered last."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain import N_
from bot.domain.onboarding import GREETING
from bot.domain.typed_intent import intent
from bot.services.matching.relay import Outgoing, RelayStatus
from conversations import help_menu
from conversations.common import say
from conversations.context import ChatApplication, HuihuiContext
from conversations.events import attending
from conversations.relay import choice_buttons, refusal_text


async def offered_to_a_match(update: Update, context: HuihuiContext) -> bool:
    """Words sent outside any dialog by a member with conversations open: kept as a draft,
    and one press on a name passes them on (``relay.choose``). False when there is nobody to
    offer them to."""
    _ = context.gettext
    message = update.effective_message
    if not message.text:
        return False
    relayed = await context.services.relay.unaddressed(
        update.effective_user.id, Outgoing("text", message.text, message_id=message.message_id)
    )
    if relayed.status == RelayStatus.BARRED and relayed.refusal is not None:
        await say(update, context, refusal_text(context, relayed.refusal))
        return True
    if relayed.status != RelayStatus.CHOOSE:
        return False
    await say(
        update,
        context,
        _(
            "Shall I pass this on? Press a name and it goes to them. If it was meant for me, "
            "send /help to see what I can do."
        ),
        choice_buttons(context, relayed),
    )
    return True


# Where words that look like a command's are pointed (bot.domain.typed_intent).
POINTERS = {
    "match": N_(
        "To see the people suggested for you, send /match; the buttons under a card like them "
        "or show the next one."
    ),
    "matches": N_("To see your matches (people who liked you back), send /matches."),
    "events": N_("To see your union's events and sign up, send /events; /my_events lists yours."),
    "profile": N_("To see your profile, send /profile; to change it, /edit."),
    "pause": N_("To stop being suggested to others for a while, send /pause; /resume undoes it."),
    "ask": N_("To ask your union's matchmakers or staff, send /ask and write your question."),
}


async def not_understood(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    if await offered_to_a_match(update, context):
        return
    command = intent(update.effective_message.text or "")
    if command is not None:
        await say(update, context, _(POINTERS[command]))
        return
    await update.effective_message.reply_text(
        _("Sorry, I did not understand that. Send /help to see what I can do.")
    )


async def stale_button(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await update.callback_query.answer(
        _("This button no longer works. Send /help to start again."), show_alert=True
    )


async def greeted(update: Update, context: HuihuiContext) -> None:
    """ "你好" outside any dialog: hello back, and what 会会 can do (or, with a conversation
    open, the greeting is most likely for the match)."""
    _ = context.gettext
    if await offered_to_a_match(update, context):
        return
    await update.effective_message.reply_text(
        _("Hello! I am 会会, your union's matchmaking assistant.")
        + "\n\n"
        + await help_menu.help_text(update, context)
    )


async def nothing_to_cancel(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await update.effective_message.reply_text(
        _("Nothing is in progress, so there is nothing to cancel. Send /help to see what I can do.")
    )


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    # A message no dialog took may still be a check-in code sent alone at the door.
    application.add_handler(attending.typed_code_handler())
    application.add_handler(MessageHandler(private & filters.Regex(GREETING), greeted))
    application.add_handler(CommandHandler("cancel", nothing_to_cancel, filters=private))
    application.add_handler(MessageHandler(private, not_understood))
    application.add_handler(CallbackQueryHandler(stale_button))
