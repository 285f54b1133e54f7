"""Places at an event: its capacity, and giving a freed place to the first waiting member who
fits the quotas. Shared by organisers adding places and members withdrawing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.i18n import N_
from bot.domain.clock import Clock
from bot.domain.events import Capacity, next_from_waitlist
from bot.services import notices
from bot.services.events.reminders import Reminders
from bot.services.notices import line
from storage import events
from storage.models import Event, Member, Registration, RegistrationStatus


def capacity(event: Event) -> Capacity:
    return Capacity(event.capacity, event.capacity_male, event.capacity_female)


async def promote(session: AsyncSession, event: Event, clock: Clock, reminders: Reminders) -> bool:
    """Give a freed place to the first waiting member who fits the quotas, who is told and
    gets reminders (all in the caller's transaction). False if nobody could take it."""
    waiting = (
        await session.execute(
            select(Registration.id, Registration.gender)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.registered_at, Registration.id)
        )
    ).all()
    chosen = next_from_waitlist(
        [(row.id, row.gender) for row in waiting],
        capacity(event),
        await events.held(session, event.id),
    )
    if chosen is None:
        return False
    registration = await session.get_one(Registration, chosen)
    registration.status = RegistrationStatus.REGISTERED
    await session.flush()
    telegram_id = await session.scalar(
        select(Member.telegram_id).where(Member.id == registration.member_id)
    )
    if telegram_id is not None:
        now = clock.now()
        await notices.put(
            session,
            to=telegram_id,
            now=now,
            lines=[
                line(
                    N_(
                        "Good news: a place at “{title}” freed up and you are now signed "
                        "up, badge #{badge}. /my_events shows it."
                    ),
                    title=event.title,
                    badge=registration.badge,
                )
            ],
            key=f"event_promoted:{event.id}:{registration.member_id}:{now.isoformat()}",
            member_id=registration.member_id,
        )
        await reminders.plan(session, event, registration.member_id, telegram_id)
    return True
