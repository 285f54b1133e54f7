"""The desk's Events tab: the organiser's events with their figures, registrants with their
verified identity (every look audited), the sign-in sheet (the chat's very workbook, and a page
to print), and check-in at the door by badge number — each refused to anyone else."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from bot.domain.events import Capacity
from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import AuditEntry, Registration
from tests.helpers import TITLE, bind_roster_entries, publish, union_with_members
from tests.test_miniapp import as_user, web
from tests.test_miniapp_browser import CHROMIUM, CHROMIUM_ARGS, served, telegram_stub

__all__ = ["served"]  # the browser test's fixture
PEOPLE = [("张伟", "上海地铁", "13800138001"), ("李娜", "上海电气", "13800138002")]


async def event_with_registrants(sb: Sandbox) -> tuple:
    """浦东's event with two places: badges 1 and 2 hold them (names from the roster), badge 3
    waits. Returns the organisers of 浦东 and 徐汇, the event and the three members."""
    organiser, sibling, in_pudong, _ = await union_with_members(sb, 4)
    event_id = await publish(sb, organiser, capacity=Capacity(2))
    for telegram_id in in_pudong[:3]:
        member = sb.user(f"会员{telegram_id % 1000}", user_id=telegram_id)
        await member.send(f"/start event_{event_id}")
        await member.press("报名")
    await bind_roster_entries(sb, in_pudong, PEOPLE)
    return organiser, sibling, event_id, in_pudong[:3]


async def looks(sb: Sandbox) -> list[tuple]:
    async with sb.app.services.db() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["event_sheet", "event_check_in"]))
        )
        return [(e.actor_telegram_id, e.action) for e in rows]


async def checked_in(sb: Sandbox, event_id: int) -> list[int]:
    async with sb.app.services.db() as session:
        badges = await session.scalars(
            select(Registration.badge).where(
                Registration.event_id == event_id, Registration.checked_in_at.is_not(None)
            )
        )
        return sorted(badges)


async def test_the_tab_lists_the_event_and_the_detail_shows_who_is_coming(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, event_id, _members = await event_with_registrants(sandbox)
    async with web(sandbox) as client:
        home = await client.get("/app/home", headers=as_user(sandbox, organiser.id))
        listing = await client.get("/app/console/events", headers=as_user(sandbox, organiser.id))
        detail = await client.get(
            f"/app/console/events/{event_id}", headers=as_user(sandbox, organiser.id)
        )
    assert "/app/console/events" in home.text and ">活动<" in home.text
    assert TITLE in listing.text and "已报名 2 · 候补 1 · 已签到 0" in listing.text
    assert "签到码：" in listing.text and "张伟" not in listing.text  # names only inside
    for shown in ("张伟", "上海地铁", "13800138001", "李娜", "候补", "现场签到"):
        assert shown in detail.text, shown
    # Seeing real names and phones is an act the audit log keeps.
    assert await looks(sandbox) == [(organiser.id, "event_sheet")]


async def test_anyone_else_is_refused_and_nothing_is_written(sandbox: Sandbox) -> None:
    organiser, sibling, event_id, members = await event_with_registrants(sandbox)
    base = f"/app/console/events/{event_id}"
    expired = as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sandbox, organiser.id)[INIT_DATA_HEADER] + "0"}
    async with web(sandbox) as client:
        for headers in ({}, expired, forged):
            for path in ("/app/console/events", base, base + "/sign-in.xlsx"):
                answer = await client.get(path, headers=headers)
                assert answer.status_code == 401 and "张伟" not in answer.text, path
            door = await client.post(base + "/check-in", data={"badge": "1"}, headers=headers)
            assert door.status_code == 401
        for someone in (sibling.id, members[0]):  # 徐汇's organiser; a member of the event
            headers = as_user(sandbox, someone)
            for path in (base, base + "/sign-in", base + "/sign-in.xlsx"):
                answer = await client.get(path, headers=headers)
                assert answer.status_code == 403 and "张伟" not in answer.text, path
            for badge in ("1", "abc"):
                door = await client.post(base + "/check-in", data={"badge": badge}, headers=headers)
                assert door.status_code == 403 and "签到" not in door.text
        member_tab = await client.get("/app/console/events", headers=as_user(sandbox, members[0]))
        sibling_tab = await client.get("/app/console/events", headers=as_user(sandbox, sibling.id))
    assert member_tab.status_code == 403
    assert sibling_tab.status_code == 200 and TITLE not in sibling_tab.text
    assert await checked_in(sandbox, event_id) == []
    assert await looks(sandbox) == []


async def test_the_door_checks_in_by_badge_and_says_what_happened(sandbox: Sandbox) -> None:
    organiser, _sibling, event_id, _members = await event_with_registrants(sandbox)
    door_of = f"/app/console/events/{event_id}/check-in"
    said = []
    async with web(sandbox) as client:
        # Three days ahead: the door opens three hours before the start, as for members.
        early = await client.post(
            door_of, data={"badge": "1"}, headers=as_user(sandbox, organiser.id)
        )
        assert "签到将于 2026-" in early.text and await checked_in(sandbox, event_id) == []
        sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
        headers = as_user(sandbox, organiser.id)
        for typed in ("１", "#1", "3", "9", "一号", "", "99999999999999999999"):
            door = await client.post(door_of, data={"badge": typed}, headers=headers)
            assert door.status_code == 200
            said.append(door.text.split(">")[1].split("<")[0])
    nickname = said[0].removeprefix("已签到：#1 ")
    assert said == [
        f"已签到：#1 {nickname}",
        f"#1 {nickname} 此前已签到",
        said[2],
        "本场活动没有 #9 号",
        *["请输入号码牌上的数字，例如 12。"] * 3,
    ]
    assert said[2].startswith("#3 ") and said[2].endswith("没有名额（候补中或已取消报名），未签到")
    assert await checked_in(sandbox, event_id) == [1]
    assert await looks(sandbox) == [(organiser.id, "event_check_in")]
    await sandbox.app.services.events.organising.cancel(organiser.id, event_id)
    async with web(sandbox) as client:
        door = await client.post(door_of, data={"badge": "2"}, headers=headers)
    assert "本场活动已取消" in door.text and await checked_in(sandbox, event_id) == [1]


async def test_the_desk_and_the_chat_make_the_same_sign_in_sheet(sandbox: Sandbox) -> None:
    organiser, _sibling, event_id, _members = await event_with_registrants(sandbox)
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("签到名单")
    document = organiser.bot_messages()[-1]
    assert document.kind == "document"
    chats = load_workbook(io.BytesIO(sandbox.api.files[document.file_id][1]))
    base = f"/app/console/events/{event_id}/sign-in"
    async with web(sandbox) as client:
        download = await client.get(base + ".xlsx", headers=as_user(sandbox, organiser.id))
        printed = await client.get(base, headers=as_user(sandbox, organiser.id))
    assert download.headers["content-disposition"].endswith(f'"event-{event_id}-sign-in.xlsx"')
    desks = load_workbook(io.BytesIO(download.content))
    assert desks.sheetnames == chats.sheetnames == ["签到表"]
    values = list(desks.active.iter_rows(values_only=True))
    assert values == list(chats.active.iter_rows(values_only=True))
    assert (
        "序号",
        "号码牌",
        "姓名",
        "单位",
        "电话",
        "昵称",
        "性别",
        "状态",
        "已签到",
        "签名",
    ) in values
    # The page to print: title, time, venue, and 序号/姓名/单位/电话/签名 only.
    assert f"“{TITLE}”签到表" in printed.text and "浦东滨江大道 1 号" in printed.text
    heads = [h.split("</th>")[0] for h in printed.text.split("<th>")[1:]]
    assert heads == ["序号", "姓名", "单位", "电话", "签名"]
    assert "13800138002" in printed.text and "@media print" in printed.text
    assert [actor for actor, _action in await looks(sandbox)] == [organiser.id] * 3


async def test_an_organiser_checks_a_member_in_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    from bot.tools.sandbox import SANDBOX_TOKEN
    from bot.web.initdata import sign

    organiser, _sibling, event_id, _members = await event_with_registrants(sandbox)
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))  # the door is open
    user = {"id": organiser.id, "first_name": "老张", "language_code": "zh-hans"}
    init_data = sign(user, SANDBOX_TOKEN, sandbox.clock.now())
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 360, "height": 740})
            await page.route(
                "https://telegram.org/**",
                lambda route: route.fulfill(
                    content_type="application/javascript", body=telegram_stub(init_data)
                ),
            )
            await page.goto(f"{served}/app/")
            # The overview loads first; the tab pressed before it arrives would be replaced.
            await page.locator("#desk .figure").first.wait_for()
            await page.get_by_role("link", name="活动", exact=True).click()
            await page.get_by_role("link", name=TITLE).click()
            row = page.locator("#badge-2")
            await row.get_by_text("李娜").wait_for()
            assert "✓" not in await row.inner_text()
            await page.get_by_label("现场签到：输入号码牌").fill("2")
            await page.get_by_role("button", name="签到", exact=True).click()
            await page.locator("#door").get_by_text("已签到：#2").wait_for()
            await row.get_by_text("✓").wait_for()
            assert await page.evaluate("document.documentElement.scrollWidth") <= 360
            await page.screenshot(path=str(tmp_path / "events-door-360.png"), full_page=True)
            # Printed, the sheet stands alone: no tabs, no greeting, no print button.
            await page.get_by_role("link", name="打印签到表").click()
            await page.get_by_role("heading", name=f"“{TITLE}”签到表").wait_for()
            await page.emulate_media(media="print")
            assert await page.locator("nav.tabs").is_hidden()
            assert await page.get_by_role("button", name="打印").is_hidden()
            assert await page.locator(".sign-in tbody tr").count() == 3
            await page.screenshot(path=str(tmp_path / "sign-in-print.png"), full_page=True)
        finally:
            await browser.close()
    assert await checked_in(sandbox, event_id) == [2]
