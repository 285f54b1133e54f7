"""Failures: the member hears an apology in their language; logs carry no personal data."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.tools.sandbox import Sandbox
from storage.models import ThreadMessage
from tests.helpers import agree, seed_union


async def test_member_is_told_when_something_fails_and_logs_hold_no_personal_data(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    alice = sandbox.user("张三丰", language="zh-hans", username="zhangsanfeng")
    await seed_union(sandbox, [])
    await agree(alice)
    await alice.send("/feedback")
    sandbox.api.inject_error(alice.chat_id, "network", times=1)
    await alice.send("我是张三丰，电话13912345678")
    assert alice.last_text() == "抱歉，我这边出了点问题，请稍后再试。"
    async with sandbox.app.services.db() as session:  # what was stored is kept
        assert (await session.scalars(select(ThreadMessage.text))).all() == [
            "我是张三丰，电话13912345678"
        ]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "NetworkError" in logged and "conversations/feedback.py" in logged
    for personal in ("张三丰", "13912345678", "zhangsanfeng", str(alice.id)):
        assert personal not in logged


async def test_apology_is_in_english_for_an_english_member(sandbox: Sandbox) -> None:
    bob = sandbox.user("Bob", language="en")
    sandbox.api.inject_error(bob.chat_id, "timeout", times=1)
    await bob.send("/help")
    assert bob.last_text() == (
        "Sorry, something went wrong on our side. Please try again in a moment."
    )


async def test_flood_limits_are_waited_out_not_shown_to_the_member(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    sandbox.api.inject_error(alice.chat_id, "retry_after", times=1, retry_after=1)
    await alice.send("/help")
    assert alice.last_text().startswith("我可以帮你做这些")
    assert sandbox.api.calls["sendMessage"] == 2
