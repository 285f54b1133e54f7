"""Reminders before an event: one notice per registrant and configured lead time (24 h and 2 h
by default), each expiring when the event begins — missed while the bot was down, it is sent at
start if the event has not begun, otherwise dropped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.domain.clock import Clock
from bot.services import notices
from bot.services.notices import Line, line, translated
from storage.models import Event

# How long before the start a reminder comes, in words (the common lead times).
LEAD_TIMES = {
    1: N_("an hour"),
    2: N_("two hours"),
    3: N_("three hours"),
    6: N_("six hours"),
    12: N_("twelve hours"),
}


class Reminders:
    def __init__(self, clock: Clock, settings: Settings) -> None:
        self._clock = clock
        self._settings = settings

    async def plan(
        self, session: AsyncSession, event: Event, member_id: int, telegram_id: int
    ) -> None:
        """The member's reminders before the event (replacing any planned), in the caller's
        transaction; each is dropped if it could not be sent before the event begins."""
        now = self._clock.now()
        reminders = [
            notices.Notice(
                to=telegram_id,
                due_at=event.starts_at - timedelta(hours=hours),
                expires_at=event.starts_at,
                lines=reminder_lines(event, hours, self._settings),
                key=_key(event.id, member_id, hours),
                member_id=member_id,
            )
            for hours in self._settings.event_reminders
            # Signed up after this reminder's time: nothing to remind of yet.
            if event.starts_at - timedelta(hours=hours) > now
        ]
        await notices.put_all(session, reminders, now)

    async def cancel(self, session: AsyncSession, event_id: int, member_ids: Sequence[int]) -> None:
        """Withdraw these members' reminders of the event not yet sent."""
        await notices.withdraw_all(
            session,
            [
                _key(event_id, member_id, hours)
                for member_id in member_ids
                for hours in self._settings.event_reminders
            ],
        )


def _key(event_id: int, member_id: int, hours: int) -> str:
    return f"event_reminder:{event_id}:{member_id}:{hours}h"


def reminder_lines(event: Event, hours: int, settings: Settings) -> list[Line]:
    """A reminder that says when, as people say it: "tomorrow at 14:00", "in two hours"."""
    local = event.starts_at.astimezone(settings.tz)
    values: dict[str, Any] = {
        "title": event.title,
        "time": f"{local:%H:%M}",
        "date": f"{local:%m-%d}",
    }
    values["venue"] = translated(N_("online")) if event.venue is None else event.venue
    if 20 <= hours < 48:
        first = line(N_("Reminder: “{title}” is tomorrow at {time}, {venue}."), **values)
    elif hours >= 48:
        first = line(
            N_("Reminder: “{title}” is in {days} days, on {date} at {time}, {venue}."),
            days=hours // 24,
            **values,
        )
    else:
        if hours in LEAD_TIMES:
            message = N_("Reminder: “{title}” starts in {lead}, at {time}, {venue}.")
            first = line(message, lead=translated(LEAD_TIMES[hours]), **values)
        else:
            message = N_("Reminder: “{title}” starts in {lead} hours, at {time}, {venue}.")
            first = line(message, lead=hours, **values)
    if event.venue is None:
        return [first]
    return [
        first,
        line(
            N_(
                "When you arrive, send me the check-in code shown at the venue, "
                "like this: /checkin 123456"
            )
        ),
    ]
