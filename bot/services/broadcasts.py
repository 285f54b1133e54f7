"""Broadcasts: an organiser's message to an audience in their scope, now or at a chosen time.

A broadcast is drawn into deliveries (one row per member) when it starts, so the audience is
the one of the sending day, and a restart resumes the rows still pending. Authority is checked
from the database on every call, and again when a scheduled broadcast starts: an organiser who
lost the role in between does not reach anyone.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain import N_
from bot.domain.audience import Audience
from bot.domain.clock import Clock
from bot.domain.units import subtree
from bot.services import notices
from bot.services.administration import Administration
from bot.services.notices import line
from bot.services.work import WorkQueue
from storage import audit, broadcasts, tasks, units
from storage.models import (
    Broadcast,
    BroadcastStatus,
    DeliveryStatus,
    Event,
    EventStatus,
    OrgUnit,
)

KIND = "broadcast"
_LOGGER = logging.getLogger(__name__)


class Cancellation(enum.StrEnum):
    CANCELLED = "cancelled"
    FINISHED = "finished"  # too late: it was sent already (or cancelled before)
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class Summary:
    """A broadcast as /broadcasts lists it."""

    id: int
    status: BroadcastStatus
    text: str
    send_at: datetime
    total: int
    tally: Mapping[DeliveryStatus, int]
    unit: str  # the sending union's name
    audience: Audience


@dataclass(frozen=True)
class Made:
    """The broadcast a press made: ``new``, or the same one made a moment before."""

    id: int
    new: bool


@dataclass(frozen=True)
class Started:
    """A broadcast whose audience was drawn: who to tell how it goes, and how many it reaches."""

    author: int | None  # None: nobody is shown its progress
    total: int


@dataclass(frozen=True)
class Draft:
    """What an organiser composed: text with Telegram formatting, an optional photo, and an
    optional button (label msgid, callback data)."""

    text: str
    entities: tuple[dict[str, Any], ...] = ()
    photo_file_id: str | None = None
    button: dict[str, str] | None = None


class Broadcasts:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        administration: Administration,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._administration = administration
        self._work = work

    # What organisers do
    async def audience_size(self, actor: int, audience: Audience) -> int | None:
        """How many members the audience reaches now; None if it is outside the actor's scope."""
        async with self._db() as session:
            if not await self._may_address(session, actor, audience):
                return None
            query = await self._audience_query(session, audience)
            return await broadcasts.count_audience(session, query)

    async def create(
        self,
        actor: int,
        draft: Draft,
        audience: Audience,
        send_at: datetime | None = None,
        form_key: str | None = None,
    ) -> int | None:
        """``made``'s broadcast id, for callers that need not say whether it was new."""
        result = await self.made(actor, draft, audience, send_at, form_key)
        return result.id if result is not None else None

    async def made(
        self,
        actor: int,
        draft: Draft,
        audience: Audience,
        send_at: datetime | None = None,
        form_key: str | None = None,
    ) -> Made | None:
        """Store a broadcast and schedule it (``None``: now). None if not allowed. The same
        broadcast made again by the same organiser within ``SAME_WITHIN`` (Send pressed twice,
        a request retried) is the one already made: its id, not new, and members are told
        once. ``form_key``: the desk composer's form it comes from; the same form sent again
        is the broadcast already sent from it, whatever it says now and however late it
        comes."""
        try:
            async with self._db.begin() as session:
                if not await self._may_address(session, actor, audience):
                    return None
                # Broadcasts to a union are made one at a time, so a second press waits for
                # the first and finds it.
                await session.get(OrgUnit, audience.unit_id, with_for_update=True)
                if form_key is not None:
                    sent = await broadcasts.made_from_form(session, actor, form_key)
                    if sent is not None:
                        return Made(sent.id, new=False)
                since = self._clock.now() - SAME_WITHIN
                for earlier in await broadcasts.made_by(session, actor, audience.unit_id, since):
                    if _same(earlier, draft, audience, send_at):
                        return Made(earlier.id, new=False)
                broadcast_id = await self.create_in(
                    session, actor, draft, audience, send_at, form_key=form_key
                )
        except IntegrityError:
            # The same form sent to another union at the same moment (each waited on its own
            # union's lock): the one stored first is the broadcast, this one is not made.
            if form_key is None:
                raise
            async with self._db() as session:
                sent = await broadcasts.made_from_form(session, actor, form_key)
            if sent is None:
                raise
            return Made(sent.id, new=False)
        if broadcast_id is None:
            return None
        self._work.wake()
        return Made(broadcast_id, new=True)

    async def create_in(
        self,
        session: AsyncSession,
        actor: int,
        draft: Draft,
        audience: Audience,
        send_at: datetime | None = None,
        *,
        form_key: str | None = None,
    ) -> int | None:
        """``create`` in the caller's transaction (the caller wakes the scheduler after it)."""
        now = self._clock.now()
        if not await self._may_address(session, actor, audience):
            return None
        broadcast = Broadcast(
            author_telegram_id=actor,
            unit_id=audience.unit_id,
            text=draft.text,
            entities=list(draft.entities),
            photo_file_id=draft.photo_file_id,
            audience=audience.to_json(),
            button=draft.button,
            status=BroadcastStatus.SCHEDULED,
            send_at=send_at or now,
            created_at=now,
            total=0,
            form_key=form_key,
        )
        session.add(broadcast)
        await session.flush()
        audit.record(
            session,
            actor,
            "broadcast",
            audience.unit_id,
            now,
            broadcast=broadcast.id,
            send_at=(send_at or now).isoformat(),
        )
        await self._work.put(
            session,
            KIND,
            send_at or now,
            {"broadcast_id": broadcast.id},
            key=_task_key(broadcast.id),
        )
        return broadcast.id

    async def reschedule_in(
        self,
        session: AsyncSession,
        actor: int,
        broadcast_id: int,
        send_at: datetime,
        audience: Audience | None = None,
    ) -> bool:
        """Move a broadcast not yet begun to ``send_at`` (and, if given, to another audience
        of the actor's scope), in the caller's transaction; False once it has begun, or if it
        is not the actor's to change."""
        broadcast = await session.get(Broadcast, broadcast_id, with_for_update=True)
        power = await self._administration.authority(session, actor)
        if broadcast is None or broadcast.unit_id not in power.scope:
            return False
        if broadcast.status != BroadcastStatus.SCHEDULED:
            return False
        if audience is not None:
            if not await self._may_address(session, actor, audience):
                return False
            broadcast.audience = audience.to_json()
        broadcast.send_at = send_at
        await self._work.put(
            session, KIND, send_at, {"broadcast_id": broadcast_id}, key=_task_key(broadcast_id)
        )
        audit.record(
            session,
            actor,
            "broadcast_reschedule",
            broadcast.unit_id,
            self._clock.now(),
            broadcast=broadcast_id,
            send_at=send_at.isoformat(),
        )
        return True

    async def cancel(self, actor: int, broadcast_id: int) -> Cancellation:
        async with self._db.begin() as session:
            result = await self.cancel_in(session, actor, broadcast_id)
        await self._work.changed()
        return result

    async def cancel_in(self, session: AsyncSession, actor: int, broadcast_id: int) -> Cancellation:
        """``cancel`` in the caller's transaction."""
        broadcast = await session.get(Broadcast, broadcast_id, with_for_update=True)
        power = await self._administration.authority(session, actor)
        if broadcast is None or broadcast.unit_id not in power.scope:
            return Cancellation.NOT_ALLOWED
        if broadcast.status not in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
            return Cancellation.FINISHED
        broadcast.status = BroadcastStatus.CANCELLED
        await broadcasts.cancel_pending(session, broadcast_id)
        await tasks.cancel(session, _task_key(broadcast_id))
        audit.record(
            session,
            actor,
            "broadcast_cancel",
            broadcast.unit_id,
            self._clock.now(),
            broadcast=broadcast_id,
        )
        return Cancellation.CANCELLED

    async def listing(self, actor: int, limit: int = 10) -> list[Summary] | None:
        """The latest broadcasts in the actor's scope with their delivery counts."""
        async with self._db() as session:
            power = await self._administration.authority(session, actor)
            if not power.any:
                return None
            found = await broadcasts.recent(session, power.scope, limit)
            counts = await broadcasts.tallies(session, [b.id for b in found])
            senders = {b.unit_id for b in found}
            names = dict(
                (
                    await session.execute(
                        select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(senders))
                    )
                ).all()
            )
            return [
                Summary(
                    b.id,
                    b.status,
                    b.text,
                    b.send_at,
                    b.total,
                    counts[b.id],
                    names.get(b.unit_id, "—"),
                    Audience.from_json(b.audience),
                )
                for b in found
            ]

    # Sending (the runner, ``bot.delivery.broadcasts``, calls these)
    async def interrupted(self) -> list[int]:
        """Broadcasts a stop or crash interrupted, their claimed rows released to send again."""
        async with self._db.begin() as session:
            found = await broadcasts.sending(session)
            for broadcast_id in found:
                await broadcasts.release_claims(session, broadcast_id)
        return list(found)

    async def begin(self, broadcast_id: int) -> Started | None:
        """Draw the audience into deliveries (the scheduled task); None if there is nothing
        to send: cancelled, already started by an earlier run of the task, or its author may
        no longer send it."""
        now = self._clock.now()
        async with self._db.begin() as session:
            broadcast = await session.get(Broadcast, broadcast_id, with_for_update=True)
            if broadcast is None or broadcast.status != BroadcastStatus.SCHEDULED:
                return None
            audience = Audience.from_json(broadcast.audience)
            event = await session.scalar(select(Event).where(Event.announcement_id == broadcast.id))
            if event is not None and not _worth_announcing(event, now):
                # Due while the bot was down, and too late now: its 报名 button would lead to
                # a closed sign-up (it went out two days after the event).
                broadcast.status, broadcast.finished_at = BroadcastStatus.CANCELLED, now
                await self._tell_too_late(session, broadcast, event, now)
                return None
            author = broadcast.author_telegram_id
            may_send = author is not None and await self._may_address(session, author, audience)
            if not may_send and not _announces_its_event(event, audience):
                broadcast.status, broadcast.finished_at = BroadcastStatus.CANCELLED, now
                _LOGGER.warning(
                    "broadcast %d cancelled: its author may no longer send it", broadcast_id
                )
                await self._tell_dropped(session, broadcast, now)
                return None
            query = await self._audience_query(session, audience)
            broadcast.total = await broadcasts.materialise(session, broadcast_id, query)
            broadcast.status, broadcast.started_at = BroadcastStatus.SENDING, now
            # An event's announcement goes out for the union whoever organises it now; its
            # progress is shown to its author only while they still may send it.
            return Started(author if may_send else None, broadcast.total)

    async def _tell_too_late(
        self, session: AsyncSession, broadcast: Broadcast, event: Event, now: datetime
    ) -> None:
        """The union's organisers hear that an event's announcement was not sent, and why."""
        if event.status != EventStatus.PUBLISHED:
            return  # cancelled: its organisers know, and members who signed up were told
        said = line(
            N_(
                "The announcement of “{title}” was not sent: it was due at {time}, and by the "
                "time 会会 could send it, sign-up had closed."
            ),
            title=event.title,
            time=f"{broadcast.send_at.astimezone(self._settings.tz):%m-%d %H:%M}",
        )
        await notices.to_organisers(
            session, event.unit_id, now, [said], f"announcement_late:{broadcast.id}"
        )

    async def _tell_dropped(
        self, session: AsyncSession, broadcast: Broadcast, now: datetime
    ) -> None:
        """The union's organisers now are told that a broadcast scheduled by someone who no
        longer organises it was not sent (before, only a log line said so)."""
        opening = " ".join(broadcast.text.split())[:DROPPED_OPENING]
        said = line(
            N_(
                "Broadcast #{id}, scheduled by an organiser who no longer organises "
                "this union, was not sent. It began: {opening} — send it again in "
                "your own name if it is still wanted."
            ),
            id=broadcast.id,
            opening=opening,
        )
        await notices.to_organisers(
            session, broadcast.unit_id, now, [said], f"broadcast_dropped:{broadcast.id}"
        )

    async def show_progress_in(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """The message that shows the author how sending goes."""
        async with self._db.begin() as session:
            stored = await session.get(Broadcast, broadcast_id)
            if stored is not None:
                stored.progress_chat_id, stored.progress_message_id = chat_id, message_id

    async def finish(self, broadcast_id: int) -> bool:
        """Mark the broadcast done; whether it had been cancelled meanwhile."""
        async with self._db.begin() as session:
            stored = await session.get_one(Broadcast, broadcast_id, with_for_update=True)
            cancelled = stored.status == BroadcastStatus.CANCELLED
            if not cancelled:
                stored.status = BroadcastStatus.DONE
            stored.finished_at = self._clock.now()
        return cancelled

    async def _may_address(self, session: AsyncSession, actor: int, audience: Audience) -> bool:
        """The audience's union, and its event if any, are within the actor's scope."""
        scope = (await self._administration.authority(session, actor)).scope
        if audience.unit_id not in scope:
            return False
        if audience.event_id is None:
            return True
        event_unit = await session.scalar(
            select(Event.unit_id).where(Event.id == audience.event_id)
        )
        return event_unit in scope

    async def _audience_query(self, session: AsyncSession, audience: Audience) -> Any:
        tree = await units.parents(session)
        year = self._clock.now().astimezone(self._settings.tz).year
        return broadcasts.audience_members(audience, subtree(audience.unit_id, tree), year)


def _announces_its_event(event: Event | None, audience: Audience) -> bool:
    """Whether the broadcast is the announcement of a published event of its audience's
    union: that is the union's, not the author's, and still wanted after a change of staff."""
    return (
        event is not None
        and event.status == EventStatus.PUBLISHED
        and event.unit_id == audience.unit_id
    )


def _worth_announcing(event: Event, now: datetime) -> bool:
    """An event's announcement still leads somewhere: the event stands and sign-up is open."""
    return event.status == EventStatus.PUBLISHED and now < event.signup_deadline


async def hold_after_restore(db: async_sessionmaker[AsyncSession], now: datetime) -> list[int]:
    """After a restore: broadcasts that were due or being sent when the backup was taken.
    The lost database most likely sent them since, so the restored bot would send them to
    everyone again; instead they are stopped, and the union's organisers are told to send
    again any that did not go out. Returns their ids. (A broadcast due later is sent as
    planned: the lost database cannot have sent it.)"""
    async with db.begin() as session:
        found = (
            await session.scalars(
                select(Broadcast).where(
                    or_(
                        Broadcast.status == BroadcastStatus.SENDING,
                        and_(
                            Broadcast.status == BroadcastStatus.SCHEDULED,
                            Broadcast.send_at <= now,
                        ),
                    )
                )
            )
        ).all()
        for broadcast in found:
            broadcast.status, broadcast.finished_at = BroadcastStatus.CANCELLED, now
            await broadcasts.release_claims(session, broadcast.id)
            await broadcasts.cancel_pending(session, broadcast.id)
            await tasks.cancel(session, _task_key(broadcast.id))
            event = await session.scalar(select(Event).where(Event.announcement_id == broadcast.id))
            if event is not None:  # its 报名 button cannot be sent again by hand: the link can
                said = line(
                    N_(
                        "会会 was restored from a backup. The announcement of “{title}” fell due "
                        "after the backup was taken, so it has most likely gone out already; so "
                        "that nobody gets it twice, it is not sent again. If members did not get "
                        "it, send them the event's sign-up link (its page in the admin desk, or "
                        "/events)."
                    ),
                    title=event.title,
                )
            else:
                said = line(
                    N_(
                        "会会 was restored from a backup. Broadcast #{id} fell due after the "
                        "backup was taken (or was being sent as it was), so it has most likely "
                        "gone out already; so that nobody gets it twice, it is not sent again. It "
                        "began: {opening} — if it did not go out, send it again."
                    ),
                    id=broadcast.id,
                    opening=" ".join(broadcast.text.split())[:DROPPED_OPENING],
                )
            await notices.to_organisers(
                session, broadcast.unit_id, now, [said], f"held_after_restore:{broadcast.id}"
            )
    return [broadcast.id for broadcast in found]


def _task_key(broadcast_id: int) -> str:
    return f"{KIND}:{broadcast_id}"


# Characters of a dropped broadcast's text quoted to the organisers, so they know which it was.
DROPPED_OPENING = 40
# How long the same broadcast from the same organiser counts as the one already made.
SAME_WITHIN = timedelta(minutes=10)


def _same(made: Broadcast, draft: Draft, audience: Audience, send_at: datetime | None) -> bool:
    """``made`` is this very broadcast: same words, photo, button and audience, and the same
    time (or both sent at once), and not cancelled."""
    return (
        made.status != BroadcastStatus.CANCELLED
        and made.text == draft.text
        and list(made.entities or []) == list(draft.entities)
        and made.photo_file_id == draft.photo_file_id
        and made.button == draft.button
        and Audience.from_json(made.audience) == audience
        and (made.send_at == made.created_at if send_at is None else made.send_at == send_at)
    )
