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

Each update is counted by kind, timed by the conversation that took it, and logged in one line
when it ends (``huihui.updates``: id, conversation, duration, outcome; never its content).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.app.instrument import NO_HANDLER, UpdateRecord, current_update, record_for
from bot.common.members_first import handling_update
from bot.common.metrics import UPDATE_DURATION, UPDATES, UPDATES_IN_FLIGHT

_LOGGER = logging.getLogger(__name__)
# One line per update handled (see bot.app.logs: shown in the JSON format).
UPDATES_LOG = logging.getLogger("huihui.updates")
# Updates of one member waiting behind the one being handled.
MAX_BACKLOG = 50
# PTB's own bound on updates in progress: ours are the lanes' backlogs, so it must not bind.
UNBOUNDED = 2**31 - 1


_Waiting = tuple[Coroutine[Any, Any, Any], asyncio.Future[None], UpdateRecord]


class _Lane:
    __slots__ = ("queue", "dropped")

    def __init__(self) -> None:
        self.queue: deque[_Waiting] = deque()
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
        record = record_for(update)
        UPDATES.labels(record.kind).inc()
        key = ordering_key(update)
        if key is None:
            async with self._running:
                await _handled(record, coroutine)
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
            asyncio.get_running_loop().create_task(self._work(key, lane))
        lane.queue.append((coroutine, done, record))  # type: ignore[arg-type]
        if len(lane.queue) > self._max_backlog + 1:
            self._drop_oldest_waiting(key, lane)
        await done

    def _drop_oldest_waiting(self, key: int, lane: _Lane) -> None:
        # The head of the queue may be running; the one after it is the oldest waiting.
        coroutine, done, record = lane.queue[1]
        del lane.queue[1]
        coroutine.close()
        done.set_result(None)
        record.outcome = "dropped"
        _log(record, None)
        lane.dropped += 1
        if lane.dropped == 1:
            _LOGGER.warning("a member sends faster than they can be answered; skipping some")
            if self.on_overflow is not None:
                asyncio.get_running_loop().create_task(self.on_overflow(key))

    async def _work(self, key: int, lane: _Lane) -> None:
        while lane.queue:
            coroutine, done, record = lane.queue[0]
            try:
                async with self._running:
                    await _handled(record, coroutine)
            except Exception:  # noqa: BLE001 - PTB's error handler has seen it already
                _LOGGER.debug("an update of a lane failed")
            except BaseException as stop:  # cancelled: the lane ends, and its waiters with it
                for waiting, waiter, _record in lane.queue:
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


async def _handled(record: UpdateRecord, coroutine: Awaitable[Any]) -> None:
    """Run the update's handlers with its record current, counted in flight, timed, logged."""
    token = current_update.set(record)
    UPDATES_IN_FLIGHT.inc()
    started = time.perf_counter()
    try:
        with handling_update():  # background work (the digest) waits for it
            await coroutine
    except BaseException:  # cancelled by a stop; an error is PTB's to report, not raised here
        if record.outcome == "ok":
            record.outcome = "cancelled"
        raise
    finally:
        duration = time.perf_counter() - started
        UPDATES_IN_FLIGHT.dec()
        current_update.reset(token)
        UPDATE_DURATION.labels(record.handler or NO_HANDLER).observe(duration)
        _log(record, duration)


def _log(record: UpdateRecord, duration: float | None) -> None:
    UPDATES_LOG.info(
        "update %s %s",
        record.handler or NO_HANDLER,
        record.outcome,
        extra={
            "update_id": record.update_id,
            "handler": record.handler or NO_HANDLER,
            "duration": None if duration is None else round(duration, 4),
            "outcome": record.outcome,
        },
    )


def ordering_key(update: object) -> int | None:
    """Updates with the same key are processed one after another, in arrival order."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None
