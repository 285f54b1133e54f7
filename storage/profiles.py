"""Profile answers, one row per question."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProfileAnswer
from storage.upsert import upsert


async def answers(session: AsyncSession, member_id: int) -> dict[str, ProfileAnswer]:
    rows = await session.scalars(select(ProfileAnswer).where(ProfileAnswer.member_id == member_id))
    return {row.question: row for row in rows}


async def answered(session: AsyncSession, member_id: int) -> frozenset[str]:
    """Which questions the member has answered (their keys only: every update of someone
    signing up asks, and the values are JSON)."""
    keys = await session.scalars(
        select(ProfileAnswer.question).where(ProfileAnswer.member_id == member_id)
    )
    return frozenset(keys)


async def save(
    session: AsyncSession,
    member_id: int,
    question: str,
    value: Any,
    must_have: bool | None,
    now: datetime,
) -> None:
    await upsert(
        session,
        ProfileAnswer,
        [
            {
                "member_id": member_id,
                "question": question,
                "value": value,
                "must_have": must_have,
                "answered_at": now,
            }
        ],
        ["member_id", "question"],
    )
