"""Organisers upload rosters in chat; everyone else's files are just not understood."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.domain.buttons import ImportInto
from bot.tools.sandbox import Sandbox
from storage.models import MatchProfile, Member, OrgUnit, RosterEntry
from tests.helpers import PUDONG, PUDONG_CONTACT, XUHUI, seed_union, sign_up


def roster(tmp_path: Path, text: str, name: str = "名册.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def numbers(sb: Sandbox) -> dict[str, str]:
    async with sb.app.services.db() as session:
        rows = await session.execute(
            select(RosterEntry.member_number, OrgUnit.name).join(
                OrgUnit, OrgUnit.id == RosterEntry.unit_id
            )
        )
        return dict(rows.all())


async def test_an_organiser_uploads_checks_confirms_and_gets_a_report(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    await organiser.send_document(
        roster(
            tmp_path,
            "姓名,会员号,工作单位\n张三,PD001,上海地铁\n李四,,上海电气\n王五,PD003,上海电气\n",
        )
    )
    check = organiser.last_text()
    assert "名册.csv：2 位会员可以导入，1 行有问题。" in check
    assert "第 3 行：“会员号”为空" in check
    assert organiser.buttons() == [PUDONG, f"{PUDONG}（整份替换）", "取消"]
    assert await numbers(sandbox) == {}  # nothing before confirming
    await organiser.press(PUDONG)
    assert organiser.last_text().startswith(
        f"已导入{PUDONG}：新增 2 位，更新 0 位，跳过 1 行有问题的数据。"
    )
    assert await numbers(sandbox) == {"PD001": PUDONG, "PD003": PUDONG}


async def test_unusable_files_and_cancelling_import_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    await organiser.send_document(roster(tmp_path, "名字,号码\n张三,1\n"))
    assert organiser.last_text().startswith("这个文件无法导入：表头缺少")
    await organiser.send_document(roster(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n"))
    await organiser.press("取消")
    assert organiser.last_text() == "已取消，没有导入任何内容。"
    assert await numbers(sandbox) == {}


async def test_members_files_are_not_rosters_and_other_unions_are_off_limits(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser, member = sandbox.user("浦东管理员"), sandbox.user("小雨")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    await member.send_document(roster(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n"))
    assert member.last_text() == "抱歉，我没有看懂。发送 /help 看看我能做什么。"
    await organiser.send_document(roster(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n"))
    async with sandbox.app.services.db() as session:
        xuhui = await session.scalar(select(OrgUnit.id).where(OrgUnit.name == XUHUI))
    await organiser.forge_press(ImportInto(xuhui).encode())
    assert organiser.last_alert() == "你只能导入到自己负责的工会。"
    await member.forge_press(ImportInto(xuhui).encode())
    assert await numbers(sandbox) == {}


async def test_an_upload_never_moves_or_changes_another_unions_entries(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The 徐汇 organiser uploads rows with 浦东 member numbers (one of them bound to a verified
    member) into 徐汇: they are refused and listed; 浦东's entries stay as they were."""
    from tests.helpers import sign_up

    pudong_organiser, xuhui_organiser = sandbox.user("浦东管理员"), sandbox.user("徐汇管理员")
    member = sandbox.user("小雨", phone="13800000001")
    wang = ("王小雨", "PD001", "上海申通地铁集团有限公司", "13800000001")
    await seed_union(
        sandbox,
        [wang, ("李四", "PD002", "上海电气", None)],
        organisers={PUDONG: [pudong_organiser.id], XUHUI: [xuhui_organiser.id]},
    )
    await sign_up(member, wang)
    columns = (
        RosterEntry.member_number,
        RosterEntry.unit_id,
        RosterEntry.real_name,
        RosterEntry.phone,
        RosterEntry.member_id,
    )
    async with sandbox.app.services.db() as session:
        query = select(*columns).order_by(RosterEntry.member_number)
        before = [tuple(r) for r in await session.execute(query)]
    await xuhui_organiser.send_document(
        roster(
            tmp_path,
            "姓名,会员号,工作单位,手机\n冒名,PD001,徐汇某单位,13900000009\n"
            "冒名二,PD002,徐汇某单位,13900000008\n真会员,XH001,徐汇某单位,\n",
        )
    )
    await xuhui_organiser.press(XUHUI)
    report = xuhui_organiser.last_text()
    assert "新增 1 位，更新 0 位，跳过 2 行有问题的数据" in report
    assert "第 2 行：会员号 PD001 属于你管辖范围以外的工会，未作改动" in report
    assert "第 3 行：会员号 PD002 属于你管辖范围以外的工会，未作改动" in report
    async with sandbox.app.services.db() as session:
        query = query.where(RosterEntry.member_number != "XH001")
        after = [tuple(r) for r in await session.execute(query)]
    assert after == before
    assert (await numbers(sandbox))["XH001"] == XUHUI
    # 徐汇's review queue never sees 浦东's members.
    await xuhui_organiser.send("/review")
    assert xuhui_organiser.last_text() == "你负责的工会里没有待审核的身份核实。"


async def test_a_roster_too_large_to_fetch_is_refused_before_download(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    big = tmp_path / "名册.csv"
    big.write_bytes(b"x" * 20_000_001)
    downloads = sandbox.api.calls["getFile"]
    await organiser.send_document(big)
    assert organiser.last_text() == "这个文件无法导入：文件超过 20 MB。没有导入任何内容。"
    assert sandbox.api.calls["getFile"] == downloads


async def test_replacing_the_roster_in_chat_tells_who_left_and_stops_their_suggestions(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    wang = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
    xiaoyu = sandbox.user("小雨", phone=wang[3])
    await seed_union(sandbox, [wang], organisers={PUDONG: [organiser.id]})
    await sign_up(xiaoyu, wang)
    await organiser.send_document(roster(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n"))
    assert organiser.buttons() == [PUDONG, f"{PUDONG}（整份替换）", "取消"]
    await organiser.press(f"{PUDONG}（整份替换）")
    # First the difference, spelled out; nothing has changed yet.
    assert organiser.last_text() == (
        f"用这个文件整份替换{PUDONG}的名册：新增 1 · 更新 0 · 将标记离会 1 人，其中 1 人已认证"
        "——他们将不再收到推荐、不能报名活动，每人都会收到通知。"
    )
    assert organiser.buttons() == ["确认替换：标记 1 人离会", "取消"]
    assert "PD001" not in await numbers(sandbox)
    assert "新名册中没有你的记录" not in (xiaoyu.last_text() or "")
    await organiser.press("确认替换：标记 1 人离会")
    assert "不在新名册中、已标记为离会：1 人。" in organiser.last_text()
    assert "新名册中没有你的记录" in xiaoyu.last_text() and PUDONG_CONTACT in xiaoyu.last_text()
    told = xiaoyu.last_text()
    await xiaoyu.send("/match")  # the real reason, wherever she looks
    assert xiaoyu.last_text() == told
    await xiaoyu.send("/events")
    assert xiaoyu.last_text() == told
    async with sandbox.app.services.db() as session:
        profile = await session.scalar(
            select(MatchProfile.eligible)
            .join(Member, Member.id == MatchProfile.member_id)
            .where(Member.telegram_id == xiaoyu.id)
        )
    assert profile is False  # nobody is shown her card any more


async def test_a_replacement_is_shown_again_when_the_roster_changed_or_the_file_has_problems(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    people = [
        ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001"),
        ("李明", "SH0002", "上海电气", "13800000002"),
    ]
    await seed_union(sandbox, people, organisers={PUDONG: [organiser.id]})
    whole = "姓名,会员号,工作单位\n王小雨,SH0001,上海申通地铁集团有限公司\n张三,PD001,上海地铁\n"
    await organiser.send_document(roster(tmp_path, whole))
    await organiser.press(f"{PUDONG}（整份替换）")
    assert "新增 1 · 更新 1 · 将标记离会 1 人，其中 0 人已认证" in organiser.last_text()
    stale = organiser.bot_messages()[-1]
    # Meanwhile another organiser's file adds two more people the replacement would remove.
    async with sandbox.app.services.db.begin() as session:
        unit = await session.scalar(select(OrgUnit.id).where(OrgUnit.name == PUDONG))
        for number in ("SH0003", "SH0004"):
            session.add(
                RosterEntry(
                    unit_id=unit,
                    member_number=number,
                    real_name="赵六",
                    employer="上海电气",
                    imported_at=sandbox.clock.now(),
                )
            )
    await organiser.press_on(stale, "确认替换：标记 1 人离会")
    assert "将标记离会 3 人" in organiser.last_text()  # the new figures, not the import
    left = await _left(sandbox)
    assert left == set()
    confirm = organiser.bot_messages()[-1]
    # Before confirming, the organiser sends another file; the first file's button is stale.
    await organiser.send_document(roster(tmp_path, "姓名,会员号,工作单位\n赵六,SH0003,上海电气\n"))
    await organiser.press_on(confirm, "确认替换：标记 3 人离会")
    assert organiser.last_alert() == (
        "这个按钮对应的文件已经导入，或已被新发送的文件取代。如需导入，请重新发送文件。"
    )
    assert await _left(sandbox) == set()
    await organiser.send_document(roster(tmp_path, whole))
    await organiser.press(f"{PUDONG}（整份替换）")
    await organiser.press("确认替换：标记 3 人离会")
    assert await _left(sandbox) == {"SH0002", "SH0003", "SH0004"}

    await organiser.send_document(roster(tmp_path, whole + "李四,,上海电气\n"))
    await organiser.press(f"{PUDONG}（整份替换）")
    assert "这个文件有 1 行有问题" in organiser.last_text()
    assert organiser.buttons() == ["只导入有效数据", "取消"]


async def _left(sb: Sandbox) -> set[str]:
    async with sb.app.services.db() as session:
        return set(
            await session.scalars(
                select(RosterEntry.member_number).where(RosterEntry.left_at.is_not(None))
            )
        )


async def test_a_file_telegram_no_longer_has_is_asked_for_again_not_retried(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    await organiser.send_document(roster(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n"))
    sandbox.api.files.clear()  # gone from Telegram between the check and the confirmation
    await organiser.press(PUDONG)
    assert organiser.last_text() == "Telegram 上已经没有这个文件了，请重新发送一次。"
    assert [r.description for r in sandbox.api.take_refusals()] == ["Bad Request: invalid file_id"]
    await sandbox.advance(timedelta(hours=1))  # not tried again, nothing said again
    assert organiser.texts().count("Telegram 上已经没有这个文件了，请重新发送一次。") == 1
    assert await numbers(sandbox) == {}
