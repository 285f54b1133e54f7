"""The sandbox's own contract, which every later test relies on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.error import BadRequest, Forbidden

from bot.tools.sandbox import ButtonNotFound, Sandbox


async def test_pressing_a_button_that_is_not_shown_lists_those_that_are() -> None:
    async with Sandbox() as sb:
        alice = sb.user("小王")
        with pytest.raises(ButtonNotFound, match="no buttons on screen"):
            await alice.press("同意")
        await alice.send("/language")
        with pytest.raises(
            ButtonNotFound, match=r"'同意' is not on screen; buttons shown: '中文', 'English'"
        ):
            await alice.press("同意")
        await alice.press("Eng")  # a unique part of a label is enough
        assert alice.last_text().startswith("Done")


async def test_reply_keyboards_share_contacts_and_disappear_when_removed() -> None:
    async with Sandbox() as sb:
        alice = sb.user("小王", phone="+8613800001111")
        await sb.app.bot.send_message(
            alice.chat_id,
            "请分享手机号",
            reply_markup=ReplyKeyboardMarkup(
                [[KeyboardButton("📱 分享手机号", request_contact=True)], ["以后再说"]]
            ),
        )
        assert alice.buttons() == ["📱 分享手机号", "以后再说"]
        await alice.press("分享手机号")
        assert "▸ shared contact +8613800001111" in alice.transcript()
        await sb.app.bot.send_message(alice.chat_id, "好的", reply_markup=ReplyKeyboardRemove())
        assert alice.buttons() == []


async def test_files_sent_by_members_can_be_downloaded_by_the_bot(tmp_path: Path) -> None:
    async with Sandbox() as sb:
        alice = sb.user("小王")
        roster = tmp_path / "名单.csv"
        roster.write_text("姓名,会员号\n张三,A001\n", encoding="utf-8")
        await alice.send_document(roster)
        [file_id] = [f for f, (name, _) in sb.api.files.items() if name == "名单.csv"]
        telegram_file = await sb.app.bot.get_file(file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == roster.read_bytes()


async def test_injected_telegram_errors_reach_the_bot_as_telegram_raises_them() -> None:
    async with Sandbox() as sb:
        alice, bob = sb.user("小王"), sb.user("小李")
        sb.api.inject_error(alice.chat_id, "blocked")
        sb.api.inject_error(bob.chat_id, "chat_not_found", times=1)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await sb.app.bot.send_message(alice.chat_id, "你好")
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await sb.app.bot.send_message(bob.chat_id, "你好")
        await sb.app.bot.send_message(bob.chat_id, "你好")  # only once
        assert bob.texts() == ["你好"]
        assert alice.texts() == []


async def test_api_latency_delays_every_call() -> None:
    async with Sandbox(api_latency=0.2) as sb:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await sb.app.bot.get_me()
        assert loop.time() - started >= 0.2


async def test_transcript_shows_edits_but_not_buttons_that_merely_disappear() -> None:
    async with Sandbox() as sb:
        alice = sb.user("小王")
        await alice.send("/language")
        await alice.press("English")
        transcript = alice.transcript()
        assert transcript.count("你希望我用哪种语言和你交流？") == 1
        assert "🤖 会会 (edits its message): Done — I will speak English" in transcript
