"""The desk's units, people and matchmakers: units created, renamed and moved within an
organiser's scope; roles given by member number (never a Telegram id) and taken back; a
matchmaker's shortlist as cards with the engine's reasons, proposed with a note or skipped,
nobody in two of their pending proposals; the inbox answered and closed. Every endpoint refuses
a forged or expired initData, and another union's organiser or a member."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.units import Role, UnitKind, UnitsFileError, parse_units
from bot.services.administration import UnitChange
from bot.tools.sandbox import Sandbox
from storage.models import (
    AuditEntry,
    Member,
    OrgUnit,
    Proposal,
    RosterEntry,
    Thread,
    ThreadMessage,
    UnitRole,
)
from tests.helpers import (
    CITY,
    PUDONG,
    PUDONG_CONTACT,
    XUHUI,
    bind_roster_entries,
    seed_union,
    union_with_members,
    unit_id,
)
from tests.test_miniapp import as_user, web

PEOPLE = [("王小雨", "上海电气", "13800000001"), ("李明", "上海地铁", "13800000002")]
GETS = [
    "/app/console/units",
    "/app/console/units/units.toml",
    "/app/console/people",
    "/app/console/proposals",
    "/app/console/inbox",
]
POSTS = {
    "/app/console/units/create": {"parent": "1", "name": "新单位", "kind": "workplace"},
    "/app/console/units/2/rename": {"name": "改名"},
    "/app/console/units/2/move": {"parent": "3"},
    "/app/console/people/find": {"q": "PD0"},
    "/app/console/people/appoint": {
        "number": "PD0",
        "roster_unit": "2",
        "unit": "2",
        "role": "matchmaker",
    },
    "/app/console/people/revoke": {"holding": "1"},
    "/app/console/proposals/propose": {"a": "1", "b": "2", "note": "合适"},
    "/app/console/proposals/skip": {"a": "1", "b": "2"},
    "/app/console/inbox/1/answer": {"text": "你好"},
    "/app/console/inbox/1/close": {},
}


async def roles(sb: Sandbox) -> set[tuple[int, str, Role]]:
    async with sb.app.services.db() as session:
        rows = await session.execute(
            select(UnitRole.telegram_id, OrgUnit.name, UnitRole.role).join(
                OrgUnit, OrgUnit.id == UnitRole.unit_id
            )
        )
        return {(who, unit, role) for who, unit, role in rows.all()}


async def names(sb: Sandbox) -> dict[str, str | None]:
    async with sb.app.services.db() as session:
        units = (await session.scalars(select(OrgUnit))).all()
        by_id = {u.id: u.name for u in units}
        return {u.name: by_id.get(u.parent_id) for u in units}


async def test_every_endpoint_refuses_no_forged_or_expired_data(sandbox: Sandbox) -> None:
    organiser, *_ = await union_with_members(sandbox, 2)
    expired = as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {"X-Telegram-Init-Data": "user=%7B%22id%22%3A1%7D&auth_date=1&hash=00"}
    async with web(sandbox) as client:
        for headers in ({}, expired, forged):
            for path in GETS:
                assert (await client.get(path, headers=headers)).status_code == 401, path
            for path, data in POSTS.items():
                answer = await client.post(path, headers=headers, data=data)
                assert answer.status_code == 401, path
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_a_member_gets_no_desk_screen(sandbox: Sandbox) -> None:
    _organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    member = as_user(sandbox, in_pudong[0])
    async with web(sandbox) as client:
        for path in GETS:
            assert (await client.get(path, headers=member)).status_code == 403, path
        for path, data in POSTS.items():
            answer = await client.post(path, headers=member, data=data)
            assert answer.status_code in (200, 403), path
            assert answer.status_code == 403 or 'role="status"' in answer.text
    assert {role for *_, role in await roles(sandbox)} == {Role.ORGANISER}
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert await session.scalar(select(func.count()).select_from(OrgUnit)) == 3


async def test_units_are_created_renamed_and_moved_within_scope(sandbox: Sandbox) -> None:
    organiser, sibling, _, _ = await union_with_members(sandbox, 1)
    pudong, xuhui, city = [await unit_id(sandbox, n) for n in (PUDONG, XUHUI, CITY)]
    mine = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        tree = await client.get("/app/console/units", headers=mine)
        assert tree.status_code == 200 and PUDONG in tree.text and XUHUI not in tree.text
        assert f"/units/{pudong}/rename" not in tree.text  # their own union: renamed from above
        made = await client.post(
            "/app/console/units/create",
            headers=mine,
            data={"parent": str(pudong), "name": " 上海电气集团工会\n", "kind": "workplace"},
        )
        assert "已保存" in made.text and "上海电气集团工会" in made.text
        twice = await client.post(
            "/app/console/units/create",
            headers=mine,
            data={"parent": str(pudong), "name": "上海电气集团工会", "kind": "workplace"},
        )
        assert "已有单位叫这个名字" in twice.text
        elsewhere = await client.post(
            "/app/console/units/create",
            headers=mine,
            data={"parent": str(xuhui), "name": "徐汇某工会", "kind": "workplace"},
        )
        assert elsewhere.status_code == 403
        new = (await names(sandbox)).keys()
        assert "徐汇某工会" not in new
        async with sandbox.app.services.db() as session:
            electric = await session.scalar(
                select(OrgUnit.id).where(OrgUnit.name == "上海电气集团工会")
            )
        renamed = await client.post(
            f"/app/console/units/{electric}/rename", headers=mine, data={"name": "上海电气工会"}
        )
        assert "已保存" in renamed.text
        own = await client.post(
            f"/app/console/units/{pudong}/rename", headers=mine, data={"name": "浦东"}
        )
        assert "只能在你的工会之下" in own.text
        for data in ({"name": ""}, {"name": "长" * 101}):
            bad = await client.post(
                f"/app/console/units/{electric}/rename", headers=mine, data=data
            )
            assert "1 到 100 个字" in bad.text
        theirs = await client.post(
            f"/app/console/units/{xuhui}/rename",
            headers=as_user(sandbox, organiser.id),
            data={"name": "被改名"},
        )
        assert theirs.status_code == 403
        out_of_scope = await client.post(
            f"/app/console/units/{electric}/move", headers=mine, data={"parent": str(xuhui)}
        )
        assert out_of_scope.status_code == 403
        # The city organiser moves a workplace union, but never under itself.
        city_organiser = sandbox.user("市总管理员")
        async with sandbox.app.services.db.begin() as session:
            session.add(UnitRole(telegram_id=city_organiser.id, unit_id=city, role=Role.ORGANISER))
        above = as_user(sandbox, city_organiser.id)
        moved = await client.post(
            f"/app/console/units/{electric}/move", headers=above, data={"parent": str(xuhui)}
        )
        assert "已保存" in moved.text
        loop = await client.post(
            f"/app/console/units/{pudong}/move", headers=above, data={"parent": str(pudong)}
        )
        assert "不能放到自己" in loop.text
        sibling_view = await client.get("/app/console/units", headers=as_user(sandbox, sibling.id))
        assert "上海电气工会" in sibling_view.text  # now in 徐汇, so theirs to see
    assert (await names(sandbox))["上海电气工会"] == XUHUI
    async with sandbox.app.services.db() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["unit_create", "unit_rename", "unit_move"]


async def test_roles_are_given_by_member_number_within_scope_and_taken_back(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 2, 1)
    await bind_roster_entries(sandbox, in_pudong, PEOPLE)
    pudong, xuhui = await unit_id(sandbox, PUDONG), await unit_id(sandbox, XUHUI)
    async with sandbox.app.services.db.begin() as session:
        zhao = await session.scalar(select(Member).where(Member.telegram_id == in_xuhui[0]))
        session.add(
            RosterEntry(
                unit_id=xuhui,
                member_number="XH01",
                real_name="赵六",
                employer="徐汇电力",
                member_id=zhao.id,
                imported_at=sandbox.clock.now(),
            )
        )
    mine = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        found = await client.post("/app/console/people/find", headers=mine, data={"q": "PD0"})
        assert "王小雨" in found.text and str(in_pudong[0]) not in found.text  # no Telegram id
        by_phone = await client.post(
            "/app/console/people/find", headers=mine, data={"q": "138-0000-0002"}
        )
        assert "李明" in by_phone.text and "王小雨" not in by_phone.text
        by_name = await client.post("/app/console/people/find", headers=mine, data={"q": "王"})
        assert "王小雨" in by_name.text
        # 赵六 is on 徐汇's roster, not this organiser's.
        for asked in ("XH01", "赵六"):
            elsewhere = await client.post(
                "/app/console/people/find", headers=mine, data={"q": asked}
            )
            assert "赵六" not in elsewhere.text
            assert "没有用这个会员号、手机号或姓名" in elsewhere.text
        form = dict(re.findall(r'name="(number|roster_unit)" value="([^"]*)"', found.text))
        appoint = {**form, "unit": str(pudong), "role": "matchmaker"}
        done = await client.post("/app/console/people/appoint", headers=mine, data=appoint)
        assert "王小雨（上海电气），现在是浦东新区总工会的红娘" in done.text
        assert (in_pudong[0], PUDONG, Role.MATCHMAKER) in await roles(sandbox)
        # An organiser of their own union: only from above.
        organiser_here = {**appoint, "role": "organiser"}
        refused = await client.post(
            "/app/console/people/appoint", headers=mine, data=organiser_here
        )
        assert "管理员只能在下级工会任命" in refused.text
        # 徐汇's member by member number: outside scope, refused and nothing written.
        outside = {
            "number": "PD0",
            "roster_unit": str(xuhui),
            "unit": str(pudong),
            "role": "matchmaker",
        }
        assert (
            await client.post("/app/console/people/appoint", headers=mine, data=outside)
        ).status_code == 403
        into_xuhui = {**appoint, "unit": str(xuhui)}
        other_unit = await client.post("/app/console/people/appoint", headers=mine, data=into_xuhui)
        assert other_unit.status_code == 403
        # The sibling cannot appoint 浦东's member, nor take back 浦东's matchmaker.
        theirs = as_user(sandbox, sibling.id)
        assert (
            await client.post("/app/console/people/appoint", headers=theirs, data=appoint)
        ).status_code == 403
        async with sandbox.app.services.db() as session:
            holding = await session.scalar(
                select(UnitRole.id).where(UnitRole.role == Role.MATCHMAKER)
            )
        listing = await client.get("/app/console/people", headers=mine)
        assert "红娘：王小雨" in listing.text
        assert f"管理员：（不在名册上，Telegram 账号 {organiser.id}）" in listing.text
        stolen = await client.post(
            "/app/console/people/revoke", headers=theirs, data={"holding": str(holding)}
        )
        assert stolen.status_code == 403
        assert (in_pudong[0], PUDONG, Role.MATCHMAKER) in await roles(sandbox)
        taken = await client.post(
            "/app/console/people/revoke", headers=mine, data={"holding": str(holding)}
        )
        assert "已收回" in taken.text and "红娘：王小雨" not in taken.text
    assert (in_pudong[0], PUDONG, Role.MATCHMAKER) not in await roles(sandbox)
    async with sandbox.app.services.db() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    # Each search that showed someone, then the role given and taken back.
    assert actions == ["people_find"] * 3 + ["grant", "revoke"]


async def matchmaker_of_pudong(sb: Sandbox, telegram_id: int) -> None:
    async with sb.app.services.db.begin() as session:
        session.add(
            UnitRole(
                telegram_id=telegram_id, unit_id=await _unit(session, PUDONG), role=Role.MATCHMAKER
            )
        )


async def _unit(session, name: str) -> int:  # noqa: ANN001
    return await session.scalar(select(OrgUnit.id).where(OrgUnit.name == name))


def pairs_on(page: str) -> list[tuple[int, int]]:
    return [
        (int(a), int(b))
        for a, b in re.findall(
            r'name="a" value="(\d+)">\s*<input type="hidden" name="b" value="(\d+)"', page
        )
    ]


async def test_a_matchmaker_proposes_and_skips_from_cards_and_nobody_is_in_two_pending(
    sandbox: Sandbox,
) -> None:
    _organiser, sibling, _in_pudong, _ = await union_with_members(sandbox, 30)
    hongniang = sandbox.user("红娘李姐")
    await matchmaker_of_pudong(sandbox, hongniang.id)
    mine = as_user(sandbox, hongniang.id)
    async with web(sandbox) as client:
        page = await client.get("/app/console/proposals", headers=mine)
        assert page.status_code == 200
        shown = pairs_on(page.text)
        assert len(shown) >= 2
        members = [m for pair in shown for m in pair]
        assert len(members) == len(set(members))  # each member in one pair at most
        assert page.text.count('class="lines"') == 2 * len(shown)  # both full cards
        assert "推荐理由" in page.text
        (a, b), (c, d) = shown[0], shown[1]
        empty = await client.post(
            "/app/console/proposals/propose", headers=mine, data={"a": a, "b": b, "note": " "}
        )
        assert "1 到 300 个字" in empty.text
        sent = await client.post(
            "/app/console/proposals/propose",
            headers=mine,
            data={"a": a, "b": b, "note": "你们都爱徒步，不妨见一面。"},
        )
        assert "已发给双方" in sent.text
        after = pairs_on(sent.text)
        assert all({a, b}.isdisjoint(pair) for pair in after)  # pending: not offered again
        skipped = await client.post(
            "/app/console/proposals/skip", headers=mine, data={"a": c, "b": d}
        )
        assert "已跳过" in skipped.text
        assert (min(c, d), max(c, d)) not in [tuple(sorted(p)) for p in pairs_on(skipped.text)]
        # Someone already waiting on this matchmaker's proposal is not proposed again.
        other = next(m for m in members if m not in (a, b))
        again = await client.post(
            "/app/console/proposals/propose",
            headers=mine,
            data={"a": a, "b": other, "note": "再试一位"},
        )
        assert "不能再推荐" in again.text
        # Not a matchmaker, or another union's pair.
        assert (
            await client.get("/app/console/proposals", headers=as_user(sandbox, sibling.id))
        ).status_code == 403
    async with sandbox.app.services.db() as session:
        rows = (
            await session.execute(select(Proposal.status, func.count()).group_by(Proposal.status))
        ).all()
    assert dict(rows) == {"open": 1, "skipped": 1}


async def test_a_matchmaker_of_another_union_cannot_touch_these_members(sandbox: Sandbox) -> None:
    _organiser, _sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 4, 4)
    stranger = sandbox.user("徐汇红娘")
    async with sandbox.app.services.db.begin() as session:
        xuhui = await _unit(session, XUHUI)
        session.add(UnitRole(telegram_id=stranger.id, unit_id=xuhui, role=Role.MATCHMAKER))
    theirs = as_user(sandbox, stranger.id)
    async with web(sandbox) as client:
        page = await client.get("/app/console/proposals", headers=theirs)
        assert all(a > 4 and b > 4 for a, b in pairs_on(page.text))  # 徐汇's member ids
        skip = await client.post(
            "/app/console/proposals/skip", headers=theirs, data={"a": 1, "b": 2}
        )
        assert skip.status_code == 403
        sent = await client.post(
            "/app/console/proposals/propose", headers=theirs, data={"a": 1, "b": 2, "note": "试试"}
        )
        assert "不能再推荐" in sent.text
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Proposal)) == 0


async def test_an_answer_a_colleague_beat_or_too_long_is_kept_and_said(sandbox: Sandbox) -> None:
    """The second counsellor's typed answer was thrown away under "只有该会员所在工会的工作人员
    可以回复", as if she were not staff; a pasted answer over 1,000 characters was cut."""
    _organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    li, wang = sandbox.user("红娘李姐"), sandbox.user("红娘王姐")
    for staff in (li, wang):
        await matchmaker_of_pudong(sandbox, staff.id)
    inbox = sandbox.app.services.inbox
    await inbox.ask(in_pudong[0], "对方让我转账，怎么办？")
    async with sandbox.app.services.db() as session:
        thread = await session.scalar(select(Thread.id))
    await inbox.claim(li.id, thread)  # 李姐 is writing her answer
    typed = "千万不要转账，我们马上联系你。"
    long = "请注意安全。" * 200  # 1,200 characters
    async with web(sandbox) as client:
        beaten = await client.post(
            f"/app/console/inbox/{thread}/answer",
            headers=as_user(sandbox, wang.id),
            data={"text": typed},
        )
        closing = await client.post(
            f"/app/console/inbox/{thread}/close", headers=as_user(sandbox, wang.id)
        )
        too_long = await client.post(
            f"/app/console/inbox/{thread}/answer",
            headers=as_user(sandbox, li.id),
            data={"text": long},
        )
    assert beaten.status_code == 403
    assert "另一位同事已经在回复这条提问，你写的内容没有发出。" in beaten.text
    assert f">{typed}</textarea>" in beaten.text  # kept, to copy
    assert closing.status_code == 403 and "另一位同事正在回复这条提问。" in closing.text
    assert "1200" in too_long.text and "1000" in too_long.text
    assert f">{long}</textarea>" in too_long.text
    async with sandbox.app.services.db() as session:
        thread_row = await session.get(Thread, thread)
        answers = await session.scalar(
            select(func.count())
            .select_from(ThreadMessage)
            .where(ThreadMessage.staff_telegram_id.is_not(None))
        )
    assert (thread_row.status, answers) == ("open", 0)


async def test_the_inbox_is_answered_and_closed_by_its_unions_staff_only(sandbox: Sandbox) -> None:
    _organiser, sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    hongniang = sandbox.user("红娘李姐")
    await matchmaker_of_pudong(sandbox, hongniang.id)
    inbox = sandbox.app.services.inbox
    assert await inbox.ask(in_pudong[0], "请问周末的活动还能报名吗？") == "done"
    async with sandbox.app.services.db() as session:
        thread = await session.scalar(select(Thread.id))
    mine = as_user(sandbox, hongniang.id)
    async with web(sandbox) as client:
        page = await client.get("/app/console/inbox", headers=mine)
        assert "会员：请问周末的活动还能报名吗？" in page.text
        stranger = await client.post(
            f"/app/console/inbox/{thread}/answer",
            headers=as_user(sandbox, sibling.id),
            data={"text": "我来答"},
        )
        # Another union's thread: refused (403), the page still says why, and shows
        # neither the member's words nor a way to answer them.
        assert stranger.status_code == 403
        assert "只有该会员所在工会的工作人员可以回复" in stranger.text
        assert "请问周末的活动" not in stranger.text
        closing = await client.post(
            f"/app/console/inbox/{thread}/close", headers=as_user(sandbox, sibling.id)
        )
        assert closing.status_code == 403 and "只有该会员所在工会的工作人员" in closing.text
        blank = await client.post(
            f"/app/console/inbox/{thread}/answer", headers=mine, data={"text": "  "}
        )
        assert "请先写下回复" in blank.text
        answered = await client.post(
            f"/app/console/inbox/{thread}/answer",
            headers=mine,
            data={"text": "可以的，周五前报名。"},
        )
        assert "已发送" in answered.text and "我们：可以的，周五前报名。" in answered.text
        await sandbox.settle()
        told = [e.text or "" for e in sandbox.api.chats[in_pudong[0]] if e.from_bot]
        assert any("可以的，周五前报名。" in text for text in told)
        closed = await client.post(f"/app/console/inbox/{thread}/close", headers=mine)
        assert "已结束" in closed.text and "请问周末的活动" not in closed.text
        late = await client.post(
            f"/app/console/inbox/{thread}/answer", headers=mine, data={"text": "补充一句"}
        )
        assert "对话已经结束" in late.text
    async with sandbox.app.services.db() as session:
        written = await session.scalar(
            select(func.count())
            .select_from(ThreadMessage)
            .where(ThreadMessage.staff_telegram_id.is_not(None))
        )
    assert written == 1


async def test_the_units_file_of_ones_units_loads_back_and_names_nobody(sandbox: Sandbox) -> None:
    organiser, sibling, *_ = await union_with_members(sandbox, 1)
    pudong = await unit_id(sandbox, PUDONG)
    await sandbox.app.services.administration.units.create(
        organiser.id, pudong, '上海电气"集团"工会', UnitKind.WORKPLACE
    )
    async with web(sandbox) as client:
        answer = await client.get(
            "/app/console/units/units.toml", headers=as_user(sandbox, organiser.id)
        )
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    specs = parse_units(answer.text, known=[CITY])
    assert [(s.name, s.parent) for s in specs] == [
        (PUDONG, CITY),
        ('上海电气"集团"工会', PUDONG),
    ]
    assert specs[0].contact == PUDONG_CONTACT
    assert str(organiser.id) not in answer.text and XUHUI not in answer.text
    assert str(sibling.id) not in answer.text


async def test_two_opposite_moves_at_once_leave_a_tree_and_no_error(sandbox: Sandbox) -> None:
    """The city moves 甲 under 乙 while 浦东 moves 乙 under 甲. Each checked for a loop alone;
    on PostgreSQL one of them ended in "deadlock detected" (a 500), and had they not
    deadlocked they would have made the loop that hides both from everyone above."""
    organiser, *_ = await union_with_members(sandbox, 1)
    city = sandbox.user("市总管理员")
    await seed_union(sandbox, [], organisers={CITY: [city.id]})
    pudong = await unit_id(sandbox, PUDONG)
    desk = sandbox.app.services.administration.units
    for attempt in range(3):
        names = (f"甲{attempt}", f"乙{attempt}")
        for name in names:
            await desk.create(organiser.id, pudong, name, UnitKind.WORKPLACE)
        a, b = [await unit_id(sandbox, name) for name in names]
        async with web(sandbox) as client:
            answers = await asyncio.gather(
                client.post(
                    f"/app/console/units/{a}/move",
                    data={"parent": str(b)},
                    headers=as_user(sandbox, city.id),
                ),
                client.post(
                    f"/app/console/units/{b}/move",
                    data={"parent": str(a)},
                    headers=as_user(sandbox, organiser.id),
                ),
            )
        assert [answer.status_code for answer in answers] == [200, 200]
        async with sandbox.app.services.db() as session:
            tree = dict((await session.execute(select(OrgUnit.id, OrgUnit.parent_id))).all())
        assert not (tree[a] == b and tree[b] == a)  # one moved, the other was told "a loop"
        assert {tree[a], tree[b]} & {pudong}


async def test_searching_the_rosters_is_a_look_the_audit_log_keeps(sandbox: Sandbox) -> None:
    """One surname character lists up to 20 real names, employers and member numbers: the
    same facts "who is this?" and the sign-in sheet show only with an audit entry."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    await bind_roster_entries(
        sandbox,
        in_pudong,
        [("王小雨", "上海电气", "13800000001"), ("王明", "上海地铁", "13800000002")],
    )
    async with web(sandbox) as client:
        found = await client.post(
            "/app/console/people/find", headers=as_user(sandbox, organiser.id), data={"q": "王"}
        )
        log = await client.get("/app/console/audit", headers=as_user(sandbox, organiser.id))
    assert "王小雨" in found.text and "王明" in found.text
    async with sandbox.app.services.db() as session:
        looks = (
            await session.execute(
                select(AuditEntry.actor_telegram_id, AuditEntry.detail).where(
                    AuditEntry.action == "people_find"
                )
            )
        ).all()
    assert looks == [(organiser.id, {"people": 2})]  # how many, never what was typed
    assert "在名册中查找会员" in log.text


async def test_a_unit_name_is_measured_as_telegram_measures_a_message(sandbox: Sandbox) -> None:
    """A name of 100 emoji (or rare characters like 𠀀) is 200 to Telegram: it overflowed the
    room every broadcast keeps for its signature, and each one the composer accepted then
    failed for every member with "message is too long" (red team)."""
    organiser, *_ = await union_with_members(sandbox, 1)
    pudong = await unit_id(sandbox, PUDONG)
    desk = sandbox.app.services.administration.units
    for too_long in ("🎉" * 51, "𠀀" * 51):
        assert await desk.create(organiser.id, pudong, too_long, UnitKind.WORKPLACE) == (
            UnitChange.BAD_NAME
        )
    assert await desk.create(organiser.id, pudong, "🎉" * 50, UnitKind.WORKPLACE) == (
        UnitChange.DONE
    )
    with pytest.raises(UnitsFileError, match="longer than 100 characters"):
        parse_units(f'[[unit]]\nname = "{"𠀀" * 51}"\nkind = "workplace"\n', known=[CITY])
