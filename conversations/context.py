"""What every 会会 handler works with: the chat's Application (the services and the command
menu) and the CallbackContext that carries the language of the member being served."""

from __future__ import annotations

from typing import Any

from telegram import User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.common.config import Language
from bot.common.i18n import Translator, translator
from bot.services.container import Services

# (command, untranslated description), as the menu and /help list them.
Command = tuple[str, str]


class ChatApplication(Application[Any, "HuihuiContext", Any, Any, Any, Any]):
    """The PTB Application of the chat front end: the services its handlers call and the
    commands it offers. Built by ``bot.app.application``."""

    def __init__(
        self,
        *,
        services: Services,
        commands: list[Command],
        organiser_commands: list[Command],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.commands = commands
        # Listed by /help to organisers only.
        self.organiser_commands = organiser_commands

    def after_update(self) -> None:
        """Called once the member has had their reply: work the update caused may start."""


class HuihuiContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Adds 会会's services and the language of the member being served."""

    def __init__(
        self,
        application: ChatApplication,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        # Set per update by ``learn_language`` before any other handler runs.
        self.language: Language = application.services.settings.default_language

    @property
    def chat_application(self) -> ChatApplication:
        return self.application  # type: ignore[return-value]

    @property
    def services(self) -> Services:
        return self.chat_application.services

    @property
    def gettext(self) -> Translator:
        """Translator for the member's language; bind it as ``_`` in a handler."""
        return translator(self.language)

    async def learn_language(self, user: User | None) -> Language:
        """Decide which language this update is answered in: the member's choice, else their
        app's, else the deployment's."""
        self.language = await self.services.languages.resolve(
            user.id if user else None, user.language_code if user else None
        )
        return self.language
