"""The rest of the member's Mini App in Debian's Chromium at 360 px, initData signed as Telegram
signs it: add a photo from the phone and see it, be told why a file that is no photo is
refused, set a partner wish with how much it matters, see my check-in QR code after signing
up; a matchmaker who is a member switches to her member's pages; the likes screen's number is
its cards. Skipped where Chromium is not installed (as the desk's tests)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert

from bot.domain.units import Role
from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from storage.models import UnitRole
from tests.helpers import CITY, PUDONG, TITLE, publish, union_with_members, unit_id
from tests.mini_app_browser import open_member_app, open_mini_app, pytestmark, served, settled
from tests.pictures import photo_with, qr
from tests.test_member_likes import liked_by_some, set_likes_visible
from tests.test_member_photos import png

__all__ = ["pytestmark", "served"]

DRAWN = "img => img.complete && img.naturalWidth > 0"


async def test_a_member_adds_a_photo_sets_a_wish_and_shows_her_qr_code(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 30)
    await publish(sandbox, organiser)
    me = members[0]
    async with open_member_app(sandbox, served, me) as page:
        await page.get_by_role("link", name="我的资料").click()
        # A photo from the phone: it is added and drawn on the page.
        chooser = page.get_by_label("添加照片（第 1 张，最多 6 张）")
        await settled(page, chooser)
        # Choosing the photo sends it: one button, as a phone's gallery expects.
        await chooser.set_input_files(
            {"name": "me.png", "mimeType": "image/png", "buffer": png(12, 9)}
        )
        await page.get_by_role("status").get_by_text("照片已添加").wait_for()
        mine = page.get_by_role("img", name="我的照片 1")
        await mine.wait_for()
        await page.wait_for_function(
            f"() => [...document.querySelectorAll('figure.photo img')].every({DRAWN})"
        )
        assert await mine.evaluate("img => img.naturalWidth") == 12
        stored = (await sandbox.app.services.onboarding.answers(me - FIRST_TELEGRAM_ID))["photos"]
        assert len(stored) == 1
        # A file that is no photo: the reason, in Chinese, and nothing added.
        await settled(page, page.get_by_label("添加照片（第 2 张，最多 6 张）"))
        await page.get_by_label("添加照片（第 2 张，最多 6 张）").set_input_files(
            {"name": "简历.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 " * 50}
        )
        await page.get_by_role("alert").get_by_text("这个文件不是照片").wait_for()
        # An 11 MB file: refused by its size, and the page says so (the browser is answered
        # before the server reads what it sends).
        await settled(page, page.get_by_label("添加照片（第 2 张，最多 6 张）"))
        await page.get_by_label("添加照片（第 2 张，最多 6 张）").set_input_files(
            {
                "name": "大图.jpg",
                "mimeType": "image/jpeg",
                "buffer": b"\xff\xd8\xff\xe0" + bytes(11_000_000),
            }
        )
        await page.get_by_role("alert").get_by_text("这张照片超过了 10 MB").wait_for()
        # A photo with a WeChat QR code in it: contact details by another road, refused.
        await settled(page, page.get_by_label("添加照片（第 2 张，最多 6 张）"))
        await page.get_by_label("添加照片（第 2 张，最多 6 张）").set_input_files(
            {"name": "风景.jpg", "mimeType": "image/jpeg", "buffer": photo_with(qr(), turned=20)}
        )
        await page.get_by_role("alert").get_by_text("这张照片里有二维码").wait_for()
        assert await page.get_by_role("img", name="我的照片 2").count() == 0
        assert (
            len((await sandbox.app.services.onboarding.answers(me - FIRST_TELEGRAM_ID))["photos"])
            == 1
        )
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        shot = tmp_path / "profile-photo-added-360.png"
        await page.screenshot(path=str(shot), full_page=True)

        # A partner wish with how much it matters.
        await page.locator(
            "details.answer summary", has=page.get_by_text("对方年龄", exact=True)
        ).click()
        form = page.locator("details.answer[open] form")
        await form.get_by_label("对方年龄", exact=True).fill("28到35岁")
        await form.get_by_label("必须满足").check()
        await form.get_by_role("button", name="保存").click()
        await page.get_by_role("status").get_by_text("已保存").wait_for()
        summary = page.locator(
            "details.answer summary", has=page.get_by_text("对方年龄", exact=True)
        )
        assert "28–35 岁 · 必须满足" in await summary.inner_text()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "profile-wish-360.png"), full_page=True)

        # An event: sign up, and my check-in QR code is there to show at the door.
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.get_by_text(TITLE).first.wait_for()
        await page.get_by_role("link", name="详情").first.click()
        await page.get_by_role("button", name="报名", exact=True).click()
        await page.get_by_role("status").get_by_text("报名成功").wait_for()
        code = page.get_by_role("img", name=f"“{TITLE}”的签到二维码，号码牌 #1")
        await code.wait_for()
        assert await code.evaluate(DRAWN)
        box = await code.bounding_box()
        assert box is not None and 200 <= box["width"] <= 360
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "event-qr-360.png"), full_page=True)


async def test_a_matchmaker_who_is_a_member_switches_to_her_pages_and_counts_likes(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    me = members[0]
    async with sandbox.app.services.db.begin() as session:
        await session.execute(
            insert(UnitRole),
            [
                {
                    "telegram_id": me,
                    "unit_id": await unit_id(sandbox, PUDONG),
                    "role": Role.MATCHMAKER,
                }
            ],
        )
    likers = await liked_by_some(sandbox, me, 3)
    await set_likes_visible(sandbox, CITY, "cards")
    async with open_mini_app(
        sandbox, served, me, width=360, height=740, first_name="小雨", wait_for=None
    ) as page:
        # Her desk first, and a switch to her member's pages.
        await page.get_by_role("link", name="待推荐配对").wait_for()
        await page.get_by_role("link", name="我的会会", exact=True).click()
        await page.locator("#cards article.card").first.wait_for()
        await page.get_by_role("link", name="喜欢", exact=True).click()
        await page.get_by_role("heading", name="谁喜欢我").wait_for()
        cards = page.locator("#liked-me article.card")
        await cards.first.wait_for()
        assert await cards.count() == len(likers)
        assert await page.get_by_text(f"有 {len(likers)} 人喜欢了你").count() == 1
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        shot = tmp_path / "staff-member-likes-360.png"
        await page.screenshot(path=str(shot), full_page=True)
        # And back to the desk.
        await page.get_by_role("link", name="工作台", exact=True).click()
        await page.get_by_role("link", name="待推荐配对").wait_for()
