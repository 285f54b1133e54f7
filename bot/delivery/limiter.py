"""The bot's overall rate limit with two lanes: replies to members first, bulk sends after.

Telegram allows a bot about 30 messages a second. PTB's ``AIORateLimiter`` serves requests in
the order they wait, so 3,000 reminders waiting for their turn would hold a member's reply to
/match for a minute and a half. Here every message waits for a place in one token bucket of the
configured rate, and a free place goes to a waiting reply before any waiting bulk message:
bulk sending gets only what replies leave, which during a burst is almost all of it. Bulk also
leaves one place free: a reply that comes while notices go out at the full rate takes it at
once instead of waiting for the next (during the daily digest's sending a /match reply waited
16 ms on average, 31 ms at p95, at 30 a second). Bulk still gets the full rate, a place later.

What is bulk is said by where the sending happens, not by each call: the delivery workers
(scheduled notices and reminders, broadcasts) run inside ``bulk_sending()``; everything else —
the handlers answering an update — is a reply.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

_BULK: ContextVar[bool] = ContextVar("huihui_bulk_sending", default=False)


@contextlib.contextmanager
def bulk_sending() -> Iterator[None]:
    """Messages sent inside this block (and tasks it starts) take the bulk lane."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


def in_bulk() -> bool:
    """Whether what is sent now takes the bulk lane."""
    return _BULK.get()


class TwoLaneBucket:
    """A token bucket of ``rate`` places a second (at most a second's worth saved up, and at
    least one place) whose free places go to waiting replies first, and of which bulk leaves
    one for a reply to come (when it holds more than one)."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._capacity = max(1.0, rate)
        # Places that must be free for bulk to take one: one stays for a reply.
        self._bulk_needs = min(2.0, self._capacity)
        self._tokens = self._capacity
        self._updated: float | None = None
        self._replies: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    async def acquire(self, bulk: bool) -> None:
        loop = asyncio.get_running_loop()
        if not self._replies and not self._bulk and self._take(loop.time(), bulk):
            return
        place = loop.create_future()
        (self._bulk if bulk else self._replies).append(place)
        if self._timer is None:  # else the pending timer serves it, replies first
            self._serve()
        elif not bulk:  # the timer waits for bulk's two places; the reply needs one
            self._timer.cancel()
            self._serve()
        await place

    def _take(self, now: float, bulk: bool) -> bool:
        if self._updated is not None:
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        if self._tokens >= (self._bulk_needs if bulk else 1):
            self._tokens -= 1
            return True
        return False

    def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        self._timer = None
        while waiting := self._next_waiting():
            bulk = waiting is self._bulk
            if not self._take(loop.time(), bulk):
                needs = self._bulk_needs if bulk else 1
                self._timer = loop.call_later((needs - self._tokens) / self._rate, self._serve)
                return
            waiting.popleft().set_result(None)

    def _next_waiting(self) -> deque[asyncio.Future[None]] | None:
        for lane in (self._replies, self._bulk):
            while lane and lane[0].done():  # the sender gave up waiting (cancelled)
                lane.popleft()
            if lane:
                return lane
        return None


class TwoLaneRateLimiter(AIORateLimiter):
    """PTB's limiter (retries after "too many requests", per-group limits) with the overall
    limit replaced by a ``TwoLaneBucket``."""

    def __init__(self, rate: float, max_retries: int = 3) -> None:
        super().__init__(overall_max_rate=0, max_retries=max_retries)
        self._bucket = TwoLaneBucket(rate)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        # Like PTB's own limit: requests to a chat count, paid broadcasts have their own.
        if data.get("chat_id") is not None and not data.get("allow_paid_broadcast"):
            await self._bucket.acquire(bulk=in_bulk())
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
