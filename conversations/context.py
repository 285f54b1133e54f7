"""The CallbackContext every 会会 handler receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ExtBot

from bot.common.config import Language
from bot.common.i18n import Translator, translator

if TYPE_CHECKING:
    from bot.app.application import HuihuiApplication
    from bot.services.container import Services


class HuihuiContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Adds 会会's services and the language of the member being served."""

    def __init__(
        self,
        application: HuihuiApplication,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        # Set per update by bot.app.remember_language before any other handler runs.
        self.language: Language = application.services.settings.default_language

    @property
    def huihui(self) -> HuihuiApplication:
        return self.application  # type: ignore[return-value]

    @property
    def services(self) -> Services:
        return self.huihui.services

    @property
    def gettext(self) -> Translator:
        """Translator for the member's language; bind it as ``_`` in a handler."""
        return translator(self.language)
