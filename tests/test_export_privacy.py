"""What one member's own data may not tell about another (found by the attack round of stop 31):
a match's unsent drafts and the words of a message held for her safety stay out of her
/export_me; her planned cards are named only once shown, since a planned person who skipped
her is never shown; and a match who ended the conversation no longer opens the card of someone
who has since paused."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import MatchDecision, Member
from tests.helpers import PUDONG, seed_union, sign_up
from tests.test_admin import scene
from tests.test_market_bot import among_120, nickname, planned_for_her
from tests.test_matching_bot import MAN, WOMAN, man_script
from tests.test_miniapp import as_user, web
from tests.test_relay import matched
from tests.test_safe_contact import member_id, two_matches


async def export_of(user: SimulatedUser, sandbox: Sandbox) -> dict[str, Any]:
    await user.send("/export_me")
    exported: dict[str, Any] = json.loads(sandbox.api.files[user.bot_messages()[-1].file_id][1])
    return exported


async def test_a_matchs_unsent_draft_is_not_in_the_other_matchs_export(sandbox: Sandbox) -> None:
    xiaoyu, ming, wei = await two_matches(sandbox)
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    await ming.send("周六有空吗？")
    await xiaoyu.press("回复")
    await wei.send("/matches")
    await wei.press("✉️ 给小雨留言")
    await wei.send("你好，我是大伟")
    secret = "大伟，其实我更喜欢你，别告诉阿明"
    await xiaoyu.send(secret)  # kept as a draft: which conversation is it for?
    assert xiaoyu.last_text() == "阿明、大伟都给你发了消息。这条要发给谁？"

    for man in (ming, wei):
        assert secret not in json.dumps(await export_of(man, sandbox), ensure_ascii=False)
    mine = await export_of(xiaoyu, sandbox)  # her own words are hers
    assert secret in json.dumps(mine["会会传话"], ensure_ascii=False)


async def test_a_held_message_she_has_not_opened_is_not_in_her_export(sandbox: Sandbox) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    await ming.press("✉️ 给小雨留言")
    await ming.send("https://bit.ly/abc 点开看看")  # held for her: a link
    relayed = (await export_of(xiaoyu, sandbox))["会会传话"]
    [held] = [m for m in relayed if m["曾替你收起"] == "是"]
    assert held["内容"] is None
    assert "bit.ly" not in json.dumps(relayed, ensure_ascii=False)


async def test_her_export_names_no_planned_person_she_was_not_shown(sandbox: Sandbox) -> None:
    xiaoyu, me = await among_120(sandbox)
    await sandbox.app.services.plans.make()
    mine = await planned_for_her(sandbox, me)
    skipper = mine[0]
    async with sandbox.app.services.db.begin() as session:  # he saw her first, and passed
        session.add(
            MatchDecision(
                viewer_id=skipper, candidate_id=me, liked=False, created_at=sandbox.clock.now()
            )
        )
    await xiaoyu.send("/match")
    await xiaoyu.press("下一位")  # two planned people shown to her, neither of them him

    planned = (await export_of(xiaoyu, sandbox))["今天的推荐安排"]
    named = [card["对象"] for card in planned["为你安排的推荐"]]
    assert named == [await nickname(sandbox, mine[1]), await nickname(sandbox, mine[2])]
    assert planned["为你安排、还没给你看的推荐人数"] == len(mine) - 2


async def test_a_match_who_ended_it_no_longer_opens_her_card_once_she_paused(
    sandbox: Sandbox,
) -> None:
    _organiser, xiaoyu, ming = await matched(sandbox)
    her = await member_id(sandbox, xiaoyu)
    async with web(sandbox) as client:
        page = f"/app/member/people/{her}"
        await xiaoyu.send("/pause")
        answer = await client.get(page, headers=as_user(sandbox, ming.id))
        assert answer.status_code == 200 and "小雨" in answer.text  # still talking: still seen

        await xiaoyu.send("/resume")
        await xiaoyu.send("/matches")
        await xiaoyu.press("✉️ 给阿明留言")
        await xiaoyu.send("最近有点忙")
        await ming.press("结束对话")  # on her message
        assert xiaoyu.last_text() == "阿明结束了这段对话。"
        await xiaoyu.send("/pause")
        for url in (page, f"{page}/photos/0"):
            answer = await client.get(url, headers=as_user(sandbox, ming.id))
            assert answer.status_code == 404, url


async def test_her_export_is_in_her_words_and_names_nobody_a_matchmaker_passed_over(
    sandbox: Sandbox,
) -> None:
    """Stored codes reached the member as they were ("结果": "verified", "原因": "fake",
    "状态": "pending"), and a pair a matchmaker looked at and passed over named the other
    member, who was never proposed to her."""
    people = await scene(sandbox)
    hongniang, xiaoyu, ming = people[3], people[4], people[5]
    async with sandbox.app.services.db() as session:
        ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
    assert await sandbox.app.services.proposals.skip(hongniang.id, ids[xiaoyu.id], ids[ming.id])
    exported = await export_of(xiaoyu, sandbox)
    assert exported["身份核实记录"][0]["结果"] == "已通过核实"
    assert exported["举报"]["关于你的举报"] == [{"原因": "虚假资料", "状态": "待处理", "次数": 1}]
    assert exported["红娘的推荐"] == {"向你提出的推荐": [], "红娘看过但没有提出的配对数": 1}
    # Outside the engine's own stored form (given as stored, and said to be), no code.
    engine = "内容（推荐引擎内部的存储形式，由你的回答自动生成）"
    del exported["推荐所用的资料"][engine]
    words = json.dumps(exported, ensure_ascii=False)
    for code in ('"verified"', '"pending"', '"fake"', '"skipped"', '"open"', '"sent"'):
        assert code not in words, code
    assert "阿明" not in words


async def test_suggestions_a_matchmaker_held_back_are_counted_not_named(sandbox: Sandbox) -> None:
    """Her export named the person a matchmaker was still checking for her, or had held back
    ("会员": "小雨", "状态": "未推荐给你"), though she was never shown them."""
    hongniang = sandbox.user("红娘李姐")
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    ming = sandbox.user("阿明", phone=MAN[3])
    await seed_union(sandbox, [WOMAN, MAN], matchmakers={PUDONG: [hongniang.id]}, review_above=0.0)
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await ming.send("/match")  # 小雨 for 阿明 waits for the matchmaker
    waiting = await export_of(ming, sandbox)
    await hongniang.send("/shortlist")
    await hongniang.press("不通过")
    held_back = await export_of(ming, sandbox)
    section = "红娘审核过的推荐"
    assert waiting[section] == {"已通过，已推荐给你": [], "等待红娘审核": 1, "未推荐给你": 0}
    assert held_back[section] == {"已通过，已推荐给你": [], "等待红娘审核": 0, "未推荐给你": 1}
    for exported in (waiting, held_back):
        assert "小雨" not in json.dumps(exported, ensure_ascii=False)
