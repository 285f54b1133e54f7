"""Organisers upload rosters in chat; everyone else's files are just not understood."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.domain.buttons import ImportInto
from bot.sandbox import Sandbox
from storage.models import OrgUnit, RosterEntry
from tests.helpers import PUDONG, XUHUI, seed_union


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
    assert "第 3 行：member_number is empty" in check
    assert organiser.buttons() == [PUDONG, "取消"]
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
    assert organiser.last_text().startswith("这个文件无法导入：missing column(s)")
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
