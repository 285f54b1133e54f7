"""Photos in the member's Mini App in Debian's Chromium at 360 px: my profile and a person's
page show real pictures, fetched with the initData (an <img> alone cannot send it)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from tests.helpers import union_with_members
from tests.mini_app_browser import open_member_app, pytestmark, served
from tests.test_member_photos import give_photos

__all__ = ["pytestmark", "served"]

DRAWN = "img => img.complete && img.naturalWidth > 0"


async def test_photos_render_on_my_profile_and_a_person_page(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 30)
    me = members[0]
    await give_photos(sandbox, me - FIRST_TELEGRAM_ID, 2)
    async with open_member_app(sandbox, served, me) as page:
        cards = page.locator("#cards article.card")
        first = cards.first.get_by_role("link", name="查看资料")
        opened = int(re.search(r"people/(\d+)", await first.get_attribute("hx-get")).group(1))
        await give_photos(sandbox, opened, 1)
        await first.click()
        photo = page.locator("div.photos img").first
        await photo.wait_for()
        await page.wait_for_function(
            f"() => [...document.querySelectorAll('div.photos img')].some(img => ({DRAWN})(img))"
        )
        assert await photo.evaluate("img => img.naturalWidth") == 4
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "person-photo-360.png"), full_page=True)

        await page.get_by_role("link", name="我的资料").click()
        mine = page.get_by_role("img", name="我的照片 2")
        await mine.wait_for()
        await page.wait_for_function(
            f"() => [...document.querySelectorAll('figure.photo img')].every(img => ({DRAWN})(img))"
        )
        assert await mine.evaluate("img => img.naturalWidth") == 5
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "profile-photos-360.png"), full_page=True)


async def test_photos_render_in_a_desk_browser_after_changing_tabs(
    sandbox: Sandbox, served: str
) -> None:
    """Without Telegram (a desk browser, the web demo) the initData comes in the address's
    fragment, which the first tab pressed replaces: photos are still fetched with it."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 30)
    me = members[0]
    async with open_member_app(sandbox, served, me, telegram=False) as page:
        await page.locator('nav.tabs a[href="#likes"]').click()
        await page.wait_for_function("location.hash === '#likes'")
        await page.locator('nav.tabs a[href="#browse"]').click()
        first = page.locator("#cards article.card").first.get_by_role("link", name="查看资料")
        await first.wait_for()
        opened = int(re.search(r"people/(\d+)", await first.get_attribute("hx-get")).group(1))
        await give_photos(sandbox, opened, 1)
        await first.click()
        await page.wait_for_function(
            f"() => [...document.querySelectorAll('div.photos img')].some(img => ({DRAWN})(img))"
        )
