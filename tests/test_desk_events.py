"""The desk's Events tab: the organiser's events with their figures, registrants with their
verified identity (every look audited), the sign-in sheet (the chat's very workbook, and a page
to print), and check-in at the door by badge number — each refused to anyone else."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image
from playwright.async_api import Dialog
from sqlalchemy import select

from bot.common.qr import qr_png as qr_image
from bot.domain.buttons import CancelEventConfirmed
from bot.domain.check_in_pass import pass_code, pass_key
from bot.domain.events import Capacity, Conditions
from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import AuditEntry, Event, Registration
from tests.helpers import (
    PUDONG,
    TITLE,
    bind_roster_entries,
    publish,
    seed_union,
    union_with_members,
    unit_id,
)
from tests.mini_app_browser import open_mini_app, served
from tests.test_miniapp import as_user, web

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


async def test_the_event_page_says_what_members_were_told_and_how_to_share_it(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, event_id, members = await event_with_registrants(sandbox)
    base = f"/app/console/events/{event_id}"
    async with web(sandbox) as client:
        detail = await client.get(base, headers=as_user(sandbox, organiser.id))
        poster = await client.get(base + "/poster.png", headers=as_user(sandbox, organiser.id))
        refused = [
            (await client.get(base + "/poster.png", headers=headers)).status_code
            for headers in ({}, as_user(sandbox, sibling.id), as_user(sandbox, members[0]))
        ]
    tz = sandbox.settings.tz
    start = (sandbox.clock.now() + timedelta(days=3)).astimezone(tz)
    deadline = (sandbox.clock.now() + timedelta(days=2)).astimezone(tz)
    facts = [
        f"<dt>时间</dt><dd>{start:%Y-%m-%d %H:%M}–{start + timedelta(hours=3):%H:%M}</dd>",
        "<dt>地点</dt><dd>浦东滨江大道 1 号</dd>",
        "<dt>名额</dt><dd>2 · 已满</dd>",  # two places, both held (badge 3 waits)
        "<dt>谁可以报名</dt><dd>不限</dd>",
        f"<dt>报名截止</dt><dd>{deadline:%Y-%m-%d %H:%M}</dd>",
    ]
    for fact in facts:
        assert fact in detail.text, fact
    link = f"https://t.me/{sandbox.bot_username}?start=event_{event_id}"
    assert f'value="{link}"' in detail.text and "复制链接" in detail.text
    # The poster is the chat's: the sign-up link's QR code on a printable page.
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(poster.content))
    assert image.size == (1080, 1500)
    assert refused == [401, 403, 403]
    # Who may sign up, as the event's card tells members; places as set, by gender too.
    narrow = await publish(
        sandbox,
        organiser,
        venue=None,
        capacity=Capacity(40, 20, 20),
        conditions=Conditions(25, 35, industries=("finance",), districts=("浦东新区", "徐汇区")),
    )
    async with web(sandbox) as client:
        page = await client.get(
            f"/app/console/events/{narrow}", headers=as_user(sandbox, organiser.id)
        )
    for fact in (
        "<dt>地点</dt><dd>线上</dd>",
        "<dt>名额</dt><dd>40（男 20，女 20） · 还剩 40 个</dd>",
        "<dt>谁可以报名</dt><dd>25–35 岁 · 徐汇区、浦东新区 · 金融</dd>",
    ):
        assert fact in page.text, fact


async def test_cancelling_from_the_event_page_tells_everyone_once(sandbox: Sandbox) -> None:
    organiser, sibling, event_id, members = await event_with_registrants(sandbox)
    cancel = f"/app/console/events/{event_id}/cancel"
    async with web(sandbox) as client:
        for someone in (sibling.id, members[0]):  # 徐汇's organiser; a member of the event
            answer = await client.post(cancel, headers=as_user(sandbox, someone))
            assert answer.status_code == 403
        assert (await stored_events(sandbox))[0].status == "published"
        done = await client.post(cancel, headers=as_user(sandbox, organiser.id))
        again = await client.post(cancel, headers=as_user(sandbox, organiser.id))
    await sandbox.settle()
    assert "活动已取消，正在通知 3 位会员。" in done.text
    assert "已取消" in done.text and "取消活动" not in done.text and "复制链接" not in done.text
    assert "本活动已取消。" in again.text
    for telegram_id in members:  # two with a place, one waiting: each told once
        member = sandbox.user("会员", user_id=telegram_id)
        assert sum("已取消" in t and TITLE in t for t in member.texts()) == 1


async def test_an_event_that_has_begun_is_not_cancelled_and_nobody_is_told(
    sandbox: Sandbox,
) -> None:
    """Two days after it, the page still offered 取消活动, and everyone who came was told
    the event was cancelled."""
    organiser, _sibling, event_id, members = await event_with_registrants(sandbox)
    sandbox.clock.advance(timedelta(days=3, minutes=1))  # it began a minute ago
    async with web(sandbox) as client:
        page = await client.get(
            f"/app/console/events/{event_id}", headers=as_user(sandbox, organiser.id)
        )
        forced = await client.post(
            f"/app/console/events/{event_id}/cancel", headers=as_user(sandbox, organiser.id)
        )
    await sandbox.settle()
    assert "取消活动" not in page.text and "hx-post" in page.text  # the door is still there
    assert "活动已经开始，不能再取消。" in forced.text
    assert (await stored_events(sandbox))[0].status == "published"
    for telegram_id in members:
        assert not any("已取消" in t for t in sandbox.user("会员", user_id=telegram_id).texts())
    # Nor from the chat: no button, and a press kept from before is refused.
    await organiser.send("/events")
    await organiser.press(TITLE)
    assert "取消活动" not in organiser.buttons()
    await organiser.forge_press(CancelEventConfirmed(event_id).encode())
    assert organiser.last_alert() == "活动已经开始，不能再取消。"
    assert (await stored_events(sandbox))[0].status == "published"


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
    organiser, _sibling, event_id, _members = await event_with_registrants(sandbox)
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))  # the door is open
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.get_by_role("link", name=TITLE).click()
        row = page.locator("#badge-2")
        await row.get_by_text("李娜").wait_for()
        assert "✓" not in await row.inner_text()
        funnel = page.locator("#funnel")
        assert (await funnel.inner_text()).endswith("已签到 0")
        await page.get_by_label("现场签到：输入号码牌").fill("2")
        await page.get_by_role("button", name="签到", exact=True).click()
        await page.locator("#door").get_by_text("已签到：#2").wait_for()
        await row.get_by_text("✓").wait_for()
        # The figures above move with the door (they stayed at 0 until the page was reopened).
        await funnel.get_by_text("已签到 1").wait_for()
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
    assert await checked_in(sandbox, event_id) == [2]


async def test_an_organiser_shares_then_cancels_an_event_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, event_id, members = await event_with_registrants(sandbox)
    linked = "周六联谊 详情见 https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv"
    await publish(sandbox, organiser, title=linked)
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        await page.get_by_role("link", name="活动", exact=True).click()
        # A title with a link in it made the list and its page 525–583 px wide.
        await page.get_by_role("link", name=linked).click()
        await page.get_by_role("heading", name=linked).wait_for()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.get_by_role("link", name="← 全部活动").click()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.get_by_role("link", name=TITLE).click()
        await page.get_by_text("2 · 已满").wait_for()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        copy = page.get_by_role("button", name="复制链接")
        await copy.click()
        await page.get_by_role("button", name="已复制").click()  # pressed again at once
        # Its label comes back (a second press kept "已复制" for good).
        await page.get_by_role("button", name="复制链接").wait_for(timeout=4000)
        link = await page.get_by_label("报名链接").input_value()
        assert link.endswith(f"?start=event_{event_id}")
        await page.screenshot(path=str(tmp_path / "event-360.png"), full_page=True)
        asked: list[str] = []

        async def answer(dialog: Dialog) -> None:
            asked.append(dialog.message)
            await (dialog.dismiss() if len(asked) == 1 else dialog.accept())

        page.on("dialog", answer)
        cancel = page.get_by_role("button", name="取消活动")
        await cancel.click()  # thought better of it: nothing happens
        await page.wait_for_timeout(300)
        assert (await stored_events(sandbox))[0].status == "published"
        await cancel.click()
        await page.get_by_text("活动已取消，正在通知 3 位会员。").wait_for()
    confirm = f"确定取消“{TITLE}”吗？已报名和候补的 3 位会员会马上收到通知，取消后无法恢复。"
    assert asked == [confirm, confirm]
    assert [event.status for event in await stored_events(sandbox)] == ["cancelled", "published"]
    await sandbox.settle()
    for telegram_id in members:
        member = sandbox.user("会员", user_id=telegram_id)
        assert sum("已取消" in t and TITLE in t for t in member.texts()) == 1


# The event form and the door's scanner


def form_for(sb: Sandbox, unit: int, **changes: str) -> dict[str, str]:
    """A filled-in new-event form, starting three days from the sandbox's now (local time)."""
    start = (sb.clock.now() + timedelta(days=3)).astimezone(sb.settings.tz)
    fields = {
        "unit": str(unit),
        "title": "周末读书会",
        "description": "一起读《围城》，带上你喜欢的一段。",
        "start_date": f"{start:%Y-%m-%d}",
        "start_time": "14:00",
        "end_date": "",
        "end_time": "16:30",
        "venue": "浦东图书馆三楼",
        "places": "40",
        "men": "20",
        "women": "20",
        "age_min": "25",
        "age_max": "35",
        "deadline_date": "",
        "deadline_time": "",
        "announce": "now",
    }
    return {**fields, **changes}


async def stored_events(sb: Sandbox) -> list[Event]:
    async with sb.app.services.db() as session:
        return list((await session.scalars(select(Event).order_by(Event.id))).all())


async def test_an_organiser_publishes_an_event_from_the_form(sandbox: Sandbox) -> None:
    organiser, _sibling, _pudong, _xuhui = await union_with_members(sandbox, 2)
    pudong = await unit_id(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    fields = form_for(sandbox, pudong)
    async with web(sandbox) as client:
        empty = await client.get("/app/console/events/new", headers=headers)
        made = await client.post(
            "/app/console/events/new",
            data={**fields, "districts": ["浦东新区", "徐汇区"], "industries": ["finance"]},
            headers=headers,
        )
    assert empty.status_code == 200 and 'type="date"' in empty.text and 'type="time"' in empty.text
    assert "浦东新区" in empty.text and PUDONG in empty.text  # district choices, the union
    [event] = await stored_events(sandbox)
    assert made.status_code == 200 and f"已发布为活动 #{event.id}" in made.text
    assert "周末读书会" in made.text  # the list, with the new event in it
    tz = sandbox.settings.tz
    start = event.starts_at.astimezone(tz)
    assert (f"{start:%H:%M}", f"{event.ends_at.astimezone(tz):%Y-%m-%d %H:%M}") == (
        "14:00",
        f"{start:%Y-%m-%d} 16:30",  # an end without a date: the start's day
    )
    assert (event.capacity, event.capacity_male, event.capacity_female) == (40, 20, 20)
    assert event.conditions == {
        "age_min": 25,
        "age_max": 35,
        "industries": ["finance"],
        "districts": ["浦东新区", "徐汇区"],
    }
    assert event.signup_deadline == event.starts_at - timedelta(days=1)
    assert event.venue == "浦东图书馆三楼" and event.unit_id == pudong


async def test_the_form_says_what_is_wrong_and_publishes_nothing(sandbox: Sandbox) -> None:
    organiser, *_ = await union_with_members(sandbox, 1)
    pudong = await unit_id(sandbox, PUDONG)
    yesterday = (sandbox.clock.now() - timedelta(days=1)).astimezone(sandbox.settings.tz)
    start_day = form_for(sandbox, pudong)["start_date"]
    wrong = [
        ({"start_date": f"{yesterday:%Y-%m-%d}"}, f"{yesterday:%Y-%m-%d} 14:00 已经过去"),
        ({"places": "四十"}, "名额请填整数"),
        ({"places": "abc", "men": "", "women": ""}, "名额请填整数"),
        ({"places": "40", "men": "10", "women": "10"}, "男女名额"),
        ({"men": "二十"}, "男女名额"),
        ({"age_min": "16"}, "年龄请填 18 到 80"),
        ({"age_max": "90"}, "年龄请填 18 到 80"),
        ({"age_min": "abc"}, "年龄请填 18 到 80"),
        ({"end_date": start_day, "end_time": "13:00"}, "结束时间必须晚于开始时间"),
        # 12:00 typed for 17:00, the end's date left empty: not published as a 22-hour event.
        ({"end_date": "", "end_time": "12:00"}, "请同时选择结束日期"),
        ({"deadline_date": start_day, "deadline_time": "15:00"}, "报名必须在活动开始前截止"),
        (
            {"announce": "later", "announce_date": start_day, "announce_time": "12:00"},
            "通知时间必须早于报名截止时间",
        ),
        ({"start_time": ""}, "请选择日期和时间"),
        ({"title": "   "}, "请填写活动名称。"),
        ({"description": "\n  \n"}, "请写一写这是什么活动。"),
        ({"title": "读" * 101}, "100"),
    ]
    async with web(sandbox) as client:
        for changes, said in wrong:
            answer = await client.post(
                "/app/console/events/new",
                data=form_for(sandbox, pudong, **changes),
                headers=as_user(sandbox, organiser.id),
            )
            assert answer.status_code == 200 and said in answer.text, (changes, answer.text)
            assert "请修改下面标出的内容" in answer.text
        forged = await client.post(
            "/app/console/events/new",
            data={**form_for(sandbox, pudong), "districts": ["atlantis"]},
            headers=as_user(sandbox, organiser.id),
        )
    assert "请从列表中选择" in forged.text
    assert await stored_events(sandbox) == []


async def test_only_an_organiser_of_the_union_publishes_or_changes_its_events(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, event_id, members = await event_with_registrants(sandbox)
    matchmaker = sandbox.user("红娘小李")
    await seed_union(sandbox, [], matchmakers={PUDONG: [matchmaker.id]})
    pudong = await unit_id(sandbox, PUDONG)
    fields = form_for(sandbox, pudong)
    edit = f"/app/console/events/{event_id}/edit"
    expired = as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sandbox, organiser.id)[INIT_DATA_HEADER] + "0"}
    async with web(sandbox) as client:
        for headers in ({}, expired, forged):
            for path in ("/app/console/events/new", edit):
                assert (await client.get(path, headers=headers)).status_code == 401
                answer = await client.post(path, data=fields, headers=headers)
                assert answer.status_code == 401
        for someone in (matchmaker.id, members[0]):
            headers = as_user(sandbox, someone)
            assert (await client.get("/app/console/events/new", headers=headers)).status_code == 403
            made = await client.post("/app/console/events/new", data=fields, headers=headers)
            assert made.status_code == 403
        # 徐汇's organiser, naming 浦东 as the organising union, or changing 浦东's event.
        headers = as_user(sandbox, sibling.id)
        made = await client.post("/app/console/events/new", data=fields, headers=headers)
        assert made.status_code == 403
        assert (await client.get(edit, headers=headers)).status_code == 403
        changed = await client.post(edit, data={**fields, "title": "改了"}, headers=headers)
        assert changed.status_code == 403
    assert [e.title for e in await stored_events(sandbox)] == [TITLE]


async def test_an_organiser_changes_an_event_in_the_form(sandbox: Sandbox) -> None:
    organiser, _sibling, event_id, members = await event_with_registrants(sandbox)
    edit = f"/app/console/events/{event_id}/edit"
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        shown = await client.get(edit, headers=headers)
        fields = {
            name: shown.text.split(f'name="{name}" ')[1].split('value="')[1].split('"')[0]
            for name in ("title", "start_date", "start_time", "venue", "places")
        }
        fields["description"] = "滨江步道十公里，终点有茶歇。"
        assert fields["places"] == "2" and fields["title"] == TITLE
        past = await client.post(edit, data={**fields, "start_date": "2020-01-01"}, headers=headers)
        assert "2020-01-01 " in past.text and "已经过去" in past.text
        saved = await client.post(
            edit,
            data={**fields, "title": "滨江夜跑联谊", "places": "3", "start_time": "19:00"},
            headers=headers,
        )
    assert saved.status_code == 200 and "已保存" in saved.text and "滨江夜跑联谊" in saved.text
    [event] = await stored_events(sandbox)
    assert event.title == "滨江夜跑联谊" and event.capacity == 3
    assert f"{event.starts_at.astimezone(sandbox.settings.tz):%H:%M}" == "19:00"
    await sandbox.settle()
    # The waiting member moved up into the new place; everyone registered heard of the move.
    assert await checked_in(sandbox, event_id) == []
    async with sandbox.app.services.db() as session:
        statuses = await session.scalars(
            select(Registration.status).where(Registration.event_id == event_id)
        )
        assert sorted(statuses) == ["registered"] * 3
    assert any("19:00" in (e.text or "") for e in sandbox.api.chats[members[2]] if e.from_bot)


async def test_the_door_scans_a_members_personal_code(sandbox: Sandbox) -> None:
    organiser, sibling, event_id, members = await event_with_registrants(sandbox)
    other_event = await publish(sandbox, organiser, title="周末读书会")  # another event
    passes = sandbox.app.services.events.passes
    [mine] = await passes.mine(members[0])
    assert mine.event.id == event_id and mine.badge == 1
    assert str(members[0]) not in mine.code  # not the Telegram id
    assert await passes.mine(members[2]) == []  # on the waitlist: no place, no code
    async with sandbox.app.services.db.begin() as session:
        registration = await session.scalar(
            select(Registration).where(Registration.event_id == event_id, Registration.badge == 1)
        )
        member_id = registration.member_id
    key = pass_key(SANDBOX_TOKEN)
    forged_mac = mine.code[:-4] + ("AAAA" if not mine.code.endswith("AAAA") else "BBBB")
    scan = f"/app/console/events/{event_id}/scan"
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    said = []
    async with web(sandbox) as client:
        headers = as_user(sandbox, organiser.id)
        for code in (
            mine.code,
            mine.code,
            forged_mac,
            pass_code(key, event_id, member_id + 1000),  # a true code of someone not signed up
            pass_code(key, other_event, member_id),  # the member's code for another event
            pass_code(pass_key("999:another-bot"), event_id, member_id),
            str(members[1]),  # a Telegram id, as an attacker might try
            "https://t.me/somebot?start=event_1",
        ):
            answer = await client.post(scan, data={"code": code}, headers=headers)
            assert answer.status_code == 200
            said.append(answer.text.split(">")[1].split("<")[0])
        refused = await client.post(
            scan, data={"code": mine.code}, headers=as_user(sandbox, sibling.id)
        )
        assert refused.status_code == 403
        for headers in (
            {},
            as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2)),
        ):
            answer = await client.post(scan, data={"code": mine.code}, headers=headers)
            assert answer.status_code == 401
    nickname = said[0].removeprefix("已签到：#1 ")
    not_ours = "这不是会会的签到码，或已被改动：未签到任何人"
    assert said == [
        f"已签到：#1 {nickname}",
        f"#1 {nickname} 此前已签到",
        not_ours,
        "此会员没有报名本场活动：未签到",
        "这是该会员另一场活动的签到码：未签到任何人",
        not_ours,
        not_ours,
        not_ours,
    ]
    assert await checked_in(sandbox, event_id) == [1]


async def test_an_organiser_publishes_an_event_and_scans_members_in_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, event_id, members = await event_with_registrants(sandbox)
    [member_pass] = await sandbox.app.services.events.passes.mine(members[0])
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))  # the door is open
    tomorrow = (sandbox.clock.now() + timedelta(days=1)).astimezone(sandbox.settings.tz)
    # Telegram's scanner popup, as far as the page uses it: it "reads" the member's code.
    scanner = (
        "window.Telegram.WebApp.showScanQrPopup = (params, callback) => {"
        " window.scanPrompt = params.text;"
        f" setTimeout(() => callback({json.dumps(member_pass.code)}), 50); }};"
    )
    async with open_mini_app(
        sandbox, served, organiser.id, width=360, height=740, script=scanner
    ) as page:
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.get_by_role("link", name="新建活动").click()
        await page.get_by_label("活动名称").fill("周末读书会")
        await page.get_by_label("活动介绍（给会员看）").fill("一起读《围城》。")
        await page.get_by_label("开始", exact=True).fill(f"{tomorrow:%Y-%m-%d}")
        await page.get_by_label("开始时间").fill("14:00")
        await page.get_by_label("结束", exact=True).fill("16:30")
        await page.get_by_label("地点").fill("浦东图书馆三楼")
        await page.get_by_label("总名额").fill("四十")  # not a number: said, nothing made
        await page.get_by_role("button", name="发布").click()
        await page.get_by_text("名额请填整数").wait_for()
        await page.screenshot(path=str(tmp_path / "event-form-360.png"), full_page=True)
        await page.get_by_label("总名额").fill("40")
        await page.get_by_role("button", name="发布").click()
        await page.get_by_text("已发布为活动").wait_for()
        await page.get_by_role("link", name="周末读书会").wait_for()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360

        # At the door of the first event: scan badge 1's code, then type badge 2.
        await page.get_by_role("link", name=TITLE).click()
        await page.get_by_role("button", name="扫码签到").click()
        await page.locator("#door").get_by_text("已签到：#1").wait_for()
        await page.locator("#badge-1").get_by_text("✓").wait_for()
        assert await page.evaluate("window.scanPrompt") == "扫描会员的签到二维码"
        await page.get_by_label("现场签到：输入号码牌").fill("2")
        await page.get_by_role("button", name="签到", exact=True).click()
        await page.locator("#door").get_by_text("已签到：#2").wait_for()
        await page.get_by_role("button", name="扫码签到").click()  # the same code again
        await page.locator("#door strong", has_text="此前已签到").wait_for()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "event-scan-360.png"), full_page=True)
    assert await checked_in(sandbox, event_id) == [1, 2]
    assert [e.title for e in await stored_events(sandbox)] == [TITLE, "周末读书会"]


async def test_a_member_shows_their_check_in_code_from_the_chat(sandbox: Sandbox) -> None:
    organiser, _sibling, event_id, members = await event_with_registrants(sandbox)
    holder = next(u for u in sandbox.users if u.id == members[1])
    waiting = next(u for u in sandbox.users if u.id == members[2])
    await holder.send("/my_qr")
    photo = holder.bot_messages()[-1]
    assert photo.kind == "photo"
    assert f"“{TITLE}”" in photo.text and "号码牌 #2" in photo.text
    [held] = await sandbox.app.services.events.passes.mine(members[1])
    # The picture is the QR code of exactly the code the door accepts.
    assert sandbox.api.files[photo.file_id][1] == qr_image(held.code)
    await waiting.send("/my_qr")  # on the waitlist: no place, no code
    assert waiting.bot_messages()[-1].kind == "text"
    assert "/events" in waiting.last_text()
    await sandbox.app.services.events.organising.cancel(organiser.id, event_id)
    await holder.send("/my_qr")
    assert holder.bot_messages()[-1].kind == "text"
