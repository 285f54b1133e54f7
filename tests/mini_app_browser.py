"""Opening the desk in a real browser for a test: Debian's Chromium driven by Playwright, the
page given initData signed with the sandbox bot's token through a stand-in for Telegram's
telegram-web-app.js (so the server's check runs, not bypassed), the overview waited for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox
from bot.web.initdata import sign
from tests.test_miniapp_browser import CHROMIUM, CHROMIUM_ARGS, telegram_stub

if TYPE_CHECKING:
    from playwright.async_api import Page

PHONE = (390, 844)


@asynccontextmanager
async def open_desk(
    sb: Sandbox,
    served: str,
    telegram_id: int,
    *,
    width: int = PHONE[0],
    height: int = PHONE[1],
    first_name: str = "老张",
    script: str = "",
    wait_for: str | None = "#desk .figure",
) -> AsyncIterator[Page]:
    """A page of the Mini App opened by ``telegram_id`` at this size, as Telegram opens it;
    ``script`` is added to the Telegram stand-in (a scanner popup, say). ``wait_for``: what
    to wait for before the test goes on (the overview's first figure: a tab pressed before it
    arrives would be replaced by it). The browser closes when the block ends."""
    from playwright.async_api import async_playwright

    user = {"id": telegram_id, "first_name": first_name, "language_code": "zh-hans"}
    init_data = sign(user, SANDBOX_TOKEN, sb.clock.now())
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": width, "height": height})
            await page.route(
                "https://telegram.org/**",
                lambda route: route.fulfill(
                    content_type="application/javascript",
                    body=telegram_stub(init_data) + script,
                ),
            )
            await page.goto(f"{served}/app/")
            if wait_for:
                await page.locator(wait_for).first.wait_for()
            yield page
        finally:
            await browser.close()
