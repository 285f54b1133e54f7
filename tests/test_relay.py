"""会会传话 (issue 14, points 2–3): after a match the two write through the bot without learning
each other's username or phone; the scam screen warns, holds early links and money requests,
and lists hits for moderators; either side ends it; relayed messages are exported, erased with
the member and purged after the retention."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot.domain import buttons as b
from bot.domain.buttons.contact import ChooseConversation
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import Match, Member, RelayMessage
from tests.helpers import (
    PUDONG,
    PUDONG_CONTACT,
    edit,
    reported_by_someone,
    seed_union,
    sign_up,
)
from tests.test_matching_bot import MAN, WOMAN, card_for, like_each_other, man_script


async def matched(sb: Sandbox) -> tuple[SimulatedUser, SimulatedUser, SimulatedUser]:
    organiser = sb.user("浦东管理员")
    xiaoyu = sb.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
    ming = sb.user("阿明", phone=MAN[3], username="aming_sh")
    await seed_union(sb, [WOMAN, MAN], organisers={PUDONG: [organiser.id]})
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await ming.send("/match")
    await card_for(ming, "小雨")
    await ming.press("❤️")
    await xiaoyu.send("/match")
    await xiaoyu.press("❤️")
    return organiser, xiaoyu, ming


async def relayed(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(func.count()).select_from(RelayMessage)) or 0


OFFER = "这条消息要转给谁？点下方的名字就会转过去。如果是对会会说的，发送 /help 看看我能做什么。"


async def test_words_typed_to_a_match_without_pressing_reply_are_offered_to_them(
    sandbox: Sandbox,
) -> None:
    """As in any chat app, people answer a match by typing. Those words used to get "没看懂"
    (or 会会's own greeting) and reach nobody; now one press passes them on, and nothing goes
    without it."""
    _organiser, xiaoyu, ming = await matched(sandbox)
    await xiaoyu.send("你好！很高兴认识你")  # straight after "你和阿明互相喜欢"
    assert xiaoyu.last_text() == OFFER and xiaoyu.buttons() == ["发给阿明"]
    assert not any("很高兴认识你" in t for t in ming.texts())
    async with sandbox.app.services.db() as session:
        draft = (await session.scalars(select(RelayMessage).where(RelayMessage.draft))).one()
    await ming.forge_press(ChooseConversation(draft.id, draft.match_id).encode())  # not his
    assert not any("很高兴认识你" in t for t in ming.texts() + xiaoyu.texts()[:-1])
    await xiaoyu.double_tap("发给阿明")
    assert xiaoyu.last_text() == "已转达给阿明 ✓"
    assert [t for t in ming.texts() if "很高兴认识你" in t] == ["小雨：你好！很高兴认识你"]
    await xiaoyu.send("周末有空吗？")  # in the conversation now: straight through
    assert ming.last_text() == "小雨：周末有空吗？"

    await ming.send("你好")  # a greeting, typed to her: offered, not 会会's own hello
    assert ming.last_text() == OFFER
    await edit(ming, next(e for e in reversed(ming.log) if not e.from_bot).message_id, "你好呀")
    assert ming.last_text() == "已修改。点选要发给谁后，会按修改后的内容发出。"
    await ming.send("加我微信 aming_2024 吧")
    await ming.press_on(ming.bot_messages()[-1], "发给小雨")  # screened like any message
    assert "好像有联系方式" in xiaoyu.last_text() and "aming_2024" not in xiaoyu.last_text()

    await xiaoyu.send("/done")
    await xiaoyu.forge_press(b.EndRelay(await match_id(sandbox)).encode())
    await xiaoyu.send("还在吗")  # the conversation is over: nobody to offer it to
    assert xiaoyu.last_text() == "抱歉，我没有看懂。发送 /help 看看我能做什么。"
    await ming.send("你好")  # still writing to her: told it ended
    assert ming.last_text() == "这次对话已经结束，这条没有转达。"
    await ming.send("你好")  # and then 会会's own hello
    assert ming.last_text().startswith("你好！我是会会")


async def test_words_offered_and_never_sent_are_erased_after_the_retention(
    sandbox: Sandbox,
) -> None:
    """Words typed to nobody in particular and never passed on are not kept for as long as the
    conversation lasts: the retention period runs from when they were written."""
    _organiser, xiaoyu, ming = await matched(sandbox)
    await xiaoyu.press("✉️ 给阿明留言")
    await xiaoyu.send("你好呀")
    await xiaoyu.send("/done")
    await xiaoyu.send("我的手机号是13800000001")  # meant for 会会, perhaps: offered, not sent
    assert xiaoyu.last_text() == OFFER
    assert await relayed(sandbox) == 2
    await sandbox.advance(timedelta(days=31))
    async with sandbox.app.services.db() as session:
        kept = (await session.scalars(select(RelayMessage.text))).all()
    assert kept == ["你好呀"]  # the conversation goes on; its relayed words stay
    assert not any("13800000001" in t for t in ming.texts())


async def test_drafts_typed_by_the_hundred_do_not_hide_a_flagged_message(
    sandbox: Sandbox,
) -> None:
    """Red team: a flagged scammer typed 200 lines nobody saw (drafts) and the organiser's
    暂停账号 under his flagged message was refused: moderation looks at his latest 200
    relayed messages, and drafts were counted among them (500 hid it from /reports)."""
    organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("我舅舅带我做黄金期货，收益很稳定")
    assert "⚠️ 会会提醒" in xiaoyu.last_text()
    await ming.send("/done")
    await ming.send("嗯")  # offered, never sent: a draft
    async with sandbox.app.services.db.begin() as session:
        draft = (await session.scalars(select(RelayMessage).where(RelayMessage.draft))).one()
        session.add_all(
            RelayMessage(
                match_id=draft.match_id,
                sender_id=draft.sender_id,
                kind="text",
                text=f"嗯{n}",
                signals=[],
                held=False,
                draft=True,
                created_at=draft.created_at,
            )
            for n in range(500)  # past both windows: moderation's 200 and /reports' 500
        )
    await organiser.send("/reports")  # still lists his flagged message
    flagged = next(e for e in organiser.bot_messages() if "黄金期货" in (e.text or ""))
    await organiser.press_on(flagged, "暂停账号")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(Member.suspended).where(Member.telegram_id == ming.id))


async def test_a_draft_offered_to_two_finds_the_one_still_open(sandbox: Sandbox) -> None:
    """Red team: offered [发给大伟] [发给阿明], she pressed 阿明 after 大伟 had blocked her and was
    told "这次对话已经结束" — her words were filed under 大伟's match and went with it."""
    _organiser, xiaoyu, ming = await matched(sandbox)
    wei = sandbox.user("大伟", phone="13800000003")
    await seed_union(sandbox, [("张伟", "SH0003", "上海银行", "13800000003")])
    await sign_up(wei, ("张伟", "SH0003", "上海银行", "13800000003"), man_script("大伟"))
    await like_each_other(wei, xiaoyu)
    await xiaoyu.send("周末有空吗")
    offer = xiaoyu.bot_messages()[-1]
    assert offer.text == OFFER and xiaoyu.buttons() == ["发给大伟", "发给阿明"]
    async with sandbox.app.services.db() as session:
        her = await session.scalar(select(Member.id).where(Member.telegram_id == xiaoyu.id))
    await wei.forge_press(b.Block(her).encode())
    await xiaoyu.press_on(offer, "发给阿明")
    assert xiaoyu.last_text() == "已转达给阿明 ✓"
    assert ming.last_text() == "小雨：周末有空吗"


async def test_a_relayed_first_conversation(sandbox: Sandbox) -> None:
    organiser, xiaoyu, ming = await matched(sandbox)
    told = next(t for t in xiaoyu.texts() if "你和阿明互相喜欢" in t)
    assert "你们也可以先在会会里聊" in told and "✉️ 给阿明留言" in xiaoyu.buttons()
    await xiaoyu.press("✉️ 给阿明留言")
    assert "接下来你发送的文字、照片或表情会由会会转给阿明" in xiaoyu.last_text()
    await xiaoyu.send("你好呀，看到你也喜欢徒步！")
    assert xiaoyu.last_text() == "已转达给阿明 ✓"
    assert ming.last_text() == "小雨：你好呀，看到你也喜欢徒步！"
    assert "13800000001" not in ming.last_text() and "xiaoyu" not in ming.last_text()
    await xiaoyu.send_photo("上周爬山拍的")
    photos = [e for e in sandbox.api.chats[ming.id] if e.kind == "photo"]
    assert photos and photos[-1].text == "小雨：上周爬山拍的"
    downloads = sandbox.api.calls["getFile"]
    await xiaoyu.send_photo("长" * 1001)  # a caption longer than a message may be
    assert xiaoyu.last_text() == "这条有 1001 个字，请不超过 1000 个字。"
    assert sandbox.api.calls["getFile"] == downloads  # refused for its words, not downloaded
    await xiaoyu.send_sticker()
    assert sandbox.api.chats[ming.id][-2].kind == "sticker"
    assert ming.last_text() == "小雨发来一个表情。"
    await xiaoyu.send("/done")
    assert xiaoyu.last_text() == "好的。对方回复时，我会在这里告诉你。"
    await xiaoyu.send("这句不会转给他")
    assert not any("这句不会转给他" in t for t in ming.texts())

    await sandbox.restart()  # a restart in the middle of the conversation
    await ming.press("回复")
    await ming.send("是啊，周末一起去佘山吗？")
    assert xiaoyu.last_text() == "阿明：是啊，周末一起去佘山吗？"

    # The screen: a money request this early is held; talk of investment comes with a warning.
    await ming.send("我最近手头有点紧，能不能先借我两千")
    assert "我先替你收起来了" in xiaoyu.last_text()
    assert "借我两千" not in xiaoyu.last_text()
    await xiaoyu.press("查看")
    assert "阿明：我最近手头有点紧，能不能先借我两千" in xiaoyu.last_text()
    assert "⚠️ 会会提醒" in xiaoyu.last_text()
    await ming.send("我舅舅带我做黄金期货，收益很稳定")
    assert "⚠️ 会会提醒" in xiaoyu.last_text() and "黄金期货" in xiaoyu.last_text()
    await organiser.send("/reports")
    listed = "\n".join(organiser.texts()[-3:])
    assert "传话中的可疑内容" in listed and "借我两千" in listed

    await xiaoyu.send("/export_me")
    exported = json.loads(sandbox.api.files[xiaoyu.bot_messages()[-1].file_id][1])
    # With her words after /done, kept as a draft she did not send, and marked so.
    assert len(exported["会会传话"]) == 7
    assert [m["内容"] for m in exported["会会传话"] if m["未发出"] == "是"] == ["这句不会转给他"]

    await ming.press("结束对话")
    assert xiaoyu.last_text() == "阿明结束了这段对话。"
    await xiaoyu.forge_press(b.RelayTo(await match_id(sandbox)).encode())
    assert xiaoyu.last_alert() == "这次对话已经结束。"
    assert await relayed(sandbox) == 6  # her unsent draft went when the conversation ended
    await sandbox.advance(timedelta(days=31))  # kept 30 days after it ended, then erased
    assert await relayed(sandbox) == 0


async def test_the_same_words_sent_again_at_once_reach_the_match_once(sandbox: Sandbox) -> None:
    """A crash right after her message was stored swallowed its ✓: she wrote it again, and he
    read it twice (crash red team). Said again with nothing between, a moment later, it is
    passed on once and she is told so; after his reply, or minutes later, it is news."""
    _organiser, xiaoyu, ming = await matched(sandbox)
    await xiaoyu.press("✉️ 给阿明留言")
    words = "周末一起去佘山吗？"
    await xiaoyu.send(words)
    await xiaoyu.send(words)  # no ✓ came
    assert xiaoyu.last_text() == "刚才已经转达给阿明了 ✓（不会重复发送）"
    assert ming.texts().count(f"小雨：{words}") == 1
    await ming.press("回复")
    await ming.send("在的在的")
    await xiaoyu.send(words)
    assert ming.texts().count(f"小雨：{words}") == 2
    sandbox.clock.advance(timedelta(minutes=3))
    await xiaoyu.send(words)
    assert ming.texts().count(f"小雨：{words}") == 3
    assert await relayed(sandbox) == 4


async def match_id(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(Match.id)) or 0


async def test_nobody_else_can_write_into_or_read_a_conversation(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    stranger = sandbox.user("路人")
    found = await match_id(sandbox)
    await stranger.forge_press(b.RelayTo(found).encode())
    assert stranger.last_alert() == "这次对话已经结束。"
    await ming.press("✉️ 给小雨留言")
    await ming.send("https://bit.ly/abc 点开看看")
    async with sandbox.app.services.db() as session:
        held = await session.scalar(select(RelayMessage.id))
    await stranger.forge_press(b.ShowRelayed(held).encode())
    await ming.forge_press(b.ShowRelayed(held).encode())  # not even the sender
    assert ming.last_alert() == "这条消息已无法查看。"
    assert stranger.last_alert() == "这条消息已无法查看。"
    await ming.send("你好")
    await xiaoyu.press("屏蔽")  # from the relayed message: the conversation ends for both
    await ming.send("还在吗？")
    assert ming.last_text() == "这次对话已经结束，这条没有转达。"
    assert not any("还在吗" in t for t in xiaoyu.texts())


async def test_cards_and_questions_are_screened_too(sandbox: Sandbox) -> None:
    organiser, xiaoyu, ming = await matched(sandbox)
    await ming.send("/edit")
    await ming.press("自我介绍")
    await ming.send("平时喜欢跑步，也在做黄金期货，可以带你一起赚钱。")
    await xiaoyu.send("/ask")
    await xiaoyu.send("有人让我下载一个理财软件，说稳赚，这正常吗？")
    await organiser.send("/reports")
    listed = "\n".join(organiser.texts()[-3:])
    assert "资料卡中的可疑内容" in listed and "黄金期货" in listed
    # Whoever is shown his card reads the safety note under it.
    lin = sandbox.user("小林", phone="13800000009")
    await seed_union(sandbox, [("林小红", "SH0009", "上海电气", "13800000009")])
    await sign_up(lin, ("林小红", "SH0009", "上海电气", "13800000009"))
    await lin.send("/match")
    await card_for(lin, "阿明")
    assert "⚠️ 会会提醒" in lin.last_text()


async def test_a_suspended_member_writes_to_nobody(sandbox: Sandbox) -> None:
    organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    async with sandbox.app.services.db() as session:
        ming_id = await session.scalar(select(Member.id).where(Member.telegram_id == ming.id))
    await reported_by_someone(sandbox, ming.id)
    await sandbox.app.services.administration.moderate(organiser.id, ming_id, "suspend")
    await ming.send("还在吗？")
    assert (
        (  # beside the notice of his suspension
            "你的账号已被工会暂停，暂时不能给配对的人传话，也不能交换或接收联系方式。"
            f"如有疑问，请联系工会：{PUDONG_CONTACT}，或发送 /ask 询问。"
        )
        in ming.texts()[-2:]
    )
    assert not any("还在吗" in t for t in xiaoyu.texts())


async def test_crying_in_pinyin_is_relayed_as_written(sandbox: Sandbox) -> None:
    """Crying ("wuwuwu", 呜呜呜) is pinyin digits written together: the screen read it as one
    unknown word and failed, and the member's message was lost behind an apology."""
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("wuwuwuwuwuwuwu 你怎么不理我")
    assert ming.last_text() == "已转达给小雨 ✓"
    assert xiaoyu.last_text() == "阿明：wuwuwuwuwuwuwu 你怎么不理我"


async def test_a_number_begun_in_the_nickname_and_ended_in_a_message_is_held(
    sandbox: Sandbox,
) -> None:
    """She reads "阿明138：1234 5678": the screen read the message alone (red team)."""
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.send("/edit")
    await ming.press("昵称")
    await ming.send("阿明138")
    assert "已保存" in ming.texts()[-2]
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    await ming.send("1234 5678")
    assert not any("1234 5678" in t for t in xiaoyu.texts())
    await ming.send("周六有空吗")  # ordinary words after it still go through
    assert xiaoyu.last_text() == "阿明138：周六有空吗"
