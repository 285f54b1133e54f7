"""Message catalogs (Babel/gettext) and the rule for which language a member is answered in.

Source strings in code are English msgids wrapped in ``_()``;
``bot/common/locales/<locale>/LC_MESSAGES/messages.po`` holds the translations. Catalogs are
compiled in memory at start-up, so the repository carries no generated ``.mo`` files.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.common.config import SUPPORTED_LANGUAGES, Language
from bot.domain import N_

__all__ = ["N_", "Translator", "translator", "resolve_language", "language_from_telegram"]

LOCALE_DIR = Path(__file__).with_name("locales")
BABEL_LOCALES: dict[Language, str] = {"zh": "zh_CN", "en": "en"}
LANGUAGE_NAMES: dict[Language, str] = {"zh": "中文", "en": "English"}


class Translator:
    """Translates and formats member-facing text for one language."""

    def __init__(self, language: Language, translations: Translations) -> None:
        self.language = language
        self._translations = translations

    def __call__(self, message: str, /, **values: object) -> str:
        # gettext("") is the catalog's header, never a message: an empty line stays empty.
        text = self._translations.gettext(message) if message else ""
        return text.format(**values) if values else text


@cache
def translator(language: Language) -> Translator:
    po_path = LOCALE_DIR / BABEL_LOCALES[language] / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=BABEL_LOCALES[language])
    # Words no longer in the code (kept as obsolete "#~" entries) still translate: a notice
    # written before an upgrade is worded when it is sent, and would reach a Chinese member
    # in English.
    for key, message in catalog.obsolete.items():
        if key not in catalog and message.string:
            catalog[key] = message
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translator(language, Translations(compiled))


def language_from_telegram(language_code: str | None) -> Language | None:
    """Map Telegram's IETF tag (``zh-hans``, ``zh-TW``, ``en-GB``...) to a supported language."""
    if not language_code:
        return None
    primary = language_code.lower().replace("_", "-").split("-")[0]
    return primary if primary in SUPPORTED_LANGUAGES else None


def resolve_language(chosen: str | None, telegram_code: str | None, default: Language) -> Language:
    """A member's own choice wins, then their Telegram app's language, then the deployment's."""
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    return language_from_telegram(telegram_code) or default
