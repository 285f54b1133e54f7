"""/broadcast, first step: the message itself, text with formatting or a photo with a caption
(within what Telegram lets a bot send)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import ConversationHandler

from bot.common.wording.broadcasts import SIGNATURE_ROOM
from bot.domain.audience import Audience
from bot.domain.free_text import utf16_length
from conversations.admin import refuse
from conversations.broadcast.audience import show_audience
from conversations.broadcast.draft import COMPOSE, DRAFT, draft_of
from conversations.common import (
    say,
    scratch,
)
from conversations.context import HuihuiContext

# What an organiser may write: Telegram's limits less the room for the union's signature.
CAPTION_ROOM = MessageLimit.CAPTION_LENGTH - SIGNATURE_ROOM
TEXT_ROOM = MessageLimit.MAX_TEXT_LENGTH - SIGNATURE_ROOM


async def start(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    choices = await context.services.administration.unit_choices(update.effective_user.id)
    if not choices:
        await refuse(update, context)
        return ConversationHandler.END
    scratch(context)[DRAFT] = {"audience": Audience(choices[0][0]).to_json()}
    await say(
        update,
        context,
        _(
            "Send the message to broadcast: text (bold, italics and links are kept) or a photo "
            "with a caption. Send /cancel to stop."
        ),
    )
    return COMPOSE


async def composed(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    message = update.effective_message
    # Room is kept for the union's signature. Telegram Premium lets people write longer
    # captions than a bot may send.
    if message.photo and utf16_length(message.caption or "") > CAPTION_ROOM:
        await say(
            update,
            context,
            _(
                "A caption under a photo can have at most {maximum} characters, and this one has "
                "{length}. Please send the photo with a shorter caption, or the text on its own.",
                maximum=CAPTION_ROOM,
                length=utf16_length(message.caption or ""),
            ),
        )
        return COMPOSE
    if message.text and utf16_length(message.text) > TEXT_ROOM:
        await say(
            update,
            context,
            _(
                "A broadcast can have at most {maximum} characters, and this one has {length}. "
                "Please shorten it.",
                maximum=TEXT_ROOM,
                length=utf16_length(message.text),
            ),
        )
        return COMPOSE
    draft = draft_of(context)
    if message.photo:
        draft["photo"] = message.photo[-1].file_id
        draft["text"] = message.caption or ""
        entities = message.caption_entities
    else:
        draft["photo"] = None
        draft["text"] = message.text
        entities = message.entities
    draft["entities"] = [e.to_dict() for e in entities or ()]
    return await show_audience(update, context)


async def not_a_message(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    await say(update, context, _("Please send text or a photo, or /cancel to stop."))
    return COMPOSE
