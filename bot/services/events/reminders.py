"""Reminders before an event: one notice per registrant and configured lead time (24 h and 2 h
by default). Each is worded when it is sent ("tomorrow at 14:00", "in two hours", from the time
left then), and expires when the next one falls due, the last when the event begins: missed
while the bot was down, only the latest still due is sent, and none once the event began."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.domain.clock import Clock
from bot.services import notices
from bot.services.notices import RENDERED, Line, line, translated
from storage.models import Event

# The notice sender's renderer that words a reminder when it is sent (``when``).
RENDERER = "reminder"
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
        transaction."""
        now = self._clock.now()
        leads = sorted(self._settings.event_reminders, reverse=True)
        reminders = [
            notices.Notice(
                to=telegram_id,
                due_at=event.starts_at - timedelta(hours=hours),
                # Overdue after a stop, a reminder gives way to the next (two at once, the
                # first saying "tomorrow" on the day).
                expires_at=event.starts_at - timedelta(hours=leads[n + 1])
                if n + 1 < len(leads)
                else event.starts_at,
                lines=reminder_lines(event),
                render=RENDERER,
                data={
                    "title": event.title,
                    "starts_at": event.starts_at.isoformat(),
                    "venue": event.venue,
                },
                key=_key(event.id, member_id, hours),
                member_id=member_id,
            )
            for n, hours in enumerate(leads)
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


def reminder_lines(event: Event) -> list[Line]:
    """A reminder's lines: when (worded as it is sent: ``when``) and, at a venue, how to check
    in."""
    first = line(RENDERED)
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


def when(data: Mapping[str, Any], now: datetime, settings: Settings) -> Line:
    """A reminder's first line as people say it at ``now``: "tomorrow at 14:00", "in two
    hours", by the calendar and the time left. ``data``: the event's title, start (ISO) and
    venue (None: online)."""
    starts_at = datetime.fromisoformat(data["starts_at"])
    local, today = starts_at.astimezone(settings.tz), now.astimezone(settings.tz).date()
    values: dict[str, Any] = {"title": data["title"], "time": f"{local:%H:%M}"}
    values["venue"] = translated(N_("online")) if data["venue"] is None else data["venue"]
    days = (local.date() - today).days
    if days >= 2:  # noqa: PLR2004
        message = N_("Reminder: “{title}” is in {days} days, on {date} at {time}, {venue}.")
        return line(message, days=days, date=f"{local:%m-%d}", **values)
    if days == 1:
        return line(N_("Reminder: “{title}” is tomorrow at {time}, {venue}."), **values)
    hours = round((starts_at - now) / timedelta(hours=1))
    if hours < 1:
        return line(N_("Reminder: “{title}” is today at {time}, {venue}."), **values)
    if hours in LEAD_TIMES:
        message = N_("Reminder: “{title}” starts in {lead}, at {time}, {venue}.")
        return line(message, lead=translated(LEAD_TIMES[hours]), **values)
    message = N_("Reminder: “{title}” starts in {lead} hours, at {time}, {venue}.")
    return line(message, lead=hours, **values)
