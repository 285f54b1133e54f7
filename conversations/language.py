"""/language: the member picks the language 会会 speaks with them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.common.config import SUPPORTED_LANGUAGES
from bot.common.i18n import LANGUAGE_NAMES, N_, translator
from bot.domain.buttons import ChooseLanguage
from conversations.common import buttons, on_press, pressed, rewrite
from conversations.context import ChatApplication, HuihuiContext
from conversations.menu import publish_commands_for_chat

COMMANDS = [("language", N_("Choose the language / 切换语言"))]


async def ask(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    keyboard = buttons(
        [[(LANGUAGE_NAMES[language], ChooseLanguage(language)) for language in SUPPORTED_LANGUAGES]]
    )
    await update.effective_message.reply_text(
        _("Which language shall I use with you?"), reply_markup=keyboard
    )


async def choose(update: Update, context: HuihuiContext) -> None:
    query = update.callback_query
    language = pressed(update, ChooseLanguage).language
    await context.services.languages.choose(update.effective_user.id, language)
    _ = translator(language)
    await query.answer()
    await rewrite(update, context, _("Done — I will speak English with you from now on."))
    await publish_commands_for_chat(context.chat_application, update.effective_chat.id, language)


def register(application: ChatApplication) -> None:
    application.add_handler(CommandHandler("language", ask, filters=filters.ChatType.PRIVATE))
    application.add_handler(on_press(choose, ChooseLanguage))
