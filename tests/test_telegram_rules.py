"""The sandbox refuses what Telegram refuses: one test per rule of the Bot API the bot relies on.

Calls go through a plain PTB bot on the sandbox's Telegram (not 会会's own bot, which avoids some
of these calls by itself), so each test shows the refusal exactly as PTB raises it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ExtBot

from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox, SimulatedUser


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[ExtBot, Sandbox, SimulatedUser]]:
    async with Sandbox() as sb:
        member = sb.user("小王")
        await member.send("/help")  # the member has a chat with the bot
        raw = ExtBot(SANDBOX_TOKEN, request=sb.api, get_updates_request=sb.api)
        yield raw, sb, member


async def refused(sb: Sandbox, call, words: str, kind: type[TelegramError] = BadRequest) -> None:  # noqa: ANN001
    """The call is refused with Telegram's words, and the sandbox recorded the refusal."""
    with pytest.raises(kind, match="(?i)" + re.escape(words)):
        await call
    assert words.lower() in sb.api.take_refusals()[-1].description.lower()


def inline(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


async def test_message_text_must_not_be_empty(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    await refused(sb, raw.send_message(member.chat_id, "  \n "), "message text is empty")


async def test_message_text_is_at_most_4096_utf16_units(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    await raw.send_message(member.chat_id, "好" * 4096)  # one unit each: fits exactly
    # An emoji outside the basic plane is two UTF-16 units: 2,049 of them are 4,098.
    await refused(sb, raw.send_message(member.chat_id, "🎉" * 2049), "message is too long")


async def test_captions_are_at_most_1024_characters(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    await member.send_photo()
    photo = next(e.file_id for e in member.log if e.kind == "photo" and not e.from_bot)
    await raw.send_photo(member.chat_id, photo, caption="字" * 1024)
    await refused(
        sb,
        raw.send_photo(member.chat_id, photo, caption="字" * 1025),
        "message caption is too long",
    )


async def test_callback_data_is_1_to_64_bytes(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    # 22 Chinese characters are 66 bytes in UTF-8, though only 22 characters.
    district = "中国（上海）自由贸易试验区临港新片区"
    await raw.send_message(
        member.chat_id,
        "选一个",
        reply_markup=inline(InlineKeyboardButton("ok", callback_data="x" * 64)),
    )
    await refused(
        sb,
        raw.send_message(
            member.chat_id,
            "选一个",
            reply_markup=inline(
                InlineKeyboardButton(district, callback_data=f"ans:district:{district}")
            ),
        ),
        "BUTTON_DATA_INVALID",
    )


async def test_an_edit_that_changes_nothing_is_refused(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    markup = inline(InlineKeyboardButton("不限", callback_data="qn:seek_districts"))
    sent = await raw.send_message(member.chat_id, "哪些区？", reply_markup=markup)
    await refused(
        sb,
        raw.edit_message_reply_markup(member.chat_id, sent.message_id, reply_markup=markup),
        "message is not modified",
    )
    await refused(
        sb,
        raw.edit_message_text("哪些区？", member.chat_id, sent.message_id, reply_markup=markup),
        "message is not modified",
    )
    await raw.edit_message_reply_markup(member.chat_id, sent.message_id, reply_markup=None)


async def test_huihuis_bot_never_sends_an_edit_that_changes_nothing(telegram) -> None:  # noqa: ANN001
    _raw, sb, member = telegram
    markup = inline(InlineKeyboardButton("不限", callback_data="qn:seek_districts"))
    sent = await sb.app.bot.send_message(member.chat_id, "哪些区？", reply_markup=markup)
    edits = sb.api.calls["editMessageReplyMarkup"]
    assert await sb.app.bot.edit_message_reply_markup(
        member.chat_id, sent.message_id, reply_markup=markup
    )
    assert sb.api.calls["editMessageReplyMarkup"] == edits  # not sent at all
    await sb.app.bot.edit_message_reply_markup(member.chat_id, sent.message_id, reply_markup=None)
    await sb.app.bot.edit_message_reply_markup(member.chat_id, sent.message_id, reply_markup=None)
    assert sb.api.calls["editMessageReplyMarkup"] == edits + 1


async def test_deleted_and_foreign_messages_cannot_be_edited(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    sent = await raw.send_message(member.chat_id, "稍后删除")
    await raw.delete_message(member.chat_id, sent.message_id)
    await refused(
        sb,
        raw.edit_message_text("新", member.chat_id, sent.message_id),
        "message to edit not found",
    )
    await refused(
        sb, raw.delete_message(member.chat_id, sent.message_id), "message to delete not found"
    )
    own = next(e for e in member.log if not e.from_bot)
    await refused(
        sb,
        raw.edit_message_text("改你的话", member.chat_id, own.message_id),
        "message can't be edited",
    )


async def test_a_button_press_is_answered_once_with_at_most_200_characters(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    first, second = f"{member.chat_id}:901", f"{member.chat_id}:902"
    for query_id in (first, second):
        sb.api.open_query(query_id)
    await refused(sb, raw.answer_callback_query(first, "太长了" * 67), "MESSAGE_TOO_LONG")
    await raw.answer_callback_query(first, "好" * 200)
    await refused(sb, raw.answer_callback_query(first), "query ID is invalid")
    await refused(sb, raw.answer_callback_query(f"{member.chat_id}:999"), "query ID is invalid")
    await raw.answer_callback_query(second)


async def test_entities_stay_inside_the_text_in_utf16_units(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    text = "🎉 欢迎"  # the emoji is two units: the text is five units long
    await raw.send_message(member.chat_id, text, entities=[MessageEntity("bold", 3, 2)])
    await refused(
        sb,
        raw.send_message(member.chat_id, text, entities=[MessageEntity("bold", 4, 2)]),
        "entity is out of the text bounds",
    )


async def test_html_and_markdown_v2_must_be_well_formed(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    await raw.send_message(member.chat_id, "<b>周六</b> 徒步 &amp; 摄影", parse_mode="HTML")
    await refused(
        sb,
        raw.send_message(member.chat_id, "<b>周六", parse_mode="HTML"),
        'Can\'t find end tag corresponding to start tag "b"',
    )
    await refused(
        sb,
        raw.send_message(member.chat_id, "1 < 2 <x>", parse_mode="HTML"),
        "Unsupported start tag",
    )
    await raw.send_message(member.chat_id, "*周六* 见\\!", parse_mode="MarkdownV2")
    await refused(
        sb,
        raw.send_message(member.chat_id, "周六见!", parse_mode="MarkdownV2"),
        "Character '!' is reserved",
    )


async def test_inline_buttons_have_text_and_exactly_one_action(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    await refused(
        sb,
        raw.send_message(
            member.chat_id, "?", reply_markup=inline(InlineKeyboardButton(" ", callback_data="x"))
        ),
        "Text must be non-empty",
    )
    await refused(
        sb,
        raw.send_message(member.chat_id, "?", reply_markup=inline(InlineKeyboardButton("x"))),
        "Text buttons are unallowed in the inline keyboard",
    )
    await refused(
        sb,
        raw.send_message(
            member.chat_id,
            "?",
            reply_markup=inline(
                InlineKeyboardButton("x", callback_data="x", url="https://example.org")
            ),
        ),
        "exactly one of the optional fields",
    )


async def test_keyboards_have_at_most_100_buttons_and_8_a_row(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    rows = [
        [InlineKeyboardButton(f"{r}{c}", callback_data=f"{r}:{c}") for c in range(5)]
        for r in range(21)
    ]
    await refused(
        sb,
        raw.send_message(member.chat_id, "?", reply_markup=InlineKeyboardMarkup(rows)),
        "reply markup is too long",
    )
    wide = [[InlineKeyboardButton(str(c), callback_data=str(c)) for c in range(9)]]
    await refused(
        sb,
        raw.send_message(member.chat_id, "?", reply_markup=InlineKeyboardMarkup(wide)),
        "reply markup is too long",
    )


async def test_contact_requests_only_in_private_chats(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("📱 分享手机号", request_contact=True)]])
    await raw.send_message(member.chat_id, "请分享", reply_markup=keyboard)
    group = -1_001_234_567_890
    await refused(
        sb,
        raw.send_message(group, "请分享", reply_markup=keyboard),
        "phone number can be requested in private chats only",
    )


async def test_bot_commands_follow_telegrams_format(telegram) -> None:  # noqa: ANN001
    raw, sb, _member = telegram
    await raw.set_my_commands([BotCommand("match", "看看谁适合你")])
    await refused(sb, raw.set_my_commands([BotCommand("Match", "大写")]), "BOT_COMMAND_INVALID")
    await refused(sb, raw.set_my_commands([BotCommand("x" * 33, "太长")]), "BOT_COMMAND_INVALID")
    await refused(
        sb,
        raw.set_my_commands([BotCommand("match", "长" * 257)]),
        "BOT_COMMAND_DESCRIPTION_INVALID",
    )
    many = [BotCommand(f"c{i}", "命令") for i in range(101)]
    await refused(sb, raw.set_my_commands(many), "too many bot commands specified")


async def test_unknown_file_ids_are_refused(telegram) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    await refused(
        sb,
        raw.send_photo(member.chat_id, "no-such-file"),
        "wrong file identifier/HTTP URL specified",
    )
    await refused(sb, raw.get_file("no-such-file"), "invalid file_id")


async def test_file_size_limits(telegram, tmp_path) -> None:  # noqa: ANN001
    raw, sb, member = telegram
    await refused(
        sb, raw.send_photo(member.chat_id, b"\xff" * 10_000_001), "PHOTO_SAVE_FILE_INVALID"
    )
    with pytest.raises(NetworkError, match="Request Entity Too Large"):
        await raw.send_document(member.chat_id, b"\0" * 50_000_001, filename="big.bin")
    assert sb.api.take_refusals()[-1].status == 413
    big = tmp_path / "名册.csv"
    big.write_bytes(b"a" * 20_000_001)
    await member.send_document(big)
    document = next(e.file_id for e in member.log if e.kind == "document" and not e.from_bot)
    await refused(sb, raw.get_file(document), "file is too big")
