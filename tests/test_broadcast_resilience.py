"""Broadcasts ride out a database that goes away, and never send a message more than twice when
Telegram's answers are lost."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

import storage.engine
from bot.delivery.broadcast_sender import in_flight_bound
from bot.domain.audience import Audience
from bot.services.broadcasts import Draft
from bot.tools.sandbox import Sandbox
from storage.models import Broadcast, BroadcastDelivery, BroadcastStatus, DeliveryStatus
from tests import private_postgres
from tests.conftest import IN_CI
from tests.helpers import PUDONG, copies, union_with_members, unit_id

TEXT = "周六联谊活动通知"
RATE = 100


async def wait_until(done: Callable[[], bool], seconds: float = 60) -> None:
    for _ in range(int(seconds * 20)):
        if done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("it never happened")


async def start_broadcast(sb: Sandbox, organiser_id: int) -> int:
    broadcast_id = await sb.app.services.broadcasts.create(
        organiser_id, Draft(TEXT), Audience(await unit_id(sb, PUDONG))
    )
    assert broadcast_id is not None
    await sb.app.delivery.scheduler.run_due()  # starts it; sending goes on in the background
    return broadcast_id


def delivered(sb: Sandbox, members: list[int]) -> int:
    return sum(copies(sb, member, TEXT) for member in members)


async def finished_exactly_once(sb: Sandbox, broadcast_id: int, members: list[int]) -> None:
    await asyncio.wait_for(sb.app.delivery.broadcasts.wait_idle(), 90)
    counts = [copies(sb, member, TEXT) for member in members]
    assert min(counts) == 1, "somebody was missed"
    assert sum(counts) - len(members) <= in_flight_bound(RATE)
    async with sb.app.services.db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        statuses = set((await session.scalars(select(BroadcastDelivery.status))).all())
    assert broadcast.status == BroadcastStatus.DONE and statuses == {DeliveryStatus.SENT}


async def test_a_broadcast_resumes_by_itself_when_postgresql_comes_back() -> None:
    problem = private_postgres.available()
    if problem is not None:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    with private_postgres.private_postgres() as server:
        async with Sandbox(database_url=server.url, api_latency=0.005, broadcast_rate=RATE) as sb:
            organiser, _sibling, members, _ = await union_with_members(sb, 300)
            broadcast_id = await start_broadcast(sb, organiser.id)
            await wait_until(lambda: delivered(sb, members) >= 80)
            await asyncio.to_thread(server.stop)
            await asyncio.sleep(2)
            await asyncio.to_thread(server.start)
            back = asyncio.get_running_loop().time()
            await finished_exactly_once(sb, broadcast_id, members)
            # It carried on by itself, within seconds of the database coming back.
            assert asyncio.get_running_loop().time() - back < 30
            assert "300 位会员中 300 位已收到" in organiser.last_text()


async def test_a_broadcast_rides_out_a_locked_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Give up on a lock at once rather than after the usual ten seconds.
    monkeypatch.setattr(storage.engine, "SQLITE_BUSY_TIMEOUT_MS", 100)
    database = tmp_path / "huihui.db"
    async with Sandbox(
        database_url=f"sqlite+aiosqlite:///{database}", api_latency=0.005, broadcast_rate=RATE
    ) as sb:
        organiser, _sibling, members, _ = await union_with_members(sb, 300)
        broadcast_id = await start_broadcast(sb, organiser.id)
        await wait_until(lambda: delivered(sb, members) >= 80)
        locked, release = threading.Event(), threading.Event()

        def hold_the_file() -> None:  # another program, holding the file for a while
            with closing(sqlite3.connect(database, timeout=10)) as other:
                other.execute("BEGIN EXCLUSIVE")
                locked.set()
                release.wait(10)
                other.rollback()

        holder = asyncio.get_running_loop().run_in_executor(None, hold_the_file)
        await asyncio.to_thread(locked.wait, 10)
        await asyncio.sleep(2)
        assert delivered(sb, members) < 300
        release.set()
        await holder
        await finished_exactly_once(sb, broadcast_id, members)


async def test_a_send_whose_answer_is_lost_is_tried_once_more_then_reported_uncertain(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    lost = members[0]
    sandbox.api.inject_error(lost, "answer_lost", times=5)
    await organiser.send("/broadcast")
    await organiser.send(TEXT)
    await organiser.press("预览 ▸")
    await organiser.press("立即发送")
    await sandbox.settle()
    assert copies(sandbox, lost, TEXT) == 2  # it arrived twice; not five times
    assert all(copies(sandbox, m, TEXT) == 1 for m in members[1:])
    assert "1 位不确定" in organiser.last_text()
