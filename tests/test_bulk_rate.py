"""Bulk sending keeps Telegram's 30 messages a second when the Bot API is slow to answer: enough
requests are in flight at once for the round trips of a server in China (100-300 ms, slower at
moments)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import timedelta

from bot.delivery.scheduler import Scheduler
from bot.domain.audience import Audience
from bot.services import notices
from bot.services.broadcasts import Draft
from bot.services.notices import line
from bot.tools.sandbox import Sandbox
from tests.helpers import PUDONG, copies, union_with_members, unit_id

RATE = 30.0
# A slow moment's round trip: at the rate above it needs this many requests waiting for answers.
ROUND_TRIP = 0.5
NEEDED = math.ceil(RATE * ROUND_TRIP)
TEXT = "周六联谊活动通知"
REMINDER = "提醒：明天 14:00 相亲联谊会"


async def wait_until(done: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds * 20)):
        if done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("it never happened")


async def test_a_broadcast_keeps_enough_requests_in_flight_for_slow_answers() -> None:
    """Telegram holds every answer: the broadcast still sends as many as 30 a second over a
    500 ms round trip needs (it stopped at 8, which kept 26 a second at 300 ms), then each
    member gets the broadcast once."""
    async with Sandbox(rate_limit=RATE, broadcast_rate=RATE) as sb:
        organiser, _sibling, members, _ = await union_with_members(sb, 2 * NEEDED)
        gates = [sb.api.hold(member) for member in members]
        broadcast_id = await sb.app.services.broadcasts.create(
            organiser.id, Draft(TEXT), Audience(await unit_id(sb, PUDONG))
        )
        assert broadcast_id is not None
        await sb.app.delivery.scheduler.run_due()  # sending goes on in the background

        def waiting_for_answers() -> int:
            return sum(gate.reached.is_set() for gate in gates)

        try:
            await wait_until(lambda: waiting_for_answers() >= NEEDED)
        finally:  # else the sandbox's stop waits for the held answers for ever
            for member in members:
                sb.api.release(member)
        await asyncio.wait_for(sb.app.delivery.broadcasts.wait_idle(), 30)
        assert [copies(sb, member, TEXT) for member in members] == [1] * len(members)
        assert f"{len(members)} 位会员中 {len(members)} 位已收到" in organiser.last_text()


async def test_reminders_keep_enough_requests_in_flight_for_slow_answers() -> None:
    """The same for scheduled notices (an event's reminders), each sent once (10 at a time
    kept 19 a second at 500 ms)."""
    async with Sandbox(rate_limit=RATE) as sb:
        recipients = [900_000 + n for n in range(2 * NEEDED)]
        gates = [sb.api.hold(to) for to in recipients]
        now = sb.clock.now()
        async with sb.app.services.db.begin() as session:
            await notices.put_all(
                session,
                [notices.Notice(to=to, lines=[line(REMINDER)], key=f"r:{to}") for to in recipients],
                now,
            )
        sending = asyncio.create_task(sb.settle())  # whichever pass claims them
        try:
            await wait_until(lambda: sum(gate.reached.is_set() for gate in gates) >= NEEDED)
        finally:
            for to in recipients:
                sb.api.release(to)
        await asyncio.wait_for(sending, 30)
        assert [copies(sb, to, REMINDER) for to in recipients] == [1] * len(recipients)


async def test_slow_answers_do_not_hold_up_the_next_reminders() -> None:
    """One pass of the scheduler claims reminders 200 at a time; while a batch's last answers
    are awaited, the next batch goes out. It waited for every one of them, so each batch's end
    stopped sending for a round trip and the claims, and one answer that never came stopped the
    pass (the second batch was never sent)."""
    async with Sandbox(rate_limit=1000) as sb:
        recipients = [900_000 + n for n in range(Scheduler.BATCH_SIZE + 20)]
        slow = sb.api.hold(recipients[0])  # the first of the first batch
        due = sb.clock.now() + timedelta(minutes=5)
        async with sb.app.services.db.begin() as session:
            await notices.put_all(
                session,
                [
                    notices.Notice(to=to, lines=[line(REMINDER)], key=f"r:{to}", due_at=due)
                    for to in recipients
                ],
                sb.clock.now(),
            )
        await sb.settle()  # nothing due yet: the passes that writing them woke are over
        sb.clock.set(due)
        sending = asyncio.create_task(sb.app.delivery.scheduler.run_due())  # the one pass
        try:
            await wait_until(slow.reached.is_set)
            await wait_until(lambda: copies(sb, recipients[-1], REMINDER) == 1)
        finally:
            sb.api.release(recipients[0])
        await asyncio.wait_for(sending, 30)
        assert [copies(sb, to, REMINDER) for to in recipients] == [1] * len(recipients)
