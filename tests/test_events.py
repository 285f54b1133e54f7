"""Events through the sandbox, moving the clock with ``advance``: announcement to the eligible,
quotas and waitlist, reminders exactly once (also across restarts and downtime), check-in,
mutual choice and pairing rate, smart groups, cancellation, follow-ups."""

from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import timedelta

from openpyxl import load_workbook
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from bot.common.fonts import cjk_font_file
from bot.delivery.scheduler import Scheduler
from bot.domain.buttons import (
    CancelEventConfirmed,
    EventGroups,
    EventOverview,
    EventPoster,
    EventSheet,
    JoinEvent,
)
from bot.domain.events import Capacity, Conditions
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import (
    AuditEntry,
    Event,
    FollowUp,
    Match,
    MatchProfile,
    Member,
    Registration,
    RosterEntry,
)
from tests.helpers import (
    PUDONG,
    TITLE,
    bind_roster_entries,
    copies,
    publish,
    seed_union,
    sign_up,
    union_with_members,
    unit_id,
)
from tests.test_bulk_rate import wait_until


async def by_gender(sb: Sandbox, telegram_ids: list[int]) -> dict[str, list[int]]:
    async with sb.app.services.db() as session:
        rows = await session.execute(
            select(Member.telegram_id, MatchProfile.gender)
            .join(MatchProfile, MatchProfile.member_id == Member.id)
            .where(Member.telegram_id.in_(telegram_ids))
            .order_by(Member.id)
        )
        found: dict[str, list[int]] = {"male": [], "female": []}
        for telegram_id, gender in rows.all():
            found[gender].append(telegram_id)
        return found


async def join(sb: Sandbox, telegram_id: int, event_id: int) -> SimulatedUser:
    member = sb.user(f"会员{telegram_id % 1000}", user_id=telegram_id)
    await member.send(f"/start event_{event_id}")
    await member.press("报名")
    return member


async def event_row(sb: Sandbox, event_id: int) -> Event:
    async with sb.app.services.db() as session:
        return await session.get(Event, event_id)


def reminders(member: SimulatedUser) -> list[str]:
    return [t for t in member.texts() if t.startswith("提醒：")]


async def test_an_organiser_creates_an_event_step_by_step(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 5)
    tz = sandbox.settings.tz
    start = (
        (sandbox.clock.now() + timedelta(days=7))
        .astimezone(tz)
        .replace(hour=14, minute=0, second=0, microsecond=0)
    )
    await organiser.send("/event_new")
    await organiser.send(TITLE)
    await organiser.send("滨江步道十公里。")
    await organiser.send("昨天下午")
    assert "没看懂这个时间" in organiser.last_text()
    await organiser.send(f"{start:%Y-%m-%d %H:%M}")
    await organiser.send(f"{start - timedelta(hours=1):%Y-%m-%d %H:%M}")
    assert "结束时间必须晚于开始时间" in organiser.last_text()
    await organiser.send("五点半")  # on the start's day, as organisers say it
    await organiser.send("浦东滨江大道 1 号")
    await organiser.send("40 10 10")
    assert "男女名额合计不少于总数" in organiser.last_text()
    await organiser.send("40 20 20")
    await organiser.send("25-35")
    await organiser.send("浦东新区、火星区")
    assert "没有找到“火星区”" in organiser.last_text()
    assert "徐汇区" in organiser.last_text()  # the names that work are listed
    await organiser.send("浦东")  # as people say it, without 新区
    await organiser.send("银行、互联网")  # industries as people name them
    await organiser.send("不限")
    await organiser.send("现在")
    preview = organiser.last_text()
    assert TITLE in preview and "40（男 20，女 20）" in preview and "25–35" in preview
    await organiser.press("发布")
    # The reply and the announcement's progress (it goes out at once: usually after the reply,
    # but a pass over due work starts at most half a second after the commit, so on a loaded
    # machine the progress may come first).
    reply, progress = sorted(organiser.texts()[-2:], key=lambda t: t.startswith("群发"))
    assert "已发布为活动 #1" in reply and progress.startswith("群发 #1：")
    await sandbox.settle()
    event = await event_row(sandbox, 1)
    assert event.starts_at == start and event.capacity_male == 20
    assert event.ends_at == start.replace(hour=17, minute=30)
    assert event.conditions["districts"] == ["浦东新区"]
    assert event.conditions["industries"] == ["finance", "it"]


async def test_the_announcement_reaches_exactly_the_eligible_members(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 40, 10)
    year = sandbox.clock.now().astimezone(sandbox.settings.tz).year
    event_id = await publish(
        sandbox,
        organiser,
        conditions=Conditions(25, 35),
        announce_at=sandbox.clock.now() + timedelta(hours=1),
    )
    assert not any(TITLE in "".join(e.text or "" for e in sandbox.api.chats[t]) for t in in_pudong)
    await sandbox.advance(timedelta(hours=1))
    async with sandbox.app.services.db() as session:
        eligible = set(
            (
                await session.scalars(
                    select(Member.telegram_id)
                    .join(MatchProfile, MatchProfile.member_id == Member.id)
                    .where(
                        Member.telegram_id.in_(in_pudong),
                        MatchProfile.birth_year.between(year - 35, year - 25),
                    )
                )
            ).all()
        )
    assert eligible and len(eligible) < len(in_pudong)
    for telegram_id in in_pudong + in_xuhui:
        announcements = [e for e in sandbox.api.chats[telegram_id] if e.text and TITLE in e.text]
        assert len(announcements) == (1 if telegram_id in eligible else 0), telegram_id
        if announcements:
            button = announcements[0].inline_keyboard[0][0]
            assert button == {"text": "报名", "callback_data": JoinEvent(event_id).encode()}


async def test_quotas_waitlist_and_promotion(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    people = await by_gender(sandbox, in_pudong)
    event_id = await publish(sandbox, organiser, capacity=Capacity(2, 1, 1))
    first_man = await join(sandbox, people["male"][0], event_id)
    assert "报名成功！你的号码牌是 #1" in first_man.last_text()
    second_man = await join(sandbox, people["male"][1], event_id)
    assert "候补名单" in second_man.last_text()
    woman = await join(sandbox, people["female"][0], event_id)
    assert "报名成功" in woman.last_text()
    await first_man.press("报名")  # pressing again changes nothing
    assert "你已经报名了（号码牌 #1）" in first_man.last_text()
    await second_man.press("报名")
    assert "你已在候补名单中" in second_man.last_text()

    await first_man.send("/my_events")
    await first_man.press("取消报名")
    assert "你已退出" in first_man.last_text()
    assert "空出了名额，你已报名成功" in second_man.last_text()
    await second_man.send("/my_events")
    assert "已报名，号码牌 #2" in second_man.last_text()


async def test_ineligible_members_are_told_why(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 3, 3)
    event_id = await publish(sandbox, organiser)
    # The card says why at once, and offers no button that could only be refused.
    outsider = sandbox.user("徐汇会员", user_id=in_xuhui[0])
    await outsider.send(f"/start event_{event_id}")
    assert "⚠️ 这场活动面向其他工会的会员。" in outsider.last_text()
    assert not outsider.bot_messages()[-1].inline_keyboard
    await outsider.forge_press(JoinEvent(event_id).encode())  # pressed anyway: still refused
    assert outsider.last_text() == "这场活动面向其他工会的会员。"
    stranger = sandbox.user("陌生人")
    await stranger.send(f"/start event_{event_id}")
    # A newcomer is taken through signing up first (tests/test_onboarding_navigation.py).
    assert f"报名“{TITLE}”之前，需要先确认你是工会会员" in stranger.texts()[-2]
    assert stranger.buttons() == ["同意", "不同意"]
    member = sandbox.user("浦东会员", user_id=in_pudong[0])
    await member.send(f"/start event_{event_id}")
    await sandbox.advance(timedelta(days=2, minutes=1))
    await member.press("报名")  # the button of a card read before the deadline
    assert member.last_text() == "本活动报名已截止。"
    async with sandbox.app.services.db() as session:
        assert (await session.scalars(select(Registration))).all() == []


async def test_reminders_arrive_exactly_once_with_a_restart_between(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    event_id = await publish(sandbox, organiser)
    member = await join(sandbox, in_pudong[0], event_id)
    await sandbox.advance(timedelta(days=2, minutes=1))  # 24 h before
    assert len(reminders(member)) == 1 and TITLE in reminders(member)[0]
    await sandbox.restart()
    await sandbox.advance(timedelta(hours=23))  # 59 min before: the 2 h reminder is due
    await sandbox.restart()
    await sandbox.advance(timedelta(days=1))
    assert len(reminders(member)) == 2


async def test_a_reminder_missed_while_down_is_sent_if_the_event_has_not_begun() -> None:
    for downtime, expected in ((timedelta(hours=7), 1), (timedelta(hours=31), 0)):
        async with Sandbox() as sb:
            organiser, _sibling, in_pudong, _ = await union_with_members(sb, 2)
            now = sb.clock.now()
            event_id = await publish(
                sb,
                organiser,
                starts_at=now + timedelta(hours=30),
                ends_at=now + timedelta(hours=33),
                signup_deadline=now + timedelta(hours=20),
            )
            member = await join(sb, in_pudong[0], event_id)
            await sb.stop()
            sb.clock.set(now + downtime)  # the 24 h reminder fell due at +6 h
            await sb.start()
            await sb.settle()
            assert len(reminders(member)) == expected, downtime


async def test_down_through_both_reminders_she_gets_one_that_says_the_truth(
    sandbox: Sandbox,
) -> None:
    """Down from before the 24 h reminder until 90 minutes before the start: both were sent
    at once, the first saying the event was "明天" on its day (crash red team)."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    now = sandbox.clock.now()
    starts_at = now + timedelta(hours=30)
    event_id = await publish(
        sandbox,
        organiser,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        signup_deadline=now + timedelta(hours=20),
    )
    member = await join(sandbox, in_pudong[0], event_id)
    await sandbox.stop()
    sandbox.clock.set(starts_at - timedelta(minutes=90))
    await sandbox.start()
    await sandbox.settle()
    local = starts_at.astimezone(sandbox.settings.tz)
    assert reminders(member) == [
        f"提醒：“{TITLE}”还有两小时就开始了（{local:%H:%M}），地点：浦东滨江大道 1 号。\n"
        "到场后，请把现场公布的签到码发给我，格式如：/checkin 123456"
    ]


async def test_a_reminder_says_the_day_by_the_calendar() -> None:
    """A union that reminds 40 hours ahead of a 09:00 event: that is 17:00 two days before,
    and the reminder said "明天" (it went by the hours, not the calendar)."""
    async with Sandbox(event_reminders=(40,)) as sb:
        organiser, _sibling, in_pudong, _ = await union_with_members(sb, 2)
        local_now = sb.clock.now().astimezone(sb.settings.tz)
        nine = (local_now + timedelta(days=4)).replace(hour=9, minute=0, second=0, microsecond=0)
        event_id = await publish(
            sb,
            organiser,
            starts_at=nine,
            ends_at=nine + timedelta(hours=2),
            signup_deadline=nine - timedelta(days=2),
        )
        member = await join(sb, in_pudong[0], event_id)
        await sb.advance(nine - timedelta(hours=40) - sb.clock.now())
        date = f"{nine.astimezone(sb.settings.tz):%m-%d}"
        assert reminders(member)[0].startswith(f"提醒：“{TITLE}”将在 2 天后（{date} 09:00）开始")


async def test_check_in_with_the_code_the_organiser_shows(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    event_id = await publish(sandbox, organiser)
    member = await join(sandbox, in_pudong[0], event_id)
    await organiser.send("/events")
    await organiser.press(TITLE)
    code = (await event_row(sandbox, event_id)).checkin_code
    assert f"签到码：{code}" in organiser.last_text()
    assert f"start=event_{event_id}" in organiser.last_text()
    await member.send(f"/checkin {code}")
    assert member.last_text().startswith(f"这是“{TITLE}”的签到码。签到将于")  # days early
    await sandbox.advance(timedelta(days=3))
    await member.send("/checkin 000000" if code != "000000" else "/checkin 111111")
    assert "签到码不正确" in member.last_text()
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(4):
        await member.send(f"/checkin {wrong}")
    await member.send(f"/checkin {code}")
    assert (
        "签到码错误次数过多" in member.last_text()
    )  # guessing is slowed down, even the right code
    await sandbox.advance(timedelta(hours=1))
    await member.send(f"/checkin {code}")
    assert "签到成功！你的号码牌是 #1" in member.last_text()
    async with sandbox.app.services.db() as session:
        assert (await session.scalar(select(Registration.checked_in_at))) is not None


async def test_an_online_events_poster_says_online(sandbox: Sandbox) -> None:
    """Its place read "地点：None" on the poster and under it."""
    organiser, _sibling, _in_pudong, _ = await union_with_members(sandbox, 1)
    event_id = await publish(sandbox, organiser, venue=None)
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("二维码海报")
    poster = organiser.bot_messages()[-1]
    assert poster.kind == "photo" and "地点：线上" in poster.text and "None" not in poster.text
    assert f"start=event_{event_id}" in organiser.texts()[-2]  # the overview's link


async def test_the_qr_poster_is_an_image_of_the_deep_link(sandbox: Sandbox) -> None:
    organiser, _sibling, _in_pudong, _ = await union_with_members(sandbox, 1)
    await publish(sandbox, organiser)
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("二维码海报")
    poster = organiser.bot_messages()[-1]
    assert poster.kind == "photo" and poster.text.startswith(TITLE)
    assert "时间：" in poster.text and "地点：浦东滨江大道 1 号" in poster.text
    image = Image.open(io.BytesIO(sandbox.api.files[poster.file_id][1]))
    assert image.format == "PNG" and image.size == (1080, 1500)
    # The title is drawn in Chinese, not as empty boxes: distinct glyphs look different.
    font = ImageFont.truetype(str(cjk_font_file()), 72)

    def glyph(character: str) -> bytes:
        canvas = Image.new("L", (80, 80))
        ImageDraw.Draw(canvas).text((0, 0), character, font=font, fill=255)
        return canvas.tobytes()

    assert glyph("滨") != glyph("江")
    title_band = image.crop((0, 120, 1080, 260)).convert("L")
    assert title_band.getextrema()[0] < 100  # something dark is written where the title goes


async def test_mutual_choice_makes_matches_reports_the_pairing_rate_and_follows_up(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    people = await by_gender(sandbox, in_pudong)
    event_id = await publish(sandbox, organiser)
    a, b = [await join(sandbox, t, event_id) for t in people["male"][:2]]
    x, y = [await join(sandbox, t, event_id) for t in people["female"][:2]]
    await sandbox.advance(timedelta(days=3))
    code = (await event_row(sandbox, event_id)).checkin_code
    for member in (a, b, x, y):
        await member.send(f"/checkin {code}")
    await sandbox.advance(timedelta(hours=3))  # the event ends: mutual choice opens
    assert "互选开放" in a.last_text()

    async def pick(chooser: SimulatedUser, *badges: int) -> None:
        await chooser.press("开始互选")
        offered = {label.split()[-1] for label in chooser.buttons()[:-1]}
        assert offered == ({"#3", "#4"} if chooser in (a, b) else {"#1", "#2"})  # the other gender
        for badge in badges:
            await chooser.press(f"#{badge}")
        await chooser.press("完成")

    await pick(a, 3)
    await pick(x, 1)
    await pick(b, 3)
    await pick(y)
    await sandbox.advance(timedelta(days=1))
    assert "互选成功！你和" in a.last_text() and "#3" in a.last_text()
    assert "互选成功！你和" in x.last_text() and "#1" in x.last_text()
    assert "🛡 安全提醒" in x.last_text() and "🤝 交换联系方式" in x.buttons()  # like any match
    assert not any("互选成功" in t for t in b.texts() + y.texts())
    assert "牵手 1 对，牵手率 50%" in organiser.last_text()
    async with sandbox.app.services.db() as session:
        assert [m.source for m in (await session.scalars(select(Match))).all()] == ["event"]

    await sandbox.advance(timedelta(days=3))
    assert "三天" in a.last_text() and "三天" in x.last_text()
    await a.press("还在联系")
    await x.press("不再询问")
    await sandbox.advance(timedelta(days=19))
    assert "三周" in a.last_text() and "三周" not in x.last_text()
    async with sandbox.app.services.db() as session:
        answers = (await session.scalars(select(FollowUp))).all()
    assert [(f.stage, f.outcome) for f in answers] == [("3d", "talking")]
    await organiser.send("/stats")
    assert "配对后的进展（会员自愿回答）：还在联系 1" in organiser.bot_messages()[-2].text
    assert "到场 4 人，牵手 1 对，牵手率 50%" in organiser.bot_messages()[-2].text

    # One of the pair deletes their account: the union's record of the event stays as it was.
    await a.send("/delete_me")
    await a.press("全部删除")
    await organiser.send("/events")
    await organiser.press(TITLE)
    assert "互选：牵手 1 对，牵手率 50%" in organiser.last_text()
    await organiser.send("/stats")
    assert "到场 4 人，牵手 1 对，牵手率 50%" in organiser.bot_messages()[-2].text
    # Her answer stays counted too, though only met and together are monthly figures.
    assert "配对后的进展（会员自愿回答）：还在联系 1" in organiser.bot_messages()[-2].text


async def test_smart_groups_keep_size_gender_balance_and_colleagues_apart(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 40)
    people = await by_gender(sandbox, in_pudong)
    attendees = people["male"][:6] + people["female"][:6]
    event_id = await publish(sandbox, organiser)
    pudong = await unit_id(sandbox, PUDONG)
    async with sandbox.app.services.db.begin() as session:
        # Six employers, each with one man and one woman attending: colleagues to keep apart.
        for number, (man, woman) in enumerate(zip(attendees[:6], attendees[6:], strict=True)):
            for telegram_id in (man, woman):
                member_id = await session.scalar(
                    select(Member.id).where(Member.telegram_id == telegram_id)
                )
                session.add(
                    RosterEntry(
                        unit_id=pudong,
                        member_number=f"G{telegram_id}",
                        real_name="某某",
                        employer=f"单位{number}",
                        member_id=member_id,
                        imported_at=sandbox.clock.now(),
                    )
                )
    members = [await join(sandbox, t, event_id) for t in attendees]
    await sandbox.advance(timedelta(days=3))
    code = (await event_row(sandbox, event_id)).checkin_code
    for member in members:
        await member.send(f"/checkin {code}")
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("6 人分组")
    draft = organiser.last_text()
    assert "已签到的 12 人" in draft and "第 1 组" in draft and "第 2 组" in draft
    assert "还没有通知任何人" in draft
    assert not any("你在第" in m.last_text() for m in members)  # a draft tells nobody
    await organiser.press("通知每位组员")
    assert organiser.last_text() == "已发送：12 位会员收到了自己的分组。"
    async with sandbox.app.services.db() as session:
        rows = (
            await session.execute(
                select(Registration.group_no, MatchProfile.gender, RosterEntry.employer)
                .join(MatchProfile, MatchProfile.member_id == Registration.member_id)
                .join(RosterEntry, RosterEntry.member_id == Registration.member_id)
            )
        ).all()
    for group in (1, 2):
        in_group = [r for r in rows if r.group_no == group]
        assert len(in_group) == 6
        assert sum(r.gender == "male" for r in in_group) == 3
        assert len({r.employer for r in in_group}) == 6  # no two colleagues together
    assert all("你在第" in m.last_text() for m in members)


async def test_groups_wait_for_check_in_and_the_organisers_confirmation(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    event_id = await publish(sandbox, organiser)
    first, *others, late = [await join(sandbox, t, event_id) for t in in_pudong[:9]]
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("6 人分组")  # three days early: nobody has arrived
    assert organiser.last_text() == (
        "分组只在签到开始后、已有至少两人签到时进行：目前已签到 0 人。会员用活动的签到码签到。"
    )
    await sandbox.advance(timedelta(days=3))
    code = (await event_row(sandbox, event_id)).checkin_code
    await first.send(f"/checkin {code}")
    await organiser.send("/events")
    await organiser.press(TITLE)
    overview = organiser.bot_messages()[-1]
    await organiser.press_on(overview, "6 人分组")
    assert "目前已签到 1 人" in organiser.last_text()  # one person is no group
    for member in others:
        await member.send(f"/checkin {code}")
    await organiser.press_on(overview, "6 人分组")
    earlier = organiser.bot_messages()[-1]
    assert "已签到的 8 人" in earlier.text
    await late.send(f"/checkin {code}")
    await organiser.press_on(overview, "6 人分组")
    newest = organiser.bot_messages()[-1]
    assert "已签到的 9 人" in newest.text and "#9" in newest.text

    await organiser.press_on(earlier, "通知每位组员")  # a draft made before the last arrival
    assert organiser.last_alert() == "分组已经重新做过，请确认最新的分组。"
    await sandbox.settle()
    everyone = [first, *others, late]
    assert not any(t.startswith("你在第") for m in everyone for t in m.texts())
    await organiser.press_on(newest, "通知每位组员")
    await organiser.press_on(newest, "通知每位组员")  # pressed again
    await sandbox.settle()
    for member in everyone:
        told = [t for t in member.texts() if t.startswith("你在第")]
        assert len(told) == 1  # once, whatever the organiser pressed
        assert told[0].count("#") >= 3  # a group of at least four: the others are named


async def test_cancelling_an_event_tells_every_registrant(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    people = await by_gender(sandbox, in_pudong)
    event_id = await publish(sandbox, organiser, capacity=Capacity(2))
    members = [await join(sandbox, t, event_id) for t in people["male"][:3]]
    assert "候补名单" in members[2].last_text()
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("取消活动")
    await organiser.press("确定取消")
    assert "正在通知 3 位会员" in organiser.texts()[-2]
    await sandbox.settle()
    for member in members:
        assert sum("已取消" in t and TITLE in t for t in member.texts()) == 1
    await sandbox.advance(timedelta(days=4))
    assert not any(reminders(m) for m in members)
    await members[0].send(f"/start event_{event_id}")
    assert members[0].last_text() == "这场活动已停止报名。发送 /events 看看其他活动。"


async def test_cancelling_while_its_reminders_go_out_stops_those_not_yet_sent(
    database_url: str,
) -> None:
    """The scheduler claims reminders 200 at a time; cancelling withdrew only those still
    waiting to be claimed, so 157 of 200 members were reminded of the cancelled event, and a
    crash then sent the claimed ones again (crash red team). Those already on their way to
    Telegram go; the rest are withdrawn, and stay so across a crash."""
    async with Sandbox(database_url=database_url) as sb:
        organiser, _sibling, in_pudong, _ = await union_with_members(sb, Scheduler.CONCURRENCY + 10)
        event_id = await publish(sb, organiser)
        for telegram_id in in_pudong:
            done = await sb.app.services.events.attending.sign_up(telegram_id, event_id)
            assert done.status.value == "registered"
        gates = [sb.api.hold(telegram_id) for telegram_id in in_pudong]
        sb.clock.advance(timedelta(days=2, minutes=1))  # the 24 h reminders are due
        sending = asyncio.create_task(sb.app.delivery.scheduler.run_due())
        await wait_until(lambda: sum(g.reached.is_set() for g in gates) == Scheduler.CONCURRENCY)
        told = await sb.app.services.events.organising.cancel(organiser.id, event_id)
        assert told == len(in_pudong)
        for telegram_id in in_pudong:
            sb.api.release(telegram_id)
        await sending
        await sb.settle()
        await sb.crash()
        await sb.start()
        await sb.advance(timedelta(hours=23))  # the 2 h reminders' time too

        def reminded(telegram_id: int) -> int:
            return sum(
                (e.text or "").startswith("提醒：") for e in sb.api.chats[telegram_id] if e.from_bot
            )

        assert sum(map(reminded, in_pudong)) == Scheduler.CONCURRENCY  # those under way
        assert all(
            sum("已取消" in (e.text or "") for e in sb.api.chats[t] if e.from_bot) == 1
            for t in in_pudong
        )


async def test_other_unions_organisers_cannot_touch_an_event(sandbox: Sandbox) -> None:
    organiser, sibling, in_pudong, _ = await union_with_members(sandbox, 4)
    event_id = await publish(sandbox, organiser)
    await join(sandbox, in_pudong[0], event_id)
    before = (await event_row(sandbox, event_id)).status
    for button in (
        EventOverview(event_id),
        EventPoster(event_id),
        EventGroups(event_id, 6),
        CancelEventConfirmed(event_id),
        EventSheet(event_id),
    ):
        data = button.encode()
        await sibling.forge_press(data)
        assert "只有主办工会的管理员" in (sibling.last_alert() or ""), data
    await sibling.send(f"/event_edit {event_id} title 改掉")
    assert "只有主办工会的管理员" in sibling.last_text()
    event = await event_row(sandbox, event_id)
    assert event.status == before and event.title == TITLE
    assert not any(e.kind in ("photo", "document") for e in sibling.log)


async def test_a_broadcast_can_go_to_an_events_registrants(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 8)
    event_id = await publish(sandbox, organiser)
    registrants = in_pudong[:2]
    for telegram_id in registrants:
        await join(sandbox, telegram_id, event_id)
    await organiser.send("/broadcast")
    await organiser.send("集合地点改到二号门")
    await organiser.press("活动报名者")
    await organiser.press(f"#{event_id} {TITLE}")
    assert "→ 2 位会员" in organiser.last_text()
    await organiser.press("预览 ▸")
    await organiser.press("立即发送")
    await sandbox.settle()
    signed = f"集合地点改到二号门\n\n——{PUDONG}"  # signed with the sending union
    assert [copies(sandbox, t, signed) for t in in_pudong] == [1, 1] + [0] * 6


async def test_statistics_show_event_funnels_and_how_matches_went(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    people = await by_gender(sandbox, in_pudong)
    event_id = await publish(sandbox, organiser, capacity=Capacity(3))
    for telegram_id in people["male"][:2] + people["female"][:2]:
        await join(sandbox, telegram_id, event_id)
    await organiser.send("/stats")
    text = organiser.bot_messages()[-2].text
    assert f"“{TITLE}”：报名 3 人，候补 1 人，到场 0 人" in text
    chart = organiser.bot_messages()[-1]
    image = Image.open(io.BytesIO(sandbox.api.files[chart.file_id][1]))
    assert chart.kind == "photo" and image.height > image.width * 0.7  # a third row: events


async def test_the_code_sent_alone_checks_in_and_a_wrong_one_says_so(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 4)
    event_id = await publish(sandbox, organiser)
    first, second, third = [await join(sandbox, t, event_id) for t in in_pudong[:3]]
    code = (await event_row(sandbox, event_id)).checkin_code
    wrong = "000000" if code != "000000" else "111111"
    await sandbox.advance(timedelta(days=3))
    await first.send(code)  # the code alone, as shown at the door
    assert first.last_text().startswith(f"“{TITLE}”签到成功")
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    await second.send(f"签到 {wide}")  # after 签到, in full-width digits
    assert second.last_text().startswith(f"“{TITLE}”签到成功")
    await third.send(wrong)
    assert third.last_text() == "签到码不正确，请向工作人员核对。"
    stranger = sandbox.user("路人", user_id=in_pudong[3])
    await stranger.send(code)
    assert stranger.last_text() == "你没有报名即将举行的活动。发送 /events 查看可以报名的活动。"
    async with sandbox.app.services.db() as session:
        arrived = await session.scalar(
            select(func.count()).where(Registration.checked_in_at.is_not(None))
        )
    assert arrived == 2


async def test_a_six_digit_member_number_is_verified_not_taken_for_a_code(
    sandbox: Sandbox,
) -> None:
    entry = ("王小雨", "202401", "上海申通地铁集团有限公司", "13800000001")
    await seed_union(sandbox, [entry])
    xiaoyu = sandbox.user("小雨", phone=entry[3])
    await sign_up(xiaoyu, entry)
    async with sandbox.app.services.db() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == xiaoyu.id))
    assert member.verified_at is not None and member.profile_completed_at is not None


async def test_editing_the_venue_rewords_the_reminders_to_come(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    event_id = await publish(sandbox, organiser)
    member = await join(sandbox, in_pudong[0], event_id)
    await organiser.send(f"/event_edit {event_id} 地点 世纪公园 3 号门")  # in Chinese
    assert organiser.last_text() == "已保存。"
    await sandbox.advance(timedelta(days=2, minutes=1))
    assert "世纪公园 3 号门" in reminders(member)[0]
    await organiser.send(f"/event_edit {event_id} colour 红色")
    assert organiser.last_text().startswith("用法：/event_edit 活动编号 标题|介绍|地点 新内容")
    await organiser.send(f"/event_edit {event_id} 标题 世纪公园健步走")
    assert (await event_row(sandbox, event_id)).title == "世纪公园健步走"


async def test_moving_an_event_tells_registrants_and_moves_the_reminders(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    event_id = await publish(sandbox, organiser)
    member = await join(sandbox, in_pudong[0], event_id)
    old_start = (await event_row(sandbox, event_id)).starts_at
    new_start = (old_start + timedelta(days=2)).astimezone(sandbox.settings.tz)
    await organiser.send(f"/event_edit {event_id} start 上周五")
    assert "没看懂这个时间" in organiser.last_text()
    await organiser.send(f"/event_edit {event_id} 时间 {new_start:%Y-%m-%d %H:%M}")
    assert organiser.texts()[-2] == "已保存。"  # then the notice to registrants goes out
    await sandbox.settle()
    assert f"{new_start:%Y-%m-%d %H:%M}" in member.last_text() and "已改期" in member.last_text()
    await sandbox.advance(timedelta(days=2, minutes=1))  # the old 24 h reminder time
    assert reminders(member) == []
    await sandbox.advance(timedelta(days=2))
    assert len(reminders(member)) == 1
    event = await event_row(sandbox, event_id)
    assert event.ends_at - event.starts_at == timedelta(hours=3)


async def test_a_rerun_of_the_mutual_choice_opening_invites_nobody_twice(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    event_id = await publish(sandbox, organiser)
    member = await join(sandbox, in_pudong[0], event_id)
    await sandbox.advance(timedelta(days=3))
    await member.send(f"/checkin {(await event_row(sandbox, event_id)).checkin_code}")
    await sandbox.advance(timedelta(hours=3))
    # As after a crash in the middle: the opening task runs again.
    await sandbox.app.services.events.choice.open(event_id)
    await sandbox.settle()
    assert sum("互选开放" in t for t in member.texts()) == 1


async def test_more_places_promote_the_waitlist_in_order(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 12)
    people = await by_gender(sandbox, in_pudong)
    event_id = await publish(sandbox, organiser, capacity=Capacity(1))
    first, second, third = [await join(sandbox, t, event_id) for t in people["male"][:3]]
    assert "候补名单" in second.last_text() and "候补名单" in third.last_text()
    await organiser.send(f"/event_edit {event_id} places 0")
    assert "请输入数字" in organiser.last_text()
    await organiser.send(f"/event_edit {event_id} places 2")
    assert organiser.last_text() == "已保存。"
    assert "好消息" in second.last_text() and "好消息" not in third.last_text()
    await sandbox.advance(timedelta(days=2, minutes=1))
    assert len(reminders(second)) == 1 and reminders(third) == []


async def test_the_sign_in_sheet_lists_places_and_waitlist_by_badge(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 6)
    event_id = await publish(sandbox, organiser, capacity=Capacity(2))
    for telegram_id in in_pudong[:3]:
        await join(sandbox, telegram_id, event_id)
    people = [("张伟", "上海地铁", "13800138001"), ("李娜", "上海电气", "13800138002")]
    await bind_roster_entries(sandbox, in_pudong, people)
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("签到名单")
    document = organiser.bot_messages()[-1]
    assert document.kind == "document" and "共 3 人" in document.text
    workbook = load_workbook(io.BytesIO(sandbox.api.files[document.file_id][1]))
    assert workbook.sheetnames == ["签到表"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == f"“{TITLE}”签到表"
    assert rows[1][0].startswith("时间：") and rows[2][0].startswith("地点：")
    assert rows[3][0].startswith("主办：浦东新区总工会") and "生成于" in rows[3][0]
    header = rows.index(
        ("序号", "号码牌", "姓名", "单位", "电话", "昵称", "性别", "状态", "已签到", "签名")
    )
    table = rows[header + 1 :]
    assert [(r[0], r[1], r[7]) for r in table] == [
        (1, 1, "已报名"),
        (2, 2, "已报名"),
        (3, 3, "候补"),
    ]
    # The verified identity from the roster beside the nickname; "—" where none is left.
    assert [r[2:5] for r in table] == [*people, ("—", "—", None)]
    assert all(r[9] is None for r in table)  # room to sign
    # Seeing real names and phones is an act the audit log keeps.
    async with sandbox.app.services.db() as session:
        looks = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "event_sheet"))
        ).all()
    assert [(e.actor_telegram_id, e.detail) for e in looks] == [
        (organiser.id, {"event": event_id, "people": 3})
    ]


async def test_a_nickname_that_is_a_formula_stays_text_on_the_sign_in_sheet(
    sandbox: Sandbox,
) -> None:
    """A member names herself as an Excel formula (a DDE command fits in a nickname): the
    organiser's sign-in sheet shows the words and Excel or WPS runs nothing."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    event_id = await publish(sandbox, organiser)
    attacker = await join(sandbox, in_pudong[0], event_id)
    formula = "=cmd|' /C calc'!A0"
    await attacker.send("/edit")
    await attacker.press("昵称")
    await attacker.send(formula)
    assert "已保存" in attacker.texts()[-2]
    await organiser.send("/events")
    await organiser.press(TITLE)
    await organiser.press("签到名单")
    data = sandbox.api.files[organiser.bot_messages()[-1].file_id][1]
    sheet = load_workbook(io.BytesIO(data)).active
    [nickname] = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert nickname.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no formula at all


async def test_members_list_the_events_they_may_join_and_why_not(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 4, 1)
    now = sandbox.clock.now()
    await publish(
        sandbox,
        organiser,
        title="五十岁联谊",
        conditions=Conditions(50, 55, districts=("崇明区",)),
        starts_at=now + timedelta(days=2, hours=12),
    )
    open_to_all_id = await publish(sandbox, organiser, capacity=Capacity(10, 5, 5))
    await join(sandbox, in_pudong[1], open_to_all_id)  # one place taken
    member = sandbox.user("会员", user_id=in_pudong[0])
    await member.send("/events")
    heading, open_to_all, other_heading, limited = member.texts()[-4:]
    assert heading == "可以报名的活动："
    assert other_heading == "暂不符合报名条件的活动（原因见下）："
    assert "五十岁联谊" in limited and "👥 面向：50–55 岁 · 崇明区" in limited
    assert "⚠️ 这场活动面向 50–55 岁的会员。" in limited
    assert "⚠️ 这场活动面向崇明区的会员。" in limited
    assert not member.bot_messages()[-1].inline_keyboard  # no sign-up button where one may not
    assert TITLE in open_to_all and "🎟 剩余名额：9" in open_to_all
    deadline = (now + timedelta(days=2)).astimezone(sandbox.settings.tz)
    assert f"⏳ 报名截止：{deadline:%Y-%m-%d %H:%M}" in open_to_all
    await member.press("报名")
    assert "报名成功！你的号码牌是 #2" in member.last_text()
    await member.send("/events")
    assert "✅ 你已报名。如需取消，请发送 /my_events。" in member.texts()[-3]

    outsider = sandbox.user("徐汇会员", user_id=in_xuhui[0])
    await outsider.send("/events")
    assert outsider.last_text() == "目前没有可以报名的活动。有新活动时会第一时间通知你。"
    stranger = sandbox.user("陌生人")
    await stranger.send("/events")
    assert stranger.last_text() == "活动仅限已认证的工会会员参加，请先发送 /start 完成认证。"
    await organiser.send("/events")
    assert organiser.last_text() == "你所在工会的活动："  # organisers keep their view
