"""Organisers' tools and who may use them: every admin command and button is refused to those
without authority, and changes nothing."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

from matplotlib import pyplot as plt
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import delete, func, select

from bot.domain import buttons as b
from bot.domain.audience import Audience
from bot.domain.buttons.moderation import ShowIdentity
from bot.services.broadcasts import Draft
from bot.services.statistics import ScopeStats
from bot.tools.sandbox import Sandbox
from conversations.charts import stats_figure
from storage.models import (
    AuditEntry,
    Broadcast,
    Event,
    MatchProfile,
    Member,
    ProfileAnswer,
    Report,
    UnitRole,
    VerificationAttempt,
)
from tests.helpers import (
    CITY,
    PUDONG,
    XUHUI,
    publish,
    reported_by_someone,
    seed_union,
    sign_up,
    union_with_members,
    unit_id,
    verify,
)
from tests.test_matching_bot import MAN, WOMAN, card_for, man_script

LI = ("李四", "SH0009", "上海电气", "13800000009")


async def state(sb: Sandbox) -> tuple:
    """Everything an admin action could change."""
    async with sb.app.services.db() as session:
        return (
            (
                await session.scalars(
                    select(VerificationAttempt.outcome).order_by(VerificationAttempt.id)
                )
            ).all(),
            (await session.scalars(select(Report.status).order_by(Report.id))).all(),
            (await session.scalars(select(Member.suspended).order_by(Member.id))).all(),
            (
                await session.execute(select(UnitRole.telegram_id, UnitRole.unit_id, UnitRole.role))
            ).all(),
            await session.scalar(select(func.count()).select_from(AuditEntry)),
            (await session.scalars(select(Broadcast.status).order_by(Broadcast.id))).all(),
            (await session.scalars(select(Event.status).order_by(Event.id))).all(),
        )


async def scene(sb: Sandbox):  # noqa: ANN201
    """A pending verification and a reported member in 浦东, and people of every standing."""
    pudong_organiser, city_organiser = sb.user("浦东管理员"), sb.user("市总管理员")
    xuhui_organiser, hongniang = sb.user("徐汇管理员"), sb.user("红娘")
    xiaoyu = sb.user("小雨", phone=WOMAN[3])
    ming = sb.user("阿明", phone=MAN[3])
    li = sb.user("小李", phone=LI[3])
    await seed_union(
        sb,
        [WOMAN, MAN, LI],
        organisers={
            PUDONG: [pudong_organiser.id],
            CITY: [city_organiser.id],
            XUHUI: [xuhui_organiser.id],
        },
        matchmakers={PUDONG: [hongniang.id]},
    )
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await ming.send("/match")
    await card_for(ming, "小雨")
    await ming.press("举报")
    await ming.press("虚假资料")
    await verify(li, "李思", LI[1], LI[2])  # a near miss: pending review
    return pudong_organiser, city_organiser, xuhui_organiser, hongniang, xiaoyu, ming, li


async def test_authorisation_matrix(sandbox: Sandbox) -> None:
    pudong, _city, xuhui, hongniang, xiaoyu, ming, _li = await scene(sandbox)
    async with sandbox.app.services.db() as session:
        attempt = await session.scalar(
            select(VerificationAttempt.id).where(VerificationAttempt.outcome == "pending")
        )
        reported = await session.scalar(select(Member.id).where(Member.telegram_id == xiaoyu.id))
    broadcast = await sandbox.app.services.broadcasts.create(
        pudong.id,
        Draft("浦东通知"),
        Audience(await unit_id(sandbox, PUDONG)),
        sandbox.clock.now() + timedelta(days=1),
    )
    event = await publish(sandbox, pudong)
    heard = len(xiaoyu.texts())  # she is in 浦东: the event's announcement reached her
    before = await state(sandbox)
    commands = [
        f"/grant 555 {XUHUI} organiser",
        f"/revoke {pudong.id} {PUDONG} organiser",
        "/review",
        "/reports",
        "/audit",
        "/broadcasts",
        "/events",
        f"/event_edit {event} title 改名",
    ]
    buttons = [
        b.ApproveVerification(attempt),
        b.RejectVerification(attempt),
        b.RejectBecause(attempt, "mismatch"),
        b.RejectWithNote(attempt),
        b.Moderate("suspend", reported),
        b.Moderate("dismiss", reported),
        b.Moderate("warn", reported),
        b.Moderate("lift", reported),
        b.CancelBroadcast(broadcast),
        b.EventOverview(event),
        b.EventPoster(event),
        b.EventGroups(event, 6),
        b.CancelEvent(event),
        b.CancelEventConfirmed(event),
        b.EventSheet(event),
    ]
    for outsider in (ming, hongniang, xuhui):  # a member, a matchmaker, a sibling organiser
        for command in commands:
            await outsider.send(command)
            reply = outsider.last_text()
            if command == "/events" and outsider in (ming, hongniang):
                # Members get their own view: events to sign up for, nothing to manage.
                assert "签到码" not in reply and "报名人数" not in reply, reply
                continue
            refused = (
                "没有用这个会员号或手机号加入会会的人",
                "管理员只能在下级工会任命",
                "只供工会管理员使用",
                "只供超级管理员使用",
                "你只能在你所在单位的下级单位",
                "没有待审核",
                "没有待处理的举报",
                "还没有群发",
                "还没有活动",
                "只有主办工会的管理员",
            )
            assert any(words in reply for words in refused), (outsider.first_name, command, reply)
            assert "李思" not in reply and "小雨 ·" not in reply
        for button in buttons:
            await outsider.forge_press(button.encode())
        assert await state(sandbox) == before, outsider.first_name
    assert len(xiaoyu.texts()) == heard  # the member heard nothing from any of it


async def test_review_queue_approves_with_the_roster_beside_what_was_entered(
    sandbox: Sandbox,
) -> None:
    pudong, *_rest, li = await scene(sandbox)
    await pudong.send("/review")
    assert (
        "填写：李思 · SH0009" in pudong.last_text() and "名册：李四 · SH0009" in pudong.last_text()
    )
    await pudong.press("通过")
    assert li.last_text() == "✅ 工会已确认你的会员身份，我们继续吧。"
    async with sandbox.app.services.db() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert actions == ["approve_verification"]


async def test_reports_can_suspend_and_lift_and_the_member_is_told(sandbox: Sandbox) -> None:
    pudong, _city, _xuhui, _hongniang, xiaoyu, ming, _li = await scene(sandbox)
    await pudong.send("/reports")
    assert "举报：虚假资料 × 1" in pudong.last_text()
    await pudong.press("暂停账号")
    assert "工会已暂停你的资料" in xiaoyu.last_text()
    other = sandbox.user("大伟", phone="13800000003")
    await seed_union(sandbox, [("张伟", "SH0003", "上海银行", "13800000003")])
    await sign_up(other, ("张伟", "SH0003", "上海银行", "13800000003"), man_script("大伟"))
    await other.send("/match")
    assert "暂时没有新的合适人选" in other.last_text()  # suspended: not suggested
    await pudong.send("/reports")
    assert "没有待处理的举报" in pudong.last_text()


async def test_reports_come_most_reported_first_as_on_the_back_office(sandbox: Sandbox) -> None:
    pudong, *_rest, xiaoyu, ming, _li = await scene(sandbox)  # 小雨: one report
    await reported_by_someone(sandbox, ming.id, times=2)  # 阿明 joined later, reported twice
    before = len(pudong.texts())
    await pudong.send("/reports")
    said = [text.rsplit("\n\n", 1)[-1] for text in pudong.texts()[before:] if "举报：" in text]
    assert said == ["举报：骚扰 × 2", "举报：虚假资料 × 1"]
    queue = await sandbox.app.services.report_files.queue(pudong.id, 5)
    members = sandbox.app.services.onboarding
    assert queue is not None
    assert [case.member_id for case in queue] == [
        (await members.member(ming.id)).id,  # type: ignore[union-attr]
        (await members.member(xiaoyu.id)).id,  # type: ignore[union-attr]
    ]


async def test_grant_and_revoke_follow_the_tree(sandbox: Sandbox) -> None:
    pudong, city, xuhui, _hongniang, *_ = await scene(sandbox)
    ming = f"李明（{MAN[2]}）"  # found by member number or phone, named by the roster
    await pudong.send(f"/grant {MAN[1]} {PUDONG} 管理员")
    assert pudong.last_text() == (
        "你可以在自己负责的工会任命红娘和辅导员；管理员只能在下级工会任命。"
    )
    await pudong.send(f"/grant {MAN[1].lower()} {PUDONG} 红娘")  # a district's own matchmaker
    assert pudong.last_text() == f"已完成：{ming}，现在是{PUDONG}的红娘。"
    await city.send(f"/grant {MAN[3]} {PUDONG} organiser")  # by phone
    assert city.last_text() == f"已完成：{ming}，现在是{PUDONG}的管理员。"
    await city.send(f"/grant {MAN[3]} {PUDONG} organiser")
    assert city.last_text() == "无需更改。"
    await city.send(f"/grant {MAN[1]} 不存在的工会 红娘")
    assert city.last_text() == "没有名为“不存在的工会”的单位。"
    await city.send("/grant abc")
    assert city.last_text().startswith("用法：/grant 会员号或手机号")
    await xuhui.send(f"/grant {MAN[1]} {XUHUI} 红娘")  # not on 徐汇's roster: not found
    assert xuhui.last_text() == "在你负责的工会里，没有用这个会员号或手机号加入会会的人。"
    await city.send(f"/grant 777 {PUDONG} 红娘")  # a Telegram id is nobody's member number
    assert city.last_text() == "在你负责的工会里，没有用这个会员号或手机号加入会会的人。"
    await city.send(f"/revoke {MAN[1]} {PUDONG} organiser")
    assert city.last_text() == f"已完成：{ming}，不再是{PUDONG}的管理员。"
    async with sandbox.app.services.db() as session:
        roles = (
            await session.execute(select(UnitRole.role).where(UnitRole.telegram_id == 0))
        ).all()
    assert roles == []


async def test_superadmins_read_the_audit_log() -> None:
    async with Sandbox(superadmins="4242") as sb:
        admin = sb.user("Admin", user_id=4242)
        await seed_union(sb, [WOMAN])
        xiaoyu = sb.user("小雨", phone=WOMAN[3])
        await verify(xiaoyu, *WOMAN[:3])
        await admin.send(f"/grant {WOMAN[1]} {PUDONG} 红娘")
        await admin.send("/audit")
        assert (
            f"4242 · grant · 浦东新区总工会 · {{'target': {xiaoyu.id}, 'role': 'matchmaker'}}"
            in admin.last_text()
        )


async def test_district_statistics_never_count_another_district(sandbox: Sandbox) -> None:
    pudong, city, xuhui, _hongniang, xiaoyu, ming, _li = await scene(sandbox)
    await seed_union(sandbox, [("徐汇会员", "XH0001", "徐汇某单位", "13900000001")], unit=XUHUI)
    outsider = sandbox.user("徐汇会员", phone="13900000001")
    await sign_up(outsider, ("徐汇会员", "XH0001", "徐汇某单位", "13900000001"))
    await pudong.send("/stats")
    report = pudong.texts()[-2]
    assert "已注册：3 · 已核实：2 · 资料完整：2" in report  # 小雨, 阿明 and 小李 (pending)
    assert "喜欢：0 · 互相喜欢：0" in report  # 阿明 reported 小雨: a skip, not a like
    chart = pudong.bot_messages()[-1]
    assert chart.kind == "photo" and sandbox.api.files[chart.file_id][1].startswith(b"\x89PNG")
    # Its title says whose figures and of when; its panels are titled in Chinese.
    drawn = Image.open(io.BytesIO(sandbox.api.files[chart.file_id][1])).info
    today = sandbox.clock.now().astimezone(sandbox.settings.tz)
    assert drawn["Title"] == f"{PUDONG} · 截至 {today:%Y-%m-%d}"
    assert drawn["Description"].startswith("会员概况 | 性别 | 年龄")
    await xuhui.send("/stats")
    assert "已注册：1 · 已核实：1 · 资料完整：1" in xuhui.texts()[-2]
    await city.send("/stats")
    assert "已注册：4 · 已核实：3" in city.texts()[-2]
    await ming.send("/stats")
    assert ming.last_text() == "这个命令只供工会管理员使用。"


async def test_statistics_export_as_csv_and_excel(sandbox: Sandbox) -> None:
    pudong, *_ = await scene(sandbox)
    await pudong.send("/export_stats")
    exported = pudong.bot_messages()[-1]
    assert exported.file_name == "huihui-stats.csv"
    text = sandbox.api.files[exported.file_id][1].decode("utf-8-sig")
    assert text.startswith("类别,项目,数量\r\n")
    assert "会员,已核实,2" in text and "性别,女,1" in text  # words, not codes
    bands = [line.split(",")[1] for line in text.splitlines() if line.startswith("年龄,")]
    assert bands and all(band.endswith("岁") or band.endswith("岁以下") for band in bands)
    await pudong.send("/export_stats xlsx")
    exported = pudong.bot_messages()[-1]
    today = sandbox.clock.now().astimezone(sandbox.settings.tz)
    assert exported.file_name == f"huihui-stats-{today:%Y%m%d}.xlsx"
    workbook = load_workbook(io.BytesIO(sandbox.api.files[exported.file_id][1]))
    assert workbook.sheetnames == ["会员", "互动", "活动", "咨询"]
    rows = list(workbook["会员"].iter_rows(values_only=True))
    assert rows[0][0] == f"会会统计：{PUDONG}"
    assert rows[1][0] == f"统计范围：{PUDONG}及下属工会"
    assert rows[2][0].startswith(f"数据截至 {today:%Y-%m-%d}")
    assert ("会员", "已核实", 2) in rows and ("性别", "女", 1) in rows
    assert workbook["会员"].column_dimensions["B"].width >= 8  # sized for Chinese


async def test_an_employer_written_as_a_formula_stays_text_in_both_exports(
    sandbox: Sandbox,
) -> None:
    """A roster's employer column (typed by whoever kept the spreadsheet) reaches the top
    employers: a formula there is shown, never run, when the statistics open in Excel or WPS."""
    organiser = sandbox.user("浦东管理员")
    formula = '=HYPERLINK("http://x.cn","详情")'
    entry = ("王芳", "PD0101", formula, "13700000001")
    await seed_union(sandbox, [entry], organisers={PUDONG: [organiser.id]})
    await sign_up(sandbox.user("王芳", phone=entry[3]), entry)
    await organiser.send("/export_stats")
    text = sandbox.api.files[organiser.bot_messages()[-1].file_id][1].decode("utf-8-sig")
    [line] = [row for row in text.splitlines() if "HYPERLINK" in row]
    assert line.split(",", 1)[1].startswith("\"'=HYPERLINK(")  # an apostrophe keeps it text
    await organiser.send("/export_stats xlsx")
    data = sandbox.api.files[organiser.bot_messages()[-1].file_id][1]
    cells = [c for sheet in load_workbook(io.BytesIO(data)) for row in sheet for c in row]
    [employer] = [c for c in cells if c.value == formula]
    assert employer.data_type == "s"


def test_age_bands_read_youngest_first_whatever_their_counts() -> None:
    figures = ScopeStats(age_band=Counter({"40+": 9, "<25": 1, "30–34": 4, "25–29": 2}))
    assert figures.ordered("age_band") == [("<25", 1), ("25–29", 2), ("30–34", 4), ("40+", 9)]
    figures.education.update({"bachelor": 5, "master": 7})
    assert figures.ordered("education") == [("master", 7), ("bachelor", 5)]


async def test_distributions_count_every_answer_of_complete_and_unfinished_profiles(
    sandbox: Sandbox,
) -> None:
    """The database counts them (complete profiles from their match profile, unfinished ones
    from their answers); the figures equal a plain count of the answers, member by member."""
    organiser, _sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 40, 10)
    async with sandbox.app.services.db.begin() as session:
        unfinished = (
            await session.scalars(select(Member.id).where(Member.telegram_id.in_(in_pudong[:7])))
        ).all()
        for member_id in unfinished:
            (await session.get(Member, member_id)).profile_completed_at = None
            await session.delete(await session.get(MatchProfile, member_id))
        await session.execute(
            delete(ProfileAnswer).where(
                ProfileAnswer.member_id == unfinished[0], ProfileAnswer.question == "education"
            )
        )
        answers = (
            await session.execute(
                select(ProfileAnswer.question, ProfileAnswer.value)
                .join(Member, Member.id == ProfileAnswer.member_id)
                .where(Member.telegram_id.in_(in_pudong))
            )
        ).all()
    figures = await sandbox.app.services.statistics.for_actor(organiser.id)
    assert figures is not None
    for question in ("gender", "education", "industry", "district"):
        expected = Counter(str(value) for q, value in answers if q == question)
        assert getattr(figures, question) == expected, question
    assert sum(figures.age_band.values()) == 40
    assert sum(figures.education.values()) == 39  # one has not answered it yet


async def test_moderation_says_what_it_did_and_who_was_told(sandbox: Sandbox) -> None:
    pudong, _city, _xuhui, _hongniang, xiaoyu, ming, _li = await scene(sandbox)
    await pudong.send("/reports")
    await pudong.press("暂停账号")
    assert pudong.last_text() == (
        "已暂停小雨：在你解除之前，其资料不会向任何人展示。已通知双方（小雨和 1 位举报人）。"
    )
    assert "工会已暂停你的资料" in xiaoyu.last_text()
    assert ming.last_text() == "工会已核实你的举报，并已作出处理。谢谢你告诉我们。"
    # A stale button pressed again (or forged) changes nothing and tells nobody twice.
    heard = len(xiaoyu.texts()), len(ming.texts())
    async with sandbox.app.services.db() as session:
        reported = await session.scalar(select(Member.id).where(Member.telegram_id == xiaoyu.id))
    await pudong.forge_press(b.Moderate("suspend", reported).encode())
    assert pudong.last_text() == "小雨已经是暂停状态，未作更改。"
    assert (len(xiaoyu.texts()), len(ming.texts())) == heard
    await pudong.forge_press(b.Moderate("lift", reported).encode())
    assert pudong.last_text() == "已解除小雨的暂停。已通知小雨。"
    await pudong.forge_press(b.Moderate("dismiss", reported).encode())  # nothing pending now
    assert pudong.last_text() == "小雨的举报已经处理过了，未作更改。"
    assert (len(xiaoyu.texts()), len(ming.texts())) == (heard[0] + 1, heard[1])


async def test_only_organisers_see_who_a_reported_member_is_and_each_view_is_audited(
    sandbox: Sandbox,
) -> None:
    pudong, city, xuhui, hongniang, xiaoyu, ming, _li = await scene(sandbox)
    async with sandbox.app.services.db() as session:
        ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
    reported, not_reported = ids[xiaoyu.id], ids[ming.id]
    before = await state(sandbox)
    # A matchmaker, a sibling organiser and a member forge the button: refused, nothing shown,
    # nothing recorded; nor may an organiser look up someone nobody reported.
    for outsider, member in (
        (hongniang, reported),
        (xuhui, reported),
        (ming, reported),
        (pudong, not_reported),
    ):
        await outsider.forge_press(ShowIdentity(member).encode())
        assert outsider.last_alert() == "只有该会员所在工会的管理员可以查看被举报会员的身份。"
        assert not any(WOMAN[0] in t or MAN[0] in t for t in outsider.texts())
    assert await state(sandbox) == before

    await pudong.send("/reports")
    await pudong.press("查看身份（留审计记录）")
    assert pudong.last_text() == (
        f"小雨在{PUDONG}名册上的身份：{WOMAN[0]}，{WOMAN[2]}，会员号 {WOMAN[1]}。"
        "仅用于处理这次举报；本次查看已记入审计日志。"
    )
    await city.forge_press(ShowIdentity(reported).encode())  # the union above may, too
    assert WOMAN[0] in city.last_text()
    async with sandbox.app.services.db() as session:
        views = (
            await session.execute(
                select(AuditEntry.actor_telegram_id, AuditEntry.detail).where(
                    AuditEntry.action == "view_identity"
                )
            )
        ).all()
    assert [(actor, detail["member"]) for actor, detail in views] == [
        (pudong.id, reported),
        (city.id, reported),
    ]
    assert not any(WOMAN[0] in t for t in xiaoyu.texts() + ming.texts())


def test_the_chart_counts_whole_people_and_leaves_out_what_the_font_cannot_draw() -> None:
    figure = stats_figure(
        "🎉 浦东新区总工会 · 截至 2026-12-06",
        "会员概况",
        [("已注册", 3), ("已核实", 1)],
        [("活动：报名 → 到场 → 牵手", [("🎉 滨江徒步 🚶‍♀️ (3→2)", 3)])],
    )
    try:
        assert figure.texts[0].get_text() == "浦东新区总工会 · 截至 2026-12-06"
        funnel, events = figure.axes[:2]
        ticks = funnel.get_xticks()
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)  # no 0.5 people
        assert [t.get_text() for t in events.get_yticklabels()] == ["滨江徒步 (3→2)"]
    finally:
        plt.close(figure)
