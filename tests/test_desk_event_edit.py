"""Changing an event on the desk beyond its texts, start and places: who may sign up (the ages,
districts and industries /event_new asks for), when sign-up closes and, while members have not
been told, when they are — through the services the chat uses, each time checked: a time
already passed, sign-up closing after the start or an announcement after it are said in
Chinese beside the field, and nothing changes."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.domain.events import Conditions
from bot.services.events.organising import announced_to
from bot.tools.sandbox import Sandbox
from storage.models import AuditEntry, Broadcast, Event
from tests.helpers import PUDONG, TITLE, publish, union_with_members, unit_id
from tests.mini_app_browser import PHONE, open_mini_app, served
from tests.test_miniapp import as_user, web

__all__ = ["served"]  # the browser test's fixture
NARROW = Conditions(age_min=25, age_max=30)


def shown(page: str) -> dict[str, str]:
    """The form's text fields as the page fills them in (no boxes ticked, no choice made)."""
    found = dict(re.findall(r'name="([a-z_]+)"[^>]*?value="([^"]*)"', page))
    return {k: v for k, v in found.items() if k not in ("districts", "industries", "announce")}


def local(sb: Sandbox, moment) -> tuple[str, str]:  # noqa: ANN001
    at = moment.astimezone(sb.settings.tz)
    return f"{at:%Y-%m-%d}", f"{at:%H:%M}"


async def stored(sb: Sandbox, event_id: int) -> Event:
    async with sb.app.services.db() as session:
        return await session.get(Event, event_id)


async def announcement(sb: Sandbox, event: Event) -> Broadcast:
    async with sb.app.services.db() as session:
        return await session.get(Broadcast, event.announcement_id)


def told_of_it(sb: Sandbox, telegram_ids: list[int]) -> list[int]:
    return [
        t
        for t in telegram_ids
        if any(e.from_bot and TITLE in (e.text or "") for e in sb.api.chats[t])
    ]


async def test_an_organiser_changes_who_may_sign_up_and_when(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    now = sandbox.clock.now()
    # Announced tomorrow, sign-up closing in two days, starting in three.
    event_id = await publish(
        sandbox,
        organiser,
        announce_at=now + timedelta(days=1),
        conditions=Conditions(industries=("finance",)),
    )
    edit = f"/app/console/events/{event_id}/edit"
    headers = as_user(sandbox, organiser.id)
    event = await stored(sandbox, event_id)
    async with web(sandbox) as client:
        page = await client.get(edit, headers=headers)
        fields = shown(page.text)
        # The form stands as the event does: no ages, finance ticked, both times filled in.
        assert (fields["age_min"], fields["age_max"]) == ("", "")
        assert re.search(r'value="finance" checked', page.text)
        assert (fields["deadline_date"], fields["deadline_time"]) == local(
            sandbox, event.signup_deadline
        )
        assert (fields["announce_date"], fields["announce_time"]) == local(
            sandbox, event.announce_at
        )
        new_deadline = now + timedelta(days=2, hours=12)
        new_announce = now + timedelta(hours=6)
        deadline_day, deadline_time = local(sandbox, new_deadline)
        announce_day, announce_time = local(sandbox, new_announce)
        saved = await client.post(
            edit,
            data={
                **fields,
                "description": event.description,
                "age_min": "25",
                "age_max": "30",
                "deadline_date": deadline_day,
                "deadline_time": deadline_time,
                "announce": "later",
                "announce_date": announce_day,
                "announce_time": announce_time,
            },
            headers=headers,
        )
    assert saved.status_code == 200 and "已保存" in saved.text
    event = await stored(sandbox, event_id)
    assert Conditions.from_json(event.conditions) == NARROW  # finance no longer ticked
    assert local(sandbox, event.signup_deadline) == (deadline_day, deadline_time)
    assert local(sandbox, event.announce_at) == (announce_day, announce_time)
    # The announcement still to come moved with it, to the members the new conditions name.
    broadcast = await announcement(sandbox, event)
    assert broadcast.send_at == event.announce_at
    assert broadcast.audience["age_min"] == 25 and broadcast.audience["industries"] == []
    pudong = await unit_id(sandbox, PUDONG)
    broadcasts = sandbox.app.services.broadcasts
    fit = await broadcasts.audience_size(organiser.id, announced_to(pudong, NARROW))
    everyone = await broadcasts.audience_size(organiser.id, announced_to(pudong, Conditions()))
    assert 0 < fit < everyone
    await sandbox.advance(timedelta(hours=5))
    assert told_of_it(sandbox, in_pudong) == []  # not before its new time
    await sandbox.advance(timedelta(hours=2))
    assert len(told_of_it(sandbox, in_pudong)) == fit
    async with sandbox.app.services.db() as session:
        acts = (await session.scalars(select(AuditEntry.action))).all()
    assert acts.count("event_sign_up") == 1


async def test_wrong_times_are_said_beside_their_field_and_change_nothing(
    sandbox: Sandbox,
) -> None:
    organiser, *_ = await union_with_members(sandbox, 1)
    now = sandbox.clock.now()
    event_id = await publish(sandbox, organiser, announce_at=now + timedelta(days=1))
    edit = f"/app/console/events/{event_id}/edit"
    headers = as_user(sandbox, organiser.id)
    before = await stored(sandbox, event_id)
    yesterday = local(sandbox, now - timedelta(days=1))
    after_start = local(sandbox, before.starts_at + timedelta(hours=1))
    past_deadline = local(sandbox, before.signup_deadline + timedelta(hours=1))
    wrong = [
        (
            {"deadline_date": yesterday[0]},
            f"{yesterday[0]} {local(sandbox, before.signup_deadline)[1]} 已经过去",
        ),
        (
            dict(zip(("deadline_date", "deadline_time"), after_start, strict=True)),
            "报名必须在活动开始前截止",
        ),
        (
            dict(zip(("announce_date", "announce_time"), past_deadline, strict=True)),
            "通知时间必须早于报名截止时间",
        ),
        ({"announce_date": yesterday[0]}, "已经过去"),
        ({"deadline_time": "25:99"}, "请选择日期和时间"),
        ({"age_min": "17"}, "年龄请填 18 到 80"),
    ]
    async with web(sandbox) as client:
        fields = shown((await client.get(edit, headers=headers)).text)
        fields["description"] = before.description
        for changes, said in wrong:
            answer = await client.post(edit, data={**fields, **changes}, headers=headers)
            assert answer.status_code == 200 and said in answer.text, (changes, answer.text)
            assert "请修改下面标出的内容" in answer.text
        forged = await client.post(
            edit, data={**fields, "districts": ["atlantis"]}, headers=headers
        )
        assert "请从列表中选择" in forged.text
    after = await stored(sandbox, event_id)
    assert (after.signup_deadline, after.announce_at, after.conditions) == (
        before.signup_deadline,
        before.announce_at,
        before.conditions,
    )


async def test_once_members_were_told_the_announcement_stays_and_the_rest_changes(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, _in_pudong, _ = await union_with_members(sandbox, 2)
    event_id = await publish(sandbox, organiser)  # announced at once
    edit = f"/app/console/events/{event_id}/edit"
    headers = as_user(sandbox, organiser.id)
    before = await stored(sandbox, event_id)
    async with web(sandbox) as client:
        page = await client.get(edit, headers=headers)
        assert "已于" in page.text and 'name="announce_date"' not in page.text
        fields = {**shown(page.text), "description": before.description}
        # A later start moves an unchanged deadline with it.
        start_day, _time = local(sandbox, before.starts_at + timedelta(days=1))
        moved = await client.post(
            edit,
            data={**fields, "start_date": start_day, "announce_date": start_day},
            headers=headers,
        )
        assert "已保存" in moved.text
        refused = await client.post(
            edit, data={**fields, "age_min": "30"}, headers=as_user(sandbox, sibling.id)
        )
        assert refused.status_code == 403
    after = await stored(sandbox, event_id)
    moved_by = after.starts_at - before.starts_at  # a day, to the minute the form shows
    assert timedelta(hours=23, minutes=59) < moved_by <= timedelta(days=1)
    assert after.signup_deadline == before.signup_deadline + moved_by
    assert after.announce_at == before.announce_at  # told already: a forged field moves nothing
    assert after.conditions == before.conditions


async def test_an_organiser_narrows_an_event_with_the_pickers_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, *_ = await union_with_members(sandbox, 1)
    now = sandbox.clock.now()
    event_id = await publish(sandbox, organiser, announce_at=now + timedelta(days=1))
    event = await stored(sandbox, event_id)
    late_day, late_time = local(sandbox, event.starts_at + timedelta(hours=1))
    day, time = local(sandbox, event.starts_at - timedelta(hours=6))
    async with open_mini_app(sandbox, served, organiser.id) as page:
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.get_by_role("link", name=TITLE).click()
        await page.get_by_role("link", name="修改活动").click()
        await page.get_by_label("年龄", exact=True).fill("25")
        await page.get_by_label("最大年龄").fill("35")
        await page.get_by_text("所在区（不勾选即不限）").click()
        await page.get_by_label("浦东新区").check()
        # Sign-up closing after the start: said, nothing saved.
        await page.get_by_label("报名截止", exact=True).fill(late_day)
        await page.get_by_label("报名截止时间").fill(late_time)
        await page.get_by_role("button", name="保存修改").click()
        await page.get_by_text("报名必须在活动开始前截止").wait_for()
        await page.screenshot(path=str(tmp_path / "event-edit-360.png"), full_page=True)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        await page.get_by_label("报名截止", exact=True).fill(day)
        await page.get_by_label("报名截止时间").fill(time)
        await page.get_by_role("button", name="保存修改").click()
        await page.get_by_text("已保存").wait_for()
    event = await stored(sandbox, event_id)
    assert Conditions.from_json(event.conditions) == Conditions(25, 35, (), ("浦东新区",))
    assert local(sandbox, event.signup_deadline) == (day, time)


async def test_an_announcement_still_to_come_can_go_now(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    now = sandbox.clock.now()
    event_id = await publish(sandbox, organiser, announce_at=now + timedelta(days=1))
    edit = f"/app/console/events/{event_id}/edit"
    headers = as_user(sandbox, organiser.id)
    before = await stored(sandbox, event_id)
    assert told_of_it(sandbox, in_pudong) == []
    async with web(sandbox) as client:
        fields = {**shown((await client.get(edit, headers=headers)).text)}
        fields["description"] = before.description
        saved = await client.post(edit, data={**fields, "announce": "now"}, headers=headers)
    assert "已保存" in saved.text
    await sandbox.settle()
    assert sorted(told_of_it(sandbox, in_pudong)) == sorted(in_pudong)  # told at once
    after = await stored(sandbox, event_id)
    assert after.announce_at == sandbox.clock.now()
    async with web(sandbox) as client:  # told: the time is said, no longer chosen
        page = await client.get(edit, headers=headers)
    assert 'id="event-announced"' in page.text and 'name="announce_date"' not in page.text


async def in_a_week(sb: Sandbox, **changes: object) -> tuple:
    """An event of 浦东 in seven days, sign-up until day six: its organiser, 浦东's members and
    the event's id."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sb, 3)
    now = sb.clock.now()
    event_id = await publish(
        sb,
        organiser,
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=3),
        signup_deadline=now + timedelta(days=6),
        **changes,
    )
    return organiser, in_pudong, event_id


async def moved_to_tomorrow_on_the_desk(sb: Sandbox, event_id: int, organiser_id: int) -> str:
    """The edit form posted with only the start changed (tomorrow 08:00): the page answered."""
    edit = f"/app/console/events/{event_id}/edit"
    tomorrow = (sb.clock.now() + timedelta(days=1)).astimezone(sb.settings.tz)
    async with web(sb) as client:
        headers = as_user(sb, organiser_id)
        fields = shown((await client.get(edit, headers=headers)).text)
        fields |= {"start_date": f"{tomorrow:%Y-%m-%d}", "start_time": "08:00"}
        return (await client.post(edit, data=fields, headers=headers)).text


async def test_moving_the_start_earlier_never_closes_sign_up_in_the_past(
    sandbox: Sandbox,
) -> None:
    """In seven days, sign-up until day six; moved to tomorrow, the deadline moved with it
    landed before now and "已保存" hid that sign-up had closed (red team)."""
    organiser, _in_pudong, event_id = await in_a_week(sandbox)
    now = sandbox.clock.now()
    page = await moved_to_tomorrow_on_the_desk(sandbox, event_id, organiser.id)
    assert "改到这个时间，报名截止时间就已经过去了。请同时填写新的报名截止时间。" in page
    tomorrow = (now + timedelta(days=1)).astimezone(sandbox.settings.tz)
    await organiser.send(f"/event_edit {event_id} start {tomorrow:%Y-%m-%d} 08:00")
    assert organiser.last_text().startswith("改到 ")
    assert "报名截止时间就已经过去了。请在管理工作台里同时修改开始时间和报名截止时间。" in (
        organiser.last_text()
    )
    async with sandbox.app.services.db() as session:
        event = await session.get(Event, event_id)
    assert event is not None and event.signup_deadline > sandbox.clock.now()  # still open


async def test_moving_the_start_in_the_chat_never_puts_the_announcement_after_it(
    sandbox: Sandbox,
) -> None:
    """Announced in five days, held in seven; /event_edit moved it earlier and said "已保存":
    sign-up closed before anyone was told, and moved to tomorrow, nobody heard of it until
    five days later, after it was over (red team)."""
    now = sandbox.clock.now()
    organiser, in_pudong, event_id = await in_a_week(sandbox, announce_at=now + timedelta(days=5))
    sooner = (now + timedelta(days=5)).astimezone(sandbox.settings.tz)
    await organiser.send(f"/event_edit {event_id} start {sooner:%Y-%m-%d} 14:00")
    assert "会员还没收到活动通知，报名就已截止" in organiser.last_text()
    async with sandbox.app.services.db() as session:
        event = await session.get(Event, event_id)
    assert event is not None and event.starts_at == now + timedelta(days=7)  # unchanged
    # A move that keeps the announcement before sign-up closes is saved.
    later = (now + timedelta(days=9)).astimezone(sandbox.settings.tz)
    await organiser.send(f"/event_edit {event_id} start {later:%Y-%m-%d} 14:00")
    assert "已保存。" in organiser.texts()[-3:]
    assert told_of_it(sandbox, in_pudong) == []
