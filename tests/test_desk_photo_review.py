"""The desk's photo review, for unions that review members' photos: the photos waiting are shown
on the Review tab to the organisers of the member's union (and the unions above it) only, each
look recorded in the audit log; approving or not goes through the chat's /review service, and
the member and the cards others see follow."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import AuditEntry, OrgUnit, PhotoReview
from tests.helpers import CITY, PUDONG, XUHUI, ZH_ANSWERS, seed_union, sign_up
from tests.mini_app_browser import PHONE, open_mini_app, served
from tests.test_matching_bot import WOMAN
from tests.test_miniapp import as_user, web

__all__ = ["served"]  # the browser test's fixture


async def photo_waiting(sb: Sandbox) -> tuple:
    """小雨 of 浦东 (a union that reviews photos) signed up with a photo; returns the organisers
    of 浦东, of the city above it and of 徐汇, 小雨, and the review's id and the photo's bytes."""
    organiser, city, sibling = sb.user("浦东管理员"), sb.user("市总管理员"), sb.user("徐汇管理员")
    xiaoyu = sb.user("小雨", phone=WOMAN[3])
    await seed_union(
        sb,
        [WOMAN],
        organisers={PUDONG: [organiser.id], CITY: [city.id], XUHUI: [sibling.id]},
    )
    async with sb.app.services.db.begin() as session:
        await session.execute(
            update(OrgUnit).where(OrgUnit.name == PUDONG).values(review_photos=True)
        )
    script = dict(ZH_ANSWERS)
    script["photos"] = [("photo", ""), ("press", "完成")]
    await sign_up(xiaoyu, WOMAN, script)
    async with sb.app.services.db() as session:
        review = await session.scalar(select(PhotoReview))
    return organiser, city, sibling, xiaoyu, review.id, sb.api.files[review.file_id][1]


async def looks(sb: Sandbox) -> list[tuple[int, str]]:
    async with sb.app.services.db() as session:
        rows = await session.execute(
            select(AuditEntry.actor_telegram_id, AuditEntry.action)
            .where(AuditEntry.action.in_(["view_photo", "approve_photo", "reject_photo"]))
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows.all()]


async def status(sb: Sandbox, review_id: int) -> str:
    async with sb.app.services.db() as session:
        return (await session.get(PhotoReview, review_id)).status


async def test_the_members_organisers_see_the_photo_and_decide(sandbox: Sandbox) -> None:
    organiser, city, _sibling, xiaoyu, review_id, picture = await photo_waiting(sandbox)
    photo = f"/app/console/review/photos/{review_id}"
    async with web(sandbox) as client:
        tab = await client.get("/app/console/review", headers=as_user(sandbox, organiser.id))
        assert "待审核的照片" in tab.text and "小雨" in tab.text
        assert f'data-photo="{photo}"' in tab.text
        shown = await client.get(photo, headers=as_user(sandbox, organiser.id))
        assert shown.status_code == 200 and shown.content == picture
        assert shown.headers["content-type"] == "image/jpeg"
        above = await client.get(photo, headers=as_user(sandbox, city.id))  # the city, above
        assert above.content == picture
        decided = await client.post(
            photo, data={"decision": "reject"}, headers=as_user(sandbox, organiser.id)
        )
        assert "未通过，其他会员不会看到" in decided.text
        again = await client.post(
            photo, data={"decision": "approve"}, headers=as_user(sandbox, city.id)
        )
        assert "这条申请已经有人审核过了" in again.text
        gone = await client.get(photo, headers=as_user(sandbox, organiser.id))
        assert gone.status_code == 404  # decided: no longer shown for review
    assert await status(sandbox, review_id) == "rejected"
    await sandbox.settle()
    assert "你的一张照片未通过工会审核" in xiaoyu.last_text()
    assert await looks(sandbox) == [
        (organiser.id, "view_photo"),
        (city.id, "view_photo"),
        (organiser.id, "reject_photo"),
    ]


async def test_anyone_else_sees_nothing_and_decides_nothing(sandbox: Sandbox) -> None:
    organiser, _city, sibling, xiaoyu, review_id, picture = await photo_waiting(sandbox)
    photo = f"/app/console/review/photos/{review_id}"
    expired = as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sandbox, organiser.id)[INIT_DATA_HEADER] + "0"}
    async with web(sandbox) as client:
        for headers in ({}, expired, forged):
            assert (await client.get(photo, headers=headers)).status_code == 401
            decided = await client.post(photo, data={"decision": "approve"}, headers=headers)
            assert decided.status_code == 401
        tab = await client.get("/app/console/review", headers=as_user(sandbox, sibling.id))
        assert "小雨" not in tab.text and "待审核的照片" not in tab.text
        for someone in (sibling.id, xiaoyu.id):  # 徐汇's organiser; the member herself
            headers = as_user(sandbox, someone)
            answer = await client.get(photo, headers=headers)
            assert answer.status_code == 404 and answer.content != picture
            decided = await client.post(photo, data={"decision": "approve"}, headers=headers)
            assert decided.status_code == 403
        odd = await client.post(
            photo, data={"decision": "maybe"}, headers=as_user(sandbox, organiser.id)
        )
        assert odd.status_code == 403
    assert await status(sandbox, review_id) == "pending"
    assert await looks(sandbox) == []


async def test_an_organiser_approves_a_photo_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _city, _sibling, _xiaoyu, review_id, _picture = await photo_waiting(sandbox)
    async with open_mini_app(sandbox, served, organiser.id, wait_for="#desk h2") as page:
        await page.get_by_role("link", name="审核", exact=True).click()
        card = page.locator(f"#photo-{review_id}")
        image = card.get_by_role("img", name="小雨的新照片")
        await image.wait_for()
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=await image.element_handle()
        )
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        await page.screenshot(path=str(tmp_path / "photo-review-360.png"), full_page=True)
        await card.get_by_role("button", name="通过照片").click()
        await page.get_by_role("status").get_by_text("已通过，其他会员现在可以看到").wait_for()
    assert await status(sandbox, review_id) == "approved"
