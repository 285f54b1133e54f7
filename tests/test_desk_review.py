"""The desk's Review tab: a doubtful verification shows what the member entered beside the
roster entry and what differs; approving or rejecting (a reason, or the organiser's own words)
goes through the chat's very service, says what it will do before and what it did after, and is
refused — with nothing written and nobody told — to anyone but the member's organisers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import AuditEntry, VerificationAttempt
from tests.test_admin import LI, scene, state
from tests.test_miniapp import as_user, web


async def waiting(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        found = await session.scalar(
            select(VerificationAttempt.id).where(VerificationAttempt.outcome == "pending")
        )
    assert found is not None
    return found


async def test_the_request_shows_the_roster_beside_what_was_entered(sandbox: Sandbox) -> None:
    pudong, city, xuhui, *_rest = await scene(sandbox)
    attempt = await waiting(sandbox)
    async with web(sandbox) as client:
        home = await client.get("/app/home", headers=as_user(sandbox, pudong.id))
        mine = await client.get("/app/console/review", headers=as_user(sandbox, pudong.id))
        above = await client.get("/app/console/review", headers=as_user(sandbox, city.id))
        sibling = await client.get("/app/console/review", headers=as_user(sandbox, xuhui.id))
    assert "/app/console/review" in home.text and ">审核<" in home.text
    assert mine.status_code == above.status_code == sibling.status_code == 200
    # The name row differs (李思 typed, 李四 on the roster); the member number agrees.
    name_row = mine.text.split('<tr class="differs"><th scope="row">姓名</th>')[1].split("</tr>")[0]
    assert name_row == "<td>李思</td><td>李四</td>"
    assert f'<th scope="row">会员号</th><td>{LI[1]}</td><td>{LI[1]}</td>' in mine.text
    assert '<ul class="differences"><li>姓名与名册相近，但不完全一致。</li></ul>' in mine.text
    # Before deciding, what each choice does.
    assert f"会员号 {LI[1]}（名册上为 李四，{LI[2]}）" in mine.text
    assert "会员会看到：你填写的信息与工会名册不符。请检查后重新填写" in mine.text
    assert f"attempt-{attempt}" in above.text  # the union above reviews it too
    assert "李思" not in sibling.text and "没有待审核的身份核实" in sibling.text


async def test_approving_verifies_the_member_and_says_so(sandbox: Sandbox) -> None:
    pudong, *_rest, li = await scene(sandbox)
    attempt = await waiting(sandbox)
    async with web(sandbox) as client:
        headers = as_user(sandbox, pudong.id)
        done = await client.post(
            f"/app/console/review/{attempt}", data={"decision": "approve"}, headers=headers
        )
        await sandbox.settle()
        again = await client.post(
            f"/app/console/review/{attempt}", data={"decision": "approve"}, headers=headers
        )
        queue = await client.get("/app/console/review", headers=headers)
    assert done.status_code == 200 and "✅ 已通过，已通知该会员。" in done.text
    assert f'id="attempt-{attempt}"' in done.text and "HX-Retarget" not in done.headers
    assert li.last_text() == "✅ 工会已确认你的会员身份，我们继续吧。"
    assert "这条申请已经有人审核过了" in again.text
    assert f"attempt-{attempt}" not in queue.text
    async with sandbox.app.services.db() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert actions == ["approve_verification"]


async def test_rejecting_tells_the_member_the_reason_or_the_organisers_words(
    sandbox: Sandbox,
) -> None:
    pudong, *_rest, li = await scene(sandbox)
    attempt = await waiting(sandbox)
    url = f"/app/console/review/{attempt}"
    async with web(sandbox) as client:
        headers = as_user(sandbox, pudong.id)
        before = await state(sandbox)
        # Nothing chosen, a forged reason, or "other" with nothing written: asked again.
        for form in (
            {},
            {"decision": "reject"},
            {"decision": "reject", "reason": "drop table"},
            {"decision": "maybe"},
            {"decision": "reject", "reason": "other", "note": "   "},
            {"decision": "reject", "reason": "other", "note": "太长" * 200},
        ):
            answer = await client.post(url, data=form, headers=headers)
            assert answer.status_code == 200, form
            assert answer.headers["HX-Retarget"] == f"#attempt-{attempt} .problem"
            assert "未通过" not in answer.text
        assert await state(sandbox) == before
        note = "会员号与姓名对不上，请带工会会员证到浦东工会二楼办公室核对。"
        done = await client.post(
            url, data={"decision": "reject", "reason": "other", "note": note}, headers=headers
        )
        await sandbox.settle()
    assert "❌ 未通过，已通知该会员。" in done.text
    assert f"工会的说明：{note}" in li.last_text()
    async with sandbox.app.services.db() as session:
        outcome = await session.scalar(
            select(VerificationAttempt.outcome).where(VerificationAttempt.id == attempt)
        )
    assert outcome == "rejected_on_review"


async def test_no_one_else_decides_and_nothing_is_written(sandbox: Sandbox) -> None:
    pudong, _city, xuhui, hongniang, _xiaoyu, ming, li = await scene(sandbox)
    attempt = await waiting(sandbox)
    url = f"/app/console/review/{attempt}"
    before, heard = await state(sandbox), len(li.texts())
    expired = as_user(sandbox, pudong.id, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sandbox, pudong.id)[INIT_DATA_HEADER] + "0"}
    altered = {
        INIT_DATA_HEADER: as_user(sandbox, pudong.id)[INIT_DATA_HEADER].replace(
            str(pudong.id), str(xuhui.id)
        )
    }
    async with web(sandbox) as client:
        for headers in ({}, expired, forged, altered):
            listing = await client.get("/app/console/review", headers=headers)
            assert listing.status_code == 401 and "李思" not in listing.text
            answer = await client.post(url, data={"decision": "approve"}, headers=headers)
            assert answer.status_code == 401
        # A sibling union's organiser, a matchmaker and a member: refused, whatever they send.
        for someone in (xuhui.id, hongniang.id, ming.id):
            headers = as_user(sandbox, someone)
            for form in (
                {"decision": "approve"},
                {"decision": "reject", "reason": "mismatch"},
                {"decision": "reject", "reason": "other", "note": ""},
                {"decision": "nonsense"},
            ):
                answer = await client.post(url, data=form, headers=headers)
                if someone == xuhui.id and ("reason" not in form or form.get("note") == ""):
                    # An organiser sending an incomplete form is asked to complete it, as in
                    # the chat; whose request it is, the service checks when it is complete.
                    assert answer.status_code in (200, 403) and "已通过" not in answer.text
                    assert "李思" not in answer.text
                    continue
                assert answer.status_code == 403 and "已通过" not in answer.text, (someone, form)
        for someone in (hongniang.id, ming.id):
            listing = await client.get("/app/console/review", headers=as_user(sandbox, someone))
            assert listing.status_code == 403 and "李思" not in listing.text
        # An organiser forging another request's number: nothing there to decide.
        forged_id = await client.post(
            "/app/console/review/99999",
            data={"decision": "approve"},
            headers=as_user(sandbox, pudong.id),
        )
    assert "这条申请已经有人审核过了" in forged_id.text
    assert await state(sandbox) == before and len(li.texts()) == heard
