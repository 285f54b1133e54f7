"""The member's Mini App in Debian's Chromium at 360 px, initData signed as Telegram signs it:
browse with filters, open a card and like until a match, sign up for an event, edit an answer
and see the card change. Skipped where Chromium is not installed (as the desk's tests)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.domain.events import Capacity
from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from storage.models import CardView, MatchDecision
from tests.helpers import TITLE, publish, union_with_members
from tests.mini_app_browser import open_member_app, pytestmark, served

__all__ = ["pytestmark", "served"]


async def test_a_member_browses_likes_signs_up_and_edits(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 80)
    await publish(sandbox, organiser, capacity=Capacity(10))
    me = members[0]
    # As Telegram's: close() shuts the window (here: says it was asked to).
    closes = "window.Telegram.WebApp.close = () => { window.closedByApp = true; };"
    async with open_member_app(sandbox, served, me, script=closes) as page:
        cards = page.locator("#cards article.card")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "browse-360.png"), full_page=True)

        # Filters: women and men of 浦东 who like hiking or reading.
        await page.get_by_text("筛选", exact=True).click()
        await page.get_by_label("最小年龄").fill("24")
        await page.get_by_label("最大年龄").fill("36")
        await page.locator("fieldset.chips").first.get_by_text("浦东新区").click()
        async with page.expect_response(lambda r: "age_min=24" in r.url) as answered:
            await page.get_by_role("button", name="查看", exact=True).click()
        assert (await answered.value).ok
        await page.wait_for_load_state("networkidle")
        places = await cards.evaluate_all("cards => cards.map(c => c.innerText)")
        assert places and all("浦东新区" in text for text in places)
        await page.screenshot(path=str(tmp_path / "browse-filtered-360.png"), full_page=True)

        # Open the first person; they liked me already, so my like is a match.
        await page.get_by_text("筛选", exact=True).click()  # folded away again
        first = cards.first.get_by_role("link", name="查看资料")
        opened = int(re.search(r"people/(\d+)", await first.get_attribute("hx-get")).group(1))
        async with sandbox.app.services.db.begin() as session:
            session.add(
                CardView(
                    viewer_id=opened,
                    candidate_id=me - FIRST_TELEGRAM_ID,
                    shown_at=sandbox.clock.now(),
                )
            )
            session.add(
                MatchDecision(
                    viewer_id=opened,
                    candidate_id=me - FIRST_TELEGRAM_ID,
                    liked=True,
                    created_at=sandbox.clock.now(),
                )
            )
        await first.click()
        await page.get_by_role("button", name="❤️ 喜欢").click()
        await page.get_by_role("status").get_by_text("你们互相喜欢").wait_for()
        await page.screenshot(path=str(tmp_path / "person-match-360.png"), full_page=True)
        await page.get_by_role("link", name="喜欢", exact=True).click()
        await page.get_by_role("heading", name="我的配对").wait_for()
        # Writing to the match: the button is put in the chat and the window closes.
        await page.get_by_role("button", name="✉️ 去聊天里留言").click()
        await page.get_by_text("留言按钮已发到聊天中").wait_for()
        await page.wait_for_function("window.closedByApp === true")
        await sandbox.settle()
        assert "留言" in sandbox.user("小雨", user_id=me).last_text()

        # An event: sign up.
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.get_by_text(TITLE).first.wait_for()
        await page.get_by_role("link", name="详情").first.click()
        await page.get_by_role("button", name="报名", exact=True).click()
        await page.get_by_role("status").get_by_text("报名成功").wait_for()
        await page.screenshot(path=str(tmp_path / "event-360.png"), full_page=True)

        # My profile: change the height; the card says so.
        await page.get_by_role("link", name="我的资料").click()
        await page.locator(
            "details.answer summary", has=page.get_by_text("身高", exact=True)
        ).click()
        box = page.get_by_label("身高", exact=True)
        await box.fill("1米83")
        await box.press("Enter")
        await page.get_by_role("status").get_by_text("已保存").wait_for()
        assert "183 cm" in await page.locator("#my-card").inner_text()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "profile-360.png"), full_page=True)
