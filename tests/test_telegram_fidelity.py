"""What tripped on Telegram's rules when 会会 ran against the real Telegram, now held by the
strict sandbox (which would refuse each of these calls and fail the test)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.domain import buttons
from bot.tools.sandbox import Sandbox
from conversations.common import send_photo_with_text
from storage.models import Event
from tests.helpers import (
    EN_ANSWERS,
    PUDONG,
    ZH_ANSWERS,
    answer_questions,
    publish,
    seed_union,
    sign_up,
    union_with_members,
    verify,
)
from tests.test_matching_bot import card_for, population

WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
FREE_TRADE_ZONE = "中国（上海）自由贸易试验区临港新片区"


async def test_pressing_any_with_nothing_chosen_ticks_it_and_asks_nothing_more(
    sandbox: Sandbox,
) -> None:
    wang = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    keys = list(ZH_ANSWERS)
    await answer_questions(wang, ZH_ANSWERS, keys[: keys.index("seek_districts")])
    await wang.press("不限")
    assert "✅ 不限" in wang.buttons()
    await wang.press("不限")  # and off again
    assert "不限" in wang.buttons() and "✅ 不限" not in wang.buttons()
    await wang.press("不限")
    await wang.press("完成")
    assert "学历" in wang.last_text()  # the next question, not "must or nice to have?"


async def test_a_double_tap_on_block_blocks_once_and_says_so_once(sandbox: Sandbox) -> None:
    xiaoyu, _ming, _wei = await population(sandbox)
    await xiaoyu.send("/match")
    await card_for(xiaoyu, "阿明")
    await xiaoyu.double_tap("屏蔽")
    assert sum("你们都不会再看到对方" in t for t in xiaoyu.texts()) == 1


async def test_a_double_tap_on_keep_my_data_keeps_it_quietly(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await sign_up(wang, WANG)
    await wang.send("/delete_me")
    await wang.double_tap("保留")
    assert wang.texts().count("没有删除任何内容。") == 1
    await wang.send("/profile")
    assert wang.bot_messages()[-1].text.startswith("小雨")


async def test_a_double_tap_on_cancel_during_a_roster_upload(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    roster = tmp_path / "名册.csv"
    roster.write_text("姓名,会员号,工作单位\n张三,PD001,上海地铁\n", encoding="utf-8")
    await organiser.send_document(roster)
    await organiser.double_tap("取消")
    assert organiser.texts().count("已取消，没有导入任何内容。") == 1


async def test_event_texts_are_bounded_alike_in_the_wizard_and_in_event_edit(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    event_id = await publish(sandbox, organiser)
    await organiser.send(f"/event_edit {event_id} description {'很长的介绍' * 401}")
    assert organiser.last_text() == "这条有 2005 个字，请不超过 2000 个字。"
    await organiser.send(f"/event_edit {event_id} title {'名' * 101}")
    assert organiser.last_text() == "这条有 101 个字，请不超过 100 个字。"
    await organiser.send(f"/event_edit {event_id} description {'好' * 2000}")
    assert organiser.last_text() == "已保存。"
    async with sandbox.app.services.db() as session:
        assert len((await session.get(Event, event_id)).description) == 2000
    # The longest description still makes a card Telegram accepts, for everyone.
    member = sandbox.user("会员", user_id=in_pudong[0])
    await member.send(f"/start event_{event_id}")
    await member.press("报名")
    await member.send("/my_events")
    assert member.last_text().endswith("你已报名，号码牌 #1。")

    await organiser.send("/event_new")
    await organiser.send("名" * 101)
    assert organiser.last_text() == "这条有 101 个字，请不超过 100 个字。"
    await organiser.send("周末徒步")
    await organiser.send("好" * 2001)
    assert organiser.last_text() == "这条有 2001 个字，请不超过 2000 个字。"


async def test_the_longest_card_reaches_whoever_sees_it(sandbox: Sandbox) -> None:
    """Ten own-words hobbies at their longest and a 300-character introduction, in English."""
    wang = sandbox.user("Sam", language="en", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    script = dict(EN_ANSWERS)
    crafts = (
        "kite",
        "soap",
        "candle",
        "paper",
        "cheese",
        "basket",
        "violin",
        "rope",
        "glass",
        "hat",
    )
    script["hobbies"] = [("send", ", ".join(f"{c}makingwithfriends"[:20] for c in crafts))]
    introduction = ("I like long walks by the river. " * 10)[:300]
    script["introduction"] = [("send", introduction)]
    script["photos"] = [("photo", ""), ("press", "Done")]
    await sign_up(wang, WANG, script)
    await wang.send("/profile")
    card = wang.bot_messages()[-1]
    assert card.text.startswith("Sam · ") and card.text.endswith(introduction.strip())


async def test_a_text_too_long_for_a_caption_comes_after_the_photo(sandbox: Sandbox) -> None:
    member = sandbox.user("Sam", language="en")
    await member.send_photo()
    photo = next(e.file_id for e in member.log if e.kind == "photo")
    for text in ("short", "x" * 1025):
        await send_photo_with_text(sandbox.app.bot, member.chat_id, photo, text)
    short, long_photo, long_text = member.bot_messages()[-3:]
    assert (short.kind, short.text) == ("photo", "short")
    assert (long_photo.kind, long_photo.text) == ("photo", None)
    assert (long_text.kind, long_text.text) == ("text", "x" * 1025)


async def test_a_broadcast_too_long_to_sign_is_refused_while_composing(
    sandbox: Sandbox,
) -> None:
    """Captions stop at 1,024 and texts at 4,096 characters, and the union's signature
    (up to 105 characters) must still fit: the longest accepted message is sent whole."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    await organiser.send("/broadcast")
    await organiser.send_photo("春" * 920)
    assert "最多 919 个字，这段有 920 个字" in organiser.last_text()
    await organiser.send("秋" * 3992)
    assert organiser.last_text() == "群发消息最多 3991 字，这条有 3992 字，请删减后再发。"
    await organiser.send_photo("春" * 919)
    await organiser.press("预览 ▸")
    await organiser.press("立即发送")
    await sandbox.settle()
    for member in in_pudong:
        [photo] = [e for e in sandbox.api.chats[member] if e.kind == "photo"]
        assert photo.text == "春" * 919 + f"\n\n——{PUDONG}"


async def test_long_district_names_make_buttons_that_fit() -> None:
    async with Sandbox(districts=f"{FREE_TRADE_ZONE}|Lingang,浦东新区|Pudong") as sb:
        wang = sb.user("小雨", phone=WANG[3])
        await seed_union(sb, [WANG])
        await verify(wang, *WANG[:3])
        await wang.press("我承诺")
        keys = list(ZH_ANSWERS)
        await answer_questions(wang, ZH_ANSWERS, keys[: keys.index("district")])
        await wang.press(FREE_TRADE_ZONE)
        assert "家乡" in wang.last_text()
        async with sb.app.services.db() as session:
            from storage.models import ProfileAnswer

            stored = await session.scalar(
                select(ProfileAnswer.value).where(ProfileAnswer.question == "district")
            )
        assert stored == FREE_TRADE_ZONE


def test_every_kind_of_button_fits_in_64_bytes_at_its_widest() -> None:
    for kind in buttons.kinds():
        assert buttons.widest(kind) <= 64, kind.__name__


async def test_a_member_without_a_username_hears_of_the_match_before_being_asked_to_share(
    sandbox: Sandbox,
) -> None:
    xiaoyu, ming, _wei = await population(sandbox, usernames=False)
    await ming.send("/match")
    await card_for(ming, "小雨")
    await ming.press("❤️")
    await xiaoyu.send("/match")
    await xiaoyu.press("❤️")
    await xiaoyu.press("🤝 交换联系方式")
    await ming.press("🤝 交换联系方式")
    for member, other in ((ming, "小雨"), (xiaoyu, "阿明")):
        texts = member.texts()
        matched = next(i for i, t in enumerate(texts) if "互相喜欢" in t)
        asked = next(i for i, t in enumerate(texts) if "想联系你" in t)
        assert matched < asked, (member.first_name, texts[-4:])
        assert other in texts[matched]
