"""What other members see while the bot is busy: /match latencies of members asking one after
another, idle and while some piece of work runs (for digest.py and busy_match.py)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

from sqlalchemy import update

from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import ButtonNotFound, Sandbox, SimulatedUser
from storage.models import ScheduledTask, TaskStatus

T = TypeVar("T")
# One request's kind and latency in ms. Kinds differ by the Bot API calls they take (/match
# sends a card; 下一位 answers the button and replaces the card): a latency is compared with
# the same kind's idle latencies, never with a mix of other kinds.
Timing = tuple[str, float]
MATCH, NEXT = "/match", "下一位"
# A member reads a card before pressing on; without it the askers would be a load of their own.
READING = 0.05
# Presses per member, within a day's cards (20 by default) so every answer is a card.
PRESSES_EACH = 15


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Unsettled:
    """The sandbox as production hands an update over: the member's wait ends with the
    handler, not once every notice the bot has to send is sent (``Sandbox.deliver``)."""

    def __init__(self, sb: Sandbox) -> None:
        self._sb = sb
        self.api = sb.api
        self.clock = sb.clock

    async def deliver(self, update_json: dict[str, Any], *, settle: bool = True) -> None:
        await self._sb.deliver(update_json, settle=False)


class Askers:
    """Members of the synthetic population (by member id) asking for suggestions in turn."""

    def __init__(self, sb: Sandbox, member_ids: Sequence[int]) -> None:
        world = Unsettled(sb)
        self._members = [
            SimulatedUser(
                world,
                user_id=FIRST_TELEGRAM_ID + n,
                first_name=f"asker{n}",
                language_code="zh-hans",
                username=None,
                phone=f"+86139{n:08d}",
            )
            for n in member_ids
        ]
        self._turns = itertools.cycle(self._members)
        self._presses: dict[int, int] = {}

    async def ask(self, member: SimulatedUser | None = None) -> Timing:
        """One request of ``member`` (else the next member in turn): its kind and latency."""
        member = member or next(self._turns)
        presses = self._presses.get(member.id, 0)
        if presses >= PRESSES_EACH:
            raise RuntimeError("the askers used up their cards: give them more members")
        self._presses[member.id] = presses + 1
        started = time.perf_counter()
        kind = await _next_card(member, first=presses == 0)
        return kind, (time.perf_counter() - started) * 1000

    async def idle(self, requests: int) -> list[Timing]:
        """``requests`` requests in rounds over a third as many members, so that the idle
        figures hold both kinds: each member's first /match, then 下一位."""
        group = self._members[: max(1, requests // 3)]
        timings = []
        for n in range(requests):
            timings.append(await self.ask(group[n % len(group)]))
            await asyncio.sleep(READING)
        return timings

    async def during(self, work: Awaitable[T]) -> tuple[T, list[Timing], float]:
        """Run ``work`` while asking; its result, the latencies, and its seconds."""

        async def timed() -> tuple[T, float]:
            started = time.perf_counter()
            result = await work
            return result, time.perf_counter() - started

        running = asyncio.ensure_future(timed())
        timings = []
        while not running.done():
            timings.append(await self.ask())
            await asyncio.sleep(READING)
        result, seconds = await running
        return result, timings, seconds


async def _next_card(member: SimulatedUser, *, first: bool) -> str:
    if first:
        await member.send("/match")
        return MATCH
    try:
        await member.press("下一位")
    except ButtonNotFound:  # nobody suggested last time: ask again
        await member.send("/match")
        return MATCH
    return NEXT


def latencies(timings: Sequence[Timing]) -> list[float]:
    return [ms for _kind, ms in timings]


def p95_ratio(idle: Sequence[Timing], during: Sequence[Timing]) -> float:
    """The worst, over the kinds of request, of p95 meanwhile against p95 idle."""
    ratios = []
    for kind in {kind for kind, _ms in during}:
        before = [ms for k, ms in idle if k == kind]
        after = [ms for k, ms in during if k == kind]
        if before:
            ratios.append(percentile(after, 0.95) / percentile(before, 0.95))
    return max(ratios, default=0.0)


def by_kind(prefix: str, idle: Sequence[Timing], during: Sequence[Timing]) -> dict[str, Any]:
    """Each kind's p95 idle and meanwhile, for the report."""
    result: dict[str, Any] = {}
    for kind, name in ((MATCH, "match"), (NEXT, "next")):
        before = [ms for k, ms in idle if k == kind]
        after = [ms for k, ms in during if k == kind]
        result[f"{prefix}_{name}_idle_p95_ms"] = round(percentile(before, 0.95), 1)
        result[f"{prefix}_{name}_p95_ms"] = round(percentile(after, 0.95), 1)
        result[f"{prefix}_{name}_requests"] = (len(before), len(after))
    return result


def summary(prefix: str, timings: Sequence[Timing]) -> dict[str, Any]:
    values = latencies(timings)
    return {
        f"{prefix}_requests": len(values),
        f"{prefix}_p50_ms": round(percentile(values, 0.5), 1),
        f"{prefix}_p95_ms": round(percentile(values, 0.95), 1),
        f"{prefix}_max_ms": round(max(values, default=0.0), 1),
    }


async def stop_sending(sb: Sandbox) -> None:
    """The measuring is over: what is still to be sent at 30 a second (tens of thousands of
    notices) would only hold up the exit, so it is cancelled and broadcasts are abandoned."""
    async with sb.app.services.db.begin() as session:
        await session.execute(
            update(ScheduledTask)
            .where(ScheduledTask.status == TaskStatus.PENDING)
            .values(status=TaskStatus.CANCELLED)
        )
    await sb.crash()
