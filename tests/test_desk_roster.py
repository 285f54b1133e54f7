"""The desk's roster: a file checked before anything is written, a replacement's difference
spelled out and confirmed, figures shown again when the roster changed, and nobody's file
imported by anyone else."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import func, select

from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import AuditEntry, OrgUnit, RosterEntry
from tests.helpers import CITY, PUDONG, XUHUI, seed_union, unit_id
from tests.test_matching_bot import WOMAN
from tests.test_miniapp import as_user, web

PEOPLE = [
    ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001"),
    ("李明", "SH0002", "上海电气", "13800000002"),
]
WHOLE = "姓名,会员号,工作单位\n王小雨,SH0001,上海申通地铁集团有限公司\n张三,PD001,上海地铁\n"


async def unit(sb: Sandbox, name: str) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(OrgUnit.id).where(OrgUnit.name == name))


async def left(sb: Sandbox) -> set[str]:
    async with sb.app.services.db() as session:
        return set(
            await session.scalars(
                select(RosterEntry.member_number).where(RosterEntry.left_at.is_not(None))
            )
        )


async def check(
    client: httpx.AsyncClient, headers: dict[str, str], unit_id: int, text: str, replace: bool
) -> httpx.Response:
    data = {"unit": str(unit_id), **({"replace": "1"} if replace else {})}
    files = {"file": ("名册.csv", text.encode(), "text/csv")}
    return await client.post("/app/console/roster/check", headers=headers, data=data, files=files)


def hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))


async def organisers_of_three(sb: Sandbox) -> tuple[SimulatedUser, SimulatedUser, SimulatedUser]:
    """The organisers of 浦东, of 徐汇 and of the city above both, in a union of no members."""
    pudong_org, xuhui_org = sb.user("浦东管理员"), sb.user("徐汇管理员")
    city_org = sb.user("市总管理员")
    await seed_union(
        sb, [], organisers={PUDONG: [pudong_org.id], XUHUI: [xuhui_org.id], CITY: [city_org.id]}
    )
    return pudong_org, xuhui_org, city_org


async def imports(sb: Sandbox, organiser: int, into: int, text: str) -> str:
    """The organiser checks a roster file on the desk and imports it: the preview page."""
    async with web(sb) as client:
        seen = await check(client, as_user(sb, organiser), into, text, False)
        await client.post(
            "/app/console/roster/import", data=hidden(seen.text), headers=as_user(sb, organiser)
        )
    await sb.settle()
    return seen.text


async def test_a_replacement_is_spelled_out_then_confirmed(sandbox: Sandbox) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, PEOPLE, organisers={PUDONG: [organiser.id]})
    pudong = await unit(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        form = await client.get("/app/console/roster", headers=headers)
        assert form.status_code == 200 and PUDONG in form.text and XUHUI not in form.text
        preview = await check(client, headers, pudong, WHOLE, replace=True)
        assert preview.status_code == 200
        assert "新增 1 · 更新 1 · 将标记离会 1 人，其中 0 人已认证" in preview.text
        assert "确认替换：标记 1 人离会" in preview.text
        assert await left(sandbox) == set()  # nothing before the confirmation
        done = await client.post(
            "/app/console/roster/import", headers=headers, data=hidden(preview.text)
        )
        assert "不在新名册中、已标记为离会：1 人。" in done.text
        assert await left(sandbox) == {"SH0002"}
        again = await client.post(
            "/app/console/roster/import", headers=headers, data=hidden(preview.text)
        )
        assert "已经导入或已过期" in again.text  # the same confirmation twice imports once


async def test_the_same_confirmation_sent_twice_at_once_imports_once(sandbox: Sandbox) -> None:
    """Both were imported, each said so, and the audit log kept two imports of one file."""
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, PEOPLE, organisers={PUDONG: [organiser.id]})
    pudong = await unit(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        preview = await check(client, headers, pudong, WHOLE, replace=False)
        both = await asyncio.gather(
            *(
                client.post(
                    "/app/console/roster/import", headers=headers, data=hidden(preview.text)
                )
                for _press in range(2)
            )
        )
    said = sorted(answer.text for answer in both)
    assert sum("已导入" in text for text in said) == 1, said
    assert sum("这个文件正在导入，结果马上显示。" in text for text in said) == 1, said
    async with sandbox.app.services.db() as session:
        imports = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "roster_import")
        )
    assert imports == 1


async def test_changed_figures_are_shown_again_and_bad_rows_cannot_replace(
    sandbox: Sandbox,
) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, PEOPLE, organisers={PUDONG: [organiser.id]})
    pudong = await unit(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        preview = await check(client, headers, pudong, WHOLE, replace=True)
        async with sandbox.app.services.db.begin() as session:
            session.add(
                RosterEntry(
                    unit_id=pudong,
                    member_number="SH0003",
                    real_name="赵六",
                    employer="上海电气",
                    imported_at=sandbox.clock.now(),
                )
            )
        shown_again = await client.post(
            "/app/console/roster/import", headers=headers, data=hidden(preview.text)
        )
        assert "将标记离会 2 人" in shown_again.text and await left(sandbox) == set()
        bad = await check(
            client, headers, pudong, WHOLE + "李四,,上海电气\n王五,,\n赵七,,\n", replace=True
        )
        assert "这个文件有 3 行有问题" in bad.text and "第 4 行" in bad.text
        # The two good rows, counted once: not 2 − 3 bad ones.
        assert "2 位会员可以导入，3 行有问题" in bad.text
        assert "只导入有效数据" in bad.text and "replace" not in hidden(bad.text)


async def test_a_row_naming_a_union_outside_the_import_is_a_bad_row_in_the_preview(
    sandbox: Sandbox,
) -> None:
    """It was counted among those to import ("3 位会员可以导入，0 行有问题"), then skipped."""
    pudong_org, _xuhui_org, _city_org = await organisers_of_three(sandbox)
    text = (
        "姓名,会员号,工作单位,所属工会\n"
        "王小雨,SH0001,上海地铁,\n"
        f"张三,PD001,上海地铁,{PUDONG}\n"
        f"越界者,XH005,徐汇单位,{XUHUI}\n"
    )
    seen = await imports(sandbox, pudong_org.id, await unit(sandbox, PUDONG), text)
    assert "2 位会员可以导入，1 行有问题" in seen
    assert f"第 4 行：“{XUHUI}”不是{PUDONG}或其下级工会" in seen
    assert "新增 2" in seen
    async with sandbox.app.services.db() as session:
        imported = set(await session.scalars(select(RosterEntry.member_number)))
    assert imported == {"SH0001", "PD001"}


async def test_other_unions_members_and_strangers_cannot_use_anyones_upload(
    sandbox: Sandbox,
) -> None:
    organiser, sibling = sandbox.user("浦东管理员"), sandbox.user("徐汇管理员")
    await seed_union(sandbox, PEOPLE, organisers={PUDONG: [organiser.id], XUHUI: [sibling.id]})
    pudong = await unit(sandbox, PUDONG)
    async with web(sandbox) as client:
        into_pudong = await check(client, as_user(sandbox, sibling.id), pudong, WHOLE, True)
        assert into_pudong.status_code == 403
        member = await client.get("/app/console/roster", headers=as_user(sandbox, 555))
        assert member.status_code == 403
        preview = await check(client, as_user(sandbox, organiser.id), pudong, WHOLE, True)
        stolen = await client.post(
            "/app/console/roster/import",
            headers=as_user(sandbox, sibling.id),
            data=hidden(preview.text),
        )
        assert "已经导入或已过期" in stolen.text
        unsigned = await client.post("/app/console/roster/import", data=hidden(preview.text))
        assert unsigned.status_code == 401
    assert await left(sandbox) == set()


async def test_a_member_number_on_another_unions_roster_is_said_and_told_above_both(
    sandbox: Sandbox,
) -> None:
    """徐汇 imported 浦东's member first (the first to import a number holds it): 浦东's preview
    promised her as new, its import skipped her, and only the city could settle it, without
    being told (red team). Now the preview says so, and the city's organisers hear of it."""
    pudong_org, xuhui_org, city_org = await organisers_of_three(sandbox)
    pudong, xuhui = await unit_id(sandbox, PUDONG), await unit_id(sandbox, XUHUI)
    row = f"姓名,会员号,工作单位,手机号\n{WOMAN[0]},{WOMAN[1]},{WOMAN[2]},{WOMAN[3]}\n"
    await imports(sandbox, xuhui_org.id, xuhui, row)
    seen = await imports(sandbox, pudong_org.id, pudong, row)
    assert "新增 0" in seen
    assert "文件中有 1 个会员号已在你管辖范围以外的工会名册上" in seen
    told = [t for t in city_org.texts() if "已被跳过" in t]
    assert told == [
        f"{PUDONG}导入名册时，有 1 个会员号已在{XUHUI}的名册上，已被跳过。如果这些人是"
        f"{PUDONG}的会员，请由你把这些行导入{PUDONG}（只有两者的上级工会可以这样做）。"
    ]
    assert WOMAN[0] not in told[0] and WOMAN[1] not in told[0]  # counts, never who
    assert not any("已被跳过" in t for t in xuhui_org.texts())


async def test_the_union_above_is_told_once_however_often_the_same_conflict_is_imported(
    sandbox: Sandbox,
) -> None:
    """The notice's key held the time of the import, so an import run again (the worker's task
    retried after a crash, or the same file tried twice) told the city a second time. Each set
    of conflicting numbers is now told once; a new conflicting number is news."""
    pudong_org, xuhui_org, city_org = await organisers_of_three(sandbox)
    pudong, xuhui = await unit_id(sandbox, PUDONG), await unit_id(sandbox, XUHUI)
    header = "姓名,会员号,工作单位\n"
    hers, his = "王小雨,SH0001,上海申通地铁集团有限公司\n", "李明,SH0002,上海电气\n"

    def told() -> list[str]:
        return [t for t in city_org.texts() if "已被跳过" in t]

    await imports(sandbox, xuhui_org.id, xuhui, header + hers + his)
    await imports(sandbox, pudong_org.id, pudong, header + hers)
    await imports(sandbox, pudong_org.id, pudong, header + hers)
    assert len(told()) == 1 and "有 1 个会员号" in told()[0]
    await imports(sandbox, pudong_org.id, pudong, header + hers + his)
    assert len(told()) == 2 and "有 2 个会员号" in told()[1]
