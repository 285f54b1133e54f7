"""``huihui webhook``: Telegram's POSTs reach the bot on its web server only with the secret
token; what is not an update is refused without a trace of what was sent."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from bot.app.health import Readiness
from bot.app.serve import WebServer, start_webhook
from bot.app.webhook import MAX_UPDATE_BYTES, PATH, routes
from bot.tools.sandbox import Sandbox
from bot.web import create_web_app

SECRET = "correct-horse-battery-staple"


def help_update(user) -> dict:  # noqa: ANN001
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": user.chat_id, "type": "private"},
            "from": user.as_json(),
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


async def test_webhook_registers_itself_and_checks_the_secret_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with Sandbox(webhook_url="https://huihui.example.org/", webhook_secret=SECRET) as sb:
        web_app = create_web_app(Readiness())
        web = WebServer(web_app, "127.0.0.1", 0)
        await web.start()
        await start_webhook(sb.app, sb.settings, web_app)
        assert sb.api.webhook["url"] == f"https://huihui.example.org{PATH}"
        assert sb.api.webhook["secret_token"] == SECRET

        alice = sb.user("小王")
        update = help_update(alice)
        url = f"http://127.0.0.1:{web.port}{PATH}"
        caplog.set_level(logging.DEBUG)
        async with httpx.AsyncClient() as client:
            forged = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            almost = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}
            )
            unsigned = await client.post(url, json=update)
            assert (forged.status_code, almost.status_code, unsigned.status_code) == (403,) * 3
            await asyncio.sleep(0.2)
            assert alice.texts() == []

            secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            genuine = await client.post(url, json=update, headers=secret)
            assert genuine.status_code == 200
            for _ in range(100):
                if alice.texts():
                    break
                await asyncio.sleep(0.05)
            assert alice.last_text().startswith("我可以帮你做这些")

            for body in (b"{not json", b'"just a string"', b'{"update_id": "x"}', b"\x00\xff"):
                refused = await client.post(
                    url, content=body, headers={**secret, "Content-Type": "application/json"}
                )
                assert refused.status_code == 400, body
            huge = b'{"update_id": 2, "message": {"text": "' + b"a" * MAX_UPDATE_BYTES + b'"}}'
            assert (await client.post(url, content=huge, headers=secret)).status_code == 413

            async def chunks():  # noqa: ANN202 - no length announced: counted as it comes
                for _ in range(MAX_UPDATE_BYTES // 65_536 + 2):
                    yield b"a" * 65_536

            streamed = await client.post(url, content=chunks(), headers=secret)
            assert streamed.status_code == 413
            assert (await client.get(url, headers=secret)).status_code == 405
        await web.stop()
    # Ours and the web server's (libraries at DEBUG are quieted when serving: bot.app.logs).
    ours = ("bot.", "huihui", "uvicorn", "starlette")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))
    assert "not a Telegram update" in logged and "without the right secret token" in logged
    assert "just a string" not in logged and str(alice.id) not in logged and SECRET not in logged


async def test_a_webhook_update_that_arrives_while_the_bot_stops_is_left_for_telegram() -> None:
    async with Sandbox(webhook_url="https://huihui.example.org/", webhook_secret=SECRET) as sb:
        web_app = create_web_app(Readiness())
        web = WebServer(web_app, "127.0.0.1", 0)
        await web.start()
        await start_webhook(sb.app, sb.settings, web_app)
        alice = sb.user("小王")
        await sb.stop()
        async with httpx.AsyncClient() as client:
            late = await client.post(
                f"http://127.0.0.1:{web.port}{PATH}",
                json=help_update(alice),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
        # Not 200: Telegram keeps the update and sends it again to the next process.
        assert late.status_code == 503
        await web.stop()


async def test_a_process_not_serving_yet_tells_telegram_to_come_back_then_takes_the_update() -> (
    None
):
    """A standby (or a process still starting) behind the same proxy: Telegram's POST gets 503,
    which it retries, not a 404 that reads like a wrong webhook address; once the process
    serves, the same update is taken."""
    async with Sandbox(webhook_url="https://huihui.example.org/", webhook_secret=SECRET) as sb:
        web_app = create_web_app(Readiness(), routes(None, SECRET))  # as `serve` mounts it
        web = WebServer(web_app, "127.0.0.1", 0)
        await web.start()
        alice = sb.user("小王")
        url = f"http://127.0.0.1:{web.port}{PATH}"
        secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient() as client:
            assert (await client.post(url, json=help_update(alice))).status_code == 403
            waiting = await client.post(url, json=help_update(alice), headers=secret)
            assert waiting.status_code == 503
            await asyncio.sleep(0.2)
            assert alice.texts() == []

            await start_webhook(sb.app, sb.settings, web_app)  # it leads now
            taken = await client.post(url, json=help_update(alice), headers=secret)
            assert taken.status_code == 200
            for _ in range(100):
                if alice.texts():
                    break
                await asyncio.sleep(0.05)
            assert alice.last_text().startswith("我可以帮你做这些")
        await web.stop()
