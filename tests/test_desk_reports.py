"""The desk's Reports tab: the reported members of the organiser's unions; each one's file with
the reporter's own words, blocks and earlier decisions; their identity by the roster for
organisers only, every look audited; and the chat's decisions, said before and after — each
refused, with nothing written and nobody told, to anyone else. And the whole journey in
Chromium at 360 px: review one request, judge a report, find both in the audit log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.domain.units import Role
from bot.services import screening
from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import AuditEntry, Member, Report, ScreenHit, UnitRole
from tests.helpers import PUDONG, unit_id
from tests.mini_app_browser import open_mini_app, served
from tests.test_admin import scene, state
from tests.test_matching_bot import MAN, WOMAN
from tests.test_miniapp import as_user, web

__all__ = ["served"]  # the browser test's fixture
WORDS = "她说自己单身，可朋友圈里全是她和丈夫孩子的合影。"


async def reported_scene(sb: Sandbox) -> tuple:
    """test_admin's scene (阿明 reported 小雨 as a fake profile), with 阿明's own words on the
    report and a counsellor of 浦东. Returns the people and 小雨's and 阿明's member ids."""
    people = await scene(sb)
    xiaoyu, ming = people[4], people[5]
    counsellor = sb.user("辅导员")
    pudong = await unit_id(sb, PUDONG)
    async with sb.app.services.db.begin() as session:
        ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
        report = await session.scalar(select(Report.id))
        session.add(UnitRole(telegram_id=counsellor.id, unit_id=pudong, role=Role.COUNSELLOR))
    assert await sb.app.services.matchmaking.add_detail(ming.id, report, WORDS) is True
    return (*people, counsellor), ids[xiaoyu.id], ids[ming.id]


async def identity_looks(sb: Sandbox) -> list[tuple]:
    async with sb.app.services.db() as session:
        rows = await session.execute(
            select(AuditEntry.actor_telegram_id, AuditEntry.detail).where(
                AuditEntry.action == "view_identity"
            )
        )
        return [(actor, detail["member"]) for actor, detail in rows.all()]


async def test_the_file_shows_the_reporters_words_and_the_history_but_no_identity(
    sandbox: Sandbox,
) -> None:
    people, reported, _ming = await reported_scene(sandbox)
    pudong, city, xuhui = people[:3]
    async with web(sandbox) as client:
        home = await client.get("/app/home", headers=as_user(sandbox, pudong.id))
        listing = await client.get("/app/console/reports", headers=as_user(sandbox, pudong.id))
        detail = await client.get(
            f"/app/console/reports/{reported}", headers=as_user(sandbox, pudong.id)
        )
        above = await client.get(
            f"/app/console/reports/{reported}", headers=as_user(sandbox, city.id)
        )
        sibling = await client.get("/app/console/reports", headers=as_user(sandbox, xuhui.id))
    assert ">举报<" in home.text and ">审计日志<" in home.text
    assert "小雨" in listing.text and "举报：虚假资料 × 1" in listing.text
    for shown in ("虚假资料", "来自 阿明", WORDS, "待处理", "被 1 位会员屏蔽", "暂无处理记录"):
        assert shown in detail.text, shown
    # What each decision will do, before it is made.
    assert "在你解除暂停之前，任何人都看不到小雨的资料" in detail.text
    assert "确认：暂停账号" in detail.text and "确认：解除暂停" not in detail.text
    assert above.status_code == 200 and WORDS in above.text
    # The identity only on request: no real name on the page, nothing audited.
    assert WOMAN[0] not in detail.text and WOMAN[1] not in detail.text
    assert await identity_looks(sandbox) == []
    assert sibling.status_code == 200 and "小雨" not in sibling.text


async def test_only_organisers_see_who_it_is_and_every_look_is_audited(sandbox: Sandbox) -> None:
    people, reported, not_reported = await reported_scene(sandbox)
    pudong, city, xuhui, hongniang, _xiaoyu, ming, _li, counsellor = people
    before = await state(sandbox)
    async with web(sandbox) as client:
        # A matchmaker and a counsellor of 浦东, a sibling organiser, the reporter: refused.
        for someone in (hongniang.id, counsellor.id, xuhui.id, ming.id):
            headers = as_user(sandbox, someone)
            for method, path in (
                ("GET", "/app/console/reports"),
                ("GET", f"/app/console/reports/{reported}"),
                ("POST", f"/app/console/reports/{reported}/identity"),
            ):
                answer = await client.request(method, path, headers=headers)
                if someone == xuhui.id and path == "/app/console/reports":
                    assert answer.status_code == 200 and "小雨" not in answer.text
                    continue
                assert answer.status_code in (403, 404), (someone, path)
                assert WOMAN[0] not in answer.text and WORDS not in answer.text
        # Nor may an organiser look up someone nobody reported, or nobody at all.
        for member in (not_reported, 99999):
            answer = await client.post(
                f"/app/console/reports/{member}/identity", headers=as_user(sandbox, pudong.id)
            )
            assert answer.status_code in (403, 404) and MAN[0] not in answer.text
        assert await state(sandbox) == before and await identity_looks(sandbox) == []
        looked = await client.post(
            f"/app/console/reports/{reported}/identity", headers=as_user(sandbox, pudong.id)
        )
        again = await client.post(
            f"/app/console/reports/{reported}/identity", headers=as_user(sandbox, pudong.id)
        )
        from_above = await client.post(
            f"/app/console/reports/{reported}/identity", headers=as_user(sandbox, city.id)
        )
    assert looked.text.strip() == (
        f'<p class="identity" role="status">小雨在{PUDONG}名册上的身份：{WOMAN[0]}，{WOMAN[2]}，'
        f"会员号 {WOMAN[1]}。仅用于处理这次举报；本次查看已记入审计日志。</p>"
    )
    assert WOMAN[0] in again.text and WOMAN[0] in from_above.text
    assert await identity_looks(sandbox) == [
        (pudong.id, reported),
        (pudong.id, reported),
        (city.id, reported),
    ]


async def test_a_decision_is_said_before_and_after_and_the_member_is_told(
    sandbox: Sandbox,
) -> None:
    people, reported, _ming = await reported_scene(sandbox)
    pudong, _city, _xuhui, _hongniang, xiaoyu, ming = people[:6]
    url = f"/app/console/reports/{reported}/moderate"
    async with web(sandbox) as client:
        headers = as_user(sandbox, pudong.id)
        before = await state(sandbox)
        for forged in ("delete", "", "suspend;lift"):
            answer = await client.post(url, data={"action": forged}, headers=headers)
            assert answer.status_code == 403, forged
        assert await state(sandbox) == before
        done = await client.post(url, data={"action": "suspend"}, headers=headers)
        await sandbox.settle()
        assert "工会已暂停你的资料" in xiaoyu.last_text()
        assert ming.last_text() == "工会已核实你的举报，并已作出处理。谢谢你告诉我们。"
        heard = len(xiaoyu.texts()), len(ming.texts())
        twice = await client.post(url, data={"action": "suspend"}, headers=headers)
        await sandbox.settle()
        lifted = await client.post(url, data={"action": "lift"}, headers=headers)
        await sandbox.settle()
    assert (
        "已暂停小雨：在你解除之前，其资料不会向任何人展示。已通知双方（小雨和 1 位举报人）。"
        in done.text
    )
    # The file shows the new state at once: suspended, the decision in the history, the
    # report settled, and lifting is what is left to do.
    assert '<h2>小雨 <span class="flag">已暂停</span></h2>' in done.text
    assert "确认：解除暂停" in done.text and "确认：暂停账号" not in done.text
    history = done.text.split("<h3>历史记录</h3>")[1].split("</ul>")[0]
    assert "暂无处理记录" not in history and history.count("暂停账号") == 1
    assert "已暂停账号" in done.text and "待处理" not in done.text
    assert xiaoyu.last_text() == "工会已解除暂停，你的资料会重新出现在推荐中。"
    assert "小雨已经是暂停状态，未作更改。" in twice.text
    assert "已解除小雨的暂停。已通知小雨。" in lifted.text
    assert (len(xiaoyu.texts()), len(ming.texts())) == (heard[0] + 1, heard[1])
    # The report itself stays in the file, settled; both decisions are in its history.
    assert WORDS in lifted.text and "已暂停账号" in lifted.text
    history = lifted.text.split("<h3>历史记录</h3>")[1].split("</ul>")[0]
    assert history.index("解除暂停") < history.index("暂停账号")  # newest first


async def test_two_organisers_deciding_one_report_warn_the_member_once(
    sandbox: Sandbox,
) -> None:
    """浦东's organiser and the city's above had the file open and both pressed 警告 (or one
    press was sent again): 小雨 was warned twice for one report, and it was audited twice."""
    people, reported, _ming = await reported_scene(sandbox)
    pudong, city, _xuhui, _hongniang, xiaoyu, ming = people[:6]
    url = f"/app/console/reports/{reported}/moderate"
    async with web(sandbox) as client:
        first = await client.post(url, data={"action": "warn"}, headers=as_user(sandbox, pudong.id))
        sandbox.clock.advance(timedelta(minutes=1))
        second = await client.post(url, data={"action": "warn"}, headers=as_user(sandbox, city.id))
        again = await client.post(
            url, data={"action": "dismiss"}, headers=as_user(sandbox, city.id)
        )
    await sandbox.settle()
    assert "已警告小雨" in first.text
    for late in (second, again):
        assert late.status_code == 200 and "小雨的举报已经处理过了，未作更改。" in late.text
    assert sum("收到了关于你资料的举报" in t for t in xiaoyu.texts()) == 1
    assert sum("工会已核实你的举报" in t for t in ming.texts()) == 1
    async with sandbox.app.services.db() as session:
        decided = (await session.scalars(select(AuditEntry.action))).all()
    assert decided.count("warn") == 1 and "dismiss" not in decided


async def test_a_warning_for_flagged_words_speaks_of_them_not_of_an_old_report(
    sandbox: Sandbox,
) -> None:
    """Warned once on a report, then again for words the scam screen flagged later: she was
    told again that the union had received reports about her."""
    people, reported, _ming = await reported_scene(sandbox)
    pudong, xiaoyu = people[0], people[4]
    url = f"/app/console/reports/{reported}/moderate"
    async with web(sandbox) as client:
        await client.post(url, data={"action": "warn"}, headers=as_user(sandbox, pudong.id))
        sandbox.clock.advance(timedelta(days=1))
        async with sandbox.app.services.db.begin() as session:
            session.add(
                ScreenHit(
                    member_id=reported,
                    source="card",
                    text="加我微信，带你做投资",
                    signals=["investment"],
                    created_at=sandbox.clock.now(),
                )
            )
        again = await client.post(url, data={"action": "warn"}, headers=as_user(sandbox, pudong.id))
    await sandbox.settle()
    assert "已警告小雨" in again.text
    warned = [t for t in xiaoyu.texts() if "请遵守会会的规则" in t]
    assert len(warned) == 2 and "收到了关于你资料的举报" in warned[0]
    assert warned[1].startswith("工会查看了你被会会安全检查标记的消息")


async def test_no_initdata_forged_or_expired_is_refused_everywhere(sandbox: Sandbox) -> None:
    people, reported, _ming = await reported_scene(sandbox)
    pudong, xuhui = people[0], people[2]
    before = await state(sandbox)
    expired = as_user(sandbox, pudong.id, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sandbox, pudong.id)[INIT_DATA_HEADER] + "0"}
    altered = {
        INIT_DATA_HEADER: as_user(sandbox, pudong.id)[INIT_DATA_HEADER].replace(
            str(pudong.id), str(xuhui.id)
        )
    }
    base = f"/app/console/reports/{reported}"
    async with web(sandbox) as client:
        for headers in ({}, expired, forged, altered):
            for method, path, data in (
                ("GET", "/app/console/reports", None),
                ("GET", base, None),
                ("POST", base + "/identity", None),
                ("POST", base + "/moderate", {"action": "suspend"}),
            ):
                answer = await client.request(method, path, headers=headers, data=data)
                assert answer.status_code == 401, (path, headers)
                assert "小雨" not in answer.text and WOMAN[0] not in answer.text
        # Another union's organiser deciding on 浦东's member, and 浦东's organiser forging
        # a member's number that does not exist: refused, nothing changes.
        answer = await client.post(
            base + "/moderate", data={"action": "suspend"}, headers=as_user(sandbox, xuhui.id)
        )
        assert answer.status_code == 403
        for forged_id in ("99999", "0"):
            answer = await client.post(
                f"/app/console/reports/{forged_id}/moderate",
                data={"action": "suspend"},
                headers=as_user(sandbox, pudong.id),
            )
            assert answer.status_code == 403
        page = await client.get("/app/console/reports/99999", headers=as_user(sandbox, pudong.id))
        assert page.status_code == 404
    assert await state(sandbox) == before


async def test_an_organiser_reviews_judges_a_report_and_finds_it_audited_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    people, _reported, _ming = await reported_scene(sandbox)
    pudong, xiaoyu, li = people[0], people[4], people[6]
    async with open_mini_app(sandbox, served, pudong.id, width=360, height=740) as page:

        async def fits(name: str) -> None:
            assert await page.evaluate("document.documentElement.scrollWidth") <= 360, name
            await page.screenshot(path=str(tmp_path / f"{name}-360.png"), full_page=True)

        # Review: the roster beside what was typed; approve, said before and after.
        await page.get_by_role("link", name="审核", exact=True).click()
        await page.locator(".compare tr.differs").get_by_text("李思").wait_for()
        await fits("review")
        await page.get_by_text("通过", exact=True).click()
        await page.get_by_text("通过后，会员号").wait_for()
        await page.get_by_role("button", name="确认：通过").click()
        await page.get_by_text("✅ 已通过，已通知该会员。").wait_for()

        # A report: the reporter's words, the identity on request, then a suspension.
        await page.get_by_role("link", name="举报", exact=True).click()
        await page.get_by_role("link", name="小雨").click()
        await page.get_by_text(WORDS).wait_for()
        await page.get_by_role("button", name="查看身份（留审计记录）").click()
        await page.locator("#identity").get_by_text(WOMAN[0]).wait_for()
        await page.get_by_text("暂停账号", exact=True).click()
        await page.get_by_text("在你解除暂停之前").wait_for()
        await fits("report")
        await page.get_by_role("button", name="确认：暂停账号").click()
        await page.get_by_text("已通知双方（小雨和 1 位举报人）").wait_for()

        # The audit log holds all three, newest first.
        await page.get_by_role("link", name="审计日志", exact=True).click()
        entries = page.locator("ol.audit li")
        await entries.first.wait_for()
        assert [line.split("·")[0].strip() for line in await entries.all_inner_texts()] == [
            "暂停会员",
            "查看被举报会员的身份",
            "通过认证",
        ]
        await fits("audit")
        await page.get_by_label("操作").select_option(label="查看被举报会员的身份")
        await page.get_by_role("button", name="筛选").click()
        await page.wait_for_function("document.querySelectorAll('ol.audit li').length === 1")
    await sandbox.settle()
    assert li.last_text() == "✅ 工会已确认你的会员身份，我们继续吧。"
    assert "工会已暂停你的资料" in xiaoyu.last_text()


async def test_what_the_scam_screen_flagged_is_listed_and_acted_on(sandbox: Sandbox) -> None:
    people, _reported, ming_id = await reported_scene(sandbox)
    pudong, xuhui, ming = people[0], people[2], people[5]
    pitch = "带你做数字货币投资，稳赚不赔，加我微信细聊"
    async with sandbox.app.services.db.begin() as session:
        assert await screening.record(session, ming_id, "card", pitch, sandbox.clock.now())
    async with web(sandbox) as client:
        listing = await client.get("/app/console/reports", headers=as_user(sandbox, pudong.id))
        sibling = await client.get("/app/console/reports", headers=as_user(sandbox, xuhui.id))
        warned = await client.post(
            f"/app/console/reports/{ming_id}/moderate",
            data={"action": "warn"},
            headers=as_user(sandbox, pudong.id),
        )
        await sandbox.settle()
    flagged = listing.text.split("<h2>反诈筛查标记</h2>")[1]
    assert "⚠️ 资料卡中的可疑内容" in flagged and pitch in flagged and "数字货币" in flagged
    assert f"/app/console/reports/{ming_id}/moderate" in flagged
    assert "阿明会收到提醒" in flagged  # what warning does, said before
    assert pitch not in sibling.text
    # Nobody reported 阿明: no file, only what was done, and he is told.
    assert warned.status_code == 200 and "已警告阿明。已通知阿明。" in warned.text
    # Told what it was about: no member reported him, his words were flagged.
    assert ming.last_text().startswith("工会查看了你被会会安全检查标记的消息。请遵守会会的规则")
    assert "举报人" not in flagged  # no reporter to be told of a flag


async def test_a_false_alarm_is_taken_off_the_list_and_nobody_is_told(sandbox: Sandbox) -> None:
    """A meeting point's map link flagged: the organiser could only warn or suspend, and it
    stayed listed until newer hits pushed it out (an organiser's week). 没问题 takes what
    was flagged so far off the list in the desk and the chat, and tells nobody; words
    flagged later are listed again."""
    people, _reported, ming_id = await reported_scene(sandbox)
    pudong, ming = people[0], people[5]
    link = "集合地点在这里 https://j.map.baidu.com/binjiang 加我微信 aming_88"
    async with sandbox.app.services.db.begin() as session:
        assert await screening.record(session, ming_id, "card", link, sandbox.clock.now())
    told_before = len(sandbox.api.chats[ming.id])
    headers = as_user(sandbox, pudong.id)
    async with web(sandbox) as client:
        listing = (await client.get("/app/console/reports", headers=headers)).text
        flagged = listing.split("<h2>反诈筛查标记</h2>")[1]
        assert link in flagged and "没问题" in flagged and "属于误报" in flagged
        cleared = await client.post(
            f"/app/console/reports/{ming_id}/moderate",
            data={"action": "dismiss"},
            headers=headers,
        )
        after = (await client.get("/app/console/reports", headers=headers)).text
        sandbox.clock.advance(timedelta(minutes=5))
        again = "私下转账给我，带你投资数字货币"
        async with sandbox.app.services.db.begin() as session:
            assert await screening.record(session, ming_id, "card", again, sandbox.clock.now())
        later = (await client.get("/app/console/reports", headers=headers)).text
    await sandbox.settle()
    assert "不作处理：阿明被标记的消息已从列表中移除。未通知任何人。" in cleared.text
    assert link not in after
    assert again in later and link not in later
    assert len(sandbox.api.chats[ming.id]) == told_before  # he is told nothing
    await pudong.send("/reports")
    assert link not in "\n".join(pudong.texts()[-3:]) and again in pudong.last_text()
    assert "没问题" in pudong.buttons()


async def test_a_member_nobody_reported_and_nothing_flagged_cannot_be_moderated(
    sandbox: Sandbox,
) -> None:
    """The form takes any member id of the organiser's unions: she was suspended and told it
    followed reports, with no report and nothing flagged (red team)."""
    people, _reported, _ming_id = await reported_scene(sandbox)
    pudong = people[0]
    async with sandbox.app.services.db() as session:
        nobody = await session.scalar(select(Member.id).where(Member.telegram_id == people[6].id))
    assert nobody is not None
    async with web(sandbox) as client:
        for action in ("warn", "suspend", "dismiss"):
            answer = await client.post(
                f"/app/console/reports/{nobody}/moderate",
                data={"action": action},
                headers=as_user(sandbox, pudong.id),
            )
            assert answer.status_code == 403
    async with sandbox.app.services.db() as session:
        assert not (await session.get(Member, nobody)).suspended
    assert not any("工会" in t and "暂停" in t for t in people[6].texts())
