"""``make screenshots``: every Mini App screen of the web demo's people, in Debian's Chromium, at
360×780 (a phone) and 1280×800 (a desk), saved as PNGs to look at; then the few the README shows
are refreshed in docs/screenshots/, made small (a palette of colours, optimised).

    python tests/screenshots.py [FOLDER]     (default: screenshots/)
    python tests/screenshots.py --readme     (only docs/screenshots/, from a temporary folder)

As a phone in China shows them: emoji need a colour emoji font (Debian: fonts-noto-color-emoji),
Chromium's own words in Chinese its translations (Debian: chromium-l10n); without them the script
says so and carries on.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.common.config import Settings  # noqa: E402
from bot.tools.web_demo import serve  # noqa: E402
from tests.mini_app_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SIZES = {"phone": (360, 780), "desk": (1280, 800)}
# Chromium's own words (a file picker's button, a date field's 年/月/日) in Chinese, as on a
# Chinese phone; Debian's Chromium has them in chromium-l10n.
ARGS = [*CHROMIUM_ARGS, "--lang=zh-CN"]
CHINESE_CHROMIUM = Path("/usr/lib/chromium/locales/zh-CN.pak")
README_FOLDER = ROOT / "docs" / "screenshots"
# The screens the README shows: (the demo person's name begins with, size, screen) -> file.
README = {
    ("工会老张", "desk", ""): "desk-overview-1280.png",
    ("工会老张", "phone", "-event-door"): "desk-event-door-360.png",
    ("工会老张", "phone", "-review"): "desk-review-360.png",
    ("工会老张", "phone", "-broadcast-compose"): "desk-broadcast-360.png",
    ("红娘李姐", "phone", ""): "desk-matchmaker-360.png",
    ("小雨", "phone", ""): "member-browse-360.png",
    ("小雨", "phone", "-person"): "member-person-360.png",
    ("小雨", "phone", "-likes"): "member-likes-360.png",
    ("小雨", "phone", "-event"): "member-event-360.png",
}
README_MOST_BYTES = 150_000
README_TALLEST = 1700  # a long page is cut there: the README shows its beginning


async def settle(page: Page) -> None:
    """htmx has swapped the page in, and the photos it then fetches are drawn."""
    await page.wait_for_timeout(200)
    await page.wait_for_load_state("networkidle")
    await page.wait_for_function(
        "[...document.querySelectorAll('img[data-photo]')].every(i => i.src && i.complete)",
        timeout=10_000,
    )


async def member_tabs(page: Page, stem: Path) -> list[str]:
    """A member's other screens: a person's card, likes and matches, events, my profile."""
    taken = []
    opened = page.locator("#cards article.card a.button")
    if await opened.count():
        async with page.expect_response(lambda answer: "/member/people/" in answer.url):
            await opened.first.click()
        await settle(page)
        await page.screenshot(path=f"{stem}-person.png", full_page=True)
        taken.append(f"{stem}-person.png")
    for tab in ("likes", "events", "profile"):
        async with page.expect_response(lambda answer, tab=tab: f"/member/{tab}" in answer.url):
            await page.locator(f'nav.tabs a[href="#{tab}"]').click()
        await settle(page)
        await page.screenshot(path=f"{stem}-{tab}.png", full_page=True)
        taken.append(f"{stem}-{tab}.png")
        if tab == "events":  # the first event the member holds a place at: their QR code
            held = page.locator("#page article.card a.button")
            if await held.count():
                async with page.expect_response(lambda answer: "/member/events/" in answer.url):
                    await held.first.click()
                await settle(page)
                await page.screenshot(path=f"{stem}-event.png", full_page=True)
                taken.append(f"{stem}-event.png")
    return taken


async def own_pages(page: Page, stem: Path) -> list[str]:
    """A staff member who is a member too: the switch to their own pages (我的会会)."""
    switch = page.locator('nav.switch a[href="#mine"]')
    if not await switch.count():
        return []
    async with page.expect_response(lambda answer: "view=member" in answer.url):
        await switch.click()
    await page.wait_for_selector("#cards", timeout=5000)
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=f"{stem}-mine.png", full_page=True)
    return [f"{stem}-mine.png"]


async def desk_tabs(page: Page, stem: Path) -> list[str]:
    """Every further tab of a staff member's desk (the first is on the page already)."""
    taken = []
    tabs = page.locator("nav.tabs:not(.switch) a")
    for index in range(1, await tabs.count()):
        tab = tabs.nth(index)
        url = await tab.get_attribute("hx-get") or ""
        async with page.expect_response(lambda answer, url=url: answer.url.endswith(url)):
            await tab.click()
        await settle(page)
        name = (await tab.get_attribute("href") or f"#{index}").lstrip("#")
        await page.screenshot(path=f"{stem}-{name}.png", full_page=True)
        taken.append(f"{stem}-{name}.png")
    return taken


async def report_file(page: Page, stem: Path) -> list[str]:
    """An organiser's first report opened: the member's file, with a decision opened to say
    what it will do."""
    async with page.expect_response(lambda answer: answer.url.endswith("/console/reports")):
        await page.locator('nav.tabs a[href="#reports"]').click()
    await page.wait_for_timeout(300)  # htmx swaps the list in after the answer
    opened = page.locator("#desk article.case h3 a")
    if not await opened.count():
        return []
    async with page.expect_response(lambda answer: "/console/reports/" in answer.url):
        await opened.first.click()
    await page.wait_for_selector("details.action summary")
    await page.locator("details.action summary").last.click()
    await settle(page)
    await page.screenshot(path=f"{stem}-report-file.png", full_page=True)
    return [f"{stem}-report-file.png"]


async def event_and_broadcast_screens(page: Page, stem: Path) -> list[str]:
    """An organiser's event (its door and smart groups, and its form to change it), the
    new-event form, and a broadcast being composed with its count and preview."""
    taken = []
    async with page.expect_response(lambda answer: answer.url.endswith("/console/events")):
        await page.locator('nav.tabs a[href="#events"]').click()
    await page.wait_for_timeout(300)  # htmx swaps the list in after the answer
    opened = page.locator("#desk article.event h3 a")
    if await opened.count():
        async with page.expect_response(lambda answer: "/console/events/" in answer.url):
            await opened.last.click()  # the earliest: the demo's walk, checked in and grouped
        await settle(page)
        await page.screenshot(path=f"{stem}-event-door.png", full_page=True)
        taken.append(f"{stem}-event-door.png")
        async with page.expect_response(lambda answer: answer.url.endswith("/edit")):
            await page.get_by_role("link", name="修改活动").click()
        await settle(page)
        await page.screenshot(path=f"{stem}-event-edit.png", full_page=True)
        taken.append(f"{stem}-event-edit.png")
    async with page.expect_response(lambda answer: answer.url.endswith("/console/events/new")):
        await page.evaluate("htmx.ajax('GET', '/app/console/events/new', '#desk')")
    await settle(page)
    await page.screenshot(path=f"{stem}-event-new.png", full_page=True)
    taken.append(f"{stem}-event-new.png")
    async with page.expect_response(lambda answer: answer.url.endswith("/console/broadcasts")):
        await page.locator('nav.tabs a[href="#broadcasts"]').click()
    await page.locator("#broadcast-text").fill("本周六下午两点，滨江步道徒步联谊，欢迎报名！")
    await page.locator("#broadcast-preview").wait_for()  # counted again after a pause
    await settle(page)
    await page.screenshot(path=f"{stem}-broadcast-compose.png", full_page=True)
    taken.append(f"{stem}-broadcast-compose.png")
    return taken


async def main(folder: Path) -> dict[str, Path]:
    """Every screen saved to ``folder``; returns the README's screens by their file there."""
    folder.mkdir(parents=True, exist_ok=True)
    if b"emoji" not in subprocess.run(["fc-list"], capture_output=True).stdout.lower():
        print("No colour emoji font: emoji show as boxes (apt-get install fonts-noto-color-emoji)")
    if not CHINESE_CHROMIUM.exists():
        print("Chromium speaks English in file pickers and dates (apt-get install chromium-l10n)")
    out, stop = io.StringIO(), asyncio.Event()
    settings = Settings(_env_file=None, http_port=0)
    serving = asyncio.create_task(serve(settings, out, stop))
    while out.getvalue().count("\n") < 2:  # the heading, then every link at once
        if serving.done():
            serving.result()
        await asyncio.sleep(0.2)
    lines = [line.split(" ") for line in out.getvalue().splitlines()[1:] if line]
    chosen: dict[str, Path] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, env={**os.environ, "LANGUAGE": "zh_CN"}
        )
        taken = []
        for number, (role, name, _unit, link) in enumerate(lines, start=1):
            for size, (width, height) in SIZES.items():
                page = await browser.new_page(
                    viewport={"width": width, "height": height}, locale="zh-CN"
                )
                await page.route("https://telegram.org/**", lambda route: route.abort())
                await page.goto(link)
                await page.wait_for_selector("main h1")
                await page.wait_for_load_state("networkidle")
                stem = folder / f"{number:02d}-{role}-{size}"
                await page.screenshot(path=f"{stem}.png", full_page=True)
                taken.append(f"{stem}.png  ({name})")
                if role == "member":
                    taken += await member_tabs(page, stem)
                else:
                    taken += await desk_tabs(page, stem)
                    if role in ("superadmin", "organiser"):
                        taken += await report_file(page, stem)
                        taken += await event_and_broadcast_screens(page, stem)
                    taken += await own_pages(page, stem)
                await page.close()
                for (person, kind, screen), readme_name in README.items():
                    if name.startswith(person) and kind == size:
                        chosen[readme_name] = Path(f"{stem}{screen}.png")
        await browser.close()
    stop.set()
    await serving
    print("\n".join(taken))
    return chosen


def small_png(source: Path, target: Path) -> int:
    """The screenshot with a palette of at most 128 colours (fewer while it is over the README's
    bound), optimised; its size in bytes."""
    from PIL import Image

    image = Image.open(source).convert("RGB")
    if image.height > README_TALLEST:
        image = image.crop((0, 0, image.width, README_TALLEST))
    for colours in (128, 64, 32):
        image.quantize(colors=colours, dither=Image.Dither.NONE).save(target, optimize=True)
        if target.stat().st_size <= README_MOST_BYTES:
            break
    return target.stat().st_size


def refresh_readme(chosen: dict[str, Path]) -> None:
    README_FOLDER.mkdir(parents=True, exist_ok=True)
    missing = sorted(set(README.values()) - {n for n, p in chosen.items() if p.exists()})
    if missing:
        raise SystemExit(f"screens the README shows were not taken: {', '.join(missing)}")
    for readme_name, source in sorted(chosen.items()):
        size = small_png(source, README_FOLDER / readme_name)
        print(f"{README_FOLDER / readme_name}  {size // 1000} KB")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if "--readme" in arguments:
        with tempfile.TemporaryDirectory() as temporary:
            refresh_readme(asyncio.run(main(Path(temporary))))
    else:
        folder = Path(arguments[0]) if arguments else ROOT / "screenshots"
        refresh_readme(asyncio.run(main(folder)))
