"""``HUIHUI_LOG_FORMAT=json``: every line one JSON object a collector can read, a line per update
with what an operator needs (id, conversation, duration, outcome), and nothing about members."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Literal

import httpx
import pytest
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app.health import Readiness
from bot.app.logs import QUIETED, configure_logging
from bot.app.processor import UPDATES_LOG
from bot.app.serve import WebServer
from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox
from bot.web import create_web_app
from tests.helpers import seed_union, sign_up
from tests.test_matching_bot import MAN, WOMAN, card_for, man_script


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    levels = {name: logging.getLogger(name).level for name in (*QUIETED, UPDATES_LOG.name)}
    handler = configure_logging("DEBUG", [SANDBOX_TOKEN], stream, log_format="json")
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)
    for name, previous in levels.items():
        logging.getLogger(name).setLevel(previous)


async def test_a_journey_in_json_lines_tells_each_update_and_no_personal_data(
    json_log: io.StringIO,
) -> None:
    async with Sandbox() as sb:
        xiaoyu = sb.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
        ming = sb.user("阿明", phone=MAN[3])
        await seed_union(sb, [WOMAN, MAN])
        await sign_up(xiaoyu, WOMAN)
        await sign_up(ming, MAN, man_script("阿明"))
        await ming.send("/match")
        await card_for(ming, "小雨")
        await ming.press("❤️")
        await xiaoyu.send("/feedback")
        await xiaoyu.send("我的微信是 xy_private_88 😊")
        sb.api.inject_error(ming.chat_id, "network", times=1)
        await ming.send("/profile")  # fails, and is logged as such
    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines and all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    updates = [line for line in lines if line["logger"] == "huihui.updates"]
    assert all(isinstance(line["update_id"], int) for line in updates)
    assert all(isinstance(line["duration"], float) for line in updates)
    handlers = [line["handler"] for line in updates]
    assert {"onboarding", "matching", "feedback", "member_controls"} <= set(handlers)
    assert updates[-1]["handler"] == "member_controls" and updates[-1]["outcome"] == "error"
    assert sum(line["outcome"] == "ok" for line in updates) == len(updates) - 1
    # The error's own line says which update it was about.
    failed = [line for line in lines if line["logger"] == "huihui.errors"]
    assert failed and failed[0]["update_id"] == updates[-1]["update_id"]
    personal = [
        *WOMAN,
        *MAN,
        str(xiaoyu.id),
        str(ming.id),
        "xiaoyu_sh",
        "xy_private_88",
        "我的微信",
        SANDBOX_TOKEN,
        SANDBOX_TOKEN.split(":")[1],
    ]
    leaked = [value for value in personal if value and value in text]
    assert leaked == [], leaked


@pytest.mark.parametrize("log_format", ["json", "text"])
async def test_a_web_request_that_fails_logs_where_not_what_the_member_sent(
    log_format: Literal["json", "text"],
) -> None:
    """uvicorn logs a failed request's traceback itself; a database error's message quotes
    the statement's parameters (here a member's name and phone)."""
    quoted = (
        "(sqlite3.IntegrityError) UNIQUE constraint failed [parameters: ('王小雨', '13812345678')]"
    )

    async def fails(_request: Request) -> Response:
        raise IntegrityError(
            "INSERT INTO members ...", ("王小雨", "13812345678"), Exception(quoted)
        )

    stream = io.StringIO()
    root, level = logging.getLogger(), logging.getLogger().level
    handler = configure_logging("INFO", stream=stream, log_format=log_format)
    server = WebServer(create_web_app(Readiness(), [Route("/app/fails", fails)]), "127.0.0.1", 0)
    try:
        await server.start()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            assert (await client.get("/app/fails")).status_code == 500
        await server.stop()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = stream.getvalue()
    failed = [line for line in text.splitlines() if "Exception in ASGI application" in line]
    assert len(failed) == 1, text
    assert "sqlalchemy.exc.IntegrityError at test_json_logs.py:" in failed[0]
    assert "王小雨" not in text and "13812345678" not in text and "parameters" not in text
    if log_format == "json":
        assert all(json.loads(line) for line in text.splitlines())
