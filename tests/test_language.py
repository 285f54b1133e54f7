"""Languages: the member's choice, else their Telegram app's, else the deployment default."""

from __future__ import annotations

import pytest

from bot.common.i18n import resolve_language
from bot.tools.sandbox import Sandbox


@pytest.mark.parametrize(
    ("chosen", "telegram_code", "expected"),
    [
        (None, "zh-hans", "zh"),
        (None, "zh-TW", "zh"),
        (None, "en-GB", "en"),
        (None, "fr", "zh"),
        (None, None, "zh"),
        ("en", "zh-hans", "en"),
        ("zh", "en", "zh"),
        ("klingon", "en", "en"),
    ],
)
def test_language_resolution_order(chosen, telegram_code, expected) -> None:
    assert resolve_language(chosen, telegram_code, "zh") == expected


async def test_default_language_is_configurable() -> None:
    async with Sandbox(default_language="en") as sb:
        visitor = sb.user("Pierre", language="fr")
        await visitor.send("/start")
        assert visitor.texts()[0].startswith("Hello Pierre!")


async def test_choice_overrides_telegram_language_and_survives_restart(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王", language="zh-hans")
    await alice.send("/language")
    assert alice.buttons() == ["中文", "English"]
    await alice.press("English")
    assert alice.last_text() == "Done — I will speak English with you from now on."
    await sandbox.restart()
    await alice.send("/help")
    assert alice.last_text().startswith("Here is what I can do:")
    await alice.send("/language")
    await alice.press("中文")
    assert alice.last_text() == "好的，以后我用中文和你交流。"
    await alice.send("/help")
    assert alice.last_text().startswith("我可以帮你做这些")


async def test_command_menu_is_published_in_both_languages(sandbox: Sandbox) -> None:
    default_menu, english_menu = sandbox.api.menu(), sandbox.api.menu(language_code="en")
    assert list(default_menu) == list(english_menu)
    assert list(default_menu)[:2] == ["start", "edit"]
    assert {"profile", "pause", "resume", "export_me", "delete_me", "help", "language"} <= set(
        default_menu
    )
    assert default_menu["feedback"] == "给工会留言"
    assert english_menu["feedback"] == "Write to the organisers"
    assert sandbox.api.menu(language_code="zh") == default_menu


async def test_member_who_chose_a_language_gets_the_menu_in_it(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王", language="zh-hans")
    await alice.send("/language")
    await alice.press("English")
    chat_menu = sandbox.api.menu({"type": "chat", "chat_id": alice.chat_id})
    assert chat_menu == sandbox.api.menu(language_code="en")
