"""Replies before bulk: the bot's one rate limit serves a waiting reply before waiting bulk
messages (bot.delivery.limiter)."""

from __future__ import annotations

import asyncio

from bot.common.i18n import N_
from bot.delivery.limiter import TwoLaneBucket, bulk_sending, in_bulk
from bot.services import notices
from bot.services.notices import line
from bot.tools.sandbox import Sandbox


async def test_a_reply_waiting_behind_a_bulk_burst_goes_next() -> None:
    bucket = TwoLaneBucket(rate=200)
    served: list[str] = []

    async def send(name: str, bulk: bool) -> None:
        await bucket.acquire(bulk)
        served.append(name)

    burst = [asyncio.create_task(send(f"bulk {n}", True)) for n in range(300)]
    await asyncio.sleep(0.02)  # the saved-up second is spent; the rest of the burst waits
    waiting = 300 - len(served)
    assert waiting > 50
    await send("reply", False)
    behind = served.index("reply")
    await asyncio.gather(*burst)
    assert len(served) == 301
    # At most the bulk message already given the next place went before the reply.
    assert behind <= 300 - waiting + 1


async def test_a_reply_during_bulk_sending_at_the_full_rate_goes_at_once() -> None:
    """Bulk leaves one place free, so a reply does not wait for the next one (half a second
    at two a second)."""
    bucket = TwoLaneBucket(rate=2)
    burst = [asyncio.create_task(bucket.acquire(bulk=True)) for _ in range(4)]
    await asyncio.sleep(0.01)
    assert sum(sent.done() for sent in burst) == 1  # the second place stays free
    await asyncio.wait_for(bucket.acquire(bulk=False), timeout=0.25)
    await asyncio.wait_for(asyncio.gather(*burst), timeout=5)


async def test_a_rate_below_one_a_second_still_sends() -> None:
    bucket = TwoLaneBucket(rate=0.5)
    await asyncio.wait_for(bucket.acquire(bulk=True), timeout=1)


async def test_bulk_lane_is_only_what_the_delivery_workers_send() -> None:
    """Inside bulk_sending, and in tasks started there, sends are bulk; elsewhere replies."""
    bucket = TwoLaneBucket(rate=1)
    await bucket.acquire(bulk=False)  # spends the only place: everything below waits
    order: list[str] = []

    async def send(name: str) -> None:
        await bucket.acquire(in_bulk())
        order.append(name)

    with bulk_sending():
        worker = asyncio.create_task(send("worker"))
    await asyncio.sleep(0)
    reply = asyncio.create_task(send("reply"))
    await asyncio.wait_for(asyncio.gather(worker, reply), timeout=5)
    assert order == ["reply", "worker"]


async def test_a_member_is_answered_during_a_burst_of_notices() -> None:
    """Through the whole bot: at 50 messages a second, a member's /help is answered while
    300 notices (a reminder burst) are still going out, not after the 200 the scheduler had
    already handed to the sender (in one queue it was the 200th message or later)."""
    async with Sandbox(rate_limit=50) as sb:
        member = sb.user("小雨")
        now = sb.clock.now()
        async with sb.app.services.db.begin() as session:
            for n in range(300):
                await notices.put(
                    session,
                    to=900_000 + n,
                    now=now,
                    lines=[line(N_("Saved. You will hear from me if a pick is mutual."))],
                    key=f"burst:{n}",
                )
        sb.api.request_log = []
        burst = asyncio.create_task(sb.app.delivery.scheduler.run_due())
        while len(sb.api.request_log) < 60:  # the saved-up second is spent; the rest waits
            await asyncio.sleep(0.01)
        await member.send("/help")
        await burst
        chats = [chat for _at, chat in sb.api.request_log]
        assert chats.count(member.id) == 1 and len(chats) == 301
        # Sent when it came, give or take the second it took to handle the update.
        assert chats.index(member.id) < 150, "the reply waited behind the burst"
