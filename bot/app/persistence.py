"""A database-backed ``BasePersistence`` for ConversationHandler states and per-user scratch data.

PTB hands over changed entries every ``update_interval`` seconds (and once more on shutdown).
All entries of one such round are written in a single transaction. Chat data, bot data and
callback data are not used by 会会 and are not stored.

Memory does not grow with the members who ever talked to the bot: ended conversations are
deleted, conversations nobody moved in for ``idle`` expire at start (only open, recent ones are
loaded), and a member's scratch data is read when they next send something, not at start.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.domain.clock import Clock
from storage import conversation_state

_LOGGER = logging.getLogger(__name__)

_DELETED = object()


class SQLPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        idle: timedelta,
        update_interval: float = 1.0,
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._idle = idle
        self._expired = False
        self._conversations: dict[tuple[str, str], Any] = {}
        self._user_data: dict[int, Any] = {}
        # Members whose stored scratch data this process has read (or dropped).
        self._user_data_read: set[int] = set()
        self._batch: asyncio.Task[None] | None = None

    # Reading: open conversations once at start-up, scratch data when a member is next seen.
    async def get_conversations(self, name: str) -> ConversationDict:
        if not self._expired:
            async with self._sessionmaker.begin() as session:
                expired = await conversation_state.expire(session, self._clock.now(), self._idle)
            if expired:
                _LOGGER.info("%d conversation(s) idle too long were closed", expired)
            self._expired = True
        async with self._sessionmaker() as session:
            return await conversation_state.conversations(session, name)  # type: ignore[return-value]

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}  # read per member by refresh_user_data

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    # Writing, batched.
    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._conversations[(name, conversation_state.stored_key(key))] = (
            _DELETED if new_state is None else new_state
        )
        await self._write_soon()

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._user_data[user_id] = data if data else _DELETED
        await self._write_soon()

    async def drop_user_data(self, user_id: int) -> None:
        self._user_data[user_id] = _DELETED
        self._user_data_read.add(user_id)  # nothing stored is to be read back
        await self._write_soon()

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Chat data is not stored."""

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Bot data is not stored."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Callback data is not stored."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not stored."""

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """PTB calls this before handling each update of the member. The first time, their
        stored data is read; after that, memory is never behind the database (one process
        owns a bot token)."""
        if user_id in self._user_data_read:
            return
        async with self._sessionmaker() as session:
            stored = await conversation_state.user_data_of(session, user_id)
        self._user_data_read.add(user_id)
        for key, value in (stored or {}).items():
            user_data.setdefault(key, value)  # what this process already wrote is newer

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Chat data is not stored."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Bot data is not stored."""

    async def flush(self) -> None:
        if self._batch is not None:
            await self._batch

    async def _write_soon(self) -> None:
        if self._batch is None:
            self._batch = asyncio.get_running_loop().create_task(self._write_batch())
        await asyncio.shield(self._batch)

    async def _write_batch(self) -> None:
        # PTB gathers all update_* calls of one round; yielding once lets them join this batch.
        await asyncio.sleep(0)
        conversations, self._conversations = self._conversations, {}
        user_data, self._user_data = self._user_data, {}
        self._batch = None
        try:
            async with self._sessionmaker.begin() as session:
                await conversation_state.write_conversations(
                    session,
                    {key: state for key, state in conversations.items() if state is not _DELETED},
                    [key for key, state in conversations.items() if state is _DELETED],
                    self._clock.now(),
                )
                await conversation_state.write_user_data(
                    session,
                    {user: data for user, data in user_data.items() if data is not _DELETED},
                    [user for user, data in user_data.items() if data is _DELETED],
                )
        except Exception:
            # Keep the entries for the next round unless something newer replaced them.
            for key, state in conversations.items():
                self._conversations.setdefault(key, state)
            for user_id, data in user_data.items():
                self._user_data.setdefault(user_id, data)
            raise
