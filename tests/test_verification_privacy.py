"""Verification reveals nothing (issue 22, point 8): whoever types a colleague's member number
with a name that is not hers learns neither that the number exists nor that someone uses 会会;
the owner hears of the try and the union's organisers see it in /review."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.domain.verification import Claim, Decision, Outcome, Reason, RosterRecord, decide, told
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import Member
from tests.helpers import PUDONG, XUHUI, seed_union, verify

WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
FREE = ("赵敏", "SH0002", "上海电气集团", "13800000002")  # on the roster, nobody bound
TRIED = "有人用另一个 Telegram 账号、以你的会员号注册会会"


async def union_with_wang(sb: Sandbox) -> tuple[SimulatedUser, SimulatedUser]:
    organiser = sb.user("工会老张")
    wang = sb.user("小雨", phone=WANG[3])
    # The organiser of the sibling union (a curious colleague elsewhere) sees none of it.
    sibling = sb.user("徐汇管理员")
    await seed_union(sb, [WANG, FREE], organisers={PUDONG: [organiser.id], XUHUI: [sibling.id]})
    await verify(wang, WANG[0], WANG[1], "申通地铁")
    assert "✅ 核实成功" in wang.texts()[-2]
    return organiser, wang


async def answer_to(sb: Sandbox, name: str, number: str, employer: str) -> str:
    """What a fresh account is answered for this claim (its first try of the day)."""
    stranger = sb.user(f"陌生人{len(sb.users)}")
    await verify(stranger, name, number, employer)
    return stranger.last_text() or ""


async def test_a_made_up_name_hears_the_same_for_a_number_in_use_as_for_none(
    sandbox: Sandbox,
) -> None:
    await union_with_wang(sandbox)
    in_use = await answer_to(sandbox, "李雷", "SH0001", "上海申通地铁")
    unknown = await answer_to(sandbox, "李雷", "SH0999", "上海申通地铁")
    free = await answer_to(sandbox, "李雷", "SH0002", "上海申通地铁")
    assert in_use == unknown == free
    assert "工会会员名册上没有这个姓名和会员号的组合" in in_use
    assert "绑定" not in in_use and "王" not in in_use
    # Typed as people type it: full-width letters and digits, spaces, lower case.
    assert await answer_to(sandbox, "李 雷", "ｓｈ ０００１", "申通") == unknown
    # The employer written wrong as well changes nothing in what is said.
    assert await answer_to(sandbox, "韩梅梅", "SH0001", "某某公司") == unknown


async def test_a_name_one_character_off_hears_what_it_would_for_a_free_number(
    sandbox: Sandbox,
) -> None:
    organiser, wang = await union_with_wang(sandbox)
    free = await answer_to(sandbox, "赵明", "SH0002", "上海电气")
    in_use = await answer_to(sandbox, "王小云", "SH0001", "申通地铁")
    assert in_use == free and "工会工作人员会人工核对" in in_use
    stalker = sandbox.users[-1]
    await stalker.send("/start")  # waiting, exactly as for a free number
    assert "工会正在核对你的信息" in stalker.last_text()
    await organiser.send("/review")
    listed = "\n".join(organiser.texts()[-3:])
    assert "填写：王小云 · SH0001" in listed and "这个会员号已经绑定了其他账号" in listed
    # Whatever the organiser decides, the stalker hears what a refused near miss hears.
    await organiser.press("通过")
    assert "未能根据名册确认你的信息" in stalker.last_text()
    assert "绑定" not in stalker.last_text()
    async with sandbox.app.services.db() as session:
        bound = await session.scalar(select(Member).where(Member.telegram_id == stalker.id))
        assert bound is not None and bound.verified_at is None
    assert TRIED in wang.last_text()


async def test_the_owner_is_told_and_organisers_see_it_but_the_stalker_learns_nothing_later(
    sandbox: Sandbox,
) -> None:
    organiser, wang = await union_with_wang(sandbox)
    stalker = sandbox.user("前男友")
    await verify(stalker, "李雷", "SH0001", "上海申通地铁")
    heard = stalker.texts()
    told = wang.last_text()
    assert TRIED in told and "/ask" in told
    assert "李雷" not in told and "前男友" not in told  # the owner is not handed a name either
    assert "有会员申请身份核实" in organiser.last_text()
    # Four more tries the same day: one more notice to nobody.
    for _attempt in range(4):
        await stalker.press("重新填写")  # name and number again; phone and employer kept
        await stalker.send("李雷")
        await stalker.send("SH0001")
    assert sum(TRIED in t for t in wang.texts()) == 1
    assert sum("有会员申请身份核实" in t for t in organiser.texts()) == 1
    await organiser.send("/review")
    reviews = [t for t in organiser.texts()[-6:] if "填写：李雷 · SH0001" in t]
    assert reviews and all("这个会员号已经绑定了其他账号" in t for t in reviews)
    sibling = next(user for user in sandbox.users if user.first_name == "徐汇管理员")
    await sibling.send("/review")
    assert sibling.texts() == ["你负责的工会里没有待审核的身份核实。"]
    # Rejecting in /review sends the stalker nothing: a number not on the roster never would.
    before = len(stalker.texts())
    await organiser.press("不通过")
    await organiser.press("信息不符")
    assert len(stalker.texts()) == before
    await stalker.send("/start")  # not "being checked"
    assert "工会正在核对" not in stalker.last_text()
    await stalker.send("/export_me")
    exported = json.loads(sandbox.api.files[stalker.bot_messages()[-1].file_id][1])
    attempts = exported["身份核实记录"]
    assert {a["结果"] for a in attempts} == {"未通过核实"}
    assert all(a["审核时间"] is None for a in attempts)
    assert "王小雨" not in json.dumps(exported, ensure_ascii=False)
    # The next day the owner hears of a new try again.
    await sandbox.advance(timedelta(days=1, minutes=1))
    again = sandbox.user("前男友的朋友")
    await verify(again, "张三", "SH0001", "上海申通地铁")
    assert sum(TRIED in t for t in wang.texts()) == 2
    assert again.last_text() == heard[-1]  # the same answer, the next day too


async def test_the_owner_on_a_new_account_hears_the_number_is_taken(sandbox: Sandbox) -> None:
    _organiser, wang = await union_with_wang(sandbox)
    new_phone = sandbox.user("小雨的新账号", phone=WANG[3])
    await verify(new_phone, WANG[0], WANG[1], "申通地铁")
    assert "这个会员号已经绑定了其他账号" in new_phone.last_text()
    assert TRIED in wang.last_text()


def test_what_a_claim_hears_does_not_depend_on_whether_the_number_is_in_use() -> None:
    """Every mix of name, employer and phone: a number in use answers as a free one, except
    that a claim that would verify hears it is taken; a name far off answers as no number."""
    record = RosterRecord(WANG[0], WANG[2], WANG[3])
    names = ["王小雨", "王 小雨", "王小云", "王晓雨", "李雷", "Wang Xiaoyu", "王"]
    employers = ["申通地铁", "上海申通地铁集团", "上海申通", "上海电气", "某某公司"]
    for name in names:
        for employer in employers:
            for phone in (WANG[3], "13900000009", None):
                claim = Claim(name, WANG[1], employer, phone)

                def heard(decision: Decision) -> tuple[Outcome, tuple[Reason, ...]]:
                    said = told(decision.outcome, [r.value for r in decision.reasons])
                    return said.outcome, said.reasons

                free, in_use = (
                    heard(decide(claim, record)),
                    heard(decide(claim, record, taken=True)),
                )
                if free[0] == Outcome.VERIFIED:
                    assert in_use == (Outcome.REJECTED, (Reason.NUMBER_TAKEN,))
                else:
                    assert in_use == free, (name, employer, phone)
                if Reason.NAME_DIFFERS in decide(claim, record).reasons:
                    assert (
                        free
                        == heard(decide(claim, None))
                        == (
                            Outcome.REJECTED,
                            (Reason.NO_MATCH,),
                        )
                    )
