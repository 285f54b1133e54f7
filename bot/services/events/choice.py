"""The mutual choice (互选) after an event: it opens when the event ends, each attendee picks up
to the event's limit among the attendees of the other gender, and when it closes a day later
the mutual picks become matches — told to both people and, as figures, to the organiser."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.domain.buttons import OpenChoice
from bot.domain.clock import Clock
from bot.domain.events import Search, mutual_pairs
from bot.services import notices
from bot.services.events.results import ChoiceResult, ChoiceView, Pick
from bot.services.matching import follow_ups
from bot.services.matching import notices as match_notices
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import events, matching, tasks
from storage.events import Person
from storage.models import Event, EventChoice, EventStatus, Match, Member

OPEN, CLOSE = "event_choice_open", "event_choice_close"
# How long the choice stays open after the event ends.
WINDOW = timedelta(days=1)
# People listed at a time: with the member's picks, paging and "done" well within Telegram's
# 100 buttons a message, and short enough to read on a phone at a fair.
PAGE_SIZE = 10


class MutualChoice:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._work = work

    def task_kinds(self) -> dict[str, TaskKind]:
        async def open_choice(task: DueTask) -> None:
            await self.open(int(task.payload["event_id"]))

        async def close_choice(task: DueTask) -> None:
            await self.close(int(task.payload["event_id"]))

        return {OPEN: TaskKind(open_choice), CLOSE: TaskKind(close_choice)}

    async def plan(self, session: AsyncSession, event: Event) -> None:
        """The choice opens when the event ends and closes at its deadline (re-planned when
        the event moves), in the caller's transaction."""
        payload = {"event_id": event.id}
        await self._work.put(session, OPEN, event.ends_at, payload, key=f"{OPEN}:{event.id}")
        await self._work.put(
            session, CLOSE, event.choice_deadline, payload, key=f"{CLOSE}:{event.id}"
        )

    async def unplan(self, session: AsyncSession, event_id: int) -> None:
        """The event is cancelled: no choice."""
        for key in (f"{OPEN}:{event_id}", f"{CLOSE}:{event_id}"):
            await tasks.cancel(session, key)

    async def view(
        self, telegram_id: int, event_id: int, *, page: int = 0, search: str | None = None
    ) -> ChoiceView | None:
        """What a member sees of the choice: their picks, and one page of the others (or what
        their search found). None unless the member attended and the choice is open."""
        found = await self._choosable(telegram_id, event_id)
        if found is None:
            return None
        event, people, chosen = found
        picked = [p for p in people if p.member_id in chosen]
        if search is not None:
            wanted = Search.of(search)
            hits = [p for p in people if wanted.finds(p.badge, p.nickname)]
            return ChoiceView(event, picked, hits[:PAGE_SIZE], 0, 1, len(hits), search)
        others = [p for p in people if p.member_id not in chosen]
        pages = max(1, math.ceil(len(others) / PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        listed = others[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        return ChoiceView(event, picked, listed, page, pages, len(others), None)

    async def _choosable(
        self, telegram_id: int, event_id: int
    ) -> tuple[Event, list[Person], set[int]] | None:
        """The attendees a member may pick from (the other gender, if known, by badge, none
        either of them blocked), and their picks; None unless the member attended and the
        choice is open."""
        async with self._db() as session:
            event, me = await self._choosing(session, telegram_id, event_id)
            if event is None or me is None:
                return None
            own_gender = await events.same_gender(session, event_id, me.member_id)
            # Someone either of them blocked or reported is not offered (nor may be picked).
            apart = own_gender | await matching.blocked_with(session, me.member_id)
            people = [
                p
                for p in await events.attendees(session, event_id)
                if p.member_id != me.member_id and p.member_id not in apart
            ]
            chosen = set(
                (
                    await session.scalars(
                        select(EventChoice.chosen_id).where(
                            EventChoice.event_id == event_id,
                            EventChoice.chooser_id == me.member_id,
                        )
                    )
                ).all()
            )
            return event, people, chosen

    async def toggle(self, telegram_id: int, event_id: int, chosen_id: int) -> Pick:
        found = await self._choosable(telegram_id, event_id)
        if found is None:
            return Pick.CLOSED
        event, people, chosen = found
        if chosen_id not in {p.member_id for p in people}:
            return Pick.CLOSED
        async with self._db.begin() as session:
            me = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
            if chosen_id in chosen:
                choice = await session.get(EventChoice, (event_id, me, chosen_id))
                await session.delete(choice)
                return Pick.UNPICKED
            if len(chosen) >= event.choice_limit:
                return Pick.FULL
            session.add(EventChoice(event_id=event_id, chooser_id=me, chosen_id=chosen_id))
            return Pick.PICKED

    async def open(self, event_id: int) -> None:
        """The event has ended: each attendee is invited to pick the people they would meet
        again (one keyed notice each, so a rerun after a crash invites nobody twice)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await session.get(Event, event_id)
            if event is None or event.status != EventStatus.PUBLISHED:
                return
            deadline = event.choice_deadline.astimezone(self._settings.tz)
            invitations = [
                notices.Notice(
                    to=person.telegram_id,
                    lines=[
                        line(
                            N_(
                                "Thank you for coming to “{title}”! Mutual choice (互选) is "
                                "open until {time}: pick up to {limit} people you would like "
                                "to meet again. Only mutual picks are revealed."
                            ),
                            title=event.title,
                            time=f"{deadline:%m-%d %H:%M}",
                            limit=event.choice_limit,
                        )
                    ],
                    buttons=[[notices.Button(N_("Choose"), OpenChoice(event_id).encode())]],
                    key=f"{OPEN}:{event_id}:{person.member_id}",
                    member_id=person.member_id,
                )
                for person in await events.attendees(session, event_id)
                if person.telegram_id is not None
            ]
            await notices.put_all(session, invitations, now)

    async def close(self, event_id: int) -> None:
        """Mutual picks become matches (once), and both people and the organiser are told;
        nothing happens if the choice is already closed or the event cancelled."""
        now = self._clock.now()
        async with self._db.begin() as session:
            event = await session.get(Event, event_id, with_for_update=True)
            if event is None or event.choice_closed or event.status != EventStatus.PUBLISHED:
                return
            event.choice_closed = True
            choices = (
                await session.execute(
                    select(EventChoice.chooser_id, EventChoice.chosen_id).where(
                        EventChoice.event_id == event_id
                    )
                )
            ).all()
            people = {p.member_id: p for p in await events.attendees(session, event_id)}
            pairs, matches = [], {}
            for a, b in mutual_pairs((chooser, chosen) for chooser, chosen in choices):
                if await matching.blocked(session, a, b):
                    continue  # a block or a report since the event: neither hears of the other
                match = await follow_ups.record_match(session, a, b, "event", now)
                pairs.append((people[a], people[b]))
                if match is not None:
                    matches[(a, b)] = match
            event.attended, event.pairs = len(people), len(pairs)
            await self._announce(session, event, ChoiceResult(len(people), pairs), matches, now)

    async def _announce(
        self,
        session: AsyncSession,
        event: Event,
        result: ChoiceResult,
        matches: dict[tuple[int, int], Match],
        now: datetime,
    ) -> None:
        """Notices written with the matches they announce (same transaction): like every
        match, talk through 会会 first, exchange contacts when both agree."""
        told = []
        for a, b in result.pairs:
            match = matches.get((a.member_id, b.member_id))
            for me, other in ((a, b), (b, a)):
                if me.telegram_id is None:
                    continue
                told.append(
                    notices.Notice(
                        to=me.telegram_id,
                        lines=[
                            line(
                                N_(
                                    "🎉 A mutual choice! You and {nickname} #{badge} picked "
                                    "each other. Send /matches to get in touch."
                                ),
                                nickname=other.nickname,
                                badge=other.badge,
                            ),
                            line(match_notices.SAFETY_TIPS),
                        ],
                        buttons=(
                            match_notices.match_buttons(match, other.nickname) if match else ()
                        ),
                        key=f"{CLOSE}:{event.id}:{me.member_id}:{other.member_id}",
                        member_id=me.member_id,
                    )
                )
        await notices.put_all(session, told, now)
        if event.created_by is not None:
            await notices.put(
                session,
                to=event.created_by,
                now=now,
                lines=[
                    line(
                        N_(
                            "Mutual choice of “{title}” closed: {attendees} attended, "
                            "{pairs} pair(s), pairing rate {rate}."
                        ),
                        title=event.title,
                        attendees=result.attendees,
                        pairs=len(result.pairs),
                        rate=f"{result.rate:.0%}",
                    )
                ],
                key=f"{CLOSE}:{event.id}:organiser",
            )

    async def _choosing(
        self, session: AsyncSession, telegram_id: int, event_id: int
    ) -> tuple[Event | None, Person | None]:
        event = await session.get(Event, event_id)
        now = self._clock.now()
        if (
            event is None
            or event.status != EventStatus.PUBLISHED
            or event.choice_closed
            or not event.ends_at <= now < event.choice_deadline
        ):
            return None, None
        me = next(
            (p for p in await events.attendees(session, event_id) if p.telegram_id == telegram_id),
            None,
        )
        return event, me
