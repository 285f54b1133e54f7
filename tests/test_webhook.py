"""``huihui webhook``: Telegram's POSTs are accepted only with the secret token."""

from __future__ import annotations

import asyncio
import socket

import httpx

from bot.app.serve import WEBHOOK_PATH, start_webhook
from bot.tools.sandbox import Sandbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_webhook_registers_itself_and_checks_the_secret_token() -> None:
    port = free_port()
    async with Sandbox(
        webhook_url="https://huihui.example.org/",
        webhook_secret="correct-horse",
        webhook_listen="127.0.0.1",
        webhook_port=port,
    ) as sb:
        server = await start_webhook(sb.app, sb.settings)
        assert sb.api.webhook["url"] == f"https://huihui.example.org/{WEBHOOK_PATH}"
        assert sb.api.webhook["secret_token"] == "correct-horse"

        alice = sb.user("小王")
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": alice.chat_id, "type": "private"},
                "from": alice.as_json(),
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        url = f"http://127.0.0.1:{port}/{WEBHOOK_PATH}"
        async with httpx.AsyncClient() as client:
            forged = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            unsigned = await client.post(url, json=update)
            assert (forged.status_code, unsigned.status_code) == (403, 403)
            await asyncio.sleep(0.2)
            assert alice.texts() == []

            genuine = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "correct-horse"}
            )
            assert genuine.status_code == 200
            for _ in range(100):
                if alice.texts():
                    break
                await asyncio.sleep(0.05)
            assert alice.last_text().startswith("我可以帮你做这些")

            secret = {"X-Telegram-Bot-Api-Secret-Token": "correct-horse"}
            for body in (b"{not json", b'"just a string"', b'{"update_id": "x"}', b"\x00\xff"):
                refused = await client.post(
                    url, content=body, headers={**secret, "Content-Type": "application/json"}
                )
                assert refused.status_code == 400, body
        await server.stop()
