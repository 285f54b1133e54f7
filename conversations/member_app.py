"""/app: the member's Mini App (browse with filters, likes and matches, events, my profile) in a
window, from a Web App button; the chat's menu button opens it too."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from bot.common.webapp import app_url
from conversations.common import say
from conversations.context import ChatApplication, HuihuiContext

COMMANDS = [("app", N_("Browse people, events and my profile in a window"))]


async def app_button(update: Update, context: HuihuiContext) -> InlineKeyboardMarkup | None:
    """The button that opens the member's window, the chat's menu button set to open it too
    (staff keep their desk there, /console); None where the window is not set up."""
    url = app_url(context.services.settings)
    if url is None:
        return None
    label = context.gettext("Open 会会")
    if not await context.services.administration.roles_of(update.effective_user.id):
        await context.bot.set_chat_menu_button(
            update.effective_chat.id, MenuButtonWebApp(label, WebAppInfo(url))
        )
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, web_app=WebAppInfo(url))]])


async def member_app(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    button = await app_button(update, context)
    if button is None:
        await say(
            update,
            context,
            _(
                "The window is not set up on this server yet. In the chat: /match, /events, "
                "/profile."
            ),
        )
        return
    await update.effective_message.reply_text(
        _(
            "Browse people with filters, your likes and matches, events and your profile in "
            "a window."
        ),
        reply_markup=button,
    )


def register(application: ChatApplication) -> None:
    application.add_handler(CommandHandler("app", member_app, filters=filters.ChatType.PRIVATE))
