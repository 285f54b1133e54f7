"""The opt-in daily digest: "今天为你安排了 N 位推荐，另有 M 位新会员可能适合你", at the
deployment's digest hour.

One scheduled task per day (keyed by date, so arming it twice is harmless) writes one notice per
member for whom something is waiting:

* planned people: today's market plan (bot.services.matching.plan, made at four) for her, those
  /match would serve her from it — its open cards by the rule /match and
  ``storage.plan.open_planned`` share (still suggestible, not decided on either way, no block,
  not matched), less those a matchmaker has not cleared for her and those she has been shown —
  and of them only those no digest has told her of (``storage.models.DigestAnnounced``). The
  plan keeps planned people she has not looked at for the next day; each is announced once, so
  an evening does not repeat yesterday's number. /match shows them first after those who liked
  her (the plan's order);
* new people: members who completed their profile since her last digest (for the first digest,
  everyone waiting) who may suit her, those among the planned people she is told of not counted
  again;
* together, at most as many as /match may still show her today (a day's cards less those she
  has been shown since midnight). With none left she is told nothing and her cutoff stays, so
  tonight's people are news on an evening she can look at them.

Nothing newly planned and nobody new, no digest. A digest missed while the bot was down is still
written within 3 hours, else dropped: a morning-after "today" would be wrong. Not known to the
digest: a planned person's must-haves edited since the plan was made (the engine's check when
the card is chosen), nor a strong suggestion no matchmaker has looked at yet (/match puts it to
them first); either may leave /match with one planned card fewer than announced.

Tens of thousands may have opted in. Members are taken a batch at a time, their digests, their
"counted until" and the planned people announced to them written in short transactions
(``WRITE`` members each), so a stop part way loses nothing and repeats nothing. The digest is
background work and gives way to members: before each of its steps (a read, a slice of pairing,
a batch's write) it waits until no member's update is being handled
(``bot.common.members_first``), so a member's /match waits for at most the one step already
running — for the event loop, SQLite's one connection, PostgreSQL's share of the cores — not for
a digest step at each of its own awaits.

Usually the people new since the last digest are few, the same for everyone: they are read
once, and a batch's members are paired with them all at once by the pool's rules
(``bot.domain.new_people``), with what each member liked, skipped or blocked read in one query
per batch — not one pool query per member, which took 30,000 members minutes. The pairing is a
small part of the digest's time on the event loop (0.15 s of its 1.3 s CPU for 30,000
members; most is SQL statements and their results), in steps of a few milliseconds, so it stays
here rather than in the worker process.
A first digest pairs the member with the whole union the same way; in a union (or on a day)
of more than ``MANY`` new people, each member samples the pool instead. A batch's planned people
not yet told of are one more read (``storage.digest.planned_untold``), a step of its own.
"""

from __future__ import annotations

import asyncio
import time as clock_time
from collections import deque
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.common.members_first import members_first
from bot.domain.browse import new_allowed
from bot.domain.clock import Clock
from bot.domain.new_people import NewPeople, Terms
from bot.services import notices
from bot.services.matching.suggestions import Matchmaking
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import digest, matching, members

KIND = "daily_digest"
MAX_LATENESS = timedelta(hours=3)
# Members read and paired at once.
BATCH = 200
# Members whose digests (and "counted until") are written in one transaction: a member's update
# that comes during one waits for the connection (SQLite has one) until it ends.
WRITE = 50
PAUSE = 0.02  # seconds between batches
# Before each step the digest waits for members' updates in progress to be done, but at most
# this long (seconds), so that it still finishes while members keep the bot busy.
GIVE_WAY = 0.1
# How long one reading session keeps the database before letting others in (seconds).
READ_SLICE = 0.01
# Up to this many people new since a cutoff (or in the union, for a first digest) are paired
# with every member at once; more, and each member's pool is sampled as /match does.
MANY = 50_000
# People read in one query while looking for the new ones (a few milliseconds of the loop).
PAGE = 1_000
# Days a planned person announced to a member is remembered: one the plan keeps for her longer
# (she never looks) is announced again after this long.
TOLD_KEPT = timedelta(days=60)

# An opted-in member: id, Telegram id, counted until (None before their first digest).
Reader = tuple[int, int, datetime | None]


class Waiting(NamedTuple):
    """An opted-in member for whom someone is waiting: planned people not yet told of (in the
    plan's order), and how many more new people may suit her."""

    member_id: int
    telegram_id: int
    new: int
    planned: tuple[int, ...] = ()


MESSAGE_NEW = N_(
    "Today {count} new people may suit you. /match to see them. (/digest to stop these)"
)
MESSAGE_PLANNED = N_("Picked for you today: {planned}. /match to see them. (/digest to stop these)")
MESSAGE_BOTH = N_(
    "Picked for you today: {planned}. Other new people who may suit you: {new}. "
    "/match to see them. (/digest to stop these)"
)


def wording(waiting: Waiting) -> notices.Line:
    if waiting.planned and waiting.new:
        return line(MESSAGE_BOTH, planned=len(waiting.planned), new=waiting.new)
    if waiting.planned:
        return line(MESSAGE_PLANNED, planned=len(waiting.planned))
    return line(MESSAGE_NEW, count=waiting.new)


def ids(readers: list[Reader]) -> list[int]:
    return [reader[0] for reader in readers]


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

    async def _batches(
        self, now: datetime, day: date
    ) -> AsyncIterator[tuple[list[int], list[Waiting]]]:
        """Opted-in members a batch at a time: the ids of those who may still be shown a card
        today, and who of them has planned people not yet told of in ``day``'s plan, or
        someone new who completed their profile since their last digest (the caller moves
        each one's cutoff on to ``now``, and notes the planned people told of, in the
        transaction that writes their digest)."""
        year = now.astimezone(self._settings.tz).year
        start_of_day = datetime.combine(day, time(0), tzinfo=self._settings.tz)
        news: dict[datetime | None, NewPeople | None] = {}
        after = 0
        while True:
            await members_first(GIVE_WAY)
            async with self._db() as session:
                readers = await members.digest_readers(session, after, BATCH)
                # In the same turn at the database: a turn less to wait for.
                viewers = {t.member_id: t for t in await digest.terms(session, ids(readers))}
                excluded = await digest.kept_apart(
                    session, list(viewers), self._matchmaking.skips_kept_since()
                )
            if not readers:
                return
            after = readers[-1][0]
            for until in {reader[2] for reader in readers} - news.keys():
                news[until] = await self._new_since(until)
            # Those with more new people than MANY each sample the pool as /match does.
            together = [reader for reader in readers if news[reader[2]] is not None]
            alone = [reader for reader in readers if news[reader[2]] is None]
            found = await self._counted_together(together, viewers, news, excluded, year)
            found += await self._one_by_one(alone, year)
            await members_first(GIVE_WAY)
            async with self._db() as session:
                planned = await digest.planned_untold(session, list(viewers), day, day - TOLD_KEPT)
                seen = await digest.cards_seen_since(session, ids(readers), start_of_day)
            room = {
                reader[0]: new_allowed(self._settings.daily_cards, seen.get(reader[0], 0))
                for reader in readers
            }
            # Someone with no cards left today is told nothing and keeps her cutoff: tonight's
            # people are still news to her tomorrow evening.
            asked = [reader for reader in readers if room[reader[0]]]
            yield ids(asked), with_planned(asked, found, planned, room)

    async def _new_since(self, until: datetime | None) -> NewPeople | None:
        """The people new since ``until`` (for a first digest, everyone) who may be suggested
        at all; None if more than ``MANY``. Read a page at a time, letting others in between."""
        new: list[Terms] = []
        while len(new) <= MANY:
            await members_first(GIVE_WAY)
            async with self._db() as session:
                page = await digest.suggestable_since(
                    session, until, new[-1].member_id if new else 0, PAGE
                )
            await members_first(GIVE_WAY)
            new += page
            if len(page) < PAGE:
                return NewPeople(new) if len(new) <= MANY else None
        return None

    async def _counted_together(
        self,
        readers: list[Reader],
        viewers: dict[int, Terms],
        news: dict[datetime | None, NewPeople | None],
        excluded: dict[int, set[int]],
        year: int,
    ) -> list[Waiting]:
        """Those of these members with someone new for them: all pairs at once, a slice at a
        time so that other members' updates are not held up."""
        found: list[Waiting] = []
        by_cutoff: dict[datetime | None, list[Reader]] = {}
        for reader in readers:
            if reader[0] in viewers:
                by_cutoff.setdefault(reader[2], []).append(reader)
        for until, group in by_cutoff.items():
            new = news[until]
            assert new is not None
            step = new.viewers_at_once()
            for start in range(0, len(group), step):
                await members_first(GIVE_WAY)
                part = group[start : start + step]
                counts = new.counts(
                    [viewers[reader[0]] for reader in part],
                    excluded,
                    year,
                    self._settings.daily_cards,
                )
                found += [
                    Waiting(reader[0], reader[1], count)
                    for reader, count in zip(part, counts, strict=True)
                    if count
                ]
        return found

    async def _one_by_one(self, readers: list[Reader], year: int) -> list[Waiting]:
        """Those of these members with someone new for them, a pool query each; reading lets
        go of the database every ``READ_SLICE``."""
        if not readers:
            return []
        await members_first(GIVE_WAY)
        async with self._db() as session:
            viewers = await matching.profile_rows(session, ids(readers))
        found: list[Waiting] = []
        pending = deque(reader for reader in readers if reader[0] in viewers)
        while pending:
            await members_first(GIVE_WAY)
            started = clock_time.perf_counter()
            async with self._db() as session:
                while pending and clock_time.perf_counter() - started < READ_SLICE:
                    member_id, telegram_id, until = pending.popleft()
                    new = await self._new_for(session, viewers[member_id], until, year)
                    if new:
                        found.append(Waiting(member_id, telegram_id, new))
        return found

    async def _new_for(
        self, session: AsyncSession, viewer: dict[str, Any], until: datetime | None, year: int
    ) -> int:
        """How many people new since ``until`` may suit the viewer (at most a day's cards),
        sampled from the pool."""
        new = await matching.pool(
            session,
            viewer,
            year,
            likers_only=False,
            limit=self._settings.daily_cards,
            skips_forgotten_before=self._matchmaking.skips_kept_since(),
            completed_after=until,
        )
        return len(new)

    async def _write(self, task: DueTask) -> None:
        day = task.due_at.astimezone(self._settings.tz).date()
        now = self._clock.now()
        woken = False
        async for asked, waiting in self._batches(now, day):
            for start in range(0, len(asked), WRITE):
                part = asked[start : start + WRITE]
                theirs = [w for w in waiting if part[0] <= w.member_id <= part[-1]]
                digests = [
                    notices.Notice(
                        to=member.telegram_id,
                        lines=[wording(member)],
                        key=f"{KIND}:{day.isoformat()}:{member.member_id}",
                        member_id=member.member_id,
                        expires_at=task.due_at + MAX_LATENESS,
                    )
                    for member in theirs
                ]
                await members_first(GIVE_WAY)
                async with self._db.begin() as session:
                    await notices.put_all(session, digests, self._clock.now())
                    # From now on only people newer than this count for those asked, and the
                    # planned people told of are not told of again.
                    await members.set_digest_until(session, part, now)
                    if start == 0:  # a statement per batch, not per write: it is old rows only
                        await digest.forget_announced(
                            session, (asked[0], asked[-1]), day - TOLD_KEPT
                        )
                    await digest.announce(
                        session, [(w.member_id, c) for w in theirs for c in w.planned], day
                    )
            if waiting and not woken:
                # Sending starts with the first batch and goes on through the rest by itself.
                # A wake per batch started a sending pass per batch: dozens at once, each
                # claiming the same due notices, queued members' queries seconds behind them.
                self._work.wake()
                woken = True
            # Besides waiting for members' updates before each step, a short pause after each
            # batch leaves the sending of the notices (and other background work) its turn.
            # 30,000 members are 150 batches; 50 ms pauses made the digest 30 s on a loaded
            # machine, where members' updates also hold it up longer.
            await asyncio.sleep(PAUSE)
        self._work.wake()
        await self.arm()


def with_planned(
    readers: list[Reader],
    found: list[Waiting],
    planned: dict[int, list[tuple[int, datetime | None]]],
    room: dict[int, int],
) -> list[Waiting]:
    """Who of these members has anything waiting, in id order: the planned people not yet told
    of (``planned``: each with when they completed their profile), and the new people counted
    (``found``) less those of them among the planned, who are told of as planned. A count of
    new people is at most a day's cards and so is a sample when more are new; the planned new
    ones are taken off it all the same. Nobody is told of more people than /match may still
    show her today (``room``): the planned people beyond it are told of on a later evening,
    if the plan still has them for her."""
    counted = {waiting.member_id: waiting.new for waiting in found}
    result: list[Waiting] = []
    for member_id, telegram_id, until in readers:
        mine = planned.get(member_id, [])
        also_new = sum(
            1
            for _, completed in mine
            if until is None or (completed is not None and completed > until)
        )
        told = mine[: room[member_id]]
        new = min(max(0, counted.get(member_id, 0) - also_new), room[member_id] - len(told))
        if told or new:
            result.append(Waiting(member_id, telegram_id, new, tuple(c for c, _ in told)))
    return result
