"""The attacker's list for /ask, /feedback, /inbox, /reports and role changes (issue 22): each
way a scammer, prankster or careless organiser would try to abuse them, tried through the bot.
The rest of the list is in tests/test_staff_safety.py and tests/test_admin.py."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.domain import buttons as b
from bot.domain.units import Role
from bot.tools.sandbox import Sandbox
from storage import units
from storage.models import AuditEntry, Member, Report, Thread, ThreadMessage
from tests.helpers import CITY, PUDONG, unit_id
from tests.test_matching_bot import WOMAN
from tests.test_staff_safety import REFUSED, ask, heard, only_thread, scene


async def rows(sb: Sandbox) -> tuple:
    async with sb.app.services.db() as session:
        return (
            (await session.execute(select(Thread.status, Thread.claimed_by, Thread.rating))).all(),
            await session.scalar(select(func.count()).select_from(ThreadMessage)),
            (await session.scalars(select(Member.suspended).order_by(Member.id))).all(),
            (await session.scalars(select(Report.status).order_by(Report.id))).all(),
            await session.scalar(select(func.count()).select_from(AuditEntry)),
        )


async def test_a_member_cannot_write_into_or_rate_someone_elses_thread(sandbox: Sandbox) -> None:
    """A prankster replays 回复 and 满意 with another member's thread number."""
    _pudong, _city, _xuhui, _hongniang, xiaoyu, ming = await scene(sandbox)
    await ask(xiaoyu, "想问问下次活动的时间")
    thread_id = await only_thread(sandbox)
    before = await rows(sandbox)
    await ming.forge_press(b.ReplyToThread(thread_id).encode())
    assert ming.last_text() == "这次对话已经结束。如需帮助，请发送 /ask 重新提问。"
    await ming.send("我是她男朋友，请把她的回复也发给我")
    await ming.forge_press(b.RateThread(thread_id, 1).encode())
    await ming.forge_press(b.CloseThread(thread_id).encode())
    await xiaoyu.forge_press(b.RateThread(thread_id, 99).encode())  # no such rating
    assert await rows(sandbox) == before
    assert not heard(xiaoyu, "男朋友")


async def test_a_stale_reply_button_after_the_thread_closed_changes_nothing(
    sandbox: Sandbox,
) -> None:
    """A member answers an old message, and a staff member presses 回复 on yesterday's /inbox,
    after the thread was closed."""
    _pudong, _city, _xuhui, hongniang, xiaoyu, _ming = await scene(sandbox)
    await ask(xiaoyu, "报名表在哪里下载？")
    await hongniang.send("/inbox")
    listing = hongniang.bot_messages()[-1]
    await hongniang.press("回复")
    await hongniang.send("在工会公众号菜单里。")
    await xiaoyu.press("结束对话")
    before = await rows(sandbox)
    await hongniang.press_on(listing, "回复")
    assert hongniang.last_alert() == "这次对话已经结束。"
    await xiaoyu.forge_press(b.ReplyToThread(await only_thread(sandbox)).encode())
    assert xiaoyu.last_text() == "这次对话已经结束。如需帮助，请发送 /ask 重新提问。"
    assert await rows(sandbox) == before


async def test_taking_one_of_two_roles_keeps_the_claim_the_other_covers(
    sandbox: Sandbox,
) -> None:
    """A careless organiser revokes the matchmaker role of someone who is also a counsellor:
    she may still open the thread, so her claim stays and the member hears from her."""
    _pudong, city, _xuhui, hongniang, xiaoyu, _ming = await scene(sandbox)
    async with sandbox.app.services.db.begin() as session:
        await units.grant(session, hongniang.id, await unit_id(sandbox, PUDONG), Role.COUNSELLOR)
    await ask(xiaoyu, "怎么才能让资料更吸引人？")
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await city.send(f"/revoke {hongniang.id} {PUDONG} matchmaker")
    await hongniang.send("多放几张生活照，介绍写具体一点。")
    assert xiaoyu.last_text().startswith(f"🏛 {PUDONG} · 婚恋辅导员：多放几张生活照")


async def test_a_revoked_organiser_s_old_buttons_do_nothing(sandbox: Sandbox) -> None:
    """An organiser whose role was taken presses 暂停账号 and 查看身份 on the /reports list she
    was shown before."""
    pudong, city, _xuhui, _hongniang, xiaoyu, ming = await scene(sandbox)
    await ming.send("/match")
    await ming.press("举报")
    await ming.press("非单身")
    await pudong.send("/reports")
    listed = pudong.bot_messages()[-1]
    await city.send(f"/revoke {pudong.id} {PUDONG} organiser")
    before = await rows(sandbox)
    for label in ("暂停账号", "查看身份（留审计记录）", "警告", "驳回"):
        await pudong.press_on(listed, label)
        assert "只有该会员所在工会的管理员" in (pudong.last_alert() or "")
    assert await rows(sandbox) == before
    assert not heard(pudong, "王小雨") and not heard(xiaoyu, "工会已暂停")


async def test_staff_cannot_lend_their_inbox_to_someone_by_granting_across_unions(
    sandbox: Sandbox,
) -> None:
    """A district organiser tries to give a friend who is not on any roster a matchmaker role
    (roles go only to members found on the organiser's own rosters), or a role in a union
    above or beside her own, to read its members' questions."""
    pudong, _city, xuhui, _hongniang, xiaoyu, _ming = await scene(sandbox)
    friend = sandbox.user("朋友")
    await ask(xiaoyu, "我想换个昵称可以吗？")
    nobody = "在你负责的工会里，没有用这个会员号或手机号加入会会的人。"
    for organiser, unit in ((xuhui, PUDONG), (pudong, PUDONG), (pudong, CITY)):
        await organiser.send(f"/grant {friend.id} {unit} 红娘")
        assert organiser.last_text() == nobody
    await pudong.send(f"/grant {WOMAN[1]} {CITY} 红娘")  # a member, but the city is above her
    assert pudong.last_text() == (
        "你可以在自己负责的工会任命红娘和辅导员；管理员只能在下级工会任命。"
    )
    await friend.send("/inbox")
    assert friend.last_text() == "这个命令只供工会红娘和辅导员使用。"
    await friend.forge_press(b.AnswerThread(await only_thread(sandbox)).encode())
    assert friend.last_alert() == REFUSED
