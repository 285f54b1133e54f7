"""Nobody judges their own case. Staff are often members too (the union's youth officer is
single, a matchmaker signed up): a report about an organiser, a report she filed, her own
verification or photo is neither shown to her nor decided by her, and the organisers beside or
above her are asked instead (storage/conflicts.py)."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain import buttons as b
from bot.domain.units import Role
from bot.tools.sandbox import Sandbox
from storage.models import (
    Member,
    PhotoReview,
    Report,
    UnitRole,
    VerificationAttempt,
)
from tests.helpers import CITY, PUDONG, seed_union, unit_id, verify
from tests.test_admin import LI
from tests.test_desk_reports import WORDS, reported_scene
from tests.test_matching_bot import WOMAN
from tests.test_miniapp import as_user, web
from tests.test_photo_review import signs_up_with_a_photo_to_review

ASKED = "有会员申请身份核实，信息与名册相近但不完全一致。"


async def organiser_of_pudong(sb: Sandbox, telegram_id: int) -> None:
    async with sb.app.services.db.begin() as session:
        pudong = await unit_id(sb, PUDONG)
        session.add(UnitRole(telegram_id=telegram_id, unit_id=pudong, role=Role.ORGANISER))


async def report_statuses(sb: Sandbox) -> list[str]:
    async with sb.app.services.db() as session:
        return list((await session.scalars(select(Report.status))).all())


async def test_a_reported_organiser_neither_sees_nor_decides_her_case(sandbox: Sandbox) -> None:
    people, reported, _ming_id = await reported_scene(sandbox)
    pudong, city, xiaoyu, ming = people[0], people[1], people[4], people[5]
    await organiser_of_pudong(sandbox, xiaoyu.id)
    her, file = as_user(sandbox, xiaoyu.id), f"/app/console/reports/{reported}"
    async with web(sandbox) as client:
        listing = await client.get("/app/console/reports", headers=her)
        opened = await client.get(file, headers=her)
        identity = await client.get(file + "/identity", headers=her)
        dismissed = await client.post(file + "/moderate", data={"action": "dismiss"}, headers=her)
        colleague = await client.get("/app/console/reports", headers=as_user(sandbox, pudong.id))
    assert listing.status_code == 200 and file not in listing.text
    assert opened.status_code != 200 and WORDS not in opened.text and "阿明" not in opened.text
    assert identity.status_code != 200
    assert dismissed.status_code != 200
    assert await report_statuses(sandbox) == ["pending"]
    assert not any("工会已核实你的举报" in t for t in ming.texts())
    assert file in colleague.text  # the other organiser of 浦东 has it

    # In the chat too: /reports does not list it, and its buttons do nothing.
    await xiaoyu.send("/reports")
    assert WORDS not in "\n".join(xiaoyu.texts()[-3:])

    # Her superior suspends her; she cannot lift it.
    async with web(sandbox) as client:
        await client.post(
            file + "/moderate", data={"action": "suspend"}, headers=as_user(sandbox, city.id)
        )
        lifted = await client.post(file + "/moderate", data={"action": "lift"}, headers=her)
    assert lifted.status_code != 200
    async with sandbox.app.services.db() as session:
        assert (await session.get(Member, reported)).suspended


async def test_the_organiser_who_reported_someone_leaves_the_case_to_others(
    sandbox: Sandbox,
) -> None:
    people, reported, _ming_id = await reported_scene(sandbox)
    ming = people[5]
    await organiser_of_pudong(sandbox, ming.id)
    his, file = as_user(sandbox, ming.id), f"/app/console/reports/{reported}"
    async with web(sandbox) as client:
        listing = await client.get("/app/console/reports", headers=his)
        opened = await client.get(file, headers=his)
        suspended = await client.post(file + "/moderate", data={"action": "suspend"}, headers=his)
    assert file not in listing.text and opened.status_code != 200
    assert suspended.status_code != 200
    assert await report_statuses(sandbox) == ["pending"]


async def test_an_organiser_does_not_review_his_own_verification(sandbox: Sandbox) -> None:
    """小李 organises 浦东 beside a colleague and types a name close to the roster's: his
    colleague is asked to review it, not he, and he cannot approve himself."""
    colleague, li = sandbox.user("浦东管理员"), sandbox.user("小李", phone=LI[3])
    await seed_union(sandbox, [LI], organisers={PUDONG: [colleague.id, li.id]})
    await verify(li, "李思", LI[1], LI[2])  # a near miss: pending review
    async with sandbox.app.services.db() as session:
        attempt = await session.scalar(
            select(VerificationAttempt.id).where(VerificationAttempt.outcome == "pending")
        )
    assert attempt is not None
    await sandbox.settle()
    assert any(ASKED in t for t in colleague.texts())
    assert not any(ASKED in t for t in li.texts())
    async with web(sandbox) as client:
        queue = await client.get("/app/console/review", headers=as_user(sandbox, li.id))
        approved = await client.post(
            f"/app/console/review/{attempt}",
            data={"decision": "approve"},
            headers=as_user(sandbox, li.id),
        )
    assert f"attempt-{attempt}" not in queue.text and "李思" not in queue.text
    assert approved.status_code != 200 or "已通过" not in approved.text
    async with sandbox.app.services.db() as session:
        assert (
            await session.scalar(
                select(VerificationAttempt.outcome).where(VerificationAttempt.id == attempt)
            )
            == "pending"
        )
        member = await session.scalar(select(Member).where(Member.telegram_id == li.id))
    assert member is not None and member.verified_at is None


async def test_an_only_organisers_own_case_goes_to_the_union_above(sandbox: Sandbox) -> None:
    """The only organiser of 浦东 signs up with a near miss: the city is asked, not she."""
    city, li = sandbox.user("市总管理员"), sandbox.user("小李", phone=LI[3])
    await seed_union(sandbox, [LI], organisers={PUDONG: [li.id], CITY: [city.id]})
    await verify(li, "李思", LI[1], LI[2])
    await sandbox.settle()
    assert any(ASKED in t for t in city.texts())
    assert not any(ASKED in t for t in li.texts())


async def test_an_organisers_own_photo_is_reviewed_by_another(sandbox: Sandbox) -> None:
    """Where the union reviews photos, an organiser's own new photo is put to her colleague;
    she does not see it in /review and cannot approve it by a forged button."""
    colleague, xiaoyu = sandbox.user("浦东管理员"), sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN], organisers={PUDONG: [colleague.id, xiaoyu.id]})
    await signs_up_with_a_photo_to_review(sandbox, xiaoyu)
    assert colleague.last_text() == "有会员上传了新照片，等待你审核：/review"
    assert not any("等待你审核" in t for t in xiaoyu.texts())
    async with sandbox.app.services.db() as session:
        review_id = await session.scalar(select(PhotoReview.id))
    assert review_id is not None
    await xiaoyu.send("/review")
    assert xiaoyu.bot_messages()[-1].kind != "photo"
    await xiaoyu.forge_press(b.ApprovePhoto(review_id).encode())
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(PhotoReview.status)) == "pending"
    await colleague.send("/review")
    await colleague.press("通过")
    assert colleague.last_text() == "✅ 已通过，其他会员现在可以看到。"
