"""The Mini App in a real browser for a test: Debian's Chromium driven by Playwright, the pages
served by uvicorn over HTTP as in production, the page given initData signed with the sandbox
bot's token through a stand-in for Telegram's telegram-web-app.js (so the server's check runs,
not bypassed), or in a desk link's fragment as a browser without Telegram gets it.

Under CI (CI=true) a missing browser fails the tests that import ``pytestmark``; elsewhere they
are skipped, saying so.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from starlette.applications import Starlette

from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox
from bot.web import miniapp
from bot.web.initdata import sign
from bot.web.links import desk_link

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (apt-get install chromium); CI installs it",
)
# What Chromium needs here: no sandbox as root, and no calls to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = (360, 780)  # a common Android phone: the narrowest screen most members have


def telegram_stub(init_data: str, colour_scheme: str = "light") -> str:
    """What telegram-web-app.js gives a page, as far as our pages use it."""
    theme = {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "button_color": "#2481cc",
        "link_color": "#168acd",
    }
    return (
        "window.Telegram = {WebApp: {"
        f"initData: {json.dumps(init_data)}, colorScheme: {json.dumps(colour_scheme)},"
        f"themeParams: {json.dumps(theme)},"
        "ready() {}, expand() {}, onEvent() {}}};"
    )


@pytest.fixture
async def served(sandbox: Sandbox) -> AsyncIterator[str]:
    """The Mini Apps of the sandbox's bot on a free local port."""
    app = Starlette(routes=miniapp.routes(sandbox.app.services, sandbox.app.bot))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", log_config=None)
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


@asynccontextmanager
async def open_mini_app(
    sb: Sandbox,
    served: str,
    telegram_id: int,
    *,
    width: int = PHONE[0],
    height: int = PHONE[1],
    first_name: str = "老张",
    script: str = "",
    telegram: bool = True,
    wait_for: str | None = "#desk .figure",
) -> AsyncIterator[Page]:
    """A page of the Mini App opened by ``telegram_id`` at this size, as Telegram opens it;
    ``script`` is added to the Telegram stand-in (a scanner popup, say). ``telegram=False``:
    opened from a desk link instead, in a browser without Telegram (its script refused).
    ``wait_for``: what to wait for before the test goes on; by default the desk overview's
    first figure (a tab pressed before it arrives would be replaced by it). The browser
    (``page.context.browser``, for more pages) closes when the block ends."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": width, "height": height})
            if telegram:
                user = {"id": telegram_id, "first_name": first_name, "language_code": "zh-hans"}
                init_data = sign(user, SANDBOX_TOKEN, sb.clock.now())
                await page.route(
                    "https://telegram.org/**",
                    lambda route: route.fulfill(
                        content_type="application/javascript",
                        body=telegram_stub(init_data) + script,
                    ),
                )
                await page.goto(f"{served}/app/")
            else:
                await page.route("https://telegram.org/**", lambda route: route.abort())
                await page.goto(
                    desk_link(sb.settings, telegram_id, sb.clock.now(), first_name, base=served)
                )
            if wait_for:
                await page.locator(wait_for).first.wait_for()
            yield page
        finally:
            await browser.close()


def open_member_app(
    sb: Sandbox, served: str, telegram_id: int, *, script: str = "", telegram: bool = True
) -> AbstractAsyncContextManager[Page]:
    """``open_mini_app`` as a member (小雨) opens it on a 360 px phone, once her cards show."""
    return open_mini_app(
        sb,
        served,
        telegram_id,
        width=360,
        height=740,
        first_name="小雨",
        script=script,
        telegram=telegram,
        wait_for="#cards article.card",
    )


async def settled(page: Page, element: Locator) -> None:
    """Wait until ``element`` has arrived and htmx has made it live: a page swapped in is
    shown a moment before htmx listens to it (a file chosen at once would go nowhere; a
    member's finger is never that fast, Playwright is)."""
    await element.wait_for()
    await page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
