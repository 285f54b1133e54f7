"""A member's personal check-in codes: one per event they hold a place at, shown as a QR code
(in the chat's /my_qr and the member's Mini App) and scanned at the door from the organisers'
desk (``Organising.check_in_pass``). The format is ``bot.domain.check_in_pass``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain.check_in_pass import pass_code, pass_key
from bot.domain.clock import Clock
from storage.models import Event, EventStatus, Member, Registration, RegistrationStatus


@dataclass(frozen=True)
class Pass:
    event: Event
    badge: int
    code: str


class Passes:
    def __init__(
        self, db: async_sessionmaker[AsyncSession], clock: Clock, settings: Settings
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings

    async def mine(self, telegram_id: int) -> list[Pass]:
        """The member's codes for events not yet over where they hold a place, soonest first
        (none without a bot token to sign them with)."""
        token = self._settings.bot_token
        if token is None:
            return []
        key = pass_key(token.get_secret_value())
        async with self._db() as session:
            found = await session.execute(
                select(Event, Registration.badge, Registration.member_id)
                .join(Registration, Registration.event_id == Event.id)
                .join(Member, Member.id == Registration.member_id)
                .where(
                    Member.telegram_id == telegram_id,
                    Registration.status == RegistrationStatus.REGISTERED,
                    Event.status == EventStatus.PUBLISHED,
                    Event.ends_at > self._clock.now(),
                )
                .order_by(Event.starts_at)
            )
            return [
                Pass(event, badge, pass_code(key, event.id, member_id))
                for event, badge, member_id in found.all()
            ]
