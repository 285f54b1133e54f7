"""The daily market plan in the bot: once a day, who is shown to whom first across the union
(bot.domain.market), stored as planned cards that /match serves before its ordinary order.

The planner reads the union a page at a time (each page a short step of the event loop), does
the scoring and the matching in the worker process (bot.common.workers: pure-Python work in a
thread would hold the interpreter and every member's update would wait for it), and writes the
cards in bulk, in short transactions. A member who has used up today's plan (decided on every
planned card, or whose planned people are no longer suggestible) gets the engine's ordinary
order.

Where it is served: /match (bot.services.matching.suggestions) and the Mini App's browse
(bot.services.matching.browse) read the member's latest plan (storage.plan.planned_today) and
show its people after those who liked the member and before the ordinary order, each still
checked as any card is (the pool's rules, the engine's hard constraints, a matchmaker's
review). The daily digest (bot.services.matching.digest) tells a member of her planned people
/match would serve her (storage.plan.open_cards_of, the rule of ``open_planned``), each once:
the plan keeps people she has not looked at for the next day, and the evening does not repeat
their number (storage.models.DigestAnnounced). A matchmaker's /propose offers the plan's pairs
within their scope first (storage.plan.planned_pairs), each member once, then a sample of the
scope paired by the plan's own greedy matching (bot.domain.market).
``MarketPlans.planned_for`` is the member's open planned people as one read, for tools and
tests.

Scale (benchmarks/market_plan.py): the scoring runs over numpy arrays (bot.domain.pair_arrays),
the union is held in the worker as columns, pages are read while the worker takes in the last.
"""

from __future__ import annotations

import asyncio
import json
import uuid
import zlib
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.members_first import members_first
from bot.common.workers import give_back_memory, in_worker
from bot.domain import market
from bot.domain.clock import Clock
from bot.domain.match_profile import to_profile
from bot.domain.matching import History
from bot.domain.pair_arrays import Columns
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import plan as stored

KIND = "market_plan"
PLAN_HOUR = 4  # local time: ready long before anyone's morning /match or digest
MAX_LATENESS = timedelta(hours=18)  # a plan missed while the bot was down is still made today
PAGE = 1_000  # rows read per statement: each page a short step of the event loop
# Cards written per transaction (a bulk write: COPY or executemany), and viewers' old cards
# dropped per transaction: each a few tens of milliseconds, so /match's writes barely wait. On
# SQLite each holds the one pooled connection, which /match's every session waits its turn for:
# at 100,000 members /match's p95 while the cards were written was 46 ms with 1,000 (11.6 s for
# 455,760 cards, sorted), 60 ms with 2,000 (9.1 s), 95 ms with 2,000 unsorted (19.2 s).
WRITE_BATCH = 1_000
# The plan is background work and gives way to members: before each read or write it waits
# until no member's update is being handled (bot.common.members_first), at most this long
# (seconds), so a member's /match waits for the one step already running, not for one at each
# of its own sessions.
GIVE_WAY = 0.1
HANDED_BACK = 100_000  # cards the worker hands back at a time (2.4 MB)
# Candidates drawn for each member (each is also drawn by others): the plan chooses up to five
# pairs of about twice this many. In the simulation 12 left too little to choose from (3 then
# 5 planned cards made 126.0 matches per 100 against the old order's 127.2, 10 unions); 24
# made 135.2 against 127.5 (15 unions), 36 more still (143.7 against 128.1, 5 unions), but at
# 1,000,000 members 24 already takes the worker about 3 minutes and 3.3 GB (12: 2, 1.8 GB).
SAMPLE = 24
# Planned cards per member a day: 3 agreed pairs first, then up to 5 (on the speed-dating
# market, benchmarks/market.py, one look: 33.6 mutual matches per 100 at top 3 and 50.8 at top
# 5, where 2 each made 25.2 and 41.2). Who liked a member comes first, and a planned person who
# has already skipped the member is left out (storage.plan): a pair is planned both ways, and
# the second member's card was spent in vain whenever the first had said no (44% of planned
# cards), which is why planning more cards once made fewer matches (3 then 5: 68.2 against
# 111.4). In the simulation (benchmarks/market_simulation.py, 1,000 members over 10 days, 15
# unions) these stages now make 135.2 matches per 100 against the old order's 127.5 (exposure
# Gini 0.28 against 0.40, nobody unseen); at 10,000 members over 30 days 458.1 against 430.8
# (Gini 0.275 against 0.414; two planned cards each: 448.5).
STAGES = (3, 5)
SHOWN_WINDOW = timedelta(days=7)  # "rarely seen": shown to few people this long

Counts = np.ndarray[Any, np.dtype[np.int64]]  # rows (member, likes, total), as storage.plan


class MarketPlans:
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
        return {KIND: TaskKind(self._run, max_lateness=MAX_LATENESS)}

    def today(self) -> date:
        return self._clock.now().astimezone(self._settings.tz).date()

    def next_run(self) -> datetime:
        local_now = self._clock.now().astimezone(self._settings.tz)
        due = datetime.combine(local_now.date(), time(PLAN_HOUR), tzinfo=self._settings.tz)
        return due if due > local_now else due + timedelta(days=1)

    async def arm(self) -> None:
        """Plan the next daily plan (at start, and after each)."""
        due = self.next_run()
        await self._work.schedule(KIND, due, key=f"{KIND}:{due.date().isoformat()}")

    async def _run(self, task: DueTask) -> None:
        # Tomorrow's first: a plan that fails on every attempt (the worker died) must not
        # leave the union without plans until the bot is started again.
        await self.arm()
        await self.make()

    async def make(self, day: date | None = None) -> int:
        """Make ``day``'s plan (default today) and replace any other; returns how many cards
        were planned. The profiles go to the worker a page at a time, so the bot never holds
        the whole union, nor hands it over in one piece (pickling holds the interpreter)."""
        day = day or self.today()
        now = self._clock.now()
        year = now.astimezone(self._settings.tz).year
        token = uuid.uuid4().hex
        staged, after = 0, 0
        staging: asyncio.Future[int] | None = None
        while True:  # the next page is read while the worker takes in the last one
            await members_first(GIVE_WAY)
            async with self._db() as session:
                page = await stored.profiles_after(session, after, PAGE)
            if staging is not None:
                staged = await staging
            if not page:
                break
            staging = asyncio.ensure_future(in_worker(stage, token, page, year))
            after = page[-1][0]
        if not staged:  # nobody has a whole profile yet: no plan, and none of another day kept
            await self._write(day, token, 0)
            return 0
        settled = await self._read_settled()
        given = await self._read_counts("given")
        received = await self._read_counts("received")
        shown = await self._read_counts("shown", since=now - SHOWN_WINDOW)
        seed = zlib.crc32(day.isoformat().encode())  # a fresh draw of candidates each day
        cards = await in_worker(daily_cards, token, staged, settled, given, received, shown, seed)
        await self._write(day, token, cards)
        return cards

    async def planned_for(self, member_id: int, limit: int | None = None) -> list[int]:
        """Whom ``member_id`` is planned to see today, in the plan's order, leaving out those
        no longer worth a card (decided on, blocked either way, matched, no longer
        suggestible); at most ``limit``. Empty when the plan is used up or not made.

        What /match and the Mini App's browse serve after likers and before the ordinary
        order (they read the plan through storage.plan.planned_today and the pool). One
        indexed read of at most a few rows (each member has ``STAGES[-1]`` planned cards
        a day)."""
        async with self._db() as session:
            return await stored.open_planned(session, member_id, self.today(), limit)

    async def _read_counts(self, kind: str, since: datetime | None = None) -> Counts:
        pages: list[Counts] = [np.zeros((0, 3), np.int64)]
        after = 0
        while True:
            await members_first(GIVE_WAY)
            async with self._db() as session:
                page = await stored.counts_after(session, kind, after, PAGE, since)
            if not page:
                return np.concatenate(pages)
            pages.append(np.array(page, np.int64))
            after = page[-1][0]

    async def _read_settled(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Pairs never to plan, as market.pair_keys."""
        keys: list[np.ndarray[Any, np.dtype[np.int64]]] = []
        for table in ("decisions", "blocks", "matches"):
            after = (0, 0)
            while True:
                await members_first(GIVE_WAY)
                async with self._db() as session:
                    page = await stored.settled_after(session, table, after, PAGE)
                if not page:
                    break
                keys.append(market.pair_keys(np.array(page, np.int64)))
                after = page[-1]
        return np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)

    async def _write(self, day: date, token: str, count: int) -> None:
        """Today's ``count`` cards, which the worker holds for ``token``, in short transactions
        (a run again after a stop starts afresh), then every other day's dropped, a range of
        viewers at a time. The worker hands them back a slice at a time: all at once, they were
        twice 110 MB in the bot at a million members (the array and its pickle)."""
        async with self._db.begin() as session:
            await stored.drop_cards(session, day=day)
        low, high = None, None
        for start in range(0, count, HANDED_BACK):
            cards = await in_worker(planned_cards, token, start, HANDED_BACK)
            for first in range(0, len(cards), WRITE_BATCH):
                batch = [column.tolist() for column in cards[first : first + WRITE_BATCH].T]
                await members_first(GIVE_WAY)
                async with self._db.begin() as session:
                    await stored.add_cards(session, day, *batch)
            low = int(cards[0, 0]) if low is None else low  # the cards come in viewers' order
            high = int(cards[-1, 0])
        if low is not None and high is not None:
            for first in range(low, high + 1, WRITE_BATCH):
                await members_first(GIVE_WAY)
                async with self._db.begin() as session:
                    viewers = (first, first + WRITE_BATCH - 1)
                    await stored.drop_cards(session, keep=day, viewers=viewers)
        async with self._db.begin() as session:  # members no longer in any plan
            await stored.drop_cards(session, keep=day)


# In the worker process: the profiles of a plan being made, handed over a page at a time and
# kept as columns (bot.domain.pair_arrays), not as a million Profile objects; then its cards,
# handed back a slice at a time.
_staged: dict[str, Columns] = {}
_planned: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = {}


def stage(token: str, rows: Sequence[Sequence[Any]], year: int) -> int:
    """Keep a page of profile rows (storage.plan.COLUMNS) for the plan ``token``; returns how
    many it has. A new plan drops what an unfinished one left."""
    for other in [t for t in _staged if t != token]:
        del _staged[other]
    columns = _staged.setdefault(token, Columns())
    profiles = []
    for values in rows:
        row = dict(zip(stored.COLUMNS, values, strict=True))
        row["features"] = json.loads(row["features"])
        profiles.append(to_profile(row["member_id"], row, year))
    columns.add(profiles)
    return columns.size


def daily_cards(
    token: str,
    staged: int,
    settled: np.ndarray[Any, np.dtype[np.int64]],
    given: Counts,
    received: Counts,
    shown: Counts,
    seed: int,
) -> int:
    """Plan the day from the staged profiles (in the worker): how many cards, rows (viewer,
    position, candidate) that ``planned_cards`` hands back."""
    columns = _staged.pop(token, None)
    if (
        columns is None or columns.size != staged
    ):  # the worker was started again part way: plan again later
        raise RuntimeError("the profiles handed to the worker were lost")
    history = None
    if len(given) or len(received):
        history = History.from_counts(_pairs_of(given), _pairs_of(received), {}, {})
    union = columns.done()
    del columns
    give_back_memory()  # what the pages were kept in: as much again as the union's columns
    union.set_rarity()
    graph = market.candidate_graph(
        union, history=history, sample=SAMPLE, seed=seed, excluded=settled
    )
    del union  # the pairs are all the rest needs: the union's columns are freed for it
    seen = dict(zip(shown[:, 0].tolist(), shown[:, 2].tolist(), strict=True))
    cards = market.cards(market.planned_arrays(*graph, STAGES, shown_lately=seen))
    # In the order of the table's key, so each batch is written into few of its pages (in
    # the pairs' order they went all over a table of millions, each batch holding SQLite's one
    # connection, and every member's /match with it, several times as long).
    _planned.clear()
    if len(cards):
        _planned[token] = cards[np.lexsort((cards[:, 1], cards[:, 0]))]
    return len(cards)


def planned_cards(token: str, start: int, size: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Rows (viewer, position, candidate) ``start`` to ``start + size`` of the cards
    ``daily_cards`` made for ``token``, in viewers' order; the last slice drops them."""
    cards = _planned.get(token)
    if cards is None:  # the worker was started again part way: plan again later
        raise RuntimeError("the planned cards were lost in the worker")
    if start + size >= len(cards):
        del _planned[token]
    return cards[start : start + size]


def _pairs_of(counts: Counts) -> dict[int, tuple[int, int]]:
    return {m: (y, n) for m, y, n in counts.tolist()}
