"""Notes members leave for the organisers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Feedback


async def add(session: AsyncSession, member_id: int, text: str, now: datetime) -> None:
    await session.execute(insert(Feedback).values(member_id=member_id, text=text, created_at=now))
