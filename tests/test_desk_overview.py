"""The desk's overview month by month and per unit, and its monthly report workbook: a past
month's figures stay as they were when a member deletes their account, and each organiser
sees and downloads only their scope."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import insert, select

from bot.tools.sandbox import Sandbox
from storage.models import FollowUp, Match, Member, Proposal, Thread
from tests.helpers import (
    PUDONG,
    XUHUI,
    all_came,
    bind_roster_entries,
    publish,
    union_with_members,
    unit_id,
)
from tests.test_miniapp import as_user, web


async def a_busy_month(sb: Sandbox, organiser, members: list[int]) -> None:  # noqa: ANN001
    """An event with everyone there, a match, a follow-up saying they met and an answered
    question: all this month; then five weeks pass."""
    now = sb.clock.now()
    event = await publish(
        sb,
        organiser,
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=4),
        signup_deadline=now + timedelta(hours=1),
    )
    assert event is not None
    pudong = await unit_id(sb, PUDONG)
    await all_came(sb, event, members)
    async with sb.app.services.db.begin() as session:
        ids = list(
            await session.scalars(
                select(Member.id).where(Member.telegram_id.in_(members)).order_by(Member.id)
            )
        )
        match = Match(member_a=ids[0], member_b=ids[1], source="mutual", created_at=now)
        session.add(match)
        await session.flush()
        session.add(
            FollowUp(
                match_id=match.id, member_id=ids[1], stage="3d", outcome="met", answered_at=now
            )
        )
        await session.execute(
            insert(Thread),
            [
                {
                    "member_id": ids[1],
                    "unit_id": pudong,
                    "kind": "ask",
                    "status": "closed",
                    "created_at": now,
                    "first_answer_at": now + timedelta(minutes=30),
                }
            ],
        )
    sb.clock.advance(timedelta(days=35))


async def test_a_deleted_account_leaves_last_months_figures_as_they_were(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, in_pudong, _in_xuhui = await union_with_members(sandbox, 4, 1)
    await a_busy_month(sandbox, organiser, in_pudong)
    statistics = sandbox.app.services.statistics
    before = await statistics.monthly(organiser.id)
    last = before.months[-2]
    assert (last.counts["attended"], last.counts["matched"], last.counts["met"]) == (4, 1, 1)
    assert last.counts["threads"] == last.counts["answered"] == 1
    assert last.mean_first_answer == timedelta(minutes=30)
    async with web(sandbox) as client:
        page_before = await client.get(
            "/app/console/overview/months", headers=as_user(sandbox, organiser.id)
        )
    # The member in the match, the follow-up and the question deletes her account.
    async with sandbox.app.services.db() as session:
        second = await session.scalar(select(Member.telegram_id).order_by(Member.id).offset(1))
    await sandbox.app.services.member_data.erase(second)
    after = await statistics.monthly(organiser.id)
    assert after.months == before.months
    assert [u.counts for u in after.units] == [u.counts for u in before.units]
    async with web(sandbox) as client:
        page_after = await client.get(
            "/app/console/overview/months", headers=as_user(sandbox, organiser.id)
        )
    table = page_before.text.split('<table class="months">')[1].split("</table>")[0]
    assert table == page_after.text.split('<table class="months">')[1].split("</table>")[0]
    assert "30 分钟" in table


async def test_each_organiser_sees_and_downloads_only_their_units(sandbox: Sandbox) -> None:
    organiser, sibling, in_pudong, _in_xuhui = await union_with_members(sandbox, 3, 2)
    await a_busy_month(sandbox, organiser, in_pudong)
    await bind_roster_entries(sandbox, in_pudong, [("王小雨", "上海电气", None)] * 3)
    pudong, xuhui = await unit_id(sandbox, PUDONG), await unit_id(sandbox, XUHUI)
    async with web(sandbox) as client:
        mine = await client.get("/app/console/overview", headers=as_user(sandbox, organiser.id))
        assert mine.status_code == 200
        assert "<b>3</b>名册人数" in mine.text and "/app/console/overview/months" in mine.text
        year = await client.get(
            "/app/console/overview/months", headers=as_user(sandbox, organiser.id)
        )
        units = year.text.split('<table class="units">')[1]
        assert PUDONG in units and XUHUI not in units
        for who in (sibling.id, in_pudong[0]):
            theirs = await client.get("/app/console/overview/months", headers=as_user(sandbox, who))
            assert (who == sibling.id and PUDONG not in theirs.text) or theirs.status_code == 403
        for headers in (
            {},
            as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2)),
        ):
            assert (
                await client.get("/app/console/overview/months", headers=headers)
            ).status_code == 401
        report = await client.get(
            "/app/console/overview/report.xlsx", headers=as_user(sandbox, organiser.id)
        )
        assert report.status_code == 200
        book = load_workbook(io.BytesIO(report.content))
        assert book.sheetnames == ["按月", "按单位"]
        months = book["按月"]
        assert months["A1"].value == f"{PUDONG}：月度报告"
        assert months["A2"].value == f"工会：{PUDONG}"
        assert str(months["A3"].value).startswith("统计期间：")
        assert str(months["A4"].value).startswith("生成时间：")
        headings = [cell.value for cell in months[7]]
        assert headings[:3] == ["月份", "新核实", "资料完整"] and "到场" in headings
        rows = list(months.iter_rows(min_row=8, values_only=True))
        assert len(rows) == 12
        came = headings.index("到场")
        assert [row[came] for row in rows][-2:] == [3, 0]  # last month's event, none this month
        assert months.column_dimensions["A"].width >= 8
        by_unit = book["按单位"]
        assert [c.value for c in by_unit[7]][:3] == ["单位", "名册人数", "已核实"]
        assert [c.value for c in by_unit[8]][:3] == [PUDONG, 3, 3]
        # Another union's unit: neither its report nor a made-up one.
        for asked in (xuhui, 99999, "abc"):
            refused = await client.get(
                f"/app/console/overview/report.xlsx?unit={asked}",
                headers=as_user(sandbox, organiser.id),
            )
            assert refused.status_code == 403 and "xlsx" not in refused.headers["content-type"]
        own = await client.get(
            f"/app/console/overview/report.xlsx?unit={pudong}",
            headers=as_user(sandbox, organiser.id),
        )
        assert own.status_code == 200
        theirs = await client.get(
            f"/app/console/overview/report.xlsx?unit={pudong}", headers=as_user(sandbox, sibling.id)
        )
        assert theirs.status_code == 403
        member = await client.get(
            "/app/console/overview/report.xlsx", headers=as_user(sandbox, in_pudong[0])
        )
        assert member.status_code == 403
        expired = await client.get(
            "/app/console/overview/report.xlsx",
            headers=as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2)),
        )
        forged = await client.get(
            "/app/console/overview/report.xlsx",
            headers={"X-Telegram-Init-Data": "user=%7B%22id%22%3A1%7D&auth_date=1&hash=00"},
        )
        assert expired.status_code == forged.status_code == 401


async def test_overview_counts_pairs_with_either_member_in_scope_as_the_chat_does(
    sandbox: Sandbox,
) -> None:
    """A match between 浦东 and 徐汇 counts for both unions, one inside 徐汇 only for 徐汇; the
    desk overview's figures are the chat's /stats figures, without who the members are."""
    organiser, sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 4, 3)
    now = sandbox.clock.now()
    async with sandbox.app.services.db.begin() as session:
        ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
        pudong, xuhui = [ids[t] for t in in_pudong], [ids[t] for t in in_xuhui]
        await session.execute(
            insert(Match),
            [
                {"member_a": a, "member_b": b, "source": "mutual", "created_at": now}
                for a, b in (
                    (pudong[0], xuhui[0]),
                    (pudong[1], xuhui[1]),  # member_a < member_b: 徐汇's member second
                    (xuhui[1], xuhui[2]),
                    (pudong[2], pudong[3]),
                )
            ],
        )
        await session.execute(
            insert(Proposal),
            [
                {"member_a": a, "member_b": b, "status": status, "note": "", "created_at": now}
                for a, b, status in (
                    (xuhui[0], pudong[3], "matched"),
                    (xuhui[1], xuhui[2], "matched"),
                    (pudong[0], pudong[1], "open"),
                )
            ],
        )
    statistics = sandbox.app.services.statistics
    for person, matches, proposals in ((organiser, 3, 1), (sibling, 3, 2)):
        chat, desk = await statistics.for_actor(person.id), await statistics.overview(person.id)
        assert chat is not None and desk is not None
        assert (desk.mutual_matches, desk.accepted_proposals) == (matches, proposals)
        shown = ("on_roster", "registered", "verified", "complete", "active_7_days")
        shown += ("active_30_days", "paused", "likes", "mutual_matches", "accepted_proposals")
        assert [getattr(desk, f) for f in shown] == [getattr(chat, f) for f in shown]
        assert desk.events == chat.events
        assert sum(chat.gender.values()) > 0 and not desk.gender
    assert await statistics.overview(sandbox.user("路人").id) is None


async def test_a_member_counts_in_the_local_month_of_their_verification(sandbox: Sandbox) -> None:
    """An instant in the last hours of a month in UTC is already the next month in Shanghai;
    one before the year asked counts among the unit's members now, in no month."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 4)
    tz = sandbox.settings.tz
    now = sandbox.clock.now()
    this_month = now.astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    moments = [
        this_month - timedelta(minutes=1),  # last month, local
        this_month + timedelta(minutes=1),  # this month, local; last month in UTC
        this_month - timedelta(days=400),  # before the year shown
        this_month + timedelta(hours=1),
    ]
    async with sandbox.app.services.db.begin() as session:
        for telegram_id, moment in zip(in_pudong, moments, strict=True):
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            assert member is not None
            member.verified_at = moment
    months = await sandbox.app.services.statistics.monthly(organiser.id)
    assert months is not None
    verified = {row.month: row.counts["verified"] for row in months.months}
    last = (this_month - timedelta(days=1)).strftime("%Y-%m")
    assert verified[this_month.strftime("%Y-%m")] == 2
    assert verified[last] == 1
    assert sum(verified.values()) == 3
    pudong = next(row for row in months.units if row.depth == 0)
    assert (pudong.verified, pudong.counts["verified"]) == (4, 3)
