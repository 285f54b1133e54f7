"""Where each member stands in each dialog, and their per-user scratch data: the rows behind
the chat's persistence (``bot.app.persistence``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState, UserData
from storage.upsert import upsert

# A dialog's key (PTB's tuple of chat and user ids) as stored: a JSON list.
ConversationKey = tuple[int | str, ...]


async def expire(session: AsyncSession, now: datetime, idle: timedelta) -> int:
    """Forget conversations nobody moved in for ``idle``; returns how many. States written
    before their time was kept count from now."""
    await session.execute(
        update(ConversationState)
        .where(ConversationState.updated_at.is_(None))
        .values(updated_at=now)
    )
    expired = await session.execute(
        delete(ConversationState).where(ConversationState.updated_at < now - idle)
    )
    return int(expired.rowcount or 0)  # type: ignore[attr-defined]


async def conversations(session: AsyncSession, name: str) -> dict[ConversationKey, Any]:
    """The states of one dialog, by key."""
    rows = await session.execute(
        select(ConversationState.key, ConversationState.state).where(ConversationState.name == name)
    )
    return {tuple(json.loads(key)): state for key, state in rows}


async def user_data_of(session: AsyncSession, user_id: int) -> dict[Any, Any] | None:
    return await session.scalar(select(UserData.data).where(UserData.user_id == user_id))


def stored_key(key: Iterable[int | str]) -> str:
    return json.dumps(list(key))


async def write_conversations(
    session: AsyncSession,
    states: Mapping[tuple[str, str], Any],
    ended: Iterable[tuple[str, str]],
    now: datetime,
) -> None:
    """Store ``states`` by (dialog, stored key) and forget ``ended`` ones."""
    by_dialog: dict[str, list[str]] = {}
    for name, key in ended:
        by_dialog.setdefault(name, []).append(key)
    for name, keys in by_dialog.items():
        await session.execute(
            delete(ConversationState).where(
                ConversationState.name == name, ConversationState.key.in_(keys)
            )
        )
    await upsert(
        session,
        ConversationState,
        [
            {"name": name, "key": key, "state": state, "updated_at": now}
            for (name, key), state in states.items()
        ],
        ["name", "key"],
    )


async def write_user_data(
    session: AsyncSession, data: Mapping[int, dict[Any, Any]], dropped: Iterable[int]
) -> None:
    dropped = list(dropped)
    if dropped:
        await session.execute(delete(UserData).where(UserData.user_id.in_(dropped)))
    await upsert(
        session,
        UserData,
        [{"user_id": user_id, "data": value} for user_id, value in data.items()],
        ["user_id"],
    )
