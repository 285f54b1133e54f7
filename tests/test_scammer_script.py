"""A matched scammer's script against 会会传话, tried once more (the attack round after issue 22):
a phone number sent a digit or two a message, or minutes apart, or after a held message that
was meant to hide the rest; money asked for in the words people really use (红包, 转点钱, 520);
a move to Telegram. Each is held or noted for the recipient, never passed on silently."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.tools.sandbox import Sandbox
from bot.tools.sandbox.chats import sticker
from storage.models import RelayMessage
from tests.helpers import seed_union, union_with_members, verify
from tests.test_miniapp import as_user, web
from tests.test_relay import matched
from tests.test_safe_contact import edit, got, member_id, message, two_matches
from tests.test_screen_evasion import LOOKS_LIKE_STAFF, WANG

HELD_CONTACT = "阿明发来的消息里好像有联系方式"


async def test_a_number_sent_a_digit_or_two_at_a_time_or_slowly_is_held(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    for part in ("13", "80", "01", "38", "00"):
        await ming.send(part)
    assert xiaoyu.last_text() == "阿明：00"  # no number yet: nothing to hold
    await ming.send("0")
    assert HELD_CONTACT in xiaoyu.last_text()

    # The same number, a piece every eleven minutes, a day later.
    await sandbox.advance(timedelta(hours=30))
    for part in ("138", "0013"):
        await ming.send(part)
        await sandbox.advance(timedelta(minutes=11))
    await ming.send("8000")
    assert HELD_CONTACT in xiaoyu.last_text() and not got(xiaoyu, "阿明：8000")


async def test_a_held_message_does_not_hide_the_number_sent_after_it(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("微信 abc12345")  # held: she sees a notice, not the id
    assert HELD_CONTACT in xiaoyu.last_text()
    for part in ("138", "0013", "8000"):
        await ming.send(part)
    assert HELD_CONTACT in xiaoyu.last_text() and not got(xiaoyu, "阿明：8000")
    assert ming.last_text() == "已转达给小雨 ✓"  # he is not told what was held


HELD_MONEY = "阿明发来一条含有链接或涉及钱款的消息"


async def test_money_asked_for_in_everyday_words_is_held_early_and_noted_later(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    asks = ("能不能给我发个红包", "发个520看看你的诚意", "你给我转点钱", "我妈住院了，急需3000")
    for words in asks:
        await ming.send(words)
        assert xiaoyu.last_text().startswith(HELD_MONEY), words
        assert not got(xiaoyu, words)
    await sandbox.advance(timedelta(days=3))
    await ming.send("你能帮我垫一下吗")  # past the first two days: passed on, with the note
    assert xiaoyu.last_text().startswith("阿明：你能帮我垫一下吗\n⚠️ 会会提醒")
    await ming.send("我们去ｔｅｌｅｇｒａｍ聊吧")
    assert "⚠️ 会会提醒" in xiaoyu.last_text()
    # What she writes of money in passing stays plain.
    await xiaoyu.press("回复")
    await xiaoyu.send("我妈过年给我发了个红包，哈哈")
    assert ming.last_text() == "小雨：我妈过年给我发了个红包，哈哈"


async def test_a_number_in_another_scripts_digits_or_an_id_behind_ig_is_held(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    for words in ("١٣٨٠٠١٣٨٠٠٠", "我的ig是 lemon.88", "加我好友吧，我的号是 Lemon1990"):
        await ming.send(words)
        assert xiaoyu.last_text().startswith(HELD_CONTACT), words
        assert not got(xiaoyu, words)


async def test_editing_one_message_over_and_over_is_a_flood_like_any_other(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    first = await message(ming, "text", text="你好")
    before = len(xiaoyu.texts())
    for i in range(60):
        await edit(ming, first, f"你好 {i}")
    # The message and 19 edits make the burst of 20; the other 41 reach nobody.
    assert len(xiaoyu.texts()) - before == 19
    assert xiaoyu.last_text() == "阿明（已编辑）：你好 18"
    assert ming.last_text() == "你修改得太快了，这次修改没有转达。"
    await ming.send("在吗")  # a new message waits its turn as well
    assert not got(xiaoyu, "在吗")
    await sandbox.advance(timedelta(seconds=3))
    await edit(ming, first, "你好呀")
    assert xiaoyu.last_text() == "阿明（已编辑）：你好呀"


async def test_an_edit_is_bounded_and_cleaned_as_a_new_message_is(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    first = await message(ming, "text", text="你好")
    await edit(ming, first, "你\x00好呀")  # PostgreSQL refuses NUL in text
    assert ming.last_text() == "已把修改转达给小雨 ✓"
    assert xiaoyu.last_text() == "阿明（已编辑）：你好呀"
    await edit(ming, first, "长" * 4000)  # Telegram lets an edit be 4,096 characters long
    assert ming.last_text() == "这条有 4000 个字，请不超过 1000 个字。"
    assert xiaoyu.last_text() == "阿明（已编辑）：你好呀"


# A relayed message reads "小雨：…": under these names it reads like 会会's own warnings and
# tips ("🛡 安全提醒：…", "⚠️ 会会提醒：…") or a notice from Telegram or "the system".
@pytest.mark.parametrize(
    "nickname", ["系统通知", "🛡 安全提醒", "⚠️注意", "Ｔｅｌｅｇｒａｍ", "安全 中心"]
)
async def test_a_nickname_that_reads_like_a_notice_is_refused(
    sandbox: Sandbox, nickname: str
) -> None:
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    await wang.send(nickname)
    assert LOOKS_LIKE_STAFF in wang.last_text()
    await wang.send("岁岁平安")
    assert "你的性别是" in wang.last_text()


async def test_lines_dressed_as_a_note_from_huihui_are_said_to_be_the_senders(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("你好\n\n🛡 会会已核实：阿明的身份和工作单位真实可靠，请放心交往。")
    assert xiaoyu.last_text() == (
        "阿明：你好\n\n🛡 会会已核实：阿明的身份和工作单位真实可靠，请放心交往。\n"
        "⚠️ 以上内容是阿明自己写的，不是会会的提醒：会会从不在会员的消息里说话。"
    )
    first = await message(ming, "text", text="周末见")
    assert xiaoyu.last_text() == "阿明：周末见"
    await edit(ming, first, "周末见\n⚠️ 安 全 提 醒：对方是工会认证会员")
    assert xiaoyu.last_text().endswith(
        "⚠️ 以上内容是阿明自己写的，不是会会的提醒：会会从不在会员的消息里说话。"
    )
    await ming.send("工会通知我们周六开会，你去吗？")  # news of the union, not dressed as a notice
    assert xiaoyu.last_text() == "阿明：工会通知我们周六开会，你去吗？"


async def test_a_held_link_cannot_be_opened_once_its_sender_is_suspended(sandbox: Sandbox) -> None:
    organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("https://bit.ly/3abcde 点开看看我的照片")
    held = xiaoyu.bot_messages()[-1]
    assert HELD_CONTACT in held.text
    services = sandbox.app.services
    await services.administration.moderate(organiser.id, await member_id(sandbox, ming), "suspend")
    await xiaoyu.press_on(held, "查看")
    assert xiaoyu.last_alert() == "这条消息已无法查看。"
    assert not got(xiaoyu, "bit.ly")


async def test_an_edit_still_waiting_to_be_sent_is_withdrawn_by_a_block(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    first = await message(ming, "text", text="你好")
    scheduler = sandbox.app.delivery.scheduler
    scheduler.stop()  # notices wait, as behind a busy queue
    await edit(ming, first, "你好，我知道你住在哪个小区")
    await xiaoyu.press("屏蔽")
    await scheduler.start(sandbox.app.job_queue)
    await sandbox.settle()
    assert xiaoyu.last_text().startswith("已屏蔽。你们的对话已经结束")
    assert not got(xiaoyu, "我知道你住在哪个小区")


async def test_money_and_investment_in_traditional_characters_are_screened(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("你先轉500給我，週末還你")
    assert xiaoyu.last_text().startswith(HELD_MONEY) and not got(xiaoyu, "轉500")
    await sandbox.advance(timedelta(days=3))
    await ming.send("我帶你投資數字貨幣，穩賺不賠")
    assert xiaoyu.last_text().startswith("阿明：我帶你投資數字貨幣，穩賺不賠\n⚠️ 会会提醒")
    await ming.send("週末一起去爬山嗎？")  # traditional characters alone are no sign
    assert xiaoyu.last_text() == "阿明：週末一起去爬山嗎？"


async def test_money_asked_for_in_english_or_pinyin_is_held_early(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    for words in ("Can you lend me 500? I'll pay you back", "fa ge hongbao gei wo ba"):
        await ming.send(words)
        assert xiaoyu.last_text().startswith(HELD_MONEY), words
        assert not got(xiaoyu, words)
    await ming.send("My uncle trades bitcoin, guaranteed profit. Invest with me")
    assert "⚠️ 会会提醒" in xiaoyu.last_text()
    await ming.send("I transferred to Shanghai last year")  # no money asked for
    assert xiaoyu.last_text() == "阿明：I transferred to Shanghai last year"


async def test_a_flood_of_one_sticker_is_not_a_flood_of_the_bots_calls(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    file_id = sandbox.api.store_file("s.webp", b"RIFF\x00\x00\x00\x00WEBP")
    cats = f"cats_{uuid.uuid4().hex[:8]}"  # a set no other test asked about
    for _ in range(30):
        await message(ming, "sticker", sticker={**sticker(file_id), "set_name": cats})
    # Each sticker's set was asked of Telegram before the pace refused the sticker.
    assert sandbox.api.calls["getStickerSet"] == 1
    assert ming.last_text().startswith("你发得太快了")
    assert xiaoyu.texts().count("阿明发来一个表情。") == 20


async def test_a_flood_is_answered_once_not_once_a_message(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    before = len(ming.texts())
    for i in range(200):
        await ming.send(f"在吗{i}")
    answers = ming.texts()[before:]
    assert answers.count("已转达给小雨 ✓") == 20
    assert answers.count("你发得太快了，这条没有转达。请等几秒再发。") == 1
    assert len(answers) == 21
    await sandbox.advance(timedelta(seconds=3))
    await ming.send("刚才发太多了，抱歉")
    assert ming.last_text() == "已转达给小雨 ✓"
    await ming.send("还在吗")  # over the pace again: told again
    assert ming.last_text() == "你发得太快了，这条没有转达。请等几秒再发。"


async def test_writing_on_while_asked_which_conversation_or_sending_voice_is_no_flood(
    sandbox: Sandbox,
) -> None:
    xiaoyu, ming, wei = await two_matches(sandbox)
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    await ming.send("周六有空吗？")
    await xiaoyu.press("回复")
    await wei.send("/matches")
    await wei.press("✉️ 给小雨留言")
    await wei.send("你好，我是大伟")
    before = len(xiaoyu.texts())
    for i in range(100):  # each kept as a draft, and answered with the question
        await xiaoyu.send(f"第{i}条")
    assert xiaoyu.texts()[before:].count("阿明、大伟都给你发了消息。这条要发给谁？") == 20
    async with sandbox.app.services.db() as session:
        drafts = select(func.count()).select_from(RelayMessage).where(RelayMessage.draft)
        assert await session.scalar(drafts) == 20

    await sandbox.advance(timedelta(minutes=5))
    before = len(ming.texts())
    voice = sandbox.api.store_file("v.ogg", b"OggS")
    for _ in range(50):
        await message(
            ming, "voice", voice={"file_id": voice, "file_unique_id": voice, "duration": 3}
        )
    await message(ming, "location", location={"latitude": 31.23, "longitude": 121.47})
    told = [t for t in ming.texts()[before:] if t.startswith("这条没有转达给小雨")]
    assert len(told) == 2  # once for the voice messages, once for the location
    await ming.send("不好意思，刚才按错了")
    await message(ming, "voice", voice={"file_id": voice, "file_unique_id": voice, "duration": 3})
    assert ming.last_text().startswith("这条没有转达给小雨")  # told again after a message


async def test_an_id_too_large_for_a_row_is_not_found_like_any_other(sandbox: Sandbox) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me, huge = members[0], "99999999999999999999"
    async with web(sandbox) as client:
        for url in (f"/app/member/people/{huge}", "/app/member/people/2147483648/photos/0"):
            answer = await client.get(url, headers=as_user(sandbox, me))
            assert answer.status_code == 404 and "这里没有内容" in answer.text, url
        for url, who in (
            (f"/app/member/people/{huge}/decide", me),
            (f"/app/member/matches/{huge}/write", me),
            (f"/app/console/review/{huge}", organiser.id),
        ):
            answer = await client.post(url, headers=as_user(sandbox, who), data={"liked": "1"})
            assert answer.status_code == 404 and "这里没有内容" in answer.text, url


# A name of marks with nothing to sit on shows as nothing: her messages would read "：你好".
@pytest.mark.parametrize("nickname", ["\ufe0f\ufe0f\ufe0f", "\u0300\u0301"])
async def test_a_nickname_of_stray_marks_is_no_nickname(sandbox: Sandbox, nickname: str) -> None:
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    await wang.send(nickname)
    assert "请写下你的回答" in wang.last_text()
    await wang.send("🌸🌸")  # emoji alone are a name
    assert "你的性别是" in wang.last_text()


# The red team's round after the relay's own (section 3): a number cut into pieces with chatter
# between them, or out of order with words that say how they go; an edit of an earlier message
# into the first digits; ids behind 🐧, 叩叩, w信, 支付宝; digits said in English, pinyin with its
# tone marks or Cyrillic З.
async def test_a_number_cut_into_pieces_with_chatter_between_is_held(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    for part in ("138", "今天下班好累啊你呢周末有空吗", "1234", "上次说的那家店我查了还不错"):
        await ming.send(part)
    assert xiaoyu.last_text() == "阿明：上次说的那家店我查了还不错"
    await ming.send("5678")
    assert HELD_CONTACT in xiaoyu.last_text() and not got(xiaoyu, "阿明：5678")


async def test_pieces_out_of_order_and_an_earlier_message_edited_into_them_are_held(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    first = await message(ming, "text", text="你好呀")
    await ming.send("后面是5678")
    await edit(ming, first, "我号码138 1234")
    assert not any(t == "阿明（已编辑）：我号码138 1234" for t in xiaoyu.texts())
    assert HELD_CONTACT in xiaoyu.last_text()


@pytest.mark.parametrize(
    "words",
    [
        "我手机 yāo sān bā yāo èr sān sì wǔ liù qī bā",
        "my number: one three eight one two three four five six seven eight",
        "号码 IЗ8I2З45678",
        "手机尾号5678，前面是138 1234",
        "138 一起去吃饭好吗 1234 5678",
        "138 yao er san si 5678",
        "我的微：lemon88",
        "w信 lemon88 加我",
        "🐧 2876543210",
        "叩叩 2876543210",
        "支付宝 lemon88 你搜一下",
        "我邮箱 xiaoyu QQ邮箱",
        "xiaoyu(.)com 看我的主页",
    ],
)
async def test_one_message_disguises_are_held(sandbox: Sandbox, words: str) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send(words)
    assert xiaoyu.last_text().startswith(HELD_CONTACT) and not got(xiaoyu, words)


# Section 4: money asked for in the first hour, in words the screen did not know.
@pytest.mark.parametrize(
    "words",
    [
        "能不能转个账给我，我下周还你",
        "帮我打个款吧，急",
        "先支援我两千块，下周还你",
        "我妈住院了，还差一万块，你能帮帮我吗",
        "我在柬埔寨出不去了，需要钱",
        "能不能给我充个话费",
        "帮我买张机票过来看你好不好",
    ],
)
async def test_money_asked_for_in_the_first_hour_is_held(sandbox: Sandbox, words: str) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send(words)
    assert xiaoyu.last_text().startswith(HELD_MONEY) and not got(xiaoyu, words)


async def test_an_insiders_road_to_money_gets_the_safety_note(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    words = "我表哥在证券公司，有个内部的路子，每个月能多拿两万"
    await ming.send(words)
    assert xiaoyu.last_text().startswith(f"阿明：{words}\n⚠️ 会会提醒")
    await ming.send("买张机票去三亚玩，你去过吗")  # money in passing stays plain
    assert xiaoyu.last_text() == "阿明：买张机票去三亚玩，你去过吗"


# Section 9: lines dressed as 会会's or a union's notes, under other headings.
@pytest.mark.parametrize(
    "words",
    [
        "好的\n🔔 会会温馨提示 对方已通过工会实名认证，资料真实，可放心交往",
        "好的\n【会会】对方已通过实名认证，可放心交换联系方式",
        "好的\n浦东新区总工会 · 红娘：你好，他是我们核实过的会员，可以放心",
        "好的\n会会小助手：对方已通过实名认证",
    ],
)
async def test_fake_notices_under_other_headings_are_said_to_be_the_senders(
    sandbox: Sandbox, words: str
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send(words)
    assert xiaoyu.last_text() == (
        f"阿明：{words}\n⚠️ 以上内容是阿明自己写的，不是会会的提醒：会会从不在会员的消息里说话。"
    )
