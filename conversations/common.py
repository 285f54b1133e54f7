"""Helpers every conversation uses: sending, inline keyboards, per-member conversations."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any, TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import MessageLimit
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.common.wording.profile_card import option_words
from bot.domain.buttons import Button, parse
from bot.domain.free_text import utf16_length
from bot.domain.questions import Question
from bot.domain.when import EXAMPLES, parse_when
from conversations.context import HuihuiContext

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


async def say(update: Update, context: HuihuiContext, text: str, markup: Markup = None) -> None:
    """Send a new message to the member, whether they typed or pressed a button."""
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def words_wanted(update: Update, context: HuihuiContext) -> None:
    """A voice message, a sticker or a file where a dialog waits for words: say so. The dialog
    stays where it is (a state callback returning None)."""
    _ = context.gettext
    await say(update, context, _("Please write your message as text, or send /cancel to stop."))


async def future_moment(
    update: Update, context: HuihuiContext, text: str, *, after: datetime | None = None
) -> datetime | None:
    """The future date and time an organiser typed, or None after saying what is wrong with
    it: not understood (with examples that work), or already past. A time typed without a date
    is the first such time after ``after`` (default: now)."""
    _ = context.gettext
    services = context.services
    now = services.clock.now()
    moment = parse_when(text, now, services.settings.tz, after=after)
    if moment is None:
        await say(
            update,
            context,
            _(
                "I could not read that as a date and time. You can write it like {examples}.",
                examples=EXAMPLES,
            ),
        )
        return None
    if moment <= now:
        local = moment.astimezone(services.settings.tz)
        await say(
            update,
            context,
            _(
                "{time} has already passed. Please give a time in the future.",
                time=f"{local:%Y-%m-%d %H:%M}",
            ),
        )
        return None
    return moment


async def rewrite(update: Update, context: HuihuiContext, text: str, markup: Markup = None) -> None:
    """Replace the text of the message whose button was pressed; a message without text (a
    photo card, or a forged press on one) gets a new message instead."""
    query = update.callback_query
    message = query.message if query is not None else None
    if isinstance(message, Message) and message.text is not None:
        await query.edit_message_text(text, reply_markup=markup)  # type: ignore[union-attr]
    else:
        await say(update, context, text, markup)


async def send_photo_with_text(
    bot: Bot, chat_id: int, photo: str, text: str, markup: Markup = None
) -> None:
    """A photo captioned with the text; when the text is too long for a caption, the photo
    and then the text, the buttons under the text."""
    if utf16_length(text) <= MessageLimit.CAPTION_LENGTH:
        await bot.send_photo(chat_id, photo, caption=text, reply_markup=markup)
    else:
        await bot.send_photo(chat_id, photo)
        await bot.send_message(chat_id, text, reply_markup=markup)


Row = Sequence[tuple[str, Button]]
B = TypeVar("B", bound=Button)


def buttons(rows: Sequence[Row]) -> InlineKeyboardMarkup:
    """Inline keyboard from rows of (label, button)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=button.encode()) for label, button in row]
            for row in rows
        ]
    )


def in_rows(items: Sequence[tuple[str, Button]], per_row: int) -> list[list[tuple[str, Button]]]:
    return [list(items[i : i + per_row]) for i in range(0, len(items), per_row)]


def pressed(update: Update, kind: type[B]) -> B:
    """The button pressed, already checked by the handler's pattern to be of this kind."""
    button = parse(update.callback_query.data if update.callback_query else None)
    if not isinstance(button, kind):
        raise TypeError(f"expected a {kind.__name__} press")
    return button


Callback = Callable[[Update, HuihuiContext], Coroutine[Any, Any, Any]]


class ButtonHandler(CallbackQueryHandler[Any, Any]):
    """Presses of some kinds of button, validated. PTB's own handler lets a press without any
    data through to whatever pattern it has (a tampered client can send one); this does not."""

    def __init__(self, callback: Callback, kinds: tuple[type[Button], ...]) -> None:
        super().__init__(callback)
        self._kinds = kinds

    def check_update(self, update: object) -> bool:
        if not isinstance(update, Update) or update.callback_query is None:
            return False
        return isinstance(parse(update.callback_query.data), self._kinds)


def on_press(callback: Callback, *kinds: type[Button]) -> CallbackQueryHandler:
    """A handler for presses of these button kinds (validated; anything else passes by)."""
    return ButtonHandler(callback, kinds)


def end_conversations(application: Application[Any, Any, Any, Any, Any, Any], user_id: int) -> None:
    """End every open dialog of the user (their data is being erased): the next message starts
    afresh, and no dialog comes back after a restart. PTB offers no public way to end another
    conversation, so this uses ``ConversationHandler._update_state`` (python-telegram-bot 22.8),
    which also tells the persistence."""
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler):
                for key in [k for k in handler._conversations if user_id in k]:
                    handler._update_state(ConversationHandler.END, key)


def conversation(**options: Any) -> ConversationHandler:
    """A ConversationHandler whose buttons are tracked per member, not per message — on
    purpose, so PTB's warning about that is silenced here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(**options)


def question(context: HuihuiContext, key: str) -> Question:
    """A question of the deployment's questionnaire."""
    return next(q for q in context.services.onboarding.questionnaire if q.key == key)


def chosen_options(context: HuihuiContext, question_key: str, keys: Sequence[str]) -> str:
    """Chosen option keys as words in the reader's language, in the questionnaire's order;
    "any" when none are chosen (a filter or condition that does not narrow)."""
    return option_words(question(context, question_key), keys, context.gettext)


def scratch(context: HuihuiContext) -> dict:
    """The member's conversation data (persisted): the claim being entered, selections, edits."""
    return context.user_data  # type: ignore[return-value]
