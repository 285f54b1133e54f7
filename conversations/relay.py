"""会会传话 in the chat: "✉️ 给TA留言" under a match (or 回复 under a relayed message) starts
relaying; texts, photos (an album as one) and stickers then go to the match until /done or any
other command, each confirmed with the recipient's name. Other kinds of message are not passed
on, and the sender is told so. When another match writes meanwhile, the next message waits
for the sender to say which conversation it is for. An edit of a relayed message is relayed as
an edit. Held messages open with 查看; either side ends the conversation with 结束对话. Rights
and the screens are in ``bot.services.matching.relay``."""

from __future__ import annotations

import time
from datetime import timedelta

from cachetools import TTLCache
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain import free_text
from bot.domain.buttons import EndRelay, RelayTo, ShowRelayed
from bot.domain.buttons.contact import ChooseConversation
from bot.services.matching.contact import BARRED_WORDS, Refusal
from bot.services.matching.relay import CONTACT_NOTE, SAFETY_NOTE, Outgoing, Relayed, RelayStatus
from conversations.common import buttons, end_conversations, on_press, pressed, say, scratch
from conversations.context import ChatApplication, HuihuiContext
from conversations.dialogs import GROUP, add_dialog
from conversations.photos import NOT_READ, picture_shows_a_code

RELAYING = "relaying"
MATCH = "relay_match"
# The newest message relayed to the member when they last chose the conversation they relay
# to: another match's message after it makes the next message ask which it is for.
SEEN = "relay_seen"
# The member was told they send faster than 会会 relays, and nothing went through since.
TOLD_TOO_FAST = "relay_told_too_fast"
# The kinds of message the member was told are not relayed, since something last went through.
TOLD_NOT_RELAYED = "relay_told_not_relayed"
_NOT_RELAYED_KINDS = (
    "voice video_note video audio animation document location venue contact poll dice"
).split()
MESSAGE = free_text.FEEDBACK
# What 会会传话 does not pass on: the sender is told in words.
NOT_RELAYED = (
    filters.VOICE
    | filters.VIDEO_NOTE
    | filters.VIDEO
    | filters.AUDIO
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def refusal_text(context: HuihuiContext, refusal: Refusal) -> str:
    return context.gettext(BARRED_WORDS[refusal.reason], contact=refusal.contact)


async def start(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    query = update.callback_query
    match_id = pressed(update, RelayTo).match
    partner = await context.services.relay.partner(update.effective_user.id, match_id)
    if isinstance(partner, Refusal):
        await query.answer()
        await say(update, context, refusal_text(context, partner))
        return ConversationHandler.END
    if partner is None:
        await query.answer(_("This conversation has ended."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    # Whatever else was waiting for the member's words (a report's detail) is over: what
    # they type now is for this conversation.
    end_conversations(context.application, update.effective_user.id)
    await _relaying_to(update, context, match_id)
    await say(
        update,
        context,
        _(
            "What you send now — text, photos or stickers — goes to {nickname} through 会会, "
            "without your username or phone number. Send /done when you are finished.",
            nickname=partner,
        ),
    )
    return RELAYING


async def _relaying_to(update: Update, context: HuihuiContext, match_id: int) -> None:
    scratch(context)[MATCH] = match_id
    scratch(context)[SEEN] = await context.services.relay.newest_to(update.effective_user.id)


async def relay_text(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    text = free_text.check(update.effective_message.text or "", MESSAGE)
    if isinstance(text, free_text.Invalid):
        await say(update, context, _(text.reason, **text.values))
        return RELAYING
    message = update.effective_message
    return await _relay(update, context, Outgoing("text", text, message_id=message.message_id))


async def relay_photo(update: Update, context: HuihuiContext) -> str | int:
    message = update.effective_message
    caption = None
    if message.caption:  # bounded as a text is (Telegram Premium allows long captions)
        checked = free_text.check(message.caption, MESSAGE)
        if isinstance(checked, free_text.Invalid):
            await say(update, context, context.gettext(checked.reason, **checked.values))
            return RELAYING
        caption = checked
    # Read after the caption's check: a photo refused for its words costs no download.
    shows_a_code = await picture_shows_a_code(context, message.photo[-1])
    if shows_a_code is None:
        await say(update, context, context.gettext(NOT_READ))
        return RELAYING
    outgoing = Outgoing(
        "photo",
        caption,
        message.photo[-1].file_id,
        message.message_id,
        message.media_group_id,
        shows_a_code,
    )
    return await _relay(update, context, outgoing)


async def relay_sticker(update: Update, context: HuihuiContext) -> str | int:
    message = update.effective_message
    sticker = message.sticker
    if sticker is None:
        return RELAYING
    shows_a_code = await picture_shows_a_code(context, sticker)
    if shows_a_code is None:
        await say(update, context, context.gettext(NOT_READ))
        return RELAYING
    words = await _sticker_words(context, sticker.set_name)
    return await _relay(
        update,
        context,
        Outgoing("sticker", words, sticker.file_id, shows_a_code=shows_a_code),
    )


# Sticker sets' words read lately, by set name: (when read, the words). A member sending the
# same sticker over and over made the bot ask Telegram for its set each time, before the pace
# refused the sticker: a flood of stickers was a flood of the bot's own calls, which Telegram
# answers for every member with a wait. A set is read once in a while; a title changed since
# is read again after ``STICKER_SET_KEPT``.
STICKER_SET_KEPT = timedelta(minutes=10)
_sticker_sets: TTLCache[str, str] = TTLCache(
    maxsize=1000, ttl=STICKER_SET_KEPT.total_seconds(), timer=time.monotonic
)


async def _sticker_words(context: HuihuiContext, set_name: str | None) -> str | None:
    """A sticker's set name and title: a set can be named after a WeChat id or a link, and
    is screened as words are."""
    if not set_name:
        return None
    if (kept := _sticker_sets.get(set_name)) is not None:
        return kept
    try:
        found = await context.bot.get_sticker_set(set_name)
        words = f"{found.title} {set_name}"
    except BadRequest:
        words = set_name  # no such set (any more): the name is screened alone
    except TelegramError:
        return set_name  # not read this time (a network error, a wait): asked again next time
    _sticker_sets[set_name] = words
    return words


async def not_relayed(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    match_id = scratch(context).get(MATCH)
    partner = (
        await context.services.relay.partner(update.effective_user.id, match_id)
        if match_id is not None
        else None
    )
    if not isinstance(partner, str):
        return await _ended(update, context, partner)
    # Said once a kind until something goes through: a flood of voice messages is not a
    # flood of the bot's replies.
    message = update.effective_message
    kind = next((k for k in _NOT_RELAYED_KINDS if getattr(message, k, None)), "other")
    told = scratch(context).setdefault(TOLD_NOT_RELAYED, [])
    if kind in told:
        return RELAYING
    told.append(kind)
    await say(
        update,
        context,
        _(
            "This was not passed on to {nickname}: 会会 relays only text, photos and stickers — "
            "not voice or video messages, files, locations, contact cards, polls or dice.",
            nickname=partner,
        ),
    )
    return RELAYING


async def _relay(update: Update, context: HuihuiContext, outgoing: Outgoing) -> str | int:
    match_id = scratch(context).get(MATCH)
    if match_id is None:
        return ConversationHandler.END
    relayed = await context.services.relay.send(
        update.effective_user.id, match_id, outgoing, scratch(context).get(SEEN)
    )
    return await _answer(update, context, relayed)


async def _answer(update: Update, context: HuihuiContext, relayed: Relayed) -> str | int:
    _ = context.gettext
    if relayed.status in (RelayStatus.ENDED, RelayStatus.BARRED):
        return await _ended(update, context, relayed.refusal)
    if relayed.status == RelayStatus.TOO_FAST:
        if _first_too_fast(context):
            await say(
                update,
                context,
                _(
                    "You are sending faster than 会会 relays: this one was not passed on. Wait a "
                    "few seconds, then send it again."
                ),
            )
        return RELAYING
    if relayed.status == RelayStatus.INVALID and relayed.invalid is not None:
        await say(update, context, _(relayed.invalid.reason, **relayed.invalid.values))
        return RELAYING
    if relayed.status == RelayStatus.REPEATED:
        said = _(
            "Already sent to {nickname} a moment ago ✓ (not sent twice)", nickname=relayed.nickname
        )
        await say(update, context, said)
        return RELAYING
    scratch(context).pop(TOLD_TOO_FAST, None)
    scratch(context).pop(TOLD_NOT_RELAYED, None)
    if relayed.status == RelayStatus.CHOOSE:
        names = "、".join(nickname for _match, nickname in relayed.choices)
        await say(
            update,
            context,
            _("{names} have written to you. Who is this message for?", names=names),
            choice_buttons(context, relayed),
        )
    elif not relayed.album_continued:
        await say(update, context, _("Sent to {nickname} ✓", nickname=relayed.nickname))
    return RELAYING


def choice_buttons(context: HuihuiContext, relayed: Relayed) -> InlineKeyboardMarkup:
    """A button per conversation a draft may go to ("发给阿明")."""
    _ = context.gettext
    return buttons(
        [
            [(_("To {nickname}", nickname=nickname), ChooseConversation(relayed.draft or 0, match))]
            for match, nickname in relayed.choices
        ]
    )


def _first_too_fast(context: HuihuiContext) -> bool:
    """Whether this is the first message (or edit) over the pace since one went through: only
    that one is answered. Answering each of a script's hundreds made the bot send hundreds of
    replies in its stead, each taking a place in the rate every member's replies share."""
    if scratch(context).get(TOLD_TOO_FAST):
        return False
    scratch(context)[TOLD_TOO_FAST] = True
    return True


async def _ended(update: Update, context: HuihuiContext, refusal: Refusal | None) -> int:
    scratch(context).pop(MATCH, None)
    if refusal is not None:
        await say(update, context, refusal_text(context, refusal))
    else:
        await say(
            update, context, context.gettext("This conversation has ended; this was not passed on.")
        )
    return ConversationHandler.END


async def choose(update: Update, context: HuihuiContext) -> str | int:
    """The sender says which conversation a waiting message is for."""
    query = update.callback_query
    button = pressed(update, ChooseConversation)
    await query.answer()
    relayed = await context.services.relay.send_draft(
        update.effective_user.id, button.draft, button.match
    )
    if relayed.status in (RelayStatus.ENDED, RelayStatus.BARRED):
        await query.edit_message_reply_markup(None)
        return await _ended(update, context, relayed.refusal)
    if relayed.status != RelayStatus.TOO_FAST:  # over the pace, the choice may be made again
        await query.edit_message_reply_markup(None)
    end_conversations(context.application, update.effective_user.id)
    await _relaying_to(update, context, button.match)
    return await _answer(update, context, relayed)


async def edited(update: Update, context: HuihuiContext) -> None:
    """A member edited a message: if it was relayed, the edit is relayed (screened again,
    marked as edited); else the member is told edits are not read. Nothing else takes the
    update for a new message."""
    _ = context.gettext
    message = update.edited_message
    if not isinstance(message, Message):
        return
    relayed = await context.services.relay.edit(
        update.effective_user.id, message.message_id, message.text or message.caption
    )
    if relayed.status == RelayStatus.NOT_RELAYED:
        # Taken for a new message, an edit became the answer to whatever is asked now (a
        # corrected name became the member number).
        member = await context.services.onboarding.member(update.effective_user.id)
        if member is not None and member.pledged:
            how = _(
                "会会 does not see changes to messages already sent, so this edit changed "
                "nothing. To change an answer, send /edit (while signing up you can also press "
                "“↩️ Previous question”)."
            )
        else:  # still being checked against the roster: /edit is not there yet
            how = _(
                "会会 does not see changes to messages already sent, so this edit changed "
                "nothing. If what you entered does not match the roster, you can press “Try "
                "again” and enter it once more."
            )
        await say(update, context, how)
    elif relayed.status == RelayStatus.BARRED and relayed.refusal is not None:
        await say(update, context, refusal_text(context, relayed.refusal))
    elif relayed.status == RelayStatus.ENDED:
        await say(update, context, _("This conversation has ended; your edit was not passed on."))
    elif relayed.status == RelayStatus.INVALID and relayed.invalid is not None:
        await say(update, context, _(relayed.invalid.reason, **relayed.invalid.values))
    elif relayed.status == RelayStatus.TOO_FAST:
        if _first_too_fast(context):
            await say(
                update,
                context,
                _("You are editing faster than 会会 relays: this edit was not passed on."),
            )
    elif relayed.nickname:
        scratch(context).pop(TOLD_TOO_FAST, None)
        await say(
            update, context, _("Your edit was passed on to {nickname} ✓", nickname=relayed.nickname)
        )
    elif relayed.status == RelayStatus.SENT:  # a draft, still to be addressed
        await say(
            update,
            context,
            _("Changed. Once you press whom it is for, it goes as you changed it."),
        )
    context.chat_application.after_update()  # the last group will not run
    raise ApplicationHandlerStop


async def done(update: Update, context: HuihuiContext) -> int:
    scratch(context).pop(MATCH, None)
    await say(update, context, context.gettext("OK. When they answer, I will tell you here."))
    return ConversationHandler.END


async def show(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    found = await context.services.relay.show(
        update.effective_user.id, pressed(update, ShowRelayed).message
    )
    if found is None:
        await query.answer(_("This message can no longer be shown."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    chat = update.effective_chat.id
    if found.kind == "sticker":
        await context.bot.send_sticker(chat, found.file_ids[0])
        text = _("{nickname} sent a sticker.", nickname=found.sender)
    else:
        for file_id in found.file_ids:
            await context.bot.send_photo(chat, file_id)
        text = _("{nickname}: {text}", nickname=found.sender, text=found.text or "")
    text += "\n" + _(CONTACT_NOTE if found.contact else SAFETY_NOTE)
    await say(update, context, text)


async def end(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    ended = await context.services.relay.end(
        update.effective_user.id, pressed(update, EndRelay).match
    )
    await query.answer()
    await query.edit_message_reply_markup(None)
    if ended:
        await say(update, context, _("You ended the conversation."))
    else:
        await say(update, context, _("This conversation has ended."))


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    new = private & filters.UpdateType.MESSAGE  # an edit is not a new message
    add_dialog(
        application,
        "relay",
        entry_points=[on_press(start, RelayTo), on_press(choose, ChooseConversation)],
        states={
            RELAYING: [
                CommandHandler("done", done, filters=private),
                MessageHandler(new & filters.TEXT & ~filters.COMMAND, relay_text),
                MessageHandler(new & filters.PHOTO, relay_photo),
                MessageHandler(new & filters.Sticker.ALL, relay_sticker),
                MessageHandler(new & NOT_RELAYED, not_relayed),
            ]
        },
        cancel=done,
    )
    # Beside the dialogs, before any other group could take an edit for a new message.
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, edited), group=GROUP
    )
    application.add_handler(on_press(show, ShowRelayed))
    application.add_handler(on_press(end, EndRelay))
