"""会会传话 in the chat: "✉️ 给TA留言" under a match (or 回复 under a relayed message) starts
relaying; texts and photos then go to the match until /done or any other command. Held
messages open with 查看; either side ends the conversation with 结束对话. Rights and the scam
screen are in ``bot.services.matching.relay``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain import free_text
from bot.domain.buttons import EndRelay, RelayTo, ShowRelayed
from bot.services.matching.relay import SAFETY_NOTE, RelayStatus
from conversations.common import on_press, pressed, say, scratch
from conversations.context import ChatApplication, HuihuiContext
from conversations.dialogs import add_dialog

RELAYING = "relaying"
MATCH = "relay_match"
MESSAGE = free_text.FEEDBACK


async def start(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    query = update.callback_query
    match_id = pressed(update, RelayTo).match
    nickname = await context.services.relay.partner(update.effective_user.id, match_id)
    if nickname is None:
        await query.answer(_("This conversation has ended."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    scratch(context)[MATCH] = match_id
    await say(
        update,
        context,
        _(
            "What you send now — text, photos or stickers — goes to {nickname} through 会会, "
            "without your username or phone number. Send /done when you are finished.",
            nickname=nickname,
        ),
    )
    return RELAYING


async def relay_text(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    text = free_text.check(update.effective_message.text or "", MESSAGE)
    if isinstance(text, free_text.Invalid):
        await say(update, context, _(text.reason, **text.values))
        return RELAYING
    return await _relay(update, context, text, None)


async def relay_photo(update: Update, context: HuihuiContext) -> str | int:
    message = update.effective_message
    caption = None
    if message.caption:  # bounded as a text is (Telegram Premium allows long captions)
        checked = free_text.check(message.caption, MESSAGE)
        if isinstance(checked, free_text.Invalid):
            await say(update, context, context.gettext(checked.reason, **checked.values))
            return RELAYING
        caption = checked
    return await _relay(update, context, caption, message.photo[-1].file_id)


async def relay_sticker(update: Update, context: HuihuiContext) -> str | int:
    sticker = update.effective_message.sticker
    return await _relay(update, context, None, None, sticker.file_id if sticker else None)


async def _relay(
    update: Update,
    context: HuihuiContext,
    text: str | None,
    photo: str | None,
    sticker: str | None = None,
) -> str | int:
    _ = context.gettext
    match_id = scratch(context).get(MATCH)
    if match_id is None:
        return ConversationHandler.END
    status = await context.services.relay.send(
        update.effective_user.id, match_id, text, photo, sticker
    )
    if status == RelayStatus.ENDED:
        scratch(context).pop(MATCH, None)
        await say(update, context, _("This conversation has ended."))
        return ConversationHandler.END
    await say(update, context, _("Sent ✓"))
    return RELAYING


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
    text = _("{nickname}: {text}", nickname=found.sender, text=found.text or "")
    text += "\n" + _(SAFETY_NOTE)
    if found.file_id is not None:
        await context.bot.send_photo(update.effective_chat.id, found.file_id)
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
    add_dialog(
        application,
        "relay",
        entry_points=[on_press(start, RelayTo)],
        states={
            RELAYING: [
                CommandHandler("done", done, filters=private),
                MessageHandler(private & filters.TEXT & ~filters.COMMAND, relay_text),
                MessageHandler(private & filters.PHOTO, relay_photo),
                MessageHandler(private & filters.Sticker.ALL, relay_sticker),
            ]
        },
        cancel=done,
    )
    application.add_handler(on_press(show, ShowRelayed))
    application.add_handler(on_press(end, EndRelay))
