"""When members were last active, for "active in 7 / 30 days" — at most one write per member per
hour, however many updates they send."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from storage.models import Member

RESOLUTION = timedelta(hours=1)


class Activity:
    def __init__(self, db: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._written: dict[int, datetime] = {}

    async def seen(self, telegram_id: int) -> None:
        now = self._clock.now()
        last = self._written.get(telegram_id)
        if last is not None and now - last < RESOLUTION:
            return
        self._written[telegram_id] = now
        async with self._db.begin() as session:
            await session.execute(
                update(Member).where(Member.telegram_id == telegram_id).values(last_seen_at=now)
            )
