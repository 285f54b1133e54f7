"""Two lines the red teams' fixes added to the desk, seen in a real browser at 360 px: the roster
preview's warning that rows are on another union's roster, and the groups draft's hint that an
extra group was made to keep two members apart (both tested over HTTP in test_desk_roster.py
and test_event_groups_blocks.py; here, that an organiser on a phone sees them whole)."""

from __future__ import annotations

from pathlib import Path

from bot.tools.sandbox import Sandbox
from storage.models import Block
from tests.helpers import XUHUI, unit_id
from tests.mini_app_browser import open_mini_app, pytestmark, served
from tests.test_desk_groups import member_of
from tests.test_desk_roster import imports, organisers_of_three
from tests.test_event_groups_blocks import arrived, draft

__all__ = ["pytestmark", "served"]


async def fits(page) -> bool:  # noqa: ANN001
    return await page.evaluate("document.documentElement.scrollWidth") <= 360


async def test_the_roster_preview_warns_of_rows_on_another_unions_roster(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    pudong_org, xuhui_org, _city_org = await organisers_of_three(sandbox)
    header, hers = "姓名,会员号,工作单位\n", "王小雨,SH0001,上海申通地铁集团有限公司\n"
    text = header + hers + "李明,SH0002,上海电气\n"
    await imports(sandbox, xuhui_org.id, await unit_id(sandbox, XUHUI), header + hers)  # first
    roster = tmp_path / "浦东名册.csv"
    roster.write_text(text, "utf-8")
    async with open_mini_app(sandbox, served, pudong_org.id, width=360, height=740) as page:
        await page.get_by_role("link", name="名册").click()
        await page.get_by_label("名册文件").set_input_files(str(roster))
        await page.get_by_role("button", name="检查文件").click()
        warning = page.get_by_role("alert").filter(has_text="管辖范围以外")
        await warning.wait_for()
        assert await warning.inner_text() == (
            "文件中有 1 个会员号已在你管辖范围以外的工会名册上：这些行会被跳过，"
            "并通知两者共同上级工会的管理员。"
        )
        assert "王小雨" not in await warning.inner_text() and await fits(page)
        await page.screenshot(path=str(tmp_path / "roster-elsewhere-360.png"), full_page=True)


async def test_the_groups_draft_says_an_extra_group_was_made_and_not_for_whom(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, event_id, _members, base = await arrived(sandbox, 5)
    first = await draft(sandbox, organiser, base)
    she, he = int(member_of(first, 1)), int(member_of(first, 2))
    async with sandbox.app.services.db.begin() as session:  # she blocked him
        session.add(Block(blocker_id=she, blocked_id=he, created_at=sandbox.clock.now()))
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        async with page.expect_response(lambda answer: answer.url.endswith("/groups")):
            await page.evaluate(f"htmx.ajax('GET', '/app/console/events/{event_id}', '#desk')")
        await page.get_by_role("button", name="6 人一组").click()
        hint = page.locator("#groups p.hint", has_text="不能同组")
        await hint.wait_for()
        assert await hint.inner_text() == "为了让不能同组的会员分开，比按人数多分了 1 组。"
        groups = page.locator("#groups section.group")
        assert await groups.count() == 2  # five people, groups of six: one more to keep apart
        assert await fits(page)
        await page.screenshot(path=str(tmp_path / "groups-extra-360.png"), full_page=True)


async def test_every_desk_tab_can_be_seen_on_a_360_px_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """The tab row wraps: scrolling sideways, it hid 人员任命, 审核, 举报 and 审计日志 at 360 px
    with nothing to say they were there (an organiser's first week)."""
    _pudong_org, _xuhui_org, city_org = await organisers_of_three(sandbox)
    async with open_mini_app(sandbox, served, city_org.id, width=360, height=740) as page:
        tabs = page.locator("nav.tabs a")
        names = await tabs.all_inner_texts()
        edges = await tabs.evaluate_all("tabs => tabs.map(t => t.getBoundingClientRect().right)")
        await page.screenshot(path=str(tmp_path / "desk-tabs-360.png"))
    assert {"审核", "举报", "审计日志"} <= set(names)
    assert max(edges) <= 360, dict(zip(names, edges, strict=True))


async def test_back_and_reload_follow_the_address(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """Back changed the address but never the screen, and a reload always opened 概览 (an
    organiser's week): now Back opens the tab it goes back to, and a reload the tab the
    address names."""
    pudong_org, _xuhui_org, _city_org = await organisers_of_three(sandbox)
    async with open_mini_app(sandbox, served, pudong_org.id, width=360, height=740) as page:
        await page.get_by_role("link", name="群发", exact=True).click()
        await page.get_by_label("消息内容").wait_for()
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.wait_for_function("location.hash === '#events'")
        await page.get_by_label("消息内容").wait_for(state="detached")
        await page.go_back()
        await page.get_by_label("消息内容").wait_for()
        current = page.locator("nav.tabs a[aria-current=page]")
        await current.get_by_text("群发").wait_for()
        await page.go_back()
        await page.locator("#desk .figure").first.wait_for()  # 概览
        await page.go_forward()
        await page.get_by_label("消息内容").wait_for()
        await page.reload()
        await page.get_by_label("消息内容").wait_for()
        await current.get_by_text("群发").wait_for()
