"""The desk's smart groups: only once check-in has begun and two people have arrived, shown as a
draft to adjust (move a person into another group) and told to members only when the organiser
confirms, through the notice outbox — each member once, nobody of a group of only themselves,
and never "你在第 1 组，组员：。"."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.tools.sandbox import Sandbox
from storage.models import AuditEntry, ScheduledTask
from tests.helpers import TITLE, publish, union_with_members
from tests.mini_app_browser import PHONE, open_mini_app, served
from tests.test_miniapp import as_user, web

__all__ = ["served"]  # the browser test's fixture


async def signed_up(sb: Sandbox, count: int) -> tuple:
    """浦东's event three days ahead with ``count`` members signed up in the chat (badges 1…),
    and the organisers of 浦东 and 徐汇."""
    organiser, sibling, in_pudong, _ = await union_with_members(sb, count)
    event_id = await publish(sb, organiser)
    for telegram_id in in_pudong:
        member = sb.user(f"会员{telegram_id % 1000}", user_id=telegram_id)
        await member.send(f"/start event_{event_id}")
        await member.press("报名")
    return organiser, sibling, event_id, in_pudong


def told(sb: Sandbox, telegram_id: int) -> list[str]:
    return [
        e.text or ""
        for e in sb.api.chats[telegram_id]
        if e.from_bot and (e.text or "").startswith("你在第")
    ]


async def group_notices(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(
            select(func.count())
            .select_from(ScheduledTask)
            .where(ScheduledTask.key.like("event_group:%"))
        )


def version_of(page: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)


def member_of(page: str, badge: int) -> str:
    """The member id the page's move form carries for this badge."""
    row = page.split(f'id="grouped-{badge}"')[1]
    return re.search(r'name="member" value="(\d+)"', row).group(1)


def groups_of(page: str) -> list[list[int]]:
    """The draft's groups, as badges, in the page's order."""
    return [
        [int(b) for b in re.findall(r'id="grouped-(\d+)"', section)]
        for section in page.split('<section class="group"')[1:]
    ]


async def test_groups_wait_for_check_in_and_are_told_only_when_confirmed(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, event_id, members = await signed_up(sandbox, 5)
    base = f"/app/console/events/{event_id}"
    async with web(sandbox) as client:
        headers = as_user(sandbox, organiser.id)
        early = await client.post(base + "/groups", data={"size": "6"}, headers=headers)
        assert early.status_code == 200 and "签到开始后" in early.text
        assert "6 人一组" not in early.text  # nothing to make yet
        sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))  # the door is open
        headers = as_user(sandbox, organiser.id)
        await client.post(base + "/check-in", data={"badge": "1"}, headers=headers)
        one = await client.post(base + "/groups", data={"size": "6"}, headers=headers)
        assert "目前已签到 1 人" in one.text and "通知每位组员" not in one.text
        # A confirmation forged for a draft of one: nothing is recorded, nobody is told.
        forged = await client.post(base + "/groups/send", data={"version": ""}, headers=headers)
        assert "重新做过" in forged.text
        for badge in ("2", "3", "4", "5"):
            await client.post(base + "/check-in", data={"badge": badge}, headers=headers)
        made = await client.post(base + "/groups", data={"size": "6"}, headers=headers)
        assert "已签到的 5 人" in made.text and "还没有通知任何人" in made.text
        assert groups_of(made.text) == [[1, 2, 3, 4, 5]]
        first = version_of(made.text)
        # #5 into a group of their own: the page warns they would not be told.
        moved = await client.post(
            base + "/groups/move",
            data={"version": first, "member": member_of(made.text, 5), "to": "2"},
            headers=headers,
        )
        assert groups_of(moved.text) == [[1, 2, 3, 4], [5]]
        assert "第 2 组只有一人" in moved.text
        # The first draft is gone: moving or confirming it changes nothing.
        stale = await client.post(
            base + "/groups/move",
            data={"version": first, "member": member_of(made.text, 4), "to": "2"},
            headers=headers,
        )
        assert "分组已有变动" in stale.text and groups_of(stale.text) == [[1, 2, 3, 4], [5]]
        old = await client.post(base + "/groups/send", data={"version": first}, headers=headers)
        assert "重新做过" in old.text
        await sandbox.settle()
        assert not any(told(sandbox, m) for m in members)
        # #4 joins #5: two groups, then confirmed twice.
        second = version_of(moved.text)
        adjusted = await client.post(
            base + "/groups/move",
            data={"version": second, "member": member_of(moved.text, 4), "to": "2"},
            headers=headers,
        )
        assert groups_of(adjusted.text) == [[1, 2, 3], [4, 5]]
        assert "只有一人" not in adjusted.text
        shown = await client.get(base + "/groups", headers=headers)  # as recorded
        assert groups_of(shown.text) == [[1, 2, 3], [4, 5]]
        for _press in range(2):
            sent = await client.post(
                base + "/groups/send",
                data={"version": version_of(adjusted.text)},
                headers=headers,
            )
            assert "已发送：5 位会员收到了自己的分组" in sent.text
        # Opened again later, the page says they were told, not that nobody was.
        reopened = await client.get(base + "/groups", headers=headers)
        assert "每位组员都已收到这份分组" in reopened.text and "还没有通知" not in reopened.text
        # #3 joins #4 and #5: the second group changes, the first too (#1 and #2 stay told).
        regrouped = await client.post(
            base + "/groups/move",
            data={
                "version": version_of(reopened.text),
                "member": member_of(made.text, 3),
                "to": "2",
            },
            headers=headers,
        )
        assert groups_of(regrouped.text) == [[1, 2], [3, 4, 5]]
        assert "5 人中已有 0 人" not in regrouped.text
        assert "这份分组还没有通知任何人" in regrouped.text  # every group changed
        back = await client.post(
            base + "/groups/move",
            data={
                "version": version_of(regrouped.text),
                "member": member_of(made.text, 3),
                "to": "1",
            },
            headers=headers,
        )
        assert groups_of(back.text) == [[1, 2, 3], [4, 5]]
        assert "每位组员都已收到这份分组" in back.text  # the groups they were told, again
    await sandbox.settle()
    said = [told(sandbox, m) for m in members]
    assert [len(s) for s in said] == [1] * 5  # once each, however often confirmed
    assert said[0][0].startswith("你在第 1 组，组员：") and said[3][0].startswith("你在第 2 组")
    assert not any("组员：。" in s[0] for s in said)
    assert said[4][0].count("#") == 1 and "#4" in said[4][0]
    assert await group_notices(sandbox) == 5
    async with sandbox.app.services.db() as session:
        acts = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert acts.count("event_groups_move") == 4 and acts.count("event_groups") == 2


async def test_a_group_of_one_is_told_nothing(sandbox: Sandbox) -> None:
    organiser, _sibling, event_id, members = await signed_up(sandbox, 3)
    base = f"/app/console/events/{event_id}"
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    async with web(sandbox) as client:
        headers = as_user(sandbox, organiser.id)
        for badge in ("1", "2", "3"):
            await client.post(base + "/check-in", data={"badge": badge}, headers=headers)
        made = await client.post(base + "/groups", data={"size": "6"}, headers=headers)
        alone = await client.post(
            base + "/groups/move",
            data={"version": version_of(made.text), "member": member_of(made.text, 3), "to": "2"},
            headers=headers,
        )
        sent = await client.post(
            base + "/groups/send", data={"version": version_of(alone.text)}, headers=headers
        )
    assert "已发送：2 位会员" in sent.text
    await sandbox.settle()
    assert [len(told(sandbox, m)) for m in members] == [1, 1, 0]
    assert not any(t.endswith("组员：。祝你玩得开心！") for m in members for t in told(sandbox, m))


async def test_only_the_events_organisers_see_or_change_its_groups(sandbox: Sandbox) -> None:
    organiser, sibling, event_id, members = await signed_up(sandbox, 3)
    base = f"/app/console/events/{event_id}"
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    async with web(sandbox) as client:
        headers = as_user(sandbox, organiser.id)
        for badge in ("1", "2", "3"):
            await client.post(base + "/check-in", data={"badge": badge}, headers=headers)
        made = await client.post(base + "/groups", data={"size": "6"}, headers=headers)
        version, member = version_of(made.text), member_of(made.text, 1)
        expired = as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2))
        for someone, status in ((sibling.id, 403), (members[0], 403), (None, 401)):
            others = as_user(sandbox, someone) if someone else expired
            for path, data in (
                ("/groups", None),
                ("/groups", {"size": "6"}),
                ("/groups/move", {"version": version, "member": member, "to": "2"}),
                ("/groups/send", {"version": version}),
            ):
                if data is None:
                    answer = await client.get(base + path, headers=others)
                else:
                    answer = await client.post(base + path, data=data, headers=others)
                assert answer.status_code == status, (someone, path)
                assert "#1 " not in answer.text
        shown = await client.get(base + "/groups", headers=headers)
    assert groups_of(shown.text) == [[1, 2, 3]] and version_of(shown.text) == version
    await sandbox.settle()
    assert not any(told(sandbox, m) for m in members)


async def test_an_organiser_adjusts_and_confirms_groups_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, event_id, members = await signed_up(sandbox, 4)
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    async with web(sandbox) as client:
        for badge in ("1", "2", "3", "4"):
            await client.post(
                f"/app/console/events/{event_id}/check-in",
                data={"badge": badge},
                headers=as_user(sandbox, organiser.id),
            )
    async with open_mini_app(sandbox, served, organiser.id) as page:
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.get_by_role("link", name=TITLE).click()
        groups = page.locator("#groups")
        await groups.get_by_role("button", name="6 人一组").click()
        await groups.get_by_text("已签到的 4 人").wait_for()
        await page.get_by_label("把 #4 移到").select_option(label="新的一组")
        await page.locator("#grouped-4").get_by_role("button", name="移动").click()
        await groups.get_by_text("第 2 组只有一人").wait_for()
        await page.get_by_label("把 #3 移到").select_option(label="第 2 组")
        await page.locator("#grouped-3").get_by_role("button", name="移动").click()
        await groups.get_by_role("region", name="第 2 组").get_by_text("#3").wait_for()
        assert await groups.get_by_text("只有一人").count() == 0
        await page.screenshot(path=str(tmp_path / "groups-360.png"), full_page=True)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        await sandbox.settle()
        assert not any(told(sandbox, m) for m in members)  # nobody until confirmed
        await groups.get_by_role("button", name="通知每位组员").click()
        await groups.get_by_text("已发送：4 位会员收到了自己的分组").wait_for()
    await sandbox.settle()
    said = [told(sandbox, m) for m in members]
    assert [len(s) for s in said] == [1, 1, 1, 1]
    assert said[2][0].startswith("你在第 2 组") and "#4" in said[2][0]
