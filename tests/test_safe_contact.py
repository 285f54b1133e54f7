"""A safe first conversation (issue 22, points 2-4 and the relay's screens), tried the way a
scammer, a stalker or a prankster would: reports and blocks end contact at once and
everywhere, consent to exchange contacts can be withdrawn and goes to the one who asked, and
the relay cannot be misdirected, flooded, edited around or split around."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.domain import buttons as b
from bot.domain.buttons.contact import ChooseConversation, GiveWechat, ShareCard
from bot.services.roster_import import import_roster
from bot.tools.sandbox import Sandbox, SimulatedUser
from bot.tools.sandbox.chats import photo_size, sticker
from storage.models import CardView, EventChoice, Match, Member, Proposal, RelayMessage, Report
from tests.helpers import (
    PUDONG,
    PUDONG_CONTACT,
    edit,
    message,
    publish,
    reported_by_someone,
    union_with_members,
)
from tests.pictures import photo_with, qr
from tests.test_events import by_gender, event_row, join
from tests.test_matching_bot import WOMAN, card_for, population
from tests.test_miniapp import as_user, web
from tests.test_proposals import setting
from tests.test_relay import matched

ENDED = "这次对话已经结束，这条没有转达。"


async def photo(
    user: SimulatedUser,
    caption: str | None = None,
    content: bytes = b"\xff\xd8\xff\xd9",
    **fields: Any,
) -> int:
    file_id = user.sandbox.api.store_file("photo.jpg", content)
    size = {"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}
    if caption:
        fields["caption"] = caption
    return await message(user, "photo", photo=[size], **fields)


async def member_id(sb: Sandbox, user: SimulatedUser) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(Member.id).where(Member.telegram_id == user.id)) or 0


async def the_match(sb: Sandbox) -> Match:
    async with sb.app.services.db() as session:
        found = await session.scalar(select(Match).order_by(Match.id))
        assert found is not None
        return found


async def both_agree_to_exchange(xiaoyu: SimulatedUser, ming: SimulatedUser) -> None:
    """Both press 交换联系方式; 阿明 is left at /matches."""
    await xiaoyu.send("/matches")
    await xiaoyu.press("🤝 交换联系方式")
    await ming.send("/matches")
    await ming.press("🤝 交换联系方式")
    await ming.send("/matches")


def got(user: SimulatedUser, words: str) -> bool:
    return any(words in t for t in user.texts())


async def two_matches(sb: Sandbox, usernames: bool = True) -> tuple[SimulatedUser, ...]:
    """小雨 matched with both 阿明 and 大伟."""
    xiaoyu, ming, wei = await population(sb, usernames)
    for man in (ming, wei):
        await man.send("/match")
        await card_for(man, "小雨")
        await man.press("❤️")
    for _ in range(2):
        await xiaoyu.send("/match")
        await xiaoyu.press("❤️")
    async with sb.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 2
    return xiaoyu, ming, wei


# 1. A stalker reported from a relayed message keeps writing.
async def test_a_report_from_a_relayed_message_ends_the_conversation_at_once(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("你下班一般几点走？")
    await xiaoyu.press("举报")
    await xiaoyu.press("骚扰")
    told = xiaoyu.last_text()
    assert "你们的对话已经结束" in told and "工会管理员会查看这条举报" in told
    assert "可以用几句话说说发生了什么（可选）" in told
    assert not xiaoyu.last_text().startswith("阿明")  # not pushed the next card
    await xiaoyu.send("他一直问我几点下班，还说要来公司楼下等我")
    assert xiaoyu.last_text() == "已补充到你的举报里，谢谢。"
    async with sandbox.app.services.db() as session:
        report = await session.scalar(select(Report))
        assert report is not None and report.detail == "他一直问我几点下班，还说要来公司楼下等我"

    await ming.send("我知道你在哪里上班")
    assert ming.last_text() == ENDED  # the same words as any ended conversation
    assert "举报" not in ming.last_text()
    assert not got(xiaoyu, "我知道你在哪里上班")
    await ming.press("✉️ 给小雨留言")  # the button under their match
    assert ming.last_alert() == "这次对话已经结束。"
    await xiaoyu.forge_press(b.Report(await member_id(sandbox, ming)).encode())
    await xiaoyu.press("骚扰")  # the same report again: told, not shown a card
    assert xiaoyu.last_text() == "你已经举报过 TA 了，工会管理员会查看。"
    await ming.forge_press(b.ExchangeContacts((await the_match(sandbox)).id).encode())
    assert ming.last_alert() == "这次对话已经结束。"
    assert not got(xiaoyu, "想和你交换联系方式")


# 2. The reported member tries to come back through /match, a like, or a second report.
async def test_a_reported_member_never_sees_the_reporter_again(sandbox: Sandbox) -> None:
    xiaoyu, ming, _wei = await population(sandbox)
    await xiaoyu.send("/match")
    await card_for(xiaoyu, "阿明")
    await xiaoyu.press("举报")
    await xiaoyu.press("虚假资料")
    assert "你们不会再看到对方" in xiaoyu.last_text()
    await xiaoyu.press("不用补充")
    assert not xiaoyu.last_text().startswith("阿明")  # from a card: the next card follows
    for _ in range(3):
        await ming.send("/match")
        assert not ming.last_text().startswith("小雨")
    await ming.forge_press(b.Like(await member_id(sandbox, xiaoyu)).encode())
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 0


# 3. A report's detail box is not a way into someone else's report.
async def test_a_report_detail_is_the_reporters_own(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("在吗")
    await xiaoyu.press("举报")
    await xiaoyu.press("其他原因")
    async with sandbox.app.services.db() as session:
        report_id = await session.scalar(select(Report.id)) or 0
    assert not await sandbox.app.services.matchmaking.add_detail(ming.id, report_id, "她在说谎")
    # His report back counts half: he is under report himself.
    await ming.forge_press(b.ReportBecause(await member_id(sandbox, xiaoyu), "fake").encode())
    await xiaoyu.send("/matches")  # a command ends the optional detail
    async with sandbox.app.services.db() as session:
        reports = (await session.scalars(select(Report).order_by(Report.id))).all()
    assert [(r.detail, r.weight) for r in reports] == [(None, 1.0), (None, 0.5)]
    assert xiaoyu.last_text() == "还没有互相喜欢的人。发送 /match 看看推荐。"


# 4. Blocking from /matches; the blocked member's held message is not opened any more either.
async def test_a_block_from_matches_ends_everything(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("https://bit.ly/3abcde 点开看看我的照片")
    held = xiaoyu.bot_messages()[-1]
    assert "我先替你收起来了" in held.text
    await xiaoyu.send("/matches")
    await xiaoyu.press("屏蔽阿明")
    assert xiaoyu.last_text().startswith("已屏蔽。你们的对话已经结束")
    await ming.send("怎么不理我")
    assert ming.last_text() == ENDED
    await xiaoyu.send("/matches")
    assert xiaoyu.last_text() == "还没有互相喜欢的人。发送 /match 看看推荐。"
    await xiaoyu.press_on(held, "查看")
    assert xiaoyu.last_alert() == "这条消息已无法查看。"


# 5. Consent outlives the conversation: pressing 交换联系方式 after it ended.
async def test_after_a_conversation_ends_exchanging_yields_nothing(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await xiaoyu.press("🤝 交换联系方式")  # she agreed while it was open
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    await ming.send("我们还是算了吧")
    await xiaoyu.press("结束对话")
    await ming.forge_press(b.ExchangeContacts((await the_match(sandbox)).id).encode())
    assert ming.last_alert() == "这次对话已经结束。"
    assert not got(ming, "xiaoyu_sh") and not got(xiaoyu, "aming_sh")
    match = await the_match(sandbox)
    assert match.exchange_a_at is None and match.exchange_b_at is None  # her consent withdrawn
    await xiaoyu.send("/matches")
    assert "阿明：对话已结束" in xiaoyu.last_text()


# 6. A contact card given in answer to one match goes to that match alone.
async def test_a_contact_card_goes_only_to_the_match_who_asked(sandbox: Sandbox) -> None:
    xiaoyu, ming, wei = await two_matches(sandbox, usernames=False)
    for man in (ming, wei):
        await man.send("/matches")
        await man.press("🤝 交换联系方式")
    async with sandbox.app.services.db() as session:
        both = (await session.scalars(select(Match.id))).all()
    for match_id in both:
        await xiaoyu.forge_press(b.ExchangeContacts(match_id).encode())
    asked = [e for e in xiaoyu.bot_messages() if e.text and "想联系你" in e.text]
    assert len(asked) == 2
    for_ming = next(e for e in asked if e.text.startswith("阿明"))
    await xiaoyu.press_on(for_ming, "📇 发送我的联系方式卡片")
    await xiaoyu.press("发送我的手机号")
    assert xiaoyu.last_text() == "已分享，祝你们顺利！"
    cards = {
        man.first_name: [e.text for e in man.bot_messages() if e.kind == "contact"]
        for man in (ming, wei)
    }
    assert cards == {"阿明": ["小雨 13800000001"], "大伟": []}
    await xiaoyu.share_contact()  # again, without choosing anyone: nobody gets it
    assert xiaoyu.last_text().startswith("谢谢，不过现在不需要你的")
    assert [e.text for e in wei.bot_messages() if e.kind == "contact"] == []


# 7. A forged share button for a match that never asked, or someone else's match.
async def test_forged_share_buttons_give_nothing(sandbox: Sandbox) -> None:
    xiaoyu, ming, wei = await two_matches(sandbox, usernames=False)
    match = await the_match(sandbox)
    await xiaoyu.forge_press(ShareCard(match.id).encode())
    assert xiaoyu.last_alert() == "现在这里没有人在等你的联系方式。"
    await wei.forge_press(ShareCard(match.id).encode())  # not his match
    assert wei.last_alert() == "现在这里没有人在等你的联系方式。"
    await wei.share_contact()
    assert not [e for e in ming.bot_messages() + xiaoyu.bot_messages() if e.kind == "contact"]


# 8. The WeChat id: checked when typed, given only once both consent, shown in /matches.
async def test_a_wechat_id_is_checked_and_given_only_after_both_agree(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.send("/matches")
    await ming.forge_press(GiveWechat((await the_match(sandbox)).id).encode())
    assert "请输入你的微信号" in ming.last_text()
    for wrong in ("abc", "13812345678", "阿明的微信", "abc 12345", "а" + "bc12345"):  # Cyrillic а
        await ming.send(wrong)
        assert ming.last_text().startswith("这看起来不是微信号")
    await ming.send("微信号：ａｍｉｎｇ＿1994")  # full-width, with a label
    assert ming.last_text().startswith("已记下：aming_1994。")
    assert not got(xiaoyu, "aming_1994")
    await ming.send("/matches")
    await ming.press("🤝 交换联系方式")
    assert not got(xiaoyu, "aming_1994")
    await xiaoyu.press("🤝 交换联系方式")
    assert got(xiaoyu, "阿明的微信号：aming_1994")
    await xiaoyu.send("/matches")
    assert "阿明：已交换联系方式 ✓ https://t.me/aming_sh，微信号 aming_1994" in xiaoyu.last_text()


# 9. "我微信是abc12345，手机13812345678" in the first hour, and after both agreed.
async def test_contact_details_wait_until_both_agreed(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("我微信是abc12345，手机13812345678")
    assert ming.last_text() == "已转达给小雨 ✓"
    assert "好像有联系方式" in xiaoyu.last_text() and "13812345678" not in xiaoyu.last_text()
    await sandbox.advance(timedelta(days=5))  # time alone does not release them
    await ming.send("加我 vx：abc12345")
    assert "abc12345" not in xiaoyu.last_text()
    await xiaoyu.press("查看")
    assert "阿明：加我 vx：abc12345" in xiaoyu.last_text()
    assert "你们还没有都同意交换联系方式" in xiaoyu.last_text()
    await both_agree_to_exchange(xiaoyu, ming)
    await ming.press("✉️ 给小雨留言")
    await ming.send("我微信是abc12345")
    assert xiaoyu.last_text() == "阿明：我微信是abc12345"


# 10. Splitting a number, or 加 + 微信 id, over several messages.
async def test_splitting_contact_details_across_messages_does_not_help(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    for part in ("我的号码138", "1234", "5678"):
        await ming.send(part)
    assert not any("13812345678" in t or t.endswith("5678") for t in xiaoyu.texts())
    assert "好像有联系方式" in xiaoyu.last_text()
    await sandbox.advance(timedelta(minutes=30))
    await ming.send("加")
    await ming.send("V❤ abc12345")
    assert not got(xiaoyu, "abc12345")


# 11. Zero-width characters: not screened around, and not passed on.
async def test_invisible_characters_are_neither_a_way_round_nor_passed_on(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("周末\u200b去\u200d爬\u2060山吗\u00ad？")
    assert xiaoyu.last_text() == "阿明：周末去爬山吗？"
    await ming.send("加我微\u200b信 a\u200bb\u200bc\u200b12345")
    assert "好像有联系方式" in xiaoyu.last_text() and not got(xiaoyu, "abc12345")


# 12. A photo without a word (a QR code?) in the first two days; a sticker set named after an id.
async def test_silent_photos_and_sticker_sets_are_held_early(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    since = len(xiaoyu.log)

    def shown(kind: str) -> list[Any]:
        return [e for e in xiaoyu.log[since:] if e.from_bot and e.kind == kind]

    await ming.press("✉️ 给小雨留言")
    await photo(ming)
    assert ming.last_text() == "已转达给小雨 ✓"
    assert "发来一张照片，没有配文字" in xiaoyu.last_text()
    assert not shown("photo")
    await xiaoyu.press("查看")
    assert shown("photo")
    file_id = sandbox.api.store_file("s.webp", b"RIFF\x00\x00\x00\x00WEBP")
    await message(ming, "sticker", sticker={**sticker(file_id), "set_name": "wxid_abc12345"})
    assert "好像有联系方式" in xiaoyu.last_text()
    assert not shown("sticker")
    await sandbox.advance(timedelta(days=3))
    await photo(ming)
    assert len(shown("photo")) == 2 and shown("photo")[-1].text == "阿明："


# 13. An album is one message; further photos do not each ring "已转达".
async def test_an_album_is_relayed_as_one(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await sandbox.advance(timedelta(days=3))
    for caption in ("上周去了千岛湖", None, None):
        await photo(ming, caption, media_group_id="album-1")
    assert [t for t in ming.texts() if t.startswith("已转达")] == ["已转达给小雨 ✓"]
    photos = [e for e in xiaoyu.bot_messages() if e.kind == "photo"][-3:]
    assert [e.text for e in photos] == ["阿明：上周去了千岛湖", "", ""]


# 13b. A QR code in a photo (a WeChat id, a group, a payment code) at any time before both agreed,
# in an album, with a friendly caption or on a sticker: held as contact details, and listed for
# moderators.
async def test_a_qr_code_in_a_photo_waits_until_both_agreed(sandbox: Sandbox) -> None:
    organiser, xiaoyu, ming = await matched(sandbox)
    since = len(xiaoyu.log)

    def shown() -> list[Any]:
        return [e for e in xiaoyu.log[since:] if e.from_bot and e.kind == "photo"]

    await ming.press("✉️ 给小雨留言")
    await sandbox.advance(timedelta(days=3))  # past the first days, when silent photos wait
    await photo(ming, "周末在滴水湖拍的", content=photo_with(qr(), side=170, slanted=True))
    assert ming.last_text() == "已转达给小雨 ✓"
    assert "好像有联系方式" in xiaoyu.last_text() and "二维码" in xiaoyu.last_text()
    assert "滴水湖" not in xiaoyu.last_text() and not shown()
    await photo(ming, "这张没有码", content=photo_with(None))
    assert [e.text for e in shown()] == ["阿明：这张没有码"]
    for n, picture in enumerate((photo_with(None), photo_with(qr(), inverted=True))):
        await photo(ming, "湖边" if n == 0 else None, content=picture, media_group_id="album-2")
    assert [e.text for e in shown()][1:] == ["阿明：湖边"]  # the album's photo with a code waits
    assert "好像有联系方式" in xiaoyu.last_text()
    await xiaoyu.press("查看")
    assert len(shown()) == 3 and "你们还没有都同意交换联系方式" in xiaoyu.last_text()
    # A sticker of one's own set, a QR code on it: the same.
    webp = io.BytesIO()
    qr().resize((512, 512)).save(webp, format="WEBP")
    file_id = sandbox.api.store_file("s.webp", webp.getvalue())
    await message(ming, "sticker", sticker={**sticker(file_id), "set_name": "ming_daily"})
    assert "好像有联系方式" in xiaoyu.last_text()
    held_so_far = sum("好像有联系方式" in t for t in xiaoyu.texts())
    # A video sticker holding the code still: its thumbnail shows it.
    thumbnail = io.BytesIO()
    qr().resize((128, 128)).save(thumbnail, format="WEBP")
    still = {**photo_size(sandbox.api.store_file("t.webp", thumbnail.getvalue()))}
    video = {**sticker(sandbox.api.store_file("v.webm", b"\x1aE\xdf\xa3")), "is_video": True}
    await message(
        ming, "sticker", sticker={**video, "thumbnail": {**still, "width": 128, "height": 128}}
    )
    assert sum("好像有联系方式" in t for t in xiaoyu.texts()) == held_so_far + 1
    assert not [e for e in xiaoyu.log[since:] if e.from_bot and e.kind == "sticker"]
    await organiser.send("/reports")
    assert "照片里有二维码" in "\n".join(organiser.texts()[-3:])

    await both_agree_to_exchange(xiaoyu, ming)
    await ming.press("✉️ 给小雨留言")
    await photo(ming, "我的微信", content=photo_with(qr()))
    assert shown()[-1].text.startswith("阿明：我的微信\n") and "⚠️ 会会提醒" in shown()[-1].text


# 14. Voice, video notes, files, locations, contact cards, polls and dice.
async def test_what_the_relay_does_not_pass_on_is_said_in_words(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    before = len(xiaoyu.log)
    await ming.press("✉️ 给小雨留言")
    refused = "这条没有转达给小雨：会会传话只转文字、照片和表情"
    fid = sandbox.api.store_file("v.ogg", b"OggS")
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("voice", {"voice": {"file_id": fid, "file_unique_id": fid, "duration": 3}}),
        (
            "video_note",
            {"video_note": {"file_id": fid, "file_unique_id": fid, "length": 240, "duration": 2}},
        ),
        ("location", {"location": {"latitude": 31.23, "longitude": 121.47}}),
        ("dice", {"dice": {"emoji": "🎲", "value": 6}}),
        (
            "poll",
            {
                "poll": {
                    "id": "1",
                    "question": "周末见面吗？",
                    "options": [
                        {"persistent_id": "1", "text": "好", "voter_count": 0},
                        {"persistent_id": "2", "text": "不好", "voter_count": 0},
                    ],
                    "total_voter_count": 0,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                    "allows_revoting": False,
                    "members_only": False,
                }
            },
        ),
    ]
    for kind, fields in kinds:
        await message(ming, kind, **fields)
        assert ming.last_text().startswith(refused), kind
    document = tmp_path / "简历.pdf"
    document.write_bytes(b"%PDF-1.4")
    await ming.send_document(document)
    assert ming.last_text().startswith(refused)
    await ming.share_contact()
    assert ming.last_text().startswith(refused)
    assert len(xiaoyu.log) == before  # she got none of it
    await ming.send("你好")  # and he is still in the conversation
    assert ming.last_text() == "已转达给小雨 ✓"


# 15. Editing an old message to slip something in.
async def test_edits_are_relayed_as_edits_and_screened_again(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    first = await message(ming, "text", text="今天天气真好")
    assert xiaoyu.last_text() == "阿明：今天天气真好"
    await edit(ming, first, "今天天气真好，出来玩吗")
    assert xiaoyu.last_text() == "阿明（已编辑）：今天天气真好，出来玩吗"
    assert ming.last_text() == "已把修改转达给小雨 ✓"
    await edit(ming, first, "加我微信 abc12345 详聊")
    assert "好像有联系方式" in xiaoyu.last_text() and not got(xiaoyu, "abc12345")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(RelayMessage)) == 1
    await ming.send("/done")
    await edit(ming, 99_999, "这条从没发过")  # an edit of something never relayed
    assert not got(xiaoyu, "这条从没发过")


# 16. A reply typed after another match wrote: which conversation is it for?
async def test_a_reply_asks_which_conversation_when_another_match_wrote(
    sandbox: Sandbox,
) -> None:
    xiaoyu, ming, wei = await two_matches(sandbox)
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    await ming.send("周六有空吗？")
    await xiaoyu.press("回复")
    await xiaoyu.send("有空呀")
    assert xiaoyu.last_text() == "已转达给阿明 ✓"
    await wei.send("/matches")
    await wei.press("✉️ 给小雨留言")
    await wei.send("你好，我是大伟")
    await xiaoyu.send("那就说定了，周六见")  # meant for 阿明? or 大伟?
    assert xiaoyu.last_text() == "阿明、大伟都给你发了消息。这条要发给谁？"
    assert not got(ming, "周六见") and not got(wei, "周六见")
    await xiaoyu.press("发给大伟")
    assert xiaoyu.last_text() == "已转达给大伟 ✓"
    assert got(wei, "小雨：那就说定了，周六见") and not got(ming, "周六见")
    await xiaoyu.send("你在哪里上班呀")  # the choice sticks until someone else writes
    assert xiaoyu.last_text() == "已转达给大伟 ✓"


# 17. A forged choice: someone else's draft, or a conversation not one's own.
async def test_forged_conversation_choices_send_nothing(sandbox: Sandbox) -> None:
    xiaoyu, ming, wei = await two_matches(sandbox)
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    await ming.send("在吗")
    await xiaoyu.press("回复")  # under 阿明's message
    await wei.send("/matches")
    await wei.press("✉️ 给小雨留言")
    await wei.send("你好")
    await xiaoyu.send("我的秘密")
    assert xiaoyu.last_text() == "阿明、大伟都给你发了消息。这条要发给谁？"
    async with sandbox.app.services.db() as session:
        draft = await session.scalar(select(RelayMessage.id).where(RelayMessage.draft))
        wei_match = await session.scalar(select(Match.id).order_by(Match.id.desc()))
    await ming.forge_press(ChooseConversation(draft or 0, wei_match or 0).encode())
    await wei.forge_press(ChooseConversation(draft or 0, wei_match or 0).encode())
    assert not got(ming, "我的秘密") and not got(wei, "我的秘密")
    await xiaoyu.press("发给阿明")  # her own choice still works, once
    await xiaoyu.forge_press(ChooseConversation(draft or 0, wei_match or 0).encode())
    assert sum("我的秘密" in t for t in ming.texts()) == 1 and not got(wei, "我的秘密")


# 18. A script floods the relay with 300 messages.
async def test_a_flood_reaches_the_recipient_as_a_burst_then_slowly(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    before = len(xiaoyu.bot_messages())
    for n in range(30):
        await ming.send(f"在吗{n}")
    assert len(xiaoyu.bot_messages()) - before == 20
    assert ming.last_text() == "你发得太快了，这条没有转达。请等几秒再发。"
    await sandbox.advance(timedelta(seconds=3))
    await ming.send("在吗？")
    await ming.send("在吗？？")
    assert len(xiaoyu.bot_messages()) - before == 21


# 19. Suspended: /match, relaying, exchanging, receiving; consent does not survive a lift.
async def test_a_suspended_member_is_told_why_and_consent_is_withdrawn(sandbox: Sandbox) -> None:
    organiser, xiaoyu, ming = await matched(sandbox)
    await xiaoyu.press("🤝 交换联系方式")
    await ming.press("🤝 交换联系方式")
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    services = sandbox.app.services
    await reported_by_someone(sandbox, ming.id)
    await services.administration.moderate(organiser.id, await member_id(sandbox, ming), "suspend")
    await ming.send("/match")
    assert (
        (  # beside the notice of his suspension, which comes after
            "你的账号已被工会暂停：暂时不会给你推荐，别人也看不到你的资料。"
            f"如有疑问，请联系工会：{PUDONG_CONTACT}，或发送 /ask 询问。"
        )
        in ming.texts()[-2:]
    )
    await ming.forge_press(b.RelayTo((await the_match(sandbox)).id).encode())
    assert "你的账号已被工会暂停，暂时不能给配对的人传话" in ming.last_text()
    await xiaoyu.forge_press(b.RelayTo((await the_match(sandbox)).id).encode())
    assert xiaoyu.last_alert() == "这次对话已经结束。"
    match = await the_match(sandbox)
    assert match.relay_ended_at is not None and match.exchange_a_at is None
    await services.administration.moderate(organiser.id, await member_id(sandbox, ming), "lift")
    await ming.forge_press(b.ExchangeContacts(match.id).encode())
    assert ming.last_alert() == "这次对话已经结束。"


# 20. Left the union (roster --replace): told why, nothing exchanged.
async def test_a_member_who_left_the_union_cannot_relay_or_exchange(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    roster = tmp_path / "名册.csv"
    roster.write_text(f"姓名,会员号,工作单位\n{','.join(WOMAN[:3])}\n", encoding="utf-8")
    db = sandbox.app.services.db
    report = await import_roster(db, sandbox.clock, roster, PUDONG, replace=True)
    assert report.left == 1  # 阿明 is no longer on the roster
    await ming.forge_press(b.RelayTo((await the_match(sandbox)).id).encode())
    assert "你已不在工会的会员名册上" in ming.last_text()
    await ming.forge_press(b.ExchangeContacts((await the_match(sandbox)).id).encode())
    assert "你已不在工会的会员名册上" in ming.last_text()
    await xiaoyu.forge_press(b.RelayTo((await the_match(sandbox)).id).encode())
    assert xiaoyu.last_alert() == "这次对话已经结束。"


# 21. A proposal reported: the matchmaker's pair never becomes a match.
async def test_a_report_from_a_proposal_closes_it(sandbox: Sandbox) -> None:
    _hongniang, xiaoyu, ming = await setting(sandbox)
    await xiaoyu.press("举报")
    await xiaoyu.press("虚假资料")
    assert "工会管理员会查看" in xiaoyu.last_text() or "你们不会再看到对方" in xiaoyu.last_text()
    await ming.press("接受")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(Proposal.status)) == "declined"
        assert await session.scalar(select(func.count()).select_from(Match)) == 0
    assert not got(xiaoyu, "互相喜欢")


# 22. A mutual choice at an event after one blocked the other: neither hears of it.
async def test_a_block_stops_the_mutual_choice_between_the_two(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    people = await by_gender(sandbox, in_pudong)
    event_id = await publish(sandbox, organiser)
    a = await join(sandbox, people["male"][0], event_id)
    x = await join(sandbox, people["female"][0], event_id)
    await sandbox.advance(timedelta(days=3))
    code = (await event_row(sandbox, event_id)).checkin_code
    for member in (a, x):
        await member.send(f"/checkin {code}")
    await sandbox.advance(timedelta(hours=3))  # the event ends: mutual choice opens
    for chooser in (a, x):
        await chooser.press("开始互选")
        await chooser.press("#2" if chooser is a else "#1")
        await chooser.press("完成")
    async with sandbox.app.services.db.begin() as session:  # she had been shown his card
        session.add(
            CardView(
                viewer_id=await member_id(sandbox, x),
                candidate_id=await member_id(sandbox, a),
                shown_at=sandbox.clock.now(),
            )
        )
    await x.forge_press(b.Block(await member_id(sandbox, a)).encode())
    assert got(x, "已屏蔽，你们都不会再看到对方。")
    await sandbox.advance(timedelta(days=1))
    assert not got(a, "互选成功") and not got(x, "互选成功")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 0


# 22b. Blocked before the choice opens: not offered to each other, and a forged pick fails.
async def test_someone_blocked_is_not_offered_in_the_mutual_choice(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    people = await by_gender(sandbox, in_pudong)
    event_id = await publish(sandbox, organiser)
    a = await join(sandbox, people["male"][0], event_id)
    x = await join(sandbox, people["female"][0], event_id)
    y = await join(sandbox, people["female"][1], event_id)
    async with sandbox.app.services.db.begin() as session:  # he had been shown her card
        session.add(
            CardView(
                viewer_id=await member_id(sandbox, x),
                candidate_id=await member_id(sandbox, a),
                shown_at=sandbox.clock.now(),
            )
        )
    await x.forge_press(b.Block(await member_id(sandbox, a)).encode())
    await sandbox.advance(timedelta(days=3))
    code = (await event_row(sandbox, event_id)).checkin_code
    for member in (a, x, y):
        await member.send(f"/checkin {code}")
    await sandbox.advance(timedelta(hours=3))  # the event ends: mutual choice opens
    await a.press("开始互选")
    offered = [label.split()[-1] for label in a.buttons()]
    assert "#3" in offered and "#2" not in offered  # y, never x
    await a.forge_press(b.ChoosePerson(event_id, await member_id(sandbox, x), 0).encode())
    await x.press("开始互选")
    assert not any(label.endswith("#1") for label in x.buttons())
    await sandbox.advance(timedelta(days=1))
    async with sandbox.app.services.db() as session:
        picks = (await session.scalars(select(EventChoice.chosen_id))).all()
    assert await member_id(sandbox, x) not in picks


# 23. A card shared after the one who asked was reported: it goes nowhere.
async def test_a_contact_card_does_not_reach_someone_reported_meanwhile(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    async with sandbox.app.services.db.begin() as session:  # she has no username
        member = await session.get(Member, await member_id(sandbox, xiaoyu))
        assert member is not None
        member.username = None
    await xiaoyu.press("🤝 交换联系方式")
    await ming.press("🤝 交换联系方式")
    await xiaoyu.press("📇 发送我的联系方式卡片")
    await ming.send("/matches")
    await ming.press("举报小雨")
    await ming.press("虚假资料")
    await xiaoyu.press("发送我的手机号")  # the keyboard was still on her screen
    assert xiaoyu.last_text().startswith("谢谢，不过现在不需要你的")
    assert not [e for e in ming.bot_messages() if e.kind == "contact"]


async def test_one_members_report_sent_twice_at_once_counts_once(sandbox: Sandbox) -> None:
    """A double tap of the Mini App's report form, or a script with the member's own
    initData: two reports of the same person at once were both filed, and from a long-standing
    member (1.5 each) they hid her from everyone on one person's word."""
    xiaoyu, ming, wei = await population(sandbox)
    await sandbox.advance(timedelta(days=91))  # a long-standing member's report weighs 1.5
    await ming.send("/match")
    await card_for(ming, "小雨")
    target = await member_id(sandbox, xiaoyu)
    async with web(sandbox) as client:
        url, headers = f"/app/member/people/{target}/report", as_user(sandbox, ming.id)
        answers = await asyncio.gather(
            client.post(url, data={"reason": "fake"}, headers=headers),
            client.post(url, data={"reason": "fake"}, headers=headers),
        )
    assert [answer.status_code for answer in answers] == [200, 200]
    async with sandbox.app.services.db() as session:
        reports = (await session.scalars(select(Report.weight))).all()
    assert reports == [1.5]
    await wei.send("/match")
    await card_for(wei, "小雨")  # still shown to others: one report does not hide her
