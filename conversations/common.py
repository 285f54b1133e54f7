"""Helpers every conversation uses: sending, inline keyboards, per-member conversations."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.context import HuihuiContext
from bot.domain.questions import Question

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


async def say(update: Update, context: HuihuiContext, text: str, markup: Markup = None) -> None:
    """Send a new message to the member, whether they typed or pressed a button."""
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


def buttons(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def in_rows(items: Sequence[tuple[str, str]], per_row: int) -> list[list[tuple[str, str]]]:
    return [list(items[i : i + per_row]) for i in range(0, len(items), per_row)]


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
    _ = context.gettext
    options = question(context, question_key).options
    return "、".join(o.text(_, _.language) for o in options if o.key in keys) or _("any")


def scratch(context: HuihuiContext) -> dict:
    """The member's conversation data (persisted): the claim being entered, selections, edits."""
    return context.user_data  # type: ignore[return-value]
