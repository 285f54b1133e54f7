"""Queries about members (the foundation's part: identity and language)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.telegram_id == telegram_id))


async def ensure_member(session: AsyncSession, telegram_id: int, now: datetime) -> Member:
    """The member for this Telegram account, created on first contact."""
    member = await get_by_telegram_id(session, telegram_id)
    if member is None:
        member = Member(telegram_id=telegram_id, created_at=now, last_seen_at=now)
        session.add(member)
        await session.flush()
    return member


async def chosen_language(session: AsyncSession, telegram_id: int) -> str | None:
    return await session.scalar(select(Member.language).where(Member.telegram_id == telegram_id))
