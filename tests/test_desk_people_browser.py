# ruff: noqa: F811 - served is a fixture imported from the browser tests
"""The desk's units, roles and matchmakers in Debian's Chromium at 360 px, served by uvicorn as
in production (see tests/mini_app_browser.py): appointing a matchmaker by member number,
creating and renaming a unit, a matchmaker skipping a pair shown side by side, and answering a
member's question."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.domain.units import Role
from bot.tools.sandbox import Sandbox
from storage.models import OrgUnit, Proposal, ThreadMessage, UnitRole
from tests.helpers import PUDONG, bind_roster_entries, union_with_members, unit_id
from tests.mini_app_browser import open_mini_app, pytestmark, served

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = ["pytestmark", "served"]

PEOPLE = [("王小雨", "上海电气", "13800000001"), ("李明", "上海地铁", "13800000002")]


def desk(sb: Sandbox, base: str, telegram_id: int) -> AbstractAsyncContextManager[Page]:
    """A 360 px page of the desk, opened from a desk link (no Telegram)."""
    return open_mini_app(
        sb, base, telegram_id, width=360, height=740, telegram=False, wait_for=None
    )


async def fits(page) -> None:  # noqa: ANN001
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360


async def test_an_organiser_appoints_a_matchmaker_by_member_number(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    await bind_roster_entries(sandbox, in_pudong, PEOPLE)
    async with desk(sandbox, served, organiser.id) as page:
        await page.get_by_role("link", name="人员任命").click()
        await page.get_by_label("会员号、手机号或姓名").fill("PD0")
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("button", name="任命王小雨").click()
        await page.get_by_role("status").get_by_text("现在是浦东新区总工会的红娘").wait_for()
        await page.get_by_text("红娘：王小雨").wait_for()
        await fits(page)
        await page.screenshot(path=str(tmp_path / "people-360.png"), full_page=True)
    async with sandbox.app.services.db() as session:
        held = await session.scalar(
            select(UnitRole.role).where(UnitRole.telegram_id == in_pudong[0])
        )
    assert held == Role.MATCHMAKER


async def test_an_organiser_creates_and_renames_a_unit(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, *_ = await union_with_members(sandbox, 1)
    async with desk(sandbox, served, organiser.id) as page:
        await page.get_by_role("link", name="单位", exact=True).click()
        await page.get_by_label("单位名称").fill("上海电气集团工会")
        await page.get_by_role("button", name="新建", exact=True).click()
        await page.get_by_role("status").get_by_text("已保存").wait_for()
        await page.get_by_text("改名或移动").click()
        await page.get_by_label("新名称").fill("上海电气工会")
        await page.get_by_role("button", name="改名", exact=True).click()
        await page.get_by_role("status").get_by_text("已保存").wait_for()
        await page.locator("ul.tree b", has_text="上海电气工会").wait_for()
        await fits(page)
        await page.screenshot(path=str(tmp_path / "units-360.png"), full_page=True)
    async with sandbox.app.services.db() as session:
        parent = await session.scalar(
            select(OrgUnit.parent_id).where(OrgUnit.name == "上海电气工会")
        )
    assert parent == await unit_id(sandbox, PUDONG)


async def matchmaker(sb: Sandbox) -> int:
    hongniang = sb.user("红娘李姐")
    async with sb.app.services.db.begin() as session:
        pudong = await session.scalar(select(OrgUnit.id).where(OrgUnit.name == PUDONG))
        session.add(UnitRole(telegram_id=hongniang.id, unit_id=pudong, role=Role.MATCHMAKER))
    return hongniang.id


async def test_a_matchmaker_sees_pairs_side_by_side_and_skips_one(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    await union_with_members(sandbox, 20)
    hongniang = await matchmaker(sandbox)
    async with desk(sandbox, served, hongniang) as page:
        first = page.get_by_role("article", name="第 1 对")
        await first.wait_for()
        cards = first.locator(".lines")
        left, right = await cards.nth(0).bounding_box(), await cards.nth(1).bounding_box()
        assert left["y"] == right["y"] and left["x"] + left["width"] <= right["x"]
        assert right["x"] + right["width"] <= 360
        assert "岁" in await cards.nth(0).inner_text() and "岁" in await cards.nth(1).inner_text()
        await fits(page)
        await page.screenshot(path=str(tmp_path / "proposals-360.png"), full_page=True)
        await first.get_by_role("button", name="跳过").click()
        await page.get_by_role("status").get_by_text("已跳过").wait_for()
    async with sandbox.app.services.db() as session:
        assert list(await session.scalars(select(Proposal.status))) == ["skipped"]


async def test_a_matchmaker_answers_a_members_question(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    _organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    hongniang = await matchmaker(sandbox)
    await sandbox.app.services.inbox.ask(in_pudong[0], "请问周末的活动还能报名吗？")
    async with desk(sandbox, served, hongniang) as page:
        await page.get_by_role("link", name="咨询").click()
        await page.get_by_text("会员：请问周末的活动还能报名吗？").wait_for()
        await page.get_by_label("你的回复").fill("可以的，周五前报名。")
        await page.get_by_role("button", name="发送回复").click()
        await page.get_by_role("status").get_by_text("已发送").wait_for()
        await page.get_by_text("我们：可以的，周五前报名。").wait_for()
        await fits(page)
        await page.screenshot(path=str(tmp_path / "inbox-360.png"), full_page=True)
    async with sandbox.app.services.db() as session:
        said = await session.scalar(
            select(ThreadMessage.text).where(ThreadMessage.staff_telegram_id == hongniang)
        )
    assert said == "可以的，周五前报名。"
