"""Asking a person: a member writes (/ask, or /feedback for the organisers), staff of their union
answer from /inbox, and the two write back and forth until either side closes the thread.

Who answers: for /ask the matchmakers and counsellors of the member's union, else of the nearest
union above that has some, else the organisers there; for /feedback the organisers; when nobody
in the chain can, the superadmins. Never someone the member is matched with, in an open
proposal with, has reported or blocked (or who blocked her): her question may be about him.
Staff see the member's nickname, union and the thread, never their phone or real name; the
member sees answers headed with the union and the role ("🏛 浦东新区总工会 · 红娘："), a line no
member's relayed message starts with, and a reminder that staff never ask for money, ID numbers
or passwords — never the staff member's Telegram identity.

A thread nobody answered in 24 hours reminds the staff; at 48 hours it goes to the organisers
above and the member is told, with the union's contact line. A claim holds a thread for one
staff member only while they use it: /cancel, 2 hours without an answer, or losing the role
releases it.

What one member can cost the staff is bounded: a few threads and messages a day, one notice per
thread while the member keeps writing, and before verification one thread (about verification).

Every step re-checks the staff member's role and scope in its own transaction. What must reach
someone is written as a notice in the same transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.i18n import N_
from bot.domain.buttons import CloseThread, RateThread, ReplyToThread
from bot.domain.clock import Clock
from bot.domain.units import HELPERS, Role, ancestry
from bot.services import notices
from bot.services.notices import Line, line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import conflicts, members, tasks, units
from storage.models import (
    Member,
    OrgUnit,
    ProfileAnswer,
    Thread,
    ThreadMessage,
    UnitRole,
)

KIND = "inbox_unanswered"
CLAIM_KIND = "inbox_claim"
REMIND_AFTER = timedelta(hours=24)
ESCALATE_AFTER = timedelta(hours=48)
# A claim nobody answered in this long goes back to everyone who may answer.
CLAIM_LAPSES_AFTER = timedelta(hours=2)
# While the member keeps writing, the staff are told once: a message less than this after the
# member's previous one (with no answer between) notifies nobody; it is in /inbox.
QUIET = timedelta(minutes=10)
DAY = timedelta(hours=24)
# The same answer from the same person again within this long, nothing written between, is
# the answer already sent (a double press), not a second message to the member.
SAME_ANSWER_WITHIN = timedelta(minutes=10)
# What one member may write in 24 hours: messages per kind, and new threads of any kind.
MESSAGES_PER_DAY = {"ask": 20, "feedback": 5}
THREADS_PER_DAY = 3
# Before verification: one thread in all (about verification) and a few messages a day.
UNVERIFIED_MESSAGES_PER_DAY = 5
ORGANISERS = frozenset({Role.ORGANISER})
# Staff who may answer a thread of each kind.
ANSWERERS = {"ask": HELPERS | ORGANISERS, "feedback": ORGANISERS}
# How a role signs an answer, most specific first.
ROLE_TITLES = {
    Role.MATCHMAKER: N_("Matchmaker"),
    Role.COUNSELLOR: N_("Counsellor"),
    Role.ORGANISER: N_("Staff"),
}
# The member reads every staff answer headed so, with the standing line under it. Relayed
# messages from members start with the sender's nickname, never with 🏛.
SIGNATURE = N_("🏛 {unit} · {role}: {text}")
STANDING_LINE = N_("(Union staff never ask you for money, ID numbers or passwords.)")
# 1–3: what the member thought of the help.
RATINGS = {1: N_("Not helpful"), 2: N_("OK"), 3: N_("Helpful")}


class Outcome(enum.StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"  # not staff of the member's union chain, or not their thread
    CLOSED = "closed"  # the thread is closed (or gone)
    NOT_MEMBER = "not_member"  # someone who has not agreed to the terms (or no union exists)
    LIMITED = "limited"  # the member wrote as much as a day allows
    VERIFY_FIRST = "verify_first"  # not verified, and already opened their one thread
    TAKEN = "taken"  # a colleague is answering it


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
    verified: bool = True  # False: asked before verification, so about verification


class Inbox:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        work: WorkQueue,
        superadmins: Collection[int] = (),
    ) -> None:
        self._db = db
        self._clock = clock
        self._work = work
        self._superadmins = frozenset(superadmins)

    def task_kinds(self) -> dict[str, TaskKind]:
        return {KIND: TaskKind(self._unanswered), CLAIM_KIND: TaskKind(self._claim_lapsed)}

    # What members do

    async def ask(self, telegram_id: int, text: str, kind: str = "ask") -> Outcome:
        """A member's message: added to their open thread of this kind, or opening one; the
        staff who answer are told. Someone who agreed to the terms but is not verified yet
        (their verification failed, say) may open one thread, which reaches the top union."""
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
            refused = await self._refusal(session, member, kind, opening=thread is None, now=now)
            if refused is not None:
                return refused
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
            await self._member_writes(session, member, thread, text, now)
        self._work.wake()
        return Outcome.DONE

    async def may_write(self, telegram_id: int, kind: str = "ask") -> tuple[Outcome, bool]:
        """Before the member writes: whether ``ask`` would take a message of this kind now
        (DONE) or why not, and whether they are verified. NOT_MEMBER is told after they wrote,
        as ``ask`` tells it (nothing is kept of them either way)."""
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None or await self._unit_of(session, member) is None:
                return Outcome.NOT_MEMBER, False
            open_thread = await session.scalar(
                select(Thread.id).where(
                    Thread.member_id == member.id, Thread.kind == kind, Thread.status == "open"
                )
            )
            refused = await self._refusal(
                session, member, kind, opening=open_thread is None, now=self._clock.now()
            )
            return refused or Outcome.DONE, member.verified_at is not None

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
        now = self._clock.now()
        async with self._db.begin() as session:
            thread = await self._own_thread(session, telegram_id, thread_id)
            if thread is None or thread.status != "open":
                return Outcome.CLOSED
            member = await session.get_one(Member, thread.member_id)
            refused = await self._refusal(session, member, thread.kind, opening=False, now=now)
            if refused is not None:
                return refused
            await self._member_writes(session, member, thread, text, now)
        self._work.wake()
        return Outcome.DONE

    # What staff do

    async def open_threads(self, telegram_id: int, limit: int = 10) -> list[ThreadView] | None:
        """Open threads the staff member may answer, oldest first; None if they are no staff."""
        async with self._db() as session:
            superadmin = telegram_id in self._superadmins
            answer_scope = await units.role_scope(session, telegram_id, ANSWERERS["ask"])
            if not answer_scope and not superadmin:
                return None
            query = select(Thread).where(Thread.status == "open")
            if not superadmin:
                query = query.where(Thread.unit_id.in_(answer_scope))
            found = await session.scalars(query.order_by(Thread.created_at, Thread.id))
            # Where the staff member answers each kind of thread, found once for the list
            # rather than once for each thread.
            scopes = {
                kind: await units.role_scope(session, telegram_id, roles)
                for kind, roles in ANSWERERS.items()
            }
            # Staff who never joined as a member can be nobody a member asks about: their
            # list needs no look at each member's matches, reports and blocks.
            joined = await session.scalar(
                select(Member.id).where(Member.telegram_id == telegram_id)
            )
            # A list's worth of threads at a time: their members read in one query, the
            # threads shown in a few (``_views``), rather than several queries per thread.
            threads = list(found.all())
            visible: list[ThreadView] = []
            for start in range(0, len(threads), max(limit, 1)):
                if len(visible) >= limit:
                    break
                window = threads[start : start + max(limit, 1)]
                asking = (  # kept referenced: the session's identity map holds them weakly
                    await session.scalars(
                        select(Member).where(Member.id.in_({t.member_id for t in window}))
                    )
                ).all()
                shown = [
                    thread
                    for thread in window
                    if await self._may_open(
                        session, telegram_id, thread, scopes, may_conflict=joined is not None
                    )
                ]
                visible += await self._views(session, shown[: limit - len(visible)])
                del asking
            return visible

    async def claim(self, telegram_id: int, thread_id: int) -> ThreadView | Outcome:
        """Take a thread to answer it. One claimed by another stays theirs while they may still
        answer it; the claim lapses after two hours without an answer (``_claim_lapsed``)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            thread = await self._staff_thread(session, telegram_id, thread_id)
            if not isinstance(thread, Thread):
                return thread
            if not await self._may_take(session, telegram_id, thread):
                return Outcome.TAKEN
            thread.claimed_by = telegram_id
            await self._watch_claim(session, thread, now)
            return await self._view(session, thread)

    async def release(self, telegram_id: int, thread_id: int) -> bool:
        """The staff member stopped (/cancel): the thread is free for the others again."""
        async with self._db.begin() as session:
            thread = await session.get(Thread, thread_id)
            if thread is None or thread.claimed_by != telegram_id:
                return False
            thread.claimed_by = None
            return True

    async def answer(self, telegram_id: int, thread_id: int, text: str) -> Outcome:
        """Send the member a staff answer. The same answer again from the same person, with
        nothing written since (Send pressed twice, a request retried), is the one sent: the
        member gets it once. Answers to a thread are written one at a time (its row locked)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            thread = await self._staff_thread(session, telegram_id, thread_id, lock=True)
            if not isinstance(thread, Thread):
                return thread
            if not await self._may_take(session, telegram_id, thread):
                return Outcome.TAKEN
            last = await session.scalar(
                select(ThreadMessage)
                .where(ThreadMessage.thread_id == thread.id)
                .order_by(ThreadMessage.id.desc())
                .limit(1)
            )
            if (
                last is not None
                and last.staff_telegram_id == telegram_id
                and last.text == text
                and last.created_at >= now - SAME_ANSWER_WITHIN
            ):
                return Outcome.DONE
            thread.claimed_by = telegram_id
            thread.first_answer_at = thread.first_answer_at or now
            message = await self._write(session, thread, text, now, staff=telegram_id)
            member = await session.get(Member, thread.member_id)
            if member is not None and member.telegram_id is not None:
                unit, role = await self._signature(session, telegram_id, thread)
                await notices.put(
                    session,
                    to=member.telegram_id,
                    now=now,
                    member_id=member.id,
                    lines=[
                        line(SIGNATURE, unit=unit, role=notices.translated(role), text=text),
                        line(STANDING_LINE),
                    ],
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
        """Close the thread; not while a colleague is answering what the member asked last (a
        colleague's close lost the answer being written, and the member was never answered).
        Once answered, any of its staff may close it: the claim keeps the answering to one
        person, not the thread to her for days."""
        async with self._db.begin() as session:
            thread = await self._staff_thread(session, telegram_id, thread_id, lock=True)
            if not isinstance(thread, Thread):
                return thread
            if not await self._may_take(session, telegram_id, thread) and not await _answered(
                session, thread
            ):
                return Outcome.TAKEN  # a colleague is answering what the member asked
            await self._close(session, thread, by_staff=telegram_id)
        self._work.wake()
        return Outcome.DONE

    async def release_claims_beyond_reach(self, session: AsyncSession, telegram_id: int) -> int:
        """After someone lost a role (in the caller's transaction): the threads they claimed
        and may no longer open go back to those who may, who are told. How many."""
        now = self._clock.now()
        claimed = await session.scalars(
            select(Thread).where(Thread.claimed_by == telegram_id, Thread.status == "open")
        )
        released = 0
        for thread in claimed.all():
            if not await self._may_open(session, telegram_id, thread):
                thread.claimed_by = None
                await self._tell_released(session, thread, now, f"revoked:{telegram_id}")
                released += 1
        return released

    # Internals

    @staticmethod
    async def _unit_of(session: AsyncSession, member: Member | None) -> int | None:
        if member is None or member.consented_at is None:
            return None
        if member.unit_id is not None:
            return member.unit_id
        tops = sorted(unit for unit, parent in (await units.parents(session)).items() if not parent)
        return tops[0] if tops else None

    @staticmethod
    async def _refusal(
        session: AsyncSession, member: Member, kind: str, *, opening: bool, now: datetime
    ) -> Outcome | None:
        """Why the member may not write this now, if they may not: the limits of a day, and
        before verification one thread in all (staff see it is about verification)."""
        verified = member.verified_at is not None
        if opening:
            # Before verification every thread counts; after, those of the last day.
            opened_query = select(func.count()).where(Thread.member_id == member.id)
            if verified:
                opened_query = opened_query.where(Thread.created_at >= now - DAY)
            opened = await session.scalar(opened_query) or 0
            if not verified and opened:
                return Outcome.VERIFY_FIRST
            if opened >= THREADS_PER_DAY:
                return Outcome.LIMITED
        written = await session.scalar(
            select(func.count())
            .select_from(ThreadMessage)
            .join(Thread, Thread.id == ThreadMessage.thread_id)
            .where(
                Thread.member_id == member.id,
                Thread.kind == kind,
                ThreadMessage.by_staff.is_(False),
                ThreadMessage.created_at >= now - DAY,
            )
        )
        allowed = MESSAGES_PER_DAY[kind] if verified else UNVERIFIED_MESSAGES_PER_DAY
        return Outcome.LIMITED if (written or 0) >= allowed else None

    async def _member_writes(
        self, session: AsyncSession, member: Member, thread: Thread, text: str, now: datetime
    ) -> None:
        previous = await session.scalar(
            select(ThreadMessage)
            .where(ThreadMessage.thread_id == thread.id)
            .order_by(ThreadMessage.created_at.desc(), ThreadMessage.id.desc())
            .limit(1)
        )
        message = await self._write(session, thread, text, now)
        if thread.claimed_by is not None:
            await self._watch_claim(session, thread, now)
        still_writing = (
            previous is not None and not previous.by_staff and now - previous.created_at < QUIET
        )
        if not still_writing:
            await self._tell_staff(session, thread, message, now)

    async def _own_thread(
        self, session: AsyncSession, telegram_id: int, thread_id: int
    ) -> Thread | None:
        member = await members.get_by_telegram_id(session, telegram_id)
        thread = await session.get(Thread, thread_id)
        if member is None or thread is None or thread.member_id != member.id:
            return None
        return thread

    async def _staff_thread(
        self, session: AsyncSession, telegram_id: int, thread_id: int, *, lock: bool = False
    ) -> Thread | Outcome:
        thread = await session.get(Thread, thread_id, with_for_update=lock)
        if thread is None:
            return Outcome.CLOSED
        if not await self._may_open(session, telegram_id, thread):
            return Outcome.NOT_ALLOWED
        if thread.status != "open":
            return Outcome.CLOSED
        return thread

    async def _may_open(
        self,
        session: AsyncSession,
        staff: int,
        thread: Thread,
        scopes: Mapping[str, Collection[int]] | None = None,
        *,
        may_conflict: bool = True,
    ) -> bool:
        """Whether the staff member may read and answer the thread: their role covers the
        member's union (superadmins: every union), and they are nobody the member may be
        asking about. ``scopes``: the staff member's units for each kind of thread, if known;
        ``may_conflict=False``: the staff member is no member, so nobody a member asks about."""
        member = await session.get(Member, thread.member_id)
        if member is None or (
            may_conflict and staff in await conflicts.staff_circle(session, member)
        ):
            return False
        if staff in self._superadmins:
            return True
        if scopes is not None:
            return thread.unit_id in scopes[thread.kind]
        return thread.unit_id in await units.role_scope(session, staff, ANSWERERS[thread.kind])

    async def _may_take(self, session: AsyncSession, staff: int, thread: Thread) -> bool:
        """Free, already theirs, or held by someone who may no longer open it."""
        holder = thread.claimed_by
        return holder in (None, staff) or not await self._may_open(session, holder, thread)

    async def _watch_claim(self, session: AsyncSession, thread: Thread, now: datetime) -> None:
        """The claim lapses if its holder has not answered two hours from now."""
        await self._work.put(
            session,
            CLAIM_KIND,
            now + CLAIM_LAPSES_AFTER,
            {"thread_id": thread.id, "staff": thread.claimed_by, "since": now.isoformat()},
            key=f"{CLAIM_KIND}:{thread.id}:{thread.claimed_by}:{now.isoformat()}",
            member_id=thread.member_id,
        )

    async def _claim_lapsed(self, task: DueTask) -> None:
        now = self._clock.now()
        staff, since = int(task.payload["staff"]), datetime.fromisoformat(task.payload["since"])
        async with self._db.begin() as session:
            thread = await session.get(Thread, int(task.payload["thread_id"]))
            if thread is None or thread.status != "open" or thread.claimed_by != staff:
                return
            answered = await session.scalar(
                select(ThreadMessage.id)
                .where(
                    ThreadMessage.thread_id == thread.id,
                    ThreadMessage.staff_telegram_id == staff,
                    ThreadMessage.created_at >= since,
                )
                .limit(1)
            )
            if answered is not None:
                return
            thread.claimed_by = None
            await self._tell_released(session, thread, now, f"lapsed:{task.id}")
        self._work.wake()

    async def _tell_released(
        self, session: AsyncSession, thread: Thread, now: datetime, key: str
    ) -> None:
        view = await self._view(session, thread)
        said = [
            line(
                N_("{nickname} ({unit}) is waiting for an answer again. /inbox"),
                nickname=_nickname(view),
                unit=view.unit,
            )
        ]
        staff = await self._first_line(session, thread)
        await _tell(session, thread, staff, said, f"inbox_released:{thread.id}:{key}", now)

    async def _close(self, session: AsyncSession, thread: Thread, by_staff: int | None) -> None:
        now = self._clock.now()
        thread.status, thread.closed_at = "closed", now
        for after in (REMIND_AFTER, ESCALATE_AFTER):
            await tasks.cancel(session, f"{KIND}:{thread.id}:{int(after.total_seconds())}")
        member = await session.get(Member, thread.member_id)
        if member is None or member.telegram_id is None:
            return
        ended = (
            N_("Your union's staff have closed this conversation.")
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
            thread_id=thread.id,
            staff_telegram_id=staff,
            by_staff=staff is not None,
            text=text,
            created_at=now,
        )
        session.add(message)
        await session.flush()
        return message

    async def _tell_staff(
        self, session: AsyncSession, thread: Thread, message: ThreadMessage, now: datetime
    ) -> None:
        view = await self._view(session, thread)
        said = [
            line(
                N_("{nickname} ({unit}) writes: {text}"),
                nickname=_nickname(view),
                unit=view.unit,
                text=message.text,
            ),
            line(N_("Answer from /inbox.")),
        ]
        staff = await self._answerers(session, thread)
        await _tell(session, thread, staff, said, f"inbox_new:{message.id}", now)

    async def _answerers(self, session: AsyncSession, thread: Thread) -> list[int]:
        """Who hears of the thread: the one who claimed it while they may still open it, else
        the first line."""
        holder = thread.claimed_by
        if holder is not None and await self._may_open(session, holder, thread):
            return [holder]
        return await self._first_line(session, thread)

    async def _first_line(
        self, session: AsyncSession, thread: Thread, *, above: bool = False
    ) -> list[int]:
        """Who answers a thread first: for /ask the nearest matchmakers and counsellors, else
        the nearest organisers; for /feedback the nearest organisers; ``above``: the nearest
        organisers above the member's union. Whoever it is may open the thread; when nobody in
        the chain may, the superadmins — never nobody while a superadmin is configured."""
        member = await session.get_one(Member, thread.member_id)
        excluded = await conflicts.staff_circle(session, member)
        chain = ancestry(thread.unit_id, await units.parents(session))[1 if above else 0 :]
        first_ask = thread.kind == "ask" and not above
        passes = [HELPERS, ORGANISERS] if first_ask else [ORGANISERS]
        for roles in passes:
            for unit_id in chain:
                holders = await session.scalars(
                    select(UnitRole.telegram_id)
                    .where(UnitRole.unit_id == unit_id, UnitRole.role.in_(list(roles)))
                    .order_by(UnitRole.id)
                )
                found = [h for h in dict.fromkeys(holders.all()) if h not in excluded]
                if found:
                    return found
        return sorted(self._superadmins - excluded)

    async def _signature(
        self, session: AsyncSession, staff: int, thread: Thread
    ) -> tuple[str, str]:
        """The union and role an answer is headed with: the staff member's nearest role over the
        member's union (a superadmin without one answers for the top union, as staff)."""
        chain = ancestry(thread.unit_id, await units.parents(session))
        held = (
            await session.execute(
                select(UnitRole.unit_id, UnitRole.role).where(
                    UnitRole.telegram_id == staff,
                    UnitRole.unit_id.in_(chain),
                    UnitRole.role.in_(list(ANSWERERS[thread.kind])),
                )
            )
        ).all()
        role, unit_id = Role.ORGANISER, chain[-1]
        for candidate in chain:
            roles = {Role(r) for u, r in held if u == candidate}
            if roles:
                role = next(r for r in ROLE_TITLES if r in roles)
                unit_id = candidate
                break
        unit = await session.get(OrgUnit, unit_id)
        return (unit.name if unit else "—"), ROLE_TITLES[role]

    async def _view(self, session: AsyncSession, thread: Thread) -> ThreadView:
        return (await self._views(session, [thread]))[0]

    async def _views(self, session: AsyncSession, threads: Sequence[Thread]) -> list[ThreadView]:
        """The threads as staff see them, in the order given (three queries for any number)."""
        if not threads:
            return []
        asking = {thread.member_id for thread in threads}
        nicknames: dict[int, object] = dict(
            (
                await session.execute(
                    select(ProfileAnswer.member_id, ProfileAnswer.value).where(
                        ProfileAnswer.member_id.in_(asking), ProfileAnswer.question == "nickname"
                    )
                )
            ).all()
        )
        unit_names: dict[int, str] = dict(
            (
                await session.execute(
                    select(OrgUnit.id, OrgUnit.name).where(
                        OrgUnit.id.in_({thread.unit_id for thread in threads})
                    )
                )
            ).all()
        )
        written: dict[int, list[tuple[bool, str]]] = {thread.id: [] for thread in threads}
        for message in await session.scalars(
            select(ThreadMessage)
            .where(ThreadMessage.thread_id.in_(written))
            .order_by(ThreadMessage.created_at, ThreadMessage.id)
        ):
            written[message.thread_id].append((message.by_staff, message.text))
        views = []
        for thread in threads:
            nickname = nicknames.get(thread.member_id)
            member = await session.get(Member, thread.member_id)
            views.append(
                ThreadView(
                    thread.id,
                    thread.kind,
                    str(nickname) if nickname else None,
                    unit_names.get(thread.unit_id, "—"),
                    thread.created_at,
                    thread.claimed_by,
                    written[thread.id],
                    verified=member is not None and member.verified_at is not None,
                )
            )
        return views

    async def _unanswered(self, task: DueTask) -> None:
        """24 hours unanswered: remind the staff; 48: the organisers of the union above (or the
        superadmins), and the member is told how to reach the union directly."""
        now = self._clock.now()
        async with self._db.begin() as session:
            thread = await session.get(Thread, int(task.payload["thread_id"]))
            if thread is None or thread.status != "open" or thread.first_answer_at is not None:
                return
            if task.payload.get("escalate"):
                recipients = await self._first_line(session, thread, above=True)
                message = N_(
                    "Unanswered for 48 hours in a union below yours: {nickname} ({unit}). /inbox"
                )
                await self._tell_member_unanswered(session, thread, now, f"{KIND}:{thread.id}")
            else:
                recipients = await self._answerers(session, thread)
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

    @staticmethod
    async def _tell_member_unanswered(
        session: AsyncSession, thread: Thread, now: datetime, key: str
    ) -> None:
        member = await session.get(Member, thread.member_id)
        if member is None or member.telegram_id is None:
            return
        await notices.put(
            session,
            to=member.telegram_id,
            now=now,
            member_id=member.id,
            lines=[
                line(
                    N_(
                        "Sorry, nobody has answered your question in 48 hours. I have passed it "
                        "to the union above. You can also reach your union directly: {contact}"
                    ),
                    contact=await units.contact_for(session, member.unit_id),
                )
            ],
            key=f"{key}:member",
        )


def _nickname(view: ThreadView) -> str | dict[str, str]:
    return view.nickname or notices.translated(N_("(no nickname yet)"))


async def _tell(
    session: AsyncSession,
    thread: Thread,
    staff: Sequence[int],
    lines: list[Line],
    key: str,
    now: datetime,
) -> None:
    """The same notice to each of ``staff``, once each (``key`` and their id); it goes with the
    member's data, since it quotes or names them."""
    told = [
        notices.Notice(to=person, lines=lines, key=f"{key}:{person}", member_id=thread.member_id)
        for person in staff
    ]
    await notices.put_all(session, told, now)


async def _answered(session: AsyncSession, thread: Thread) -> bool:
    """Whether staff wrote the thread's latest message (the member's last words are answered)."""
    last = await session.scalar(
        select(ThreadMessage.by_staff)
        .where(ThreadMessage.thread_id == thread.id)
        .order_by(ThreadMessage.created_at.desc(), ThreadMessage.id.desc())
        .limit(1)
    )
    return bool(last)
