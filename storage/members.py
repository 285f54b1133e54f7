"""Queries about members (the foundation's part: identity and language)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.telegram_id == telegram_id))


async def lock(session: AsyncSession, member_id: int) -> None:
    """The member's row locked until the transaction ends: what the member does that counts
    against a daily number runs one at a time (PostgreSQL; SQLite has one writer anyway)."""
    await session.execute(select(Member.id).where(Member.id == member_id).with_for_update())


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


async def chosen_languages(
    session: AsyncSession, telegram_ids: Sequence[int]
) -> dict[int, str | None]:
    """``chosen_language`` of several people in one query; those without a member row too."""
    chosen: dict[int, str | None] = dict.fromkeys(telegram_ids)
    if telegram_ids:
        rows = await session.execute(
            select(Member.telegram_id, Member.language).where(
                Member.telegram_id.in_(set(telegram_ids))
            )
        )
        for telegram_id, language in rows:
            if telegram_id is not None:  # always: it was in the list
                chosen[telegram_id] = language
    return chosen


async def set_language(
    session: AsyncSession, telegram_id: int, language: str, now: datetime
) -> None:
    member_id = await ensure_member(session, telegram_id, now)
    await session.execute(update(Member).where(Member.id == member_id).values(language=language))


async def digest_readers(
    session: AsyncSession, after_id: int, limit: int
) -> list[tuple[int, int, datetime | None]]:
    """(member id, Telegram id, counted until) of up to ``limit`` members after ``after_id`` who
    want the daily digest and can be shown people, in id order."""
    rows = await session.execute(
        select(Member.id, Member.telegram_id, Member.digest_until)
        .where(
            Member.id > after_id,
            Member.digest.is_(True),
            Member.paused.is_(False),
            Member.profile_completed_at.is_not(None),
            Member.telegram_id.is_not(None),
        )
        .order_by(Member.id)
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in rows if row[1] is not None]


async def completed_since(session: AsyncSession, after: datetime, bound: int) -> list[int] | None:
    """Members who completed their profile after ``after``; None if more than ``bound``."""
    ids = list(
        await session.scalars(
            select(Member.id).where(Member.profile_completed_at > after).limit(bound + 1)
        )
    )
    return ids if len(ids) <= bound else None


async def set_digest_until(
    session: AsyncSession, member_ids: Sequence[int], when: datetime
) -> None:
    if member_ids:
        await session.execute(
            update(Member).where(Member.id.in_(member_ids)).values(digest_until=when)
        )
