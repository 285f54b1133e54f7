"""An update processor that serves members concurrently, keeps each member's updates in order,
and bounds what one member can make everyone else wait for.

PTB's default processes one update at a time, so one slow Bot API round trip holds up everyone;
plain ``concurrent_updates`` would let two updates of the same member race through a
ConversationHandler. Here every member (or chat, for updates without a user) has a lane: a
queue worked through in arrival order, one update at a time. Lanes run concurrently, at most
``max_concurrent_updates`` handlers at once, and exist only while they have work, so memory
stays flat however many members the bot has.

A member who sends faster than the bot can answer (a stuck key, a script) fills only their own
lane: past ``max_backlog`` waiting updates the oldest waiting one is dropped, and the member is
told once, politely. Others are not delayed: a lane runs one handler at a time however long its
queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

_LOGGER = logging.getLogger(__name__)
# Updates of one member waiting behind the one being handled.
MAX_BACKLOG = 50
# PTB's own bound on updates in progress: ours are the lanes' backlogs, so it must not bind.
UNBOUNDED = 2**31 - 1


class _Lane:
    __slots__ = ("queue", "dropped")

    def __init__(self) -> None:
        self.queue: deque[tuple[Coroutine[Any, Any, Any], asyncio.Future[None]]] = deque()
        self.dropped = 0


class PerMemberUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int, max_backlog: int = MAX_BACKLOG) -> None:
        super().__init__(UNBOUNDED)
        # Bounds the handlers actually running, as opposed to waiting in their lane.
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._max_backlog = max_backlog
        self._lanes: dict[int, _Lane] = {}
        # Told (with the lane's key) the first time a lane overflows, until it empties.
        self.on_overflow: Callable[[int], Awaitable[None]] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
            asyncio.get_running_loop().create_task(self._work(key, lane))
        lane.queue.append((coroutine, done))  # type: ignore[arg-type]
        if len(lane.queue) > self._max_backlog + 1:
            self._drop_oldest_waiting(key, lane)
        await done

    def _drop_oldest_waiting(self, key: int, lane: _Lane) -> None:
        # The head of the queue may be running; the one after it is the oldest waiting.
        coroutine, done = lane.queue[1]
        del lane.queue[1]
        coroutine.close()
        done.set_result(None)
        lane.dropped += 1
        if lane.dropped == 1:
            _LOGGER.warning("a member sends faster than they can be answered; skipping some")
            if self.on_overflow is not None:
                asyncio.get_running_loop().create_task(self.on_overflow(key))

    async def _work(self, key: int, lane: _Lane) -> None:
        while lane.queue:
            coroutine, done = lane.queue[0]
            try:
                async with self._running:
                    await coroutine
            except Exception:  # noqa: BLE001 - PTB's error handler has seen it already
                _LOGGER.debug("an update of a lane failed")
            except BaseException as stop:  # cancelled: the lane ends, and its waiters with it
                for waiting, waiter in lane.queue:
                    if waiting is not coroutine:
                        waiting.close()
                    if not waiter.done():
                        waiter.set_exception(stop)
                lane.queue.clear()
                del self._lanes[key]
                raise
            lane.queue.popleft()
            if not done.done():
                done.set_result(None)
        del self._lanes[key]

    @property
    def active_lanes(self) -> int:
        return len(self._lanes)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free: lanes end with their last update."""


def ordering_key(update: object) -> int | None:
    """Updates with the same key are processed one after another, in arrival order."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None
