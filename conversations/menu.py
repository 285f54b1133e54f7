"""The command menu Telegram shows beside the text field, in every supported language."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import BotCommand, BotCommandScopeChat

from bot.common.config import SUPPORTED_LANGUAGES, Language
from bot.common.i18n import translator
from conversations.context import ChatApplication


def command_menu(commands: Sequence[tuple[str, str]], language: Language) -> list[BotCommand]:
    _ = translator(language)
    return [BotCommand(command, _(description)) for command, description in commands]


async def publish_commands(application: ChatApplication) -> None:
    """The menu in the deployment's default language, plus one per language for matching apps."""
    default = application.services.settings.default_language
    await application.bot.set_my_commands(command_menu(application.commands, default))
    for language in SUPPORTED_LANGUAGES:
        await application.bot.set_my_commands(
            command_menu(application.commands, language), language_code=language
        )


async def publish_commands_for_chat(
    application: ChatApplication, chat_id: int, language: Language
) -> None:
    """A member who picked a language other than their app's sees the menu in their choice."""
    await application.bot.set_my_commands(
        command_menu(application.commands, language), scope=BotCommandScopeChat(chat_id)
    )
