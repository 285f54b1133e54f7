"""Asking a person: a member writes (/ask, or /feedback for the organisers), staff of their union
answer from /inbox, and the two write back and forth until either side closes the thread.

Who answers: for /ask the matchmakers and counsellors of the member's union, else of the nearest
union above that has some, else the organisers there; for /feedback the organisers. Staff see
the member's nickname, union and the thread, never their phone or real name; the member sees
answers signed "工会红娘", never the staff member's Telegram identity. A thread nobody answered
in 24 hours reminds the staff; at 48 hours it goes to the organisers of the union above.

Every step re-checks the staff member's role and scope in its own transaction: a thread is
visible only to staff of the member's union chain. What must reach someone is written as a
notice in the same transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.i18n import N_
from bot.domain.buttons import CloseThread, RateThread, ReplyToThread
from bot.domain.clock import Clock
from bot.domain.units import HELPERS, Role
from bot.services import notices, screening
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import members, profiles, tasks, units
from storage.models import Member, OrgUnit, Thread, ThreadMessage

KIND = "inbox_unanswered"
REMIND_AFTER = timedelta(hours=24)
ESCALATE_AFTER = timedelta(hours=48)
# Staff who may answer a thread of each kind.
ANSWERERS = {"ask": HELPERS | {Role.ORGANISER}, "feedback": frozenset({Role.ORGANISER})}
# How the member sees an answer: from the union's matchmaker (/ask) or the union (/feedback).
SIGNATURES = {
    "ask": N_("Your union's matchmaker: {text}"),
    "feedback": N_("Your union: {text}"),
}
# 1–3: what the member thought of the help.
RATINGS = {1: N_("Not helpful"), 2: N_("OK"), 3: N_("Helpful")}


class Outcome(enum.StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"  # not staff of the member's union chain, or not their thread
    CLOSED = "closed"  # the thread is closed (or gone)
    NOT_MEMBER = "not_member"  # someone who has not agreed to the terms (or no union exists)


@dataclass(frozen=True)
class ThreadView:
    """A thread as staff see it: who (by nickname) from which union, and what was said."""

    id: int
    kind: str
    nickname: str | None  # None: they have not chosen one yet
    unit: str
    created_at: datetime
    claimed_by: int | None
    messages: list[tuple[bool, str]]  # (written by staff, text), oldest first


class Inbox:
    def __init__(self, db: async_sessionmaker[AsyncSession], clock: Clock, work: WorkQueue) -> None:
        self._db = db
        self._clock = clock
        self._work = work

    def task_kinds(self) -> dict[str, TaskKind]:
        return {KIND: TaskKind(self._unanswered)}

    # What members do

    async def ask(self, telegram_id: int, text: str, kind: str = "ask") -> Outcome:
        """A member's message: added to their open thread of this kind, or opening one; the
        staff who answer are told. Someone who agreed to the terms but is not verified yet
        (their verification failed, say) reaches the top union."""
        now = self._clock.now()
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            unit_id = await self._unit_of(session, member)
            if member is None or unit_id is None:
                return Outcome.NOT_MEMBER
            thread = await session.scalar(
                select(Thread).where(
                    Thread.member_id == member.id, Thread.kind == kind, Thread.status == "open"
                )
            )
            if thread is None:
                thread = Thread(
                    member_id=member.id,
                    unit_id=unit_id,
                    kind=kind,
                    status="open",
                    created_at=now,
                )
                session.add(thread)
                await session.flush()
                for after in (REMIND_AFTER, ESCALATE_AFTER):
                    await self._work.put(
                        session,
                        KIND,
                        now + after,
                        {"thread_id": thread.id, "escalate": after == ESCALATE_AFTER},
                        key=f"{KIND}:{thread.id}:{int(after.total_seconds())}",
                        member_id=member.id,
                    )
            message = await self._write(session, thread, text, now)
            await screening.record(session, thread.member_id, "thread", text, now)
            await self._tell_staff(session, thread, message, now)
        self._work.wake()
        return Outcome.DONE

    async def close_as_member(self, telegram_id: int, thread_id: int) -> Outcome:
        async with self._db.begin() as session:
            thread = await self._own_thread(session, telegram_id, thread_id)
            if thread is None or thread.status != "open":
                return Outcome.CLOSED
            await self._close(session, thread, by_staff=None)
        self._work.wake()
        return Outcome.DONE

    async def rate(self, telegram_id: int, thread_id: int, rating: int) -> Outcome:
        async with self._db.begin() as session:
            thread = await self._own_thread(session, telegram_id, thread_id)
            if thread is None or rating not in RATINGS:
                return Outcome.NOT_ALLOWED
            thread.rating = rating
        return Outcome.DONE

    async def may_reply(self, telegram_id: int, thread_id: int) -> bool:
        """Whether this is the member's own thread and still open (a reply may be written)."""
        async with self._db() as session:
            thread = await self._own_thread(session, telegram_id, thread_id)
            return thread is not None and thread.status == "open"

    async def reply(self, telegram_id: int, thread_id: int, text: str) -> Outcome:
        async with self._db.begin() as session:
            thread = await self._own_thread(session, telegram_id, thread_id)
            if thread is None or thread.status != "open":
                return Outcome.CLOSED
            now = self._clock.now()
            message = await self._write(session, thread, text, now)
            await screening.record(session, thread.member_id, "thread", text, now)
            await self._tell_staff(session, thread, message, now)
        self._work.wake()
        return Outcome.DONE

    # What staff do

    async def open_threads(self, telegram_id: int, limit: int = 10) -> list[ThreadView] | None:
        """Open threads the staff member may answer, oldest first; None if they are no staff."""
        async with self._db() as session:
            answer_scope = await units.role_scope(session, telegram_id, ANSWERERS["ask"])
            if not answer_scope:
                return None
            feedback_scope = await units.role_scope(session, telegram_id, ANSWERERS["feedback"])
            found = await session.scalars(
                select(Thread)
                .where(Thread.status == "open", Thread.unit_id.in_(answer_scope))
                .order_by(Thread.created_at, Thread.id)
            )
            visible = [
                thread
                for thread in found.all()
                if thread.kind == "ask" or thread.unit_id in feedback_scope
            ]
            return [await self._view(session, thread) for thread in visible[:limit]]

    async def claim(self, telegram_id: int, thread_id: int) -> ThreadView | Outcome:
        """Take a thread to answer it (one already claimed by another stays theirs)."""
        async with self._db.begin() as session:
            thread = await self._staff_thread(session, telegram_id, thread_id)
            if not isinstance(thread, Thread):
                return thread
            if thread.claimed_by not in (None, telegram_id):
                return Outcome.NOT_ALLOWED
            thread.claimed_by = telegram_id
            return await self._view(session, thread)

    async def answer(self, telegram_id: int, thread_id: int, text: str) -> Outcome:
        now = self._clock.now()
        async with self._db.begin() as session:
            thread = await self._staff_thread(session, telegram_id, thread_id)
            if not isinstance(thread, Thread):
                return thread
            if thread.claimed_by not in (None, telegram_id):
                return Outcome.NOT_ALLOWED
            thread.claimed_by = telegram_id
            thread.first_answer_at = thread.first_answer_at or now
            message = await self._write(session, thread, text, now, staff=telegram_id)
            member = await session.get(Member, thread.member_id)
            if member is not None and member.telegram_id is not None:
                await notices.put(
                    session,
                    to=member.telegram_id,
                    now=now,
                    member_id=member.id,
                    lines=[line(SIGNATURES[thread.kind], text=text)],
                    buttons=[
                        [
                            notices.Button(N_("Reply"), ReplyToThread(thread.id).encode()),
                            notices.Button(
                                N_("End the conversation"), CloseThread(thread.id).encode()
                            ),
                        ]
                    ],
                    key=f"inbox_answer:{message.id}",
                )
        self._work.wake()
        return Outcome.DONE

    async def close_as_staff(self, telegram_id: int, thread_id: int) -> Outcome:
        async with self._db.begin() as session:
            thread = await self._staff_thread(session, telegram_id, thread_id)
            if not isinstance(thread, Thread):
                return thread
            await self._close(session, thread, by_staff=telegram_id)
        self._work.wake()
        return Outcome.DONE

    # Internals

    @staticmethod
    async def _unit_of(session: AsyncSession, member: Member | None) -> int | None:
        if member is None or member.consented_at is None:
            return None
        if member.unit_id is not None:
            return member.unit_id
        tops = sorted(unit for unit, parent in (await units.parents(session)).items() if not parent)
        return tops[0] if tops else None

    async def _own_thread(
        self, session: AsyncSession, telegram_id: int, thread_id: int
    ) -> Thread | None:
        member = await members.get_by_telegram_id(session, telegram_id)
        thread = await session.get(Thread, thread_id)
        if member is None or thread is None or thread.member_id != member.id:
            return None
        return thread

    async def _staff_thread(
        self, session: AsyncSession, telegram_id: int, thread_id: int
    ) -> Thread | Outcome:
        thread = await session.get(Thread, thread_id)
        if thread is None:
            return Outcome.CLOSED
        scope = await units.role_scope(session, telegram_id, ANSWERERS[thread.kind])
        if thread.unit_id not in scope:
            return Outcome.NOT_ALLOWED
        if thread.status != "open":
            return Outcome.CLOSED
        return thread

    async def _close(self, session: AsyncSession, thread: Thread, by_staff: int | None) -> None:
        now = self._clock.now()
        thread.status, thread.closed_at = "closed", now
        for after in (REMIND_AFTER, ESCALATE_AFTER):
            await tasks.cancel(session, f"{KIND}:{thread.id}:{int(after.total_seconds())}")
        member = await session.get(Member, thread.member_id)
        if member is None or member.telegram_id is None:
            return
        ended = (
            N_("Your union's matchmaker has closed this conversation.")
            if by_staff is not None
            else N_("You ended the conversation.")
        )
        await notices.put(
            session,
            to=member.telegram_id,
            now=now,
            member_id=member.id,
            lines=[line(ended), line(N_("Was this helpful? /ask whenever you need us again."))],
            buttons=[
                [
                    notices.Button(label, RateThread(thread.id, rating).encode())
                    for rating, label in RATINGS.items()
                ]
            ],
            key=f"inbox_closed:{thread.id}",
        )

    @staticmethod
    async def _write(
        session: AsyncSession, thread: Thread, text: str, now: datetime, staff: int | None = None
    ) -> ThreadMessage:
        message = ThreadMessage(
            thread_id=thread.id, staff_telegram_id=staff, text=text, created_at=now
        )
        session.add(message)
        await session.flush()
        return message

    async def _tell_staff(
        self, session: AsyncSession, thread: Thread, message: ThreadMessage, now: datetime
    ) -> None:
        """The one who claimed the thread, else everyone who answers threads of its kind."""
        if thread.claimed_by is not None:
            recipients = [thread.claimed_by]
        else:
            recipients = await self._first_line(session, thread)
        view = await self._view(session, thread)
        for staff in recipients:
            await notices.put(
                session,
                to=staff,
                now=now,
                lines=[
                    line(
                        N_("{nickname} ({unit}) writes: {text}"),
                        nickname=_nickname(view),
                        unit=view.unit,
                        text=message.text,
                    ),
                    line(N_("Answer from /inbox.")),
                ],
                key=f"inbox_new:{message.id}:{staff}",
                member_id=thread.member_id,  # what they wrote goes with their data
            )

    @staticmethod
    async def _first_line(session: AsyncSession, thread: Thread) -> list[int]:
        """Who answers a thread first: for /ask the nearest matchmakers and counsellors, else
        the nearest organisers; for /feedback the nearest organisers."""
        if thread.kind == "ask":
            _unit, helpers = await units.nearest_holders(session, thread.unit_id, HELPERS)
            if helpers:
                return helpers
        return await units.organisers_for(session, thread.unit_id)

    async def _view(self, session: AsyncSession, thread: Thread) -> ThreadView:
        answers = await profiles.answers(session, thread.member_id)
        nickname = answers["nickname"].value if "nickname" in answers else None
        unit = await session.get(OrgUnit, thread.unit_id)
        written = await session.scalars(
            select(ThreadMessage)
            .where(ThreadMessage.thread_id == thread.id)
            .order_by(ThreadMessage.created_at, ThreadMessage.id)
        )
        return ThreadView(
            thread.id,
            thread.kind,
            str(nickname) if nickname else None,
            unit.name if unit else "—",
            thread.created_at,
            thread.claimed_by,
            [(m.staff_telegram_id is not None, m.text) for m in written.all()],
        )

    async def _unanswered(self, task: DueTask) -> None:
        """24 hours unanswered: remind the staff; 48: the organisers of the union above."""
        now = self._clock.now()
        async with self._db.begin() as session:
            thread = await session.get(Thread, int(task.payload["thread_id"]))
            if thread is None or thread.status != "open" or thread.first_answer_at is not None:
                return
            if task.payload.get("escalate"):
                tree = await units.parents(session)
                above = tree.get(thread.unit_id)
                recipients = await units.organisers_for(session, above) if above else []
                message = N_(
                    "Unanswered for 48 hours in a union below yours: {nickname} ({unit}). /inbox"
                )
            else:
                recipients = await self._first_line(session, thread)
                message = N_("Still unanswered after 24 hours: {nickname} ({unit}). /inbox")
            view = await self._view(session, thread)
            for staff in recipients:
                await notices.put(
                    session,
                    to=staff,
                    now=now,
                    lines=[line(message, nickname=_nickname(view), unit=view.unit)],
                    key=f"{task.key}:{staff}",
                    member_id=thread.member_id,
                )
        self._work.wake()


def _nickname(view: ThreadView) -> str | dict[str, str]:
    return view.nickname or notices.translated(N_("(no nickname yet)"))
