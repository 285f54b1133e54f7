"""``make screenshots``: every Mini App screen of the web demo's people, in Debian's Chromium, at
390×844 (a phone) and 1280×800 (a desk), saved as PNGs to look at.

    python tests/screenshots.py [FOLDER]     (default: screenshots/)
"""

from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path

from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.common.config import Settings  # noqa: E402
from bot.tools.web_demo import serve  # noqa: E402
from tests.test_miniapp_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SIZES = {"phone": (390, 844), "desk": (1280, 800)}


async def member_tabs(page: Page, stem: Path) -> list[str]:
    """A member's other screens: a person's card, likes and matches, events, my profile."""
    taken = []
    opened = page.locator("#cards article.card a.button")
    if await opened.count():
        async with page.expect_response(lambda answer: "/member/people/" in answer.url):
            await opened.first.click()
        await page.wait_for_timeout(200)
        await page.screenshot(path=f"{stem}-person.png", full_page=True)
        taken.append(f"{stem}-person.png")
    for tab in ("likes", "events", "profile"):
        async with page.expect_response(lambda answer, tab=tab: f"/member/{tab}" in answer.url):
            await page.locator(f'nav.tabs a[href="#{tab}"]').click()
        await page.wait_for_timeout(200)  # htmx swaps, then settles
        await page.screenshot(path=f"{stem}-{tab}.png", full_page=True)
        taken.append(f"{stem}-{tab}.png")
    return taken


async def desk_tabs(page: Page, stem: Path) -> list[str]:
    """Every further tab of a staff member's desk (the first is on the page already)."""
    taken = []
    tabs = page.locator("nav.tabs a")
    for index in range(1, await tabs.count()):
        tab = tabs.nth(index)
        url = await tab.get_attribute("hx-get") or ""
        async with page.expect_response(lambda answer, url=url: answer.url.endswith(url)):
            await tab.click()
        await page.wait_for_timeout(200)  # htmx swaps, then settles
        name = (await tab.get_attribute("href") or f"#{index}").lstrip("#")
        await page.screenshot(path=f"{stem}-{name}.png", full_page=True)
        taken.append(f"{stem}-{name}.png")
    return taken


async def report_file(page: Page, stem: Path) -> list[str]:
    """An organiser's first report opened: the member's file, with a decision opened to say
    what it will do."""
    async with page.expect_response(lambda answer: answer.url.endswith("/console/reports")):
        await page.locator('nav.tabs a[href="#reports"]').click()
    opened = page.locator("#desk article.case h3 a")
    if not await opened.count():
        return []
    async with page.expect_response(lambda answer: "/console/reports/" in answer.url):
        await opened.first.click()
    await page.locator("details.action summary").last.click()
    await page.wait_for_timeout(200)
    await page.screenshot(path=f"{stem}-report-file.png", full_page=True)
    return [f"{stem}-report-file.png"]


async def event_and_broadcast_screens(page: Page, stem: Path) -> list[str]:
    """An organiser's event (its door and smart groups, and its form to change it), the
    new-event form, and a broadcast being composed with its count and preview."""
    taken = []
    async with page.expect_response(lambda answer: answer.url.endswith("/console/events")):
        await page.locator('nav.tabs a[href="#events"]').click()
    opened = page.locator("#desk article.event h3 a")
    if await opened.count():
        async with page.expect_response(lambda answer: "/console/events/" in answer.url):
            await opened.first.click()
        await page.wait_for_timeout(200)
        await page.screenshot(path=f"{stem}-event-door.png", full_page=True)
        taken.append(f"{stem}-event-door.png")
        async with page.expect_response(lambda answer: answer.url.endswith("/edit")):
            await page.get_by_role("link", name="修改活动").click()
        await page.wait_for_timeout(200)
        await page.screenshot(path=f"{stem}-event-edit.png", full_page=True)
        taken.append(f"{stem}-event-edit.png")
    async with page.expect_response(lambda answer: answer.url.endswith("/console/events/new")):
        await page.evaluate("htmx.ajax('GET', '/app/console/events/new', '#desk')")
    await page.wait_for_timeout(200)
    await page.screenshot(path=f"{stem}-event-new.png", full_page=True)
    taken.append(f"{stem}-event-new.png")
    async with page.expect_response(lambda answer: answer.url.endswith("/console/broadcasts")):
        await page.locator('nav.tabs a[href="#broadcasts"]').click()
    await page.locator("#broadcast-text").fill("本周六下午两点，滨江步道徒步联谊，欢迎报名！")
    await page.locator("#broadcast-preview").wait_for()  # counted again after a pause
    await page.wait_for_timeout(200)
    await page.screenshot(path=f"{stem}-broadcast-compose.png", full_page=True)
    taken.append(f"{stem}-broadcast-compose.png")
    return taken


async def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    out, stop = io.StringIO(), asyncio.Event()
    settings = Settings(_env_file=None, http_port=0)
    serving = asyncio.create_task(serve(settings, out, stop))
    while out.getvalue().count("\n") < 2:  # the heading, then every link at once
        if serving.done():
            serving.result()
        await asyncio.sleep(0.2)
    lines = [line.split(" ") for line in out.getvalue().splitlines()[1:] if line]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        taken = []
        for number, (role, name, _unit, link) in enumerate(lines, start=1):
            for size, (width, height) in SIZES.items():
                page = await browser.new_page(viewport={"width": width, "height": height})
                await page.route("https://telegram.org/**", lambda route: route.abort())
                await page.goto(link)
                await page.wait_for_selector("main h1")
                await page.wait_for_load_state("networkidle")
                path = folder / f"{number:02d}-{role}-{size}.png"
                await page.screenshot(path=str(path), full_page=True)
                taken.append(f"{path}  ({name})")
                if role == "member":
                    taken += await member_tabs(page, folder / f"{number:02d}-{role}-{size}")
                else:
                    taken += await desk_tabs(page, folder / f"{number:02d}-{role}-{size}")
                    if role in ("superadmin", "organiser"):
                        taken += await report_file(page, folder / f"{number:02d}-{role}-{size}")
                        taken += await event_and_broadcast_screens(
                            page, folder / f"{number:02d}-{role}-{size}"
                        )
                await page.close()
        await browser.close()
    stop.set()
    await serving
    print("\n".join(taken))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"))
