"""The Mini Apps in a real browser (see tests/mini_app_browser.py): an organiser opens the desk
from Telegram and from a desk link, and uploads a roster."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.tools.sandbox import Sandbox
from bot.web.links import desk_link
from storage.models import RosterEntry
from tests.helpers import PUDONG, seed_union, union_with_members
from tests.mini_app_browser import open_mini_app, pytestmark, served

__all__ = ["pytestmark", "served"]


async def test_an_organiser_opens_the_desk_from_telegram_and_from_a_desk_link(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, _pudong, _xuhui = await union_with_members(sandbox, 5, 2)
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        await page.get_by_role("heading", name="老张，你好").wait_for()
        overview = page.locator("#desk")
        await overview.get_by_text("注册").first.wait_for()
        assert "5" in await overview.locator(".figure", has_text="注册").first.inner_text()
        await overview.locator("table.months").wait_for()  # the year loads after
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "console-360.png"), full_page=True)

        # On a desk: no Telegram at all, the signed data in the link's fragment.
        browser = page.context.browser
        desk = await browser.new_page(viewport={"width": 1280, "height": 800})
        await desk.route("https://telegram.org/**", lambda route: route.abort())
        link = desk_link(sandbox.settings, organiser.id, sandbox.clock.now(), base=served)
        await desk.goto(link)
        await desk.locator("#desk").get_by_text("注册").first.wait_for()
        await desk.locator("#desk table.months").wait_for()
        # A desk screen: the twelve months and the units fit, no link breaks into lines.
        assert await desk.evaluate(
            "[...document.querySelectorAll('#desk .scroll')]"
            ".every(s => s.scrollWidth <= s.clientWidth)"
        )
        assert await desk.evaluate(
            "[...document.querySelectorAll('#desk td a')]"
            ".every(a => a.getClientRects().length === 1)"
        )

        # A link with its signature broken shows why, and no figures.
        broken = await browser.new_page()
        await broken.route("https://telegram.org/**", lambda route: route.abort())
        await broken.goto(link.replace("hash%3D", "hash%3D0"))
        await broken.get_by_role("alert").get_by_text("请从 Telegram 中打开").wait_for()
        assert await broken.locator(".figure").count() == 0


async def test_an_organiser_uploads_a_roster_and_confirms_a_replacement(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser = sandbox.user("浦东管理员")
    people = [
        ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001"),
        ("李明", "SH0002", "上海电气", "13800000002"),
    ]
    await seed_union(sandbox, people, organisers={PUDONG: [organiser.id]})
    roster = tmp_path / "浦东名册.csv"
    roster.write_text("姓名,会员号,工作单位\n王小雨,SH0001,上海申通地铁集团有限公司\n", "utf-8")
    async with open_mini_app(
        sandbox, served, organiser.id, width=360, height=740, telegram=False, wait_for=None
    ) as page:
        await page.get_by_role("link", name="名册").click()  # before the overview has come
        await page.get_by_label("名册文件").set_input_files(str(roster))
        await page.get_by_label("这是该工会的完整名册").check()
        await page.get_by_role("button", name="检查文件").click()
        warning = page.get_by_role("alert")
        await warning.get_by_text("将标记离会 1 人").wait_for()
        await page.screenshot(path=str(tmp_path / "roster-replace-360.png"), full_page=True)
        await page.get_by_role("button", name="确认替换：标记 1 人离会").click()
        await page.get_by_role("status").get_by_text("已标记为离会：1 人").wait_for()
    async with sandbox.app.services.db() as session:
        gone = await session.scalar(
            select(RosterEntry.member_number).where(RosterEntry.left_at.is_not(None))
        )
    assert gone == "SH0002"
