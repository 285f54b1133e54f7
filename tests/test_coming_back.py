"""/delete_me is no way round a block, a report or a suspension. Deleting frees the roster entry
for a new account on purpose; a man she reported and blocked, or whom the union suspended,
deleted his account, signed up again on the same entry and was suggested to her as a new
person, with the report gone from the organisers' queue (red team). What keeps others safe is
kept on the roster entry and comes back with the entry (storage.safety)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import Block, Member, Report, SafetyRecord
from tests.helpers import reported_by_someone, sign_up
from tests.test_matching_bot import MAN, card_for, man_script, population
from tests.test_relay import matched
from tests.test_safe_contact import member_id


async def delete_and_sign_up_again(member: SimulatedUser) -> None:
    await member.send("/delete_me")
    await member.press("全部删除")
    assert "关于你的所有信息都已删除" in member.last_text()
    await sign_up(member, MAN, man_script("阿明"))


async def never_shown(member: SimulatedUser, nickname: str) -> None:
    await member.send("/match")
    for _ in range(4):
        assert not (member.last_text() or "").startswith(nickname)
        if "下一位" not in member.buttons():
            return
        await member.press("下一位")


async def test_a_reported_and_blocked_man_who_comes_back_is_still_blocked_and_reported(
    sandbox: Sandbox,
) -> None:
    xiaoyu, ming, _wei = await population(sandbox)
    await xiaoyu.send("/match")
    await card_for(xiaoyu, "阿明")
    await xiaoyu.press("举报")
    await xiaoyu.press("骚扰")
    assert "你们不会再看到对方" in xiaoyu.last_text()
    await delete_and_sign_up_again(ming)

    async with sandbox.app.services.db() as session:
        reports = (await session.execute(select(Report.reason, Report.status))).all()
        blocks = await session.scalar(select(func.count()).select_from(Block))
        kept = await session.scalar(select(func.count()).select_from(SafetyRecord))
    assert reports == [("harassment", "pending")]  # back in the organisers' queue
    assert blocks == 1 and kept == 0  # put back on his new account, nothing left aside
    await never_shown(ming, "小雨")
    await never_shown(xiaoyu, "阿明")


async def test_a_suspension_outlives_deleting_the_account(sandbox: Sandbox) -> None:
    organiser, xiaoyu, ming = await matched(sandbox)
    await reported_by_someone(sandbox, ming.id)
    await sandbox.app.services.administration.moderate(
        organiser.id, await member_id(sandbox, ming), "suspend"
    )
    await delete_and_sign_up_again(ming)
    async with sandbox.app.services.db() as session:
        suspended = await session.scalar(
            select(Member.suspended).where(Member.telegram_id == ming.id)
        )
    assert suspended is True
    await ming.send("/match")
    assert any("你的账号已被工会暂停" in t for t in ming.texts()[-2:])


async def test_nothing_is_kept_of_a_member_nobody_needs_keeping_safe_from(
    sandbox: Sandbox,
) -> None:
    _xiaoyu, ming, _wei = await population(sandbox)
    await ming.send("/delete_me")
    await ming.press("全部删除")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(SafetyRecord)) == 0
