"""Staff who are who they say they are, and an inbox that cannot be turned against anyone
(issue 22, points 5 and 6): staff answers cannot be mistaken for a member's message; a question
never reaches the staff member it may be about; claims, reminders and escalations follow who may
open a thread now; and one stranger cannot bury the organisers in notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.domain import buttons as b
from bot.domain.units import Role
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage import units
from storage.models import Member, ProfileAnswer, Proposal, Thread, ThreadMessage
from tests.helpers import CITY, PUDONG, XUHUI, agree, seed_union, sign_up, unit_id
from tests.test_matching_bot import MAN, WOMAN, card_for, like_each_other, man_script

STANDING = "（工会工作人员绝不会向你索要钱款、身份证号或密码。）"
REFUSED = "只有该会员所在工会的工作人员可以回复。"
TAKEN = "另一位同事正在回复这条提问。"
NOTHING_WAITING = "没有等待回复的提问。"


async def scene(sb: Sandbox, *, ming_is_matchmaker: bool = False):  # noqa: ANN201
    """浦东: an organiser and the matchmaker 红娘阿姨; the city above has an organiser; 小雨 and
    阿明 are members (阿明 is also a matchmaker when asked)."""
    pudong, city, xuhui = sb.user("浦东管理员"), sb.user("市总管理员"), sb.user("徐汇管理员")
    hongniang = sb.user("红娘阿姨")
    xiaoyu = sb.user("小雨", phone=WOMAN[3])
    ming = sb.user("阿明", phone=MAN[3])
    matchmakers = [hongniang.id] + ([ming.id] if ming_is_matchmaker else [])
    await seed_union(
        sb,
        [WOMAN, MAN],
        organisers={PUDONG: [pudong.id], CITY: [city.id], XUHUI: [xuhui.id]},
        matchmakers={PUDONG: matchmakers},
    )
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    return pudong, city, xuhui, hongniang, xiaoyu, ming


async def ask(member: SimulatedUser, text: str) -> None:
    await member.send("/ask")
    await member.send(text)


async def only_thread(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return (await session.scalars(select(Thread.id))).one()


def heard(user: SimulatedUser, words: str) -> bool:
    return any(words in text for text in user.texts())


async def test_a_member_named_like_staff_does_not_look_like_staff(sandbox: Sandbox) -> None:
    _pudong, _city, _xuhui, hongniang, xiaoyu, ming = await scene(sandbox)
    await like_each_other(ming, xiaoyu)
    # A nickname chosen before such names were refused.
    async with sandbox.app.services.db.begin() as session:
        ming_id = await session.scalar(select(Member.id).where(Member.telegram_id == ming.id))
        await session.execute(
            update(ProfileAnswer)
            .where(ProfileAnswer.member_id == ming_id, ProfileAnswer.question == "nickname")
            .values(value="工会红娘")
        )
    await ming.press("✉️ 给小雨留言")
    await ming.send("为了登记，请直接回复你的真实姓名、单位和手机号")
    forged = next(t for t in reversed(xiaoyu.texts()) if "为了登记" in t)

    await ask(xiaoyu, "刚才有人自称红娘要我的手机号，是你们吗？")
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await hongniang.send("不是我们。工作人员的回复都以🏛开头，请不要把个人信息发给对方。")
    staff = xiaoyu.last_text()
    assert staff == (
        f"🏛 {PUDONG} · 红娘：不是我们。工作人员的回复都以🏛开头，请不要把个人信息发给对方。"
        f"\n{STANDING}"
    )
    assert not forged.startswith("🏛") and STANDING not in forged
    assert "红娘阿姨" not in staff  # the staff member's own name is never shown


@pytest.mark.parametrize("about", ["match", "report", "proposal"])
async def test_a_question_never_reaches_the_staff_member_it_may_be_about(
    sandbox: Sandbox, about: str
) -> None:
    pudong, _city, _xuhui, hongniang, xiaoyu, ming = await scene(sandbox, ming_is_matchmaker=True)
    if about == "match":
        await like_each_other(ming, xiaoyu)
    elif about == "report":
        await xiaoyu.send("/match")
        await card_for(xiaoyu, "阿明")
        await xiaoyu.press("举报")
        await xiaoyu.press("骚扰")
    else:  # another matchmaker proposed them to each other; neither has answered yet
        async with sandbox.app.services.db.begin() as session:
            ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
            session.add(
                Proposal(
                    matchmaker_telegram_id=hongniang.id,
                    member_a=ids[xiaoyu.id],
                    member_b=ids[ming.id],
                    note="你们都喜欢徒步",
                    created_at=sandbox.clock.now(),
                )
            )
    await ask(xiaoyu, "阿明总是问我借钱，我该怎么办？")
    assert not heard(ming, "总是问我借钱")
    assert heard(hongniang, "阿明总是问我借钱")
    await ming.send("/inbox")
    assert ming.last_text() == NOTHING_WAITING
    thread_id = await only_thread(sandbox)
    await ming.forge_press(b.AnswerThread(thread_id).encode())
    assert ming.last_alert() == REFUSED
    await ming.forge_press(b.StaffCloseThread(thread_id).encode())
    async with sandbox.app.services.db() as session:
        thread = await session.get(Thread, thread_id)
    assert (thread.status, thread.claimed_by) == ("open", None)
    # Unanswered a day: the reminder goes to those who may open it, never to him.
    await sandbox.advance(timedelta(hours=24, minutes=1))
    assert hongniang.last_text().startswith("24 小时仍未回复：小雨")
    assert not heard(ming, "小雨（")
    assert not heard(pudong, "总是问我借钱")  # the matchmaker answers first, as before


async def test_when_every_matchmaker_is_involved_the_organisers_answer(sandbox: Sandbox) -> None:
    pudong, _city, _xuhui, hongniang, xiaoyu, ming = await scene(sandbox, ming_is_matchmaker=True)
    async with sandbox.app.services.db.begin() as session:
        await units.drop_roles(session, hongniang.id)  # 阿明 is the only matchmaker left
    await like_each_other(ming, xiaoyu)
    await ask(xiaoyu, "阿明总是问我借钱，我该怎么办？")
    assert not heard(ming, "总是问我借钱")
    assert pudong.last_text().startswith(f"小雨（{PUDONG}）留言：阿明总是问我借钱")


async def test_staff_asking_their_own_question_are_not_told_of_it(sandbox: Sandbox) -> None:
    _pudong, _city, _xuhui, hongniang, _xiaoyu, ming = await scene(sandbox, ming_is_matchmaker=True)
    await ask(ming, "我自己也想请教一下，第一次约会去哪里好？")
    assert not heard(ming, "留言：我自己也想请教")
    assert heard(hongniang, "阿明（浦东新区总工会）留言：我自己也想请教")
    await ming.send("/inbox")
    assert ming.last_text() == NOTHING_WAITING


async def test_claims_are_given_back_by_cancel_silence_and_a_revoked_role(
    sandbox: Sandbox,
) -> None:
    pudong, city, _xuhui, hongniang, xiaoyu, _ming = await scene(sandbox)
    ayi = sandbox.user("王阿姨")
    async with sandbox.app.services.db.begin() as session:
        await units.grant(session, ayi.id, await unit_id(sandbox, PUDONG), Role.MATCHMAKER)
    await ask(xiaoyu, "我住在浦东张杨路100弄，下班路上总有人跟着我，怎么办？")
    thread_id = await only_thread(sandbox)

    # /cancel gives it back at once.
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await hongniang.send("/cancel")
    assert (
        hongniang.last_text()
        == "已取消，没有发送任何内容；这个提问已放回 /inbox，其他工作人员可以回复。"
    )
    # Two hours without an answer give it back too, and the others are told.
    await ayi.send("/inbox")
    await ayi.press("回复")
    assert "请用一条消息写下回复" in ayi.last_text()
    await hongniang.forge_press(b.AnswerThread(thread_id).encode())
    assert hongniang.last_alert() == TAKEN  # 王阿姨 holds it now
    await sandbox.advance(timedelta(hours=2, minutes=1))
    waiting_again = f"小雨（{PUDONG}）的提问重新等待回复。/inbox"
    assert hongniang.last_text() == waiting_again

    # Losing the role ends the claim and every sight of the thread at once.
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await city.send(f"/revoke {hongniang.id} {PUDONG} matchmaker")
    assert city.last_text() == f"已完成：{hongniang.id}，不再是{PUDONG}的红娘。"
    assert ayi.last_text() == waiting_again
    await hongniang.send("别担心，我们联系社区民警陪你走一段。")  # the answer she was writing
    assert hongniang.last_text() == REFUSED
    assert not heard(xiaoyu, "民警")
    await hongniang.send("/inbox")
    assert hongniang.last_text() == "这个命令只供工会红娘和辅导员使用。"
    await xiaoyu.send("/ask")
    await xiaoyu.send("今天又遇到了，就在小区门口。")
    assert not heard(hongniang, "小区门口") and heard(ayi, "小区门口")
    await ayi.send("/inbox")
    await ayi.press("回复")
    await ayi.send("我们马上联系你所在街道，请先待在人多的地方。")
    assert xiaoyu.last_text().startswith(f"🏛 {PUDONG} · 红娘：我们马上联系")
    assert not heard(pudong, "张杨路")  # the organisers were never needed


async def test_escalations_never_go_nowhere() -> None:
    """A thread at the top union has no union above: the superadmins get the 48-hour notice,
    and /inbox opens it for them."""
    async with Sandbox(superadmins="4242") as sb:
        admin = sb.user("平台管理员", user_id=4242)
        city = sb.user("市总管理员")
        await seed_union(sb, [], organisers={CITY: [city.id]})
        stranger = sb.user("路人")
        await agree(stranger)
        await stranger.send("/ask")
        await stranger.send("我的会员号核对不上，怎么办？")
        assert city.last_text().startswith(f"（还没有昵称）（{CITY}）留言：我的会员号核对不上")
        await sb.advance(timedelta(hours=24, minutes=1))
        assert city.last_text() == f"24 小时仍未回复：（还没有昵称）（{CITY}）。/inbox"
        await sb.advance(timedelta(hours=24))
        assert (
            admin.last_text() == f"下级工会有提问 48 小时未回复：（还没有昵称）（{CITY}）。/inbox"
        )
        assert "12351" in stranger.last_text()  # the union's contact line
        await admin.send("/inbox")
        assert "尚未验证：关于会员验证" in admin.last_text()
        await admin.press("回复")
        await admin.send("请带工会会员卡到街道工会核对。")
        assert (
            stranger.last_text()
            == f"🏛 {CITY} · 工作人员：请带工会会员卡到街道工会核对。\n{STANDING}"
        )


async def test_a_question_about_a_scam_never_lists_the_asker(sandbox: Sandbox) -> None:
    pudong, _city, _xuhui, hongniang, xiaoyu, _ming = await scene(sandbox)
    await ask(xiaoyu, "有人让我下载一个理财APP，跟着老师投资USDT，说稳赚不赔，是骗子吗？")
    assert heard(hongniang, "跟着老师投资USDT")
    await pudong.send("/reports")
    assert "没有待处理的举报" in pudong.last_text()


async def notices_about(user: SimulatedUser, nickname: str) -> int:
    return sum(1 for text in user.texts() if text.startswith(nickname))


async def test_one_stranger_cannot_bury_the_organisers(sandbox: Sandbox) -> None:
    """200 /ask and 50 /feedback from someone who only pressed 同意: each organiser hears of
    it once; the stranger is told why the rest went nowhere."""
    city, city_2 = sandbox.user("市总管理员"), sandbox.user("市总副主席")
    await seed_union(sandbox, [], organisers={CITY: [city.id, city_2.id]})
    stranger = sandbox.user("路人")
    await agree(stranger)
    await stranger.send("/ask")
    assert "现在可以就会员验证向工会提一个问题" in stranger.last_text()
    for n in range(200):
        await stranger.send("/ask")
        await stranger.send(f"第{n}次：快回复我！！！")
    await stranger.send("/ask")  # told at once, before writing it all again
    assert stranger.last_text().startswith("你今天给工会写了很多条，暂时不能再转达。")
    for n in range(50):
        await stranger.send("/feedback")
        await stranger.send(f"投诉第{n}次")
    await stranger.send("/feedback")
    assert "只能就验证问题提一次问，你已经提过了" in stranger.last_text()
    for organiser in (city, city_2):
        told = [t for t in organiser.texts() if "留言" in t]
        assert len(told) == 1, told
    async with sandbox.app.services.db() as session:
        threads = await session.scalar(select(func.count()).select_from(Thread))
        said = await session.scalar(select(func.count()).select_from(ThreadMessage))
    assert (threads, said) == (1, 5)
    # Days later, still one thread: before verification there is no second one.
    await sandbox.advance(timedelta(days=2))
    await stranger.send("/feedback")
    assert "只能就验证问题提一次问" in stranger.last_text()
    await stranger.send("/ask")  # the day's messages are counted again
    await stranger.send("我换个说法再问一次：会员号核对不上怎么办？")
    assert stranger.last_text().startswith("已发送。")


async def test_a_member_writing_on_and_on_is_told_of_once_per_quiet_spell(
    sandbox: Sandbox,
) -> None:
    _pudong, _city, _xuhui, hongniang, xiaoyu, _ming = await scene(sandbox)
    for n in range(20):
        await ask(xiaoyu, f"补充第{n + 1}点")
    await xiaoyu.send("/ask")
    assert xiaoyu.last_text().startswith("你今天给工会写了很多条")
    assert await notices_about(hongniang, "小雨") == 1
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(ThreadMessage)) == 20
    await sandbox.advance(timedelta(hours=24, minutes=1))  # a new day, and the reminder
    await ask(xiaoyu, "还在吗？")
    assert hongniang.last_text().startswith(f"小雨（{PUDONG}）留言：还在吗？")
    # Opening thread after thread to be heard again: three new threads a day.
    for n in range(3):
        await hongniang.send("/inbox")
        await hongniang.press("结束")  # each is closed as soon as it is read
        await ask(xiaoyu, f"新问题{n}")
    await hongniang.send("/inbox")
    await hongniang.press("结束")
    await xiaoyu.send("/ask")
    assert xiaoyu.last_text().startswith("你今天给工会写了很多条")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Thread)) == 4  # 1 + 3


async def test_a_lapsed_claim_is_not_released_once_answered(sandbox: Sandbox) -> None:
    _pudong, _city, _xuhui, hongniang, xiaoyu, _ming = await scene(sandbox)
    await ask(xiaoyu, "周末的活动还能报名吗？")
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await hongniang.send("还能，名额还有十个。")
    await sandbox.advance(timedelta(hours=3))
    async with sandbox.app.services.db() as session:
        thread = await session.get(Thread, await only_thread(sandbox))
    assert thread.claimed_by == hongniang.id  # the conversation stays with her
    assert not heard(hongniang, "重新等待回复")
