"""Matchmakers (红娘) proposing pairs; both accepting makes a match."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.tools.sandbox import Sandbox
from storage.models import Match, MatchProfile, Member, Proposal, UnitRole
from tests.helpers import PUDONG, reported_by_someone, seed_union, sign_up, union_with_members
from tests.test_desk_people import matchmaker_of_pudong
from tests.test_matching_bot import MAN, MAN_2, WOMAN, man_script
from tests.test_miniapp import as_user, web


async def setting(sb: Sandbox):  # noqa: ANN201
    hongniang = sb.user("红娘李姐")
    xiaoyu = sb.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
    ming = sb.user("阿明", phone=MAN[3], username="aming_sh")
    await seed_union(sb, [WOMAN, MAN], matchmakers={PUDONG: [hongniang.id]})
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await hongniang.send("/propose")
    assert any(t.startswith("小雨 · 30岁") and "× 阿明 · 32岁" in t for t in hongniang.texts())
    await hongniang.press("提议这一对")
    await hongniang.send("你们都爱徒步，又都在浦东，不妨见一面。")
    assert hongniang.last_text() == "已发给双方，有结果我会告诉你。"
    return hongniang, xiaoyu, ming


async def test_both_accepting_a_proposal_makes_a_match(sandbox: Sandbox) -> None:
    hongniang, xiaoyu, ming = await setting(sandbox)
    offer = xiaoyu.last_text()
    assert offer.startswith("工会红娘觉得你们可能合适") and "阿明 · 32岁" in offer
    assert "红娘的话：你们都爱徒步" in offer and "李明" not in offer
    await xiaoyu.press("接受")
    assert xiaoyu.last_text() == "谢谢！对方回复后我会告诉你。"
    await ming.press("接受")
    assert any("你和阿明互相喜欢" in t for t in xiaoyu.texts())
    told = next(t for t in ming.texts() if "你和小雨互相喜欢" in t)
    assert "你们也可以先在会会里聊" in told and "xiaoyu_sh" not in told  # like any match
    assert hongniang.last_text().startswith("好消息：双方都接受了")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 1


async def test_a_proposal_accepted_by_one_side_only_makes_no_match(sandbox: Sandbox) -> None:
    hongniang, xiaoyu, ming = await setting(sandbox)
    await xiaoyu.press("接受")
    await ming.press("婉拒")
    assert ming.last_text() == "好的，已婉拒。我们不会告诉任何人原因。"
    assert xiaoyu.last_text() == "这次红娘的推荐没有成功。"
    assert hongniang.last_text() == "有一方婉拒了你的推荐。"
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 0


async def test_only_matchmakers_may_propose(sandbox: Sandbox) -> None:
    member = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await sign_up(member, WOMAN)
    await member.send("/propose")
    assert member.last_text() == "只有工会红娘可以推荐配对。"


async def test_strong_suggestions_wait_for_a_matchmaker_when_the_union_asks(
    sandbox: Sandbox,
) -> None:
    hongniang = sandbox.user("红娘李姐")
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    ming = sandbox.user("阿明", phone=MAN[3])
    await seed_union(sandbox, [WOMAN, MAN], matchmakers={PUDONG: [hongniang.id]}, review_above=0.0)
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await xiaoyu.send("/match")
    assert "暂时没有新的合适人选" in xiaoyu.last_text()  # 阿明 waits for the matchmaker
    await hongniang.send("/shortlist")
    assert hongniang.texts()[-2].startswith("以下推荐的匹配分数较高，工会要求红娘先审核")
    assert hongniang.last_text().startswith("把 阿明 · 32岁 · 178 cm 推荐给 小雨 · 30岁")
    await hongniang.press("通过")
    assert "✅ 已通过" in hongniang.last_text()
    await xiaoyu.send("/match")
    assert xiaoyu.last_text().startswith("阿明 · 32岁")
    await ming.send("/match")
    assert "暂时没有新的合适人选" in ming.last_text()
    await hongniang.send("/shortlist")
    await hongniang.press("不通过")
    await ming.send("/match")
    assert "暂时没有新的合适人选" in ming.last_text()  # rejected: never shown
    member = sandbox.user("普通会员")
    await member.send("/shortlist")
    assert member.last_text() == "只有工会红娘可以推荐配对。"


async def test_a_matchmaker_who_deletes_their_data_leaves_no_trace_in_proposals(
    sandbox: Sandbox,
) -> None:
    hongniang, xiaoyu, ming = await setting(sandbox)
    await hongniang.send("/delete_me")
    await hongniang.press("全部删除")
    async with sandbox.app.services.db() as session:
        assert (await session.scalars(select(Proposal.matchmaker_telegram_id))).all() == [None]
        assert (await session.scalars(select(UnitRole.telegram_id))).all() == []
    await xiaoyu.press("接受")
    await ming.press("接受")
    assert any("你和小雨互相喜欢" in t for t in ming.texts())


async def test_a_matchmaker_reads_why_of_the_two_of_them(sandbox: Sandbox) -> None:
    """The engine's reasons are said of the pair, in the chat and in the Mini App alike: "你们
    都喜欢徒步" would speak to the matchmaker as if she were one of the two."""
    hongniang = sandbox.user("红娘李姐")
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    ming = sandbox.user("阿明", phone=MAN[3])
    await seed_union(sandbox, [WOMAN, MAN], matchmakers={PUDONG: [hongniang.id]})
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await hongniang.send("/propose")
    pair = next(t for t in hongniang.texts() if "× 阿明" in t)
    why = pair.split("💡 ")[1]
    assert why.startswith("都喜欢徒步") and "在浦东新区" in why
    assert "你们" not in why and "你" not in why
    async with web(sandbox) as client:
        page = await client.get("/app/console/proposals", headers=as_user(sandbox, hongniang.id))
    assert "都喜欢徒步" in page.text and "你们都喜欢" not in page.text


async def test_a_matchmaker_cannot_post_a_pair_the_shortlist_would_never_offer(
    sandbox: Sandbox,
) -> None:
    """The desk's form carries the two ids: a matchmaker who is also a member posted himself
    with a woman he fancied, and two men who both seek women; each was sent the other's card."""
    _organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    async with sandbox.app.services.db() as session:
        rows = (
            await session.execute(
                select(Member.id, Member.telegram_id, MatchProfile.gender, MatchProfile.seeks)
                .join(MatchProfile, MatchProfile.member_id == Member.id)
                .where(Member.telegram_id.in_(in_pudong))
            )
        ).all()
    men = [r for r in rows if r.gender == "male" and r.seeks == "female"]
    women = [r for r in rows if r.gender == "female" and r.seeks == "male"]
    me, she = men[0], women[0]
    await matchmaker_of_pudong(sandbox, me.telegram_id)
    headers = as_user(sandbox, me.telegram_id)
    async with web(sandbox) as client:
        for a, b in ((me.id, she.id), (men[1].id, men[2].id)):
            await client.post(
                "/app/console/proposals/propose",
                data={"a": str(a), "b": str(b), "note": "我觉得很合适"},
                headers=headers,
            )
        # A pair the shortlist could offer still goes through.
        fair = await client.post(
            "/app/console/proposals/propose",
            data={"a": str(men[1].id), "b": str(she.id), "note": "都喜欢徒步"},
            headers=headers,
        )
    assert fair.status_code == 200
    async with sandbox.app.services.db() as session:
        made = (await session.execute(select(Proposal.member_a, Proposal.member_b))).all()
    assert [set(pair) for pair in made] == [{men[1].id, she.id}]
    assert not any("红娘" in t for t in sandbox.user("x", user_id=men[2].telegram_id).texts())


async def test_a_member_hidden_by_reports_is_neither_shortlisted_nor_proposed(
    sandbox: Sandbox,
) -> None:
    """Three pending reports hide him from every suggestion until the organisers decide, yet
    matchmakers were still offered him and could send his card with a personal note."""
    hongniang = sandbox.user("红娘李姐")
    xiaoyu, ming = sandbox.user("小雨", phone=WOMAN[3]), sandbox.user("阿明", phone=MAN[3])
    await seed_union(sandbox, [WOMAN, MAN], matchmakers={PUDONG: [hongniang.id]})
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    proposals = sandbox.app.services.proposals
    [pair] = await proposals.shortlist(hongniang.id)
    await reported_by_someone(sandbox, ming.id, times=3)
    assert await proposals.shortlist(hongniang.id) == []
    assert await proposals.propose(hongniang.id, pair.a, pair.b, "你们很合适") is None
    await sandbox.settle()
    assert not any(t.startswith("工会红娘觉得") for t in xiaoyu.texts())


async def test_two_matchmakers_cannot_put_one_member_in_two_waiting_proposals(
    sandbox: Sandbox,
) -> None:
    """A city and a district matchmaker each proposed 小雨; she accepted both, both men too,
    and she was matched twice at once."""
    li, wang = sandbox.user("红娘李姐"), sandbox.user("红娘王姐")
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    ming, qiang = sandbox.user("阿明", phone=MAN[3]), sandbox.user("阿强", phone=MAN_2[3])
    await seed_union(sandbox, [WOMAN, MAN, MAN_2], matchmakers={PUDONG: [li.id, wang.id]})
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await sign_up(qiang, MAN_2, man_script("阿强"))
    async with sandbox.app.services.db() as session:
        ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
    proposals = sandbox.app.services.proposals
    assert await proposals.propose(li.id, ids[xiaoyu.id], ids[ming.id], "都爱徒步") is not None
    assert await proposals.propose(wang.id, ids[xiaoyu.id], ids[qiang.id], "都在浦东") is None
    shortlisted = await proposals.shortlist(wang.id, size=30)
    assert ids[xiaoyu.id] not in {m for pair in shortlisted for m in (pair.a, pair.b)}
    await sandbox.settle()
    assert sum(t.startswith("工会红娘觉得") for t in xiaoyu.texts()) == 1


async def test_a_proposal_without_both_answers_ends_after_a_week(sandbox: Sandbox) -> None:
    """Unanswered, it stayed open for ever: 小雨, who accepted, was still waiting a month on,
    the matchmaker was never told, and neither could be proposed to anyone else."""
    hongniang, xiaoyu, ming = await setting(sandbox)
    await xiaoyu.press("接受")
    await sandbox.advance(timedelta(days=6))
    assert "推荐没有在一周内" not in xiaoyu.last_text()
    await sandbox.advance(timedelta(days=1, minutes=1))
    assert xiaoyu.last_text() == (
        "红娘的推荐在一周内没有收到对方的回复，这次就到这里。发送 /match 看看更多的人。"
    )
    assert (
        hongniang.last_text().startswith("你在 ")
        and "一周内没有收到双方的回复" in hongniang.last_text()
    )
    assert not any("一周内" in t for t in ming.texts())  # who said nothing is not pressed
    await ming.press("接受")  # a week late
    assert ming.last_alert() == "这个推荐已经结束了。"
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(Proposal.status)) == "expired"
        assert await session.scalar(select(func.count()).select_from(Match)) == 0
    assert await sandbox.app.services.proposals.shortlist(hongniang.id)  # free again


async def test_a_member_who_paused_then_answers_ends_the_proposal_and_the_others_hear(
    sandbox: Sandbox,
) -> None:
    """阿明 paused after the offer, then pressed 接受: the proposal was declined in silence,
    小雨 (who had accepted) and the matchmaker never told, and he read only "已经结束"."""
    hongniang, xiaoyu, ming = await setting(sandbox)
    await xiaoyu.press("接受")
    await ming.send("/pause")
    await ming.press("接受")
    assert ming.last_alert() == "你已暂停推荐，这个推荐到此结束。发送 /resume 可以恢复。"
    assert xiaoyu.last_text() == "这次红娘的推荐没有成功。"
    assert hongniang.last_text() == "有一方婉拒了你的推荐。"
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(Proposal.status)) == "declined"


async def test_both_accepting_at_the_same_moment_is_a_match(sandbox: Sandbox) -> None:
    """Both answers read the other's as not given yet: no match, and a week later each was
    told the other had never answered."""
    hongniang, xiaoyu, ming = await setting(sandbox)
    async with sandbox.app.services.db() as session:
        proposal = await session.scalar(select(Proposal.id))
    answer = sandbox.app.services.proposals.answer
    await asyncio.gather(answer(xiaoyu.id, proposal, True), answer(ming.id, proposal, True))
    await sandbox.settle()
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(Proposal.status)) == "matched"
        assert await session.scalar(select(func.count()).select_from(Match)) == 1
    await sandbox.advance(timedelta(days=7, minutes=1))
    assert not any("一周内" in t for t in xiaoyu.texts() + ming.texts())


async def test_a_member_who_erases_her_data_leaves_nobody_waiting_on_a_proposal(
    sandbox: Sandbox,
) -> None:
    """阿明 erased his data while 小雨 waited on the proposal she had accepted: it went with
    him, and she and the matchmaker heard nothing, ever."""
    hongniang, xiaoyu, ming = await setting(sandbox)
    await xiaoyu.press("接受")
    await ming.send("/delete_me")
    await ming.press("全部删除")
    await sandbox.settle()
    assert xiaoyu.last_text() == "这次红娘的推荐没有成功。"
    assert hongniang.last_text() == "有一方婉拒了你的推荐。"
