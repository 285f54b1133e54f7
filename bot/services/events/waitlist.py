"""Where a member stands on an event's waitlist (the member's Mini App shows it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events import Capacity
from bot.services.events.places import capacity
from storage.models import Event, Member, Registration, RegistrationStatus


def ahead_counts(capacity: Capacity, my_gender: str | None, gender: str | None) -> bool:
    """Whether a waiting member ahead stands between this one and a place: with places kept by
    gender, only those of the same gender do (bot.domain.events.next_from_waitlist)."""
    return not capacity.by_gender or gender == my_gender


class Waitlist:
    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        self._db = db

    async def position(self, telegram_id: int, event_id: int) -> int | None:
        """The member's place in the event's waitlist (1: next to move up), or None if they
        are not waiting there."""
        async with self._db() as session:
            mine = await session.scalar(
                select(Registration)
                .join(Member, Member.id == Registration.member_id)
                .where(
                    Member.telegram_id == telegram_id,
                    Registration.event_id == event_id,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
            )
            event = await session.get(Event, event_id)
            if mine is None or event is None:
                return None
            waiting = await session.execute(
                select(Registration.id, Registration.gender)
                .where(
                    Registration.event_id == event_id,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
                .order_by(Registration.registered_at, Registration.id)
            )
            places = capacity(event)
            ahead = 0
            for row in waiting:
                if row.id == mine.id:
                    return ahead + 1
                ahead += ahead_counts(places, mine.gender, row.gender)
            return None
