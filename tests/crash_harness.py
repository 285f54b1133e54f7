"""Crash the bot at step k of a flow, for every k that matters, and check nobody is left untold
or told twice.

A step is an SQL statement, a commit or a call to Telegram. The crash stops that step from
happening and ends the work that was doing it (it is no ``Exception``, so nothing catches it, as
nothing catches a killed process); the bot is then stopped and started again on the same
database, the member tries again what they were doing, and time passes. The flow's own check
then looks at the end state and at what everyone was told.

One window cannot be closed, as Telegram has no idempotency key: a crash after Telegram accepted
a message and before that was recorded. Such a notice is left claimed (running) by the crash and
sent again after the restart (nobody is left untold), so its recipient may be told twice. The
check allows one repeat per notice the crash left running, and the figures count those runs.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from bot.tools.sandbox import Sandbox
from storage.engine import create_engine
from storage.models import ScheduledTask, TaskStatus
from tests.conftest import create_database, database_url_of, drop_database


class Crash(BaseException):
    """The process dies here."""


@dataclass
class Injector:
    """Counts the steps of a flow and crashes at one of them."""

    crash_at: int | None
    steps: list[str] = field(default_factory=list)
    crashed: str | None = None
    armed: bool = True
    # Notices the crash left claimed and unrecorded (each may have reached Telegram).
    left_running: int = 0

    def tick(self, kind: str) -> None:
        if self.crashed is not None or not self.armed:
            return  # after the crash the restart and the retry run undisturbed
        self.steps.append(kind)
        if len(self.steps) == self.crash_at:
            self.crashed = kind
            raise Crash(f"crash at step {self.crash_at} ({kind})")

    def attach(self, sb: Sandbox) -> None:
        engine = sb.engine.sync_engine
        event.listen(engine, "before_cursor_execute", lambda *_a, **_k: self.tick("sql"))
        event.listen(engine, "commit", lambda _conn: self.tick("commit"))
        sb.api.before_call = lambda method: self.tick(f"telegram {method}")


@dataclass(frozen=True)
class Flow:
    """A flow to crash: ``act`` is what the member does (and does again after a crash if they
    got no answer); ``check`` asserts the end state and who was told what."""

    name: str
    act: Callable[[Sandbox], Awaitable[None]]
    settle: Callable[[Sandbox], Awaitable[None]]
    # (sandbox, repeats allowed: notices a crash left claimed and not recorded as sent)
    check: Callable[[Sandbox, int], Awaitable[None]]


@dataclass
class Figures:
    points: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    ambiguous: int = 0


class Copies(Protocol):
    """Where each run's database comes from: a copy of the flow's starting point."""

    async def template(self) -> str:
        """A new, empty database to build the starting point in."""

    async def copy(self) -> str:
        """A fresh copy of the starting point."""

    async def drop(self, url: str) -> None: ...


class SqliteCopies:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._count = 0

    async def template(self) -> str:
        return f"sqlite+aiosqlite:///{self._folder / 'template.db'}"

    async def copy(self) -> str:
        self._count += 1
        copy = self._folder / f"run-{self._count}.db"
        shutil.copyfile(self._folder / "template.db", copy)
        return f"sqlite+aiosqlite:///{copy}"

    async def drop(self, url: str) -> None:
        Path(make_url(url).database or "").unlink(missing_ok=True)


class PostgresCopies:
    """CREATE DATABASE … TEMPLATE: a copy in a tenth of a second."""

    def __init__(self) -> None:
        self._template = ""

    async def template(self) -> str:
        self._template = await create_database(prefix="huihui_crash")
        return database_url_of(self._template)

    async def copy(self) -> str:
        return database_url_of(await create_database(self._template, prefix="huihui_crash"))

    async def drop(self, url: str) -> None:
        await drop_database(make_url(url).database or "")

    async def close(self) -> None:
        await drop_database(self._template)


def every_nth_step(n: int) -> Callable[[list[str]], list[int]]:
    """Steps 1, 1 + n, 1 + 2n, … of whatever kind."""
    return lambda steps: list(range(1, len(steps) + 1, n))


def every_effect_and_nth_statement(n: int) -> Callable[[list[str]], list[int]]:
    """Every commit and every call to Telegram, and every ``n``-th SQL statement between.

    This reaches every state a crash at any step can leave: what survives a crash is the
    commits and Telegram calls made before it, and a crash at an SQL statement leaves what a
    crash at the commit after it leaves (the transaction is rolled back either way). The
    statements sampled between keep the other way of dying, mid-transaction, tried too."""

    def chosen(steps: list[str]) -> list[int]:
        points, statements = [], 0
        for number, kind in enumerate(steps, start=1):
            if kind != "sql":
                points.append(number)
            elif statements % n == 0:
                points.append(number)
            statements += kind == "sql"
        return points

    return chosen


async def crash_everywhere(
    copies: Copies,
    start: datetime,
    flow: Flow,
    users: Callable[[Sandbox], Any],
    points: Callable[[list[str]], list[int]],
) -> Figures:
    """Run the flow once to count its steps, then once per chosen step (``points``) crashing
    there. ``copies`` give the flow's starting point; ``users`` recreates its members."""
    counted = Injector(crash_at=None)
    await _run(copies, start, flow, users, counted)
    figures = Figures()
    for crash_at in points(counted.steps):
        injector = Injector(crash_at=crash_at)
        try:
            await _run(copies, start, flow, users, injector)
        except AssertionError as failure:
            raise AssertionError(
                f"{flow.name}: crash at step {crash_at} ({injector.crashed}): {failure}"
            ) from failure
        figures.points += 1
        kind = (injector.crashed or "none").split()[0]
        figures.by_kind[kind] = figures.by_kind.get(kind, 0) + 1
        figures.ambiguous += injector.left_running > 0
    return figures


async def _run(
    copies: Copies,
    start: datetime,
    flow: Flow,
    users: Callable[[Sandbox], Any],
    injector: Injector,
) -> None:
    url = await copies.copy()
    sb = Sandbox(database_url=url, start=start)
    await sb.start()
    try:
        users(sb)
        injector.attach(sb)
        try:
            await flow.act(sb)
            await flow.settle(sb)
        except Crash:
            pass
        if injector.crashed is not None:
            await sb.stop()  # what survives is what was committed
            injector.left_running = await _running_notices(url)
            await sb.start()
            users(sb)
            await flow.act(sb)  # the member tries again
            await flow.settle(sb)
        injector.armed = False
        await flow.check(sb, injector.left_running)
    finally:
        await sb.stop()
        await copies.drop(url)


async def _running_notices(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return (
                await connection.scalar(
                    select(func.count()).where(
                        ScheduledTask.status == TaskStatus.RUNNING, ScheduledTask.kind == "notice"
                    )
                )
                or 0
            )
    finally:
        await engine.dispose()
