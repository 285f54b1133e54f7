"""Verification attempts and their review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import VerificationAttempt

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
