"""What each update tells about a member who consented: when they were last active (for "active
in 7 / 30 days") and their Telegram @username (a mutual match gets a t.me link). Written at most
once per member per hour, or at once when the username changes.

Writing to the bot also shows that a member marked unreachable (they had blocked it) can be
reached again.

Nothing is written for people who have not consented: declining stores only the refusal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from storage.models import Member
from storage.rows import affected

RESOLUTION = timedelta(hours=1)


class Activity:
    def __init__(self, db: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._written: dict[int, tuple[datetime, str | None]] = {}

    async def seen(self, telegram_id: int, username: str | None) -> None:
        now = self._clock.now()
        last = self._written.get(telegram_id)
        if last is not None and now - last[0] < RESOLUTION and last[1] == username:
            return
        async with self._db.begin() as session:
            result = await session.execute(
                update(Member)
                .where(Member.telegram_id == telegram_id, Member.consented_at.is_not(None))
                .values(last_seen_at=now, username=username, unreachable_at=None)
            )
        if affected(result):  # not yet consented: try again with the next update
            self._written[telegram_id] = (now, username)

    async def unreachable(self, telegram_id: int) -> None:
        """Telegram said the member blocked the bot or left: broadcasts skip them until they
        write again."""
        async with self._db.begin() as session:
            await session.execute(
                update(Member)
                .where(Member.telegram_id == telegram_id)
                .values(unreachable_at=self._clock.now())
            )

    def forget(self, telegram_id: int) -> None:
        """After the member's data was deleted, the next update starts afresh."""
        self._written.pop(telegram_id, None)
