"""Notes members leave for the organisers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Feedback


async def add(session: AsyncSession, member_id: int, text: str, now: datetime) -> Feedback:
    feedback = Feedback(member_id=member_id, text=text, created_at=now)
    session.add(feedback)
    await session.flush()
    return feedback
