"""The opt-in daily digest: "今天有 N 位新推荐", at the deployment's digest hour.

One scheduled task per day (keyed by date, so arming it twice is harmless) writes one notice per
member for whom someone new is waiting: a member who completed their profile since that
member's last digest (for the first digest, everyone waiting). Nobody new, no digest. A digest
missed while the bot was down is still written within 3 hours, else dropped: a morning-after
"today" would be wrong.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.domain.clock import Clock
from bot.services import notices
from bot.services.matching.suggestions import Matchmaking
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import matching
from storage.models import Member

KIND = "daily_digest"
MAX_LATENESS = timedelta(hours=3)


class Digest:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
        matchmaking: Matchmaking,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._work = work
        self._matchmaking = matchmaking

    def task_kinds(self) -> dict[str, TaskKind]:
        return {KIND: TaskKind(self._write, max_lateness=MAX_LATENESS)}

    def next_run(self) -> datetime:
        settings = self._settings
        local_now = self._clock.now().astimezone(settings.tz)
        today = datetime.combine(local_now.date(), time(settings.digest_hour), tzinfo=settings.tz)
        return today if today > local_now else today + timedelta(days=1)

    async def arm(self) -> None:
        """Plan the next digest (at start, and after each)."""
        due = self.next_run()
        await self._work.schedule(KIND, due, key=f"{KIND}:{due.date().isoformat()}")

    async def waiting(self) -> list[tuple[int, int, int]]:
        """(member id, Telegram id, new people waiting) for every opted-in member for whom
        someone new completed their profile since the member's last digest; from now on only
        people newer than this count for everyone asked."""
        year = self._clock.now().astimezone(self._settings.tz).year
        now = self._clock.now()
        async with self._db.begin() as session:
            opted_in = await session.scalars(
                select(Member).where(
                    Member.digest.is_(True),
                    Member.paused.is_(False),
                    Member.profile_completed_at.is_not(None),
                    Member.telegram_id.is_not(None),
                )
            )
            found: list[tuple[int, int, int]] = []
            for member in opted_in.all():
                viewer = await matching.profile_row(session, member.id)
                if viewer is None or member.telegram_id is None:
                    continue
                new = await matching.pool(
                    session,
                    viewer,
                    year,
                    likers_only=False,
                    limit=self._settings.daily_cards,
                    skips_forgotten_before=self._matchmaking.skips_kept_since(),
                    completed_after=member.digest_until,
                )
                member.digest_until = now
                if new:
                    found.append((member.id, member.telegram_id, len(new)))
            return found

    async def _write(self, task: DueTask) -> None:
        day = task.due_at.astimezone(self._settings.tz).date().isoformat()
        message = N_(
            "Today {count} new people may suit you. /match to see them. (/digest to stop these)"
        )
        waiting = await self.waiting()
        async with self._db.begin() as session:
            digests = [
                notices.Notice(
                    to=telegram_id,
                    lines=[line(message, count=count)],
                    key=f"{KIND}:{day}:{member_id}",
                    member_id=member_id,
                    expires_at=task.due_at + MAX_LATENESS,
                )
                for member_id, telegram_id, count in waiting
            ]
            await notices.put_all(session, digests, self._clock.now())
        self._work.wake()
        await self.arm()
