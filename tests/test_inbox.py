"""Asking a person (issue 14, point 1): /ask reaches the matchmakers and counsellors of the
member's union, staff answer from /inbox signed "工会红娘", the member writes back, either side
closes, the member rates; unanswered threads remind and then escalate; nobody outside the
member's union chain sees or answers a thread."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot.domain import buttons as b
from bot.domain.units import Role
from bot.tools.sandbox import Sandbox
from storage.models import OrgUnit, Thread, ThreadMessage, UnitRole
from tests.helpers import CITY, PUDONG, PUDONG_CONTACT, XUHUI, agree, message, seed_union, sign_up
from tests.test_matching_bot import MAN, WOMAN, man_script

SENT = (
    "已发送。工会工作人员一般会在 24 小时内在这里回复你；如果 48 小时还没有回复，"
    "我会告诉你怎样直接联系工会。"
)
STANDING = "（工会工作人员绝不会向你索要钱款、身份证号或密码。）"


async def scene(sb: Sandbox):  # noqa: ANN201 - a tuple of users
    hongniang, city, xuhui = sb.user("红娘阿姨"), sb.user("市总工会"), sb.user("徐汇管理员")
    xiaoyu = sb.user("小雨", phone=WOMAN[3])
    ming = sb.user("阿明", phone=MAN[3])
    await seed_union(
        sb,
        [WOMAN, MAN],
        matchmakers={PUDONG: [hongniang.id]},
        organisers={CITY: [city.id], XUHUI: [xuhui.id]},
    )
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    return hongniang, city, xuhui, xiaoyu, ming


async def thread_rows(sb: Sandbox) -> tuple[int, int]:
    async with sb.app.services.db() as session:
        threads = await session.scalar(select(func.count()).select_from(Thread))
        said = await session.scalar(select(func.count()).select_from(ThreadMessage))
    return threads or 0, said or 0


async def test_a_member_asks_a_matchmaker_and_they_talk_until_one_closes(
    sandbox: Sandbox,
) -> None:
    hongniang, _city, xuhui, xiaoyu, ming = await scene(sandbox)
    await xiaoyu.send("/ask")
    assert "工会的红娘或辅导员会在这里回复你" in xiaoyu.last_text()
    await xiaoyu.send("第一次见面有点紧张，有什么建议吗？")
    assert xiaoyu.last_text() == SENT
    told = hongniang.last_text()
    assert told.startswith(f"小雨（{PUDONG}）留言：第一次见面有点紧张")
    assert WOMAN[0] not in told and WOMAN[3] not in told  # no real name, no phone

    # Outside her union chain: a sibling organiser and a member see nothing and change nothing.
    await xuhui.send("/inbox")
    assert xuhui.last_text() == "没有等待回复的提问。"
    await ming.send("/inbox")
    assert ming.last_text() == "这个命令只供工会红娘和辅导员使用。"
    async with sandbox.app.services.db() as session:
        thread_id = await session.scalar(select(Thread.id))
    before = await thread_rows(sandbox)
    await xuhui.forge_press(b.AnswerThread(thread_id).encode())
    assert xuhui.last_alert() == "只有该会员所在工会的工作人员可以回复。"
    await ming.forge_press(b.StaffCloseThread(thread_id).encode())
    await ming.forge_press(b.CloseThread(thread_id).encode())  # not his thread
    assert await thread_rows(sandbox) == before

    await hongniang.send("/inbox")
    listed = hongniang.last_text()
    assert listed.startswith(f"#{thread_id} 小雨（{PUDONG}）") and "会员：第一次见面" in listed
    await hongniang.press("回复")
    await hongniang.send("别紧张，约在公共场所，聊聊共同的爱好就好。")
    assert hongniang.last_text() == "已发送。"
    answer = xiaoyu.last_text()
    assert answer == f"🏛 {PUDONG} · 红娘：别紧张，约在公共场所，聊聊共同的爱好就好。\n{STANDING}"
    assert "红娘阿姨" not in answer

    await sandbox.restart()  # the conversation survives a restart
    await xiaoyu.press("回复")
    await xiaoyu.send("谢谢，我试试！")
    assert hongniang.last_text().startswith(f"小雨（{PUDONG}）留言：谢谢，我试试！")
    await xiaoyu.press("结束对话")
    assert "你结束了这次对话" in xiaoyu.last_text()
    await xiaoyu.press("满意")
    assert xiaoyu.last_text() == "谢谢你的反馈。"
    async with sandbox.app.services.db() as session:
        thread = await session.get(Thread, thread_id)
    assert (thread.status, thread.rating, thread.claimed_by) == ("closed", 3, hongniang.id)
    await hongniang.send("/inbox")
    assert hongniang.last_text() == "没有等待回复的提问。"

    await xiaoyu.send("/export_me")
    exported = json.loads(sandbox.api.files[xiaoyu.bot_messages()[-1].file_id][1])
    [asked] = exported["向工会的提问"]
    assert [m["发送方"] for m in asked["消息"]] == ["你", "工会工作人员", "你"]
    assert asked["你的评价"] == 3 and str(hongniang.id) not in json.dumps(exported)
    await hongniang.send("/delete_me")
    await hongniang.press("全部删除")
    async with sandbox.app.services.db() as session:
        staff_ids = (await session.scalars(select(ThreadMessage.staff_telegram_id))).all()
        claimed = await session.scalar(select(Thread.claimed_by))
    assert hongniang.id not in staff_ids and claimed is None  # nothing of hers is left
    # Her answer is still the union's, not 小雨's own words (it read as hers once the author
    # was erased).
    await xiaoyu.send("/export_me")
    exported = json.loads(sandbox.api.files[xiaoyu.bot_messages()[-1].file_id][1])
    assert [m["发送方"] for m in exported["向工会的提问"][0]["消息"]] == [
        "你",
        "工会工作人员",
        "你",
    ]


async def test_an_unanswered_question_reminds_then_goes_up(sandbox: Sandbox) -> None:
    hongniang, city, _xuhui, xiaoyu, _ming = await scene(sandbox)
    await xiaoyu.send("/ask")
    await xiaoyu.send("想问一下下次活动什么时候？")
    await sandbox.advance(timedelta(hours=24, minutes=1))
    assert hongniang.last_text() == f"24 小时仍未回复：小雨（{PUDONG}）。/inbox"
    assert not any("48 小时" in t for t in city.texts())
    await sandbox.advance(timedelta(hours=24))
    assert city.last_text() == f"下级工会有提问 48 小时未回复：小雨（{PUDONG}）。/inbox"
    assert xiaoyu.last_text() == (
        "抱歉，你的提问 48 小时还没有人回复，我已转给上级工会。你也可以直接联系工会："
        f"{PUDONG_CONTACT}"
    )
    await city.send("/inbox")  # the union above may now answer it
    await city.press("回复")
    await city.send("下周六有滨江徒步，已经可以报名了。")
    answered = f"🏛 {CITY} · 工作人员：下周六有滨江徒步，已经可以报名了。\n{STANDING}"
    assert xiaoyu.last_text() == answered
    await xiaoyu.send("/feedback")
    await xiaoyu.send("希望多办些周末活动。")  # unanswered: a second question, to the organisers
    await city.send("/stats")
    stats = city.texts()[-2]
    expected = f"{PUDONG}收到提问 2 个，已回复 1 个，首次回复用时中位数 48 小时 1 分钟"
    assert expected in stats


async def test_before_verification_the_top_union_answers(sandbox: Sandbox) -> None:
    city = sandbox.user("市总工会")
    await seed_union(sandbox, [], organisers={CITY: [city.id]})
    stranger = sandbox.user("路人")
    await stranger.send("/ask")
    await stranger.send("请问怎么加入？")
    assert stranger.last_text() == "请先发送 /start。如需联系工会：12351"
    assert await thread_rows(sandbox) == (0, 0)  # nothing kept from someone who never agreed
    await agree(stranger)
    await stranger.send("/ask")
    await stranger.send("我的会员号核对不上，怎么办？")
    assert stranger.last_text() == SENT
    assert city.last_text().startswith(f"（还没有昵称）（{CITY}）留言：我的会员号核对不上")


async def test_a_voice_message_to_the_union_is_answered_with_what_to_do(sandbox: Sandbox) -> None:
    """老张 speaks rather than types. In /ask his voice message got "没看懂" (and in the
    matchmaker's answer too), as if /ask had ended; it stays open and says to write."""
    hongniang, _city, _xuhui, xiaoyu, _ming = await scene(sandbox)
    await xiaoyu.send("/ask")
    await message(xiaoyu, "voice", voice={"file_id": "v1", "file_unique_id": "v1", "duration": 4})
    assert xiaoyu.last_text() == "请用文字写下你的留言，或发送 /cancel 取消。"
    await xiaoyu.send("第一次见面去哪里比较好？")
    assert xiaoyu.last_text() == SENT
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await hongniang.send_sticker()  # staff are told what reaches the member, and how to leave it
    assert hongniang.last_text() == (
        "只能发送文字回复，图片和语音不会转给会员。请用文字写下回复，或发送 /cancel 交给其他同事。"
    )
    await hongniang.send("公园或者咖啡馆都不错。")
    assert "公园或者咖啡馆都不错" in xiaoyu.last_text()


async def test_a_colleague_cannot_close_a_question_being_answered(sandbox: Sandbox) -> None:
    """王阿姨 closed the thread 红娘阿姨 was answering: her answer was lost, and 小雨 was told
    a 红娘 had ended it without ever being answered."""
    hongniang, _city, _xuhui, xiaoyu, _ming = await scene(sandbox)
    ayi = sandbox.user("王阿姨")
    async with sandbox.app.services.db.begin() as session:
        pudong = await session.scalar(select(OrgUnit.id).where(OrgUnit.name == PUDONG))
        session.add(UnitRole(telegram_id=ayi.id, unit_id=pudong, role=Role.COUNSELLOR))
    await xiaoyu.send("/ask")
    await xiaoyu.send("对方让我转账给他，怎么办？")
    async with sandbox.app.services.db() as session:
        thread_id = await session.scalar(select(Thread.id))
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await ayi.forge_press(b.StaffCloseThread(thread_id).encode())
    assert ayi.last_alert() == "另一位同事正在回复这条提问。"
    await ayi.forge_press(b.AnswerThread(thread_id).encode())
    assert ayi.last_alert() == "另一位同事正在回复这条提问。"
    await hongniang.send("千万不要转账，我们马上联系你。")
    assert "千万不要转账" in xiaoyu.last_text()
    # Answered, it is no longer hers alone: a colleague may close it (for days it was not).
    await sandbox.advance(timedelta(days=3))
    await ayi.forge_press(b.StaffCloseThread(thread_id).encode())
    async with sandbox.app.services.db() as session:
        assert (await session.get(Thread, thread_id)).status == "closed"
    assert any(t.startswith("工会工作人员结束了这次对话。") for t in xiaoyu.texts()[-2:])
    assert not any("工会红娘结束" in t for t in xiaoyu.texts())  # whoever closed it


async def test_a_long_thread_in_the_chat_keeps_the_question_and_says_what_is_left_out(
    sandbox: Sandbox,
) -> None:
    """/inbox showed the last six messages: the question itself was gone, with no sign."""
    hongniang, _city, _xuhui, xiaoyu, _ming = await scene(sandbox)
    for n in range(1, 11):
        await xiaoyu.send("/ask")
        await xiaoyu.send(f"第{n}条：补充一下情况")
    await hongniang.send("/inbox")
    listed = hongniang.last_text().splitlines()
    assert listed[1:] == [
        "会员：第1条：补充一下情况",
        "（中间还有 4 条，完整内容请在管理后台查看）",
        *(f"会员：第{n}条：补充一下情况" for n in range(6, 11)),
    ]
