"""What the adversarial audit found, held: rights checked where data is written, not where a
command starts; what a forged button can and cannot do."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.domain.buttons import Like, ProposePair, ReportBecause
from bot.tools.sandbox import Sandbox
from storage.models import Block, CardView, MatchDecision, Member, Proposal, Report
from tests.helpers import PUDONG, seed_union, sign_up
from tests.test_matching_bot import MAN, MAN_2, WOMAN, man_script, population


async def count(sb: Sandbox, model: type) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def member_id(sb: Sandbox, telegram_id: int) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))


async def test_an_account_that_only_consented_can_neither_like_nor_report(
    sandbox: Sandbox,
) -> None:
    xiaoyu, ming, _wei = await population(sandbox)
    stranger = sandbox.user("路人")
    await stranger.send("/start")
    await stranger.press("同意")  # consented, never verified
    target = await member_id(sandbox, ming.id)
    decisions, reports = await count(sandbox, MatchDecision), await count(sandbox, Report)
    await stranger.forge_press(Like(target).encode())
    for _ in range(3):
        await stranger.forge_press(ReportBecause(target, "harassment").encode())
    assert await count(sandbox, MatchDecision) == decisions
    assert await count(sandbox, Report) == reports


async def test_a_verified_member_cannot_like_someone_never_shown_to_them(sandbox: Sandbox) -> None:
    xiaoyu, ming, wei = await population(sandbox)
    decisions = await count(sandbox, MatchDecision)
    await wei.forge_press(Like(await member_id(sandbox, xiaoyu.id)).encode())
    assert await count(sandbox, MatchDecision) == decisions
    assert "这位会员已暂停或离开，看看其他人吧：/match" in wei.texts()


async def test_a_member_reports_another_once(sandbox: Sandbox) -> None:
    xiaoyu, ming, _wei = await population(sandbox)
    await ming.send("/match")
    target = await member_id(sandbox, xiaoyu.id)
    while not (ming.last_text() or "").startswith("小雨"):
        await ming.press("下一位")
    for reason in ("harassment", "fake", "other"):
        await ming.forge_press(ReportBecause(target, reason).encode())  # type: ignore[arg-type]
    assert await count(sandbox, Report) == 1


async def test_a_block_ends_proposals_at_propose_and_at_every_press(sandbox: Sandbox) -> None:
    hongniang = sandbox.user("红娘李姐")
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
    ming = sandbox.user("阿明", phone=MAN[3], username="aming_sh")
    wei = sandbox.user("大伟", phone=MAN_2[3])
    await seed_union(sandbox, [WOMAN, MAN, MAN_2], matchmakers={PUDONG: [hongniang.id]})
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await sign_up(wei, MAN_2, man_script("大伟"))
    await xiaoyu.send("/match")
    while not (xiaoyu.last_text() or "").startswith("阿明"):
        await xiaoyu.press("下一位")
    await xiaoyu.press("屏蔽")
    assert await count(sandbox, Block) == 1
    await hongniang.send("/propose")
    offered = "\n".join(hongniang.texts())
    assert "小雨" in offered and "× 阿明" not in offered and "阿明 · 32岁\n× 小雨" not in offered
    heard = (len(xiaoyu.texts()), len(ming.texts()))
    a, b = await member_id(sandbox, xiaoyu.id), await member_id(sandbox, ming.id)
    await hongniang.forge_press(ProposePair(a, b).encode())  # a pair that was not offered
    await hongniang.send("你们很合适。")
    assert hongniang.last_text() == "这一对已经不能再推荐了。"
    assert await count(sandbox, Proposal) == 0
    assert (len(xiaoyu.texts()), len(ming.texts())) == heard  # nobody saw the other's card


async def test_a_proposal_blocked_after_it_was_made_cannot_be_accepted(sandbox: Sandbox) -> None:
    from tests.test_proposals import setting

    hongniang, xiaoyu, ming = await setting(sandbox)
    await xiaoyu.press("接受")
    async with sandbox.app.services.db.begin() as session:
        session.add(
            Block(
                blocker_id=await member_id(sandbox, ming.id),
                blocked_id=await member_id(sandbox, xiaoyu.id),
                created_at=sandbox.clock.now(),
            )
        )
    await ming.press("接受")
    assert ming.last_alert() == "这个推荐已经结束了。"
    assert not any("互相喜欢" in t for t in xiaoyu.texts() + ming.texts())


async def test_a_card_that_never_arrived_uses_no_daily_card(sandbox: Sandbox) -> None:
    xiaoyu, ming, wei = await population(sandbox)
    sandbox.api.inject_error(wei.chat_id, "network", times=2)  # the card and the apology
    await wei.send("/match")
    assert await count(sandbox, CardView) == 0
    await wei.send("/match")
    assert await count(sandbox, CardView) == 1
