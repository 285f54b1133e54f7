"""Verification attempts and their review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RosterEntry, VerificationAttempt

PENDING = "pending"


async def count_since(session: AsyncSession, member_id: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(
                VerificationAttempt.member_id == member_id,
                VerificationAttempt.created_at > since,
            )
        )
        or 0
    )


async def oldest_since(session: AsyncSession, member_id: int, since: datetime) -> datetime | None:
    return await session.scalar(
        select(func.min(VerificationAttempt.created_at)).where(
            VerificationAttempt.member_id == member_id, VerificationAttempt.created_at > since
        )
    )


async def latest(session: AsyncSession, member_id: int) -> VerificationAttempt | None:
    return await session.scalar(
        select(VerificationAttempt)
        .where(VerificationAttempt.member_id == member_id)
        .order_by(VerificationAttempt.id.desc())
        .limit(1)
    )


async def real_names(session: AsyncSession, member_id: int) -> set[str]:
    """The real names the member is known by: their roster entry's and what they entered."""
    bound = await session.scalars(
        select(RosterEntry.real_name).where(RosterEntry.member_id == member_id)
    )
    entered = await session.scalars(
        select(VerificationAttempt.real_name).where(VerificationAttempt.member_id == member_id)
    )
    return {*bound.all(), *entered.all()}
