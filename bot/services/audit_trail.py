"""The audit log as the desk pages through it: superadmins read every entry, an organiser
those of the unions they organise and the unions below (never an entry of no union); paged
newest first, filtered by action and by local date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.services.administration import Administration, staff_names
from storage import audit
from storage.models import OrgUnit

PAGE = 30
# The longest action code the log holds (audit_log.action).
ACTION_LENGTH = 32


@dataclass(frozen=True)
class AuditLine:
    id: int
    created_at: datetime
    actor: str | None  # by the roster, else nickname; None when neither is known
    actor_id: int | None  # the Telegram id; None once they deleted their data
    action: str
    unit: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    lines: tuple[AuditLine, ...]
    older: int | None  # where the next page starts (an id), when there is one


class AuditTrail:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        settings: Settings,
        administration: Administration,
    ) -> None:
        self._db = db
        self._settings = settings
        self._administration = administration

    async def page(
        self,
        actor: int,
        *,
        before: int | None = None,
        action: str | None = None,
        since: date | None = None,
        until: date | None = None,
        size: int = PAGE,
    ) -> AuditPage | None:
        """A page of the entries the person may read, or None for a person with no scope.
        ``since`` and ``until`` are days in the union's time zone, both included."""
        tz = self._settings.tz
        async with self._db() as session:
            power = await self._administration.authority(session, actor)
            if not power.any:
                return None
            # No stored action is longer or holds a NUL byte (which PostgreSQL refuses in
            # text): such a filter finds nothing, without asking the database.
            if action is not None and (len(action) > ACTION_LENGTH or "\x00" in action):
                return AuditPage((), None)
            entries = await audit.page(
                session,
                None if power.superadmin else power.scope,
                size + 1,
                before=before,
                action=action,
                since=datetime.combine(since, time(), tz) if since else None,
                until=datetime.combine(until + timedelta(days=1), time(), tz) if until else None,
            )
            shown = entries[:size]
            actors = {e.actor_telegram_id for e in shown if e.actor_telegram_id is not None}
            names = await staff_names(session, actors)
            unit_ids = {e.unit_id for e in shown if e.unit_id is not None}
            rows = await session.execute(
                select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids))
            )
            units: dict[int, str] = {unit: name for unit, name in rows.all()}
        lines = tuple(
            AuditLine(
                e.id,
                e.created_at,
                names.get(e.actor_telegram_id) if e.actor_telegram_id is not None else None,
                e.actor_telegram_id,
                e.action,
                units.get(e.unit_id, "—") if e.unit_id is not None else "—",
                dict(e.detail),
            )
            for e in shown
        )
        return AuditPage(lines, shown[-1].id if len(entries) > size else None)
