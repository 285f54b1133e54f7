"""Queries about members (the foundation's part: identity and language)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.telegram_id == telegram_id))


async def ensure_member(session: AsyncSession, telegram_id: int, now: datetime) -> int:
    """The id of the member for this Telegram account, created on first contact."""
    member_id = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
    if member_id is None:
        member_id = await session.scalar(
            insert(Member)
            .values(telegram_id=telegram_id, created_at=now, last_seen_at=now)
            .returning(Member.id)
        )
    return member_id  # type: ignore[return-value]


async def chosen_language(session: AsyncSession, telegram_id: int) -> str | None:
    return await session.scalar(select(Member.language).where(Member.telegram_id == telegram_id))


async def set_language(
    session: AsyncSession, telegram_id: int, language: str, now: datetime
) -> None:
    member_id = await ensure_member(session, telegram_id, now)
    await session.execute(update(Member).where(Member.id == member_id).values(language=language))
