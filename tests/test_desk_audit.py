"""The desk's audit log: superadmins read every entry, an organiser those of their unions and
the unions below, others nothing; newest first, a page at a time, by action and by date."""

from __future__ import annotations

import ast
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.common.wording.audit import ACTIONS, DETAILS
from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage import audit
from storage.models import Event
from tests.helpers import CITY, PUDONG, XUHUI, seed_union, sign_up, unit_id
from tests.test_miniapp import as_user, web

ADMIN = 4242


@pytest.fixture
async def with_admin(database_url: str) -> AsyncIterator[Sandbox]:
    async with Sandbox(database_url=database_url, superadmins=str(ADMIN)) as sb:
        yield sb


async def staffed(sb: Sandbox) -> tuple:
    """Organisers of the city, 浦东 and 徐汇, a matchmaker of 浦东; an entry in 浦东 by 浦东's
    organiser, one in 徐汇 by 徐汇's, one of no union by the superadmin."""
    city, pudong, xuhui, hongniang = (
        sb.user(name) for name in ("市总管理员", "浦东管理员", "徐汇管理员", "红娘")
    )
    await seed_union(
        sb,
        [],
        organisers={CITY: [city.id], PUDONG: [pudong.id], XUHUI: [xuhui.id]},
        matchmakers={PUDONG: [hongniang.id]},
    )
    now, in_pudong, in_xuhui = sb.clock.now(), await unit_id(sb, PUDONG), await unit_id(sb, XUHUI)
    async with sb.app.services.db.begin() as session:
        audit.record(session, pudong.id, "event_create", in_pudong, now, event=7)
        audit.record(session, xuhui.id, "suspend", in_xuhui, now, member=3)
        audit.record(session, ADMIN, "grant", None, now, target=55, role="organiser")
    return city, pudong, xuhui, hongniang


def entries(page: str) -> list[str]:
    """Each entry's first line: what was done."""
    return [item.split("<b>")[1].split("</b>")[0] for item in page.split("<li>")[1:]]


async def test_each_reads_exactly_their_scope(with_admin: Sandbox) -> None:
    sb = with_admin
    city, pudong, xuhui, hongniang = await staffed(sb)
    seen = {}
    async with web(sb) as client:
        for who in (ADMIN, city.id, pudong.id, xuhui.id):
            answer = await client.get("/app/console/audit", headers=as_user(sb, who))
            assert answer.status_code == 200
            seen[who] = entries(answer.text)
        home = await client.get("/app/home", headers=as_user(sb, pudong.id))
        for outsider in (hongniang.id, sb.user("会员").id):
            answer = await client.get("/app/console/audit", headers=as_user(sb, outsider))
            assert answer.status_code == 403 and "创建活动" not in answer.text
    assert ">审计日志<" in home.text
    assert seen == {
        ADMIN: ["授予角色", "暂停会员", "创建活动"],
        city.id: ["暂停会员", "创建活动"],  # both unions are below the city's
        pudong.id: ["创建活动"],
        xuhui.id: ["暂停会员"],
    }


async def test_pages_and_filters(with_admin: Sandbox) -> None:
    sb = with_admin
    _city, pudong, *_ = await staffed(sb)
    pudong_id = await unit_id(sb, PUDONG)
    async with sb.app.services.db.begin() as session:
        for number in range(34):  # a day apart, oldest first: 34 more in 浦东, and an event today
            at = sb.clock.now() - timedelta(days=34 - number)
            audit.record(session, pudong.id, "event_check_in", pudong_id, at, badge=number)
        audit.record(session, pudong.id, "event_create", pudong_id, sb.clock.now(), event=8)
    headers = as_user(sb, pudong.id)
    async with web(sb) as client:
        first = await client.get("/app/console/audit", headers=headers)
        older = first.text.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
        second = await client.get(older, headers=headers)
        checked = await client.get("/app/console/audit?action=event_check_in", headers=headers)
        today = sb.clock.now().astimezone(sb.settings.tz).date()
        week = await client.get(
            f"/app/console/audit?from={today - timedelta(days=3)}&to={today}", headers=headers
        )
        nonsense = await client.get(
            "/app/console/audit?from=明天&to=2026-13-45&action=" + "x" * 100 + "&before=-1",
            headers=headers,
        )
        nul = [
            await client.get(f"/app/console/audit?action={action}", headers=headers)
            for action in ("%00", "event_check_in%00")
        ]
    assert len(entries(first.text)) == 30 and older.startswith("/app/console/audit?")
    assert entries(first.text)[0] == "创建活动" and "号码牌 #33" in first.text
    assert len(entries(second.text)) == 6 and "更早的记录" not in second.text
    assert entries(second.text)[-2:] == ["为会员签到", "创建活动"] and "号码牌 #0" in second.text
    assert len(entries(checked.text)) == 30 and "创建活动" not in entries(checked.text)
    assert 'value="event_check_in" selected' in checked.text
    # The last three days and today: badges 31, 32 and 33, and the two events made today.
    assert entries(week.text) == ["创建活动", "为会员签到", "为会员签到", "为会员签到", "创建活动"]
    assert "号码牌 #30" not in week.text
    assert nonsense.status_code == 200 and "请按 2026-12-06 的格式填写日期" in nonsense.text
    assert "没有符合条件的记录" in nonsense.text
    for answer in nul:  # PostgreSQL refuses a NUL byte in text: this was a 500 there
        assert answer.status_code == 200 and "没有符合条件的记录" in answer.text


async def test_no_initdata_forged_or_expired_is_refused(with_admin: Sandbox) -> None:
    sb = with_admin
    _city, pudong, *_ = await staffed(sb)
    expired = as_user(sb, ADMIN, at=sb.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sb, ADMIN)[INIT_DATA_HEADER] + "0"}
    altered = {
        INIT_DATA_HEADER: as_user(sb, pudong.id)[INIT_DATA_HEADER].replace(
            str(pudong.id), str(ADMIN)
        )
    }
    async with web(sb) as client:
        for headers in ({}, expired, forged, altered):
            answer = await client.get("/app/console/audit", headers=headers)
            assert answer.status_code == 401 and "授予角色" not in answer.text


async def test_the_log_reads_in_words_and_the_unions_time(sandbox: Sandbox) -> None:
    """It showed codes and UTC ISO text: "event_sign_up", "signup_deadline:
    2026-03-20T18:00:00+08:00", "发送时间：2026-03-08T09:00:00+00:00", "角色：matchmaker"
    (an organiser's week)."""
    from tests.test_desk_events import form_for

    organiser, wang = sandbox.user("浦东管理员"), ("王小雨", "PD0001", "上海电气", "13800000001")
    await seed_union(sandbox, [wang], organisers={PUDONG: [organiser.id]})
    await sign_up(sandbox.user("王小雨", phone=wang[3]), wang)  # to be appointed, she is here
    pudong = await unit_id(sandbox, PUDONG)
    mine = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        await client.post("/app/console/events/new", headers=mine, data=form_for(sandbox, pudong))
        async with sandbox.app.services.db() as session:
            event = (await session.scalars(select(Event))).one()
        deadline = event.signup_deadline.astimezone(sandbox.settings.tz)
        edited = form_for(
            sandbox,
            pudong,
            age_max="40",
            deadline_date=f"{deadline:%Y-%m-%d}",
            deadline_time="18:00",
        )
        await client.post(f"/app/console/events/{event.id}/edit", headers=mine, data=edited)
        await client.post(
            "/app/console/broadcasts/send",
            headers=mine,
            data={"text": "本周活动室开放时间调整", "unit": str(pudong), "when": "明天上午10点"},
        )
        found = await client.post("/app/console/people/find", headers=mine, data={"q": "PD0001"})
        form = dict(re.findall(r'name="(number|roster_unit)" value="([^"]*)"', found.text))
        await client.post(
            "/app/console/people/appoint",
            headers=mine,
            data={**form, "unit": str(pudong), "role": "matchmaker"},
        )
        log = (await client.get("/app/console/audit", headers=mine)).text
    shown = re.sub(r"<[^>]+>", " ", log.split('<ol class="audit">', 1)[1])
    assert "修改活动报名规则" in shown and "报名条件已修改" in shown
    assert f"报名截止：{deadline:%Y-%m-%d} 18:00" in shown
    tomorrow = (sandbox.clock.now() + timedelta(days=1)).astimezone(sandbox.settings.tz)
    assert f"发送时间：{tomorrow:%Y-%m-%d} 10:00" in shown
    assert "角色：红娘" in shown
    assert not re.search(r"[a-z]+_[a-z_]+|\d\d:\d\d:\d\d|matchmaker", shown), shown


def test_every_action_and_detail_the_services_record_has_words() -> None:
    """A new action recorded without a name here would show as its code in the desk's log."""
    recorded: set[str] = set()
    details: set[str] = set()
    for path in Path("bot").rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "record"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "audit"
            ):
                continue
            action = call.args[2]
            if isinstance(action, ast.Constant):
                recorded.add(action.value)
            details |= {k.arg for k in call.keywords if k.arg is not None}
    assert len(recorded) > 20
    assert recorded <= set(ACTIONS), recorded - set(ACTIONS)
    assert details <= set(DETAILS), details - set(DETAILS)
