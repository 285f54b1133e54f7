"""Background work (the daily digest) takes its next step only once members' updates in
progress are done, and goes on anyway after a bounded wait."""

from __future__ import annotations

import asyncio

from bot.common.members_first import handling_update, members_first


async def test_background_work_waits_for_the_update_in_progress() -> None:
    order: list[str] = []

    async def update() -> None:
        with handling_update():
            await asyncio.sleep(0.05)
            order.append("update done")

    async def background() -> None:
        await asyncio.sleep(0)  # the update has begun
        await members_first(1.0)
        order.append("background step")

    await asyncio.gather(update(), background())
    assert order == ["update done", "background step"]


async def test_background_work_goes_on_when_updates_never_stop() -> None:
    release = asyncio.Event()

    async def endless_update() -> None:
        with handling_update():
            await release.wait()

    running = asyncio.ensure_future(endless_update())
    await asyncio.sleep(0)
    await members_first(0.05)
    assert not running.done()  # it went on while the update was still being handled
    release.set()
    await running
    await asyncio.wait_for(members_first(3600), 5)  # nobody in flight any more: at once
