"""An update processor that serves members concurrently but keeps each member's updates in order.

PTB's default processes one update at a time, so one slow Bot API round trip holds up everyone;
plain ``concurrent_updates`` would let two updates of the same member race through a
ConversationHandler. Here every member (or chat, for updates without a user) has a lane: a FIFO
lock taken in arrival order. Lanes exist only while they have work, so memory stays flat however
many members the bot has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates accepted for processing at once (most of them waiting in their member's lane).
MAX_PENDING_UPDATES = 10_000


class _Lane:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerMemberUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max(MAX_PENDING_UPDATES, max_concurrent_updates))
        # Bounds the handlers actually running, as opposed to waiting in their lane.
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._lanes: dict[int, _Lane] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        lane.users += 1
        try:
            async with lane.lock, self._running:
                await coroutine
        finally:
            lane.users -= 1
            if lane.users == 0:
                del self._lanes[key]

    @property
    def active_lanes(self) -> int:
        return len(self._lanes)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def ordering_key(update: object) -> int | None:
    """Updates with the same key are processed one after another, in arrival order."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None
