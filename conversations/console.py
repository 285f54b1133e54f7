"""/console: the organisers' desk (a Mini App) for anyone with a role in a union. Inside
Telegram it opens from a Web App button, and the chat's menu button becomes the desk's."""

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
from bot.domain.units import Role
from conversations.common import say
from conversations.context import ChatApplication, HuihuiContext

ORGANISER_COMMANDS = [("console", N_("The desk: figures, roster, events and more, in a window"))]
# What the desk holds for a union's helpers (their tabs of it).
MATCHMAKER_COMMANDS = [
    ("console", N_("The desk: pairs to propose and members' questions, in a window"))
]
COUNSELLOR_COMMANDS = [("console", N_("The desk: members' questions, in a window"))]


async def console(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    services = context.services
    if not await services.administration.roles_of(update.effective_user.id):
        await say(update, context, _("This command is for the union's organisers and helpers."))
        return
    url = app_url(services.settings)
    if url is None:
        roles = await services.administration.roles_of(update.effective_user.id)
        if Role.ORGANISER not in roles:  # the setting and the command are for the IT staff
            await say(update, context, _("The desk is not open yet: ask your union's organisers."))
            return
        await say(
            update,
            context,
            _(
                "The desk is not set up on this server yet: its administrator sets "
                "HUIHUI_PUBLIC_URL (an HTTPS address). Meanwhile they can give you a link for a "
                "computer with: huihui console-link {id}",
                id=update.effective_user.id,
            ),
        )
        return
    label = _("Open the desk")
    await context.bot.set_chat_menu_button(
        update.effective_chat.id, MenuButtonWebApp(label, WebAppInfo(url))
    )
    await update.effective_message.reply_text(
        _("Your desk opens in a window (on a computer too); the menu button opens it as well."),
        reply_markup=_web_app_button(label, url),
    )


def _web_app_button(label: str, url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, web_app=WebAppInfo(url))]])


def register(application: ChatApplication) -> None:
    application.add_handler(CommandHandler("console", console, filters=filters.ChatType.PRIVATE))
