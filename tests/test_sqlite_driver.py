"""SQLite through storage/sqlite_driver.py: one trip to SQLite's thread per statement, none to
end a session that wrote nothing, and otherwise what sqlite3 and SQLAlchemy's own adapter do:
rows, counts of changed rows (a scheduled task is claimed by exactly one runner by them),
errors, rollbacks and streamed results."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from storage.engine import create_engine, create_sessionmaker


@pytest.fixture
async def db(tmp_path: Path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE tasks (id INTEGER PRIMARY KEY, name TEXT UNIQUE, status TEXT)")
        )
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Calls run on aiosqlite's thread, by name."""
    counted: Counter[str] = Counter()
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        counted[getattr(fn, "__name__", "?")] += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return counted


async def test_a_task_is_claimed_once_by_the_count_of_changed_rows(db) -> None:
    async with db.begin() as session:
        await session.execute(
            text("INSERT INTO tasks (name, status) VALUES ('提醒', 'pending'), ('通知', 'pending')")
        )
    claim = text("UPDATE tasks SET status = 'running' WHERE name = '提醒' AND status = 'pending'")
    async with db.begin() as session:
        assert (await session.execute(claim)).rowcount == 1
    async with db.begin() as session:
        assert (await session.execute(claim)).rowcount == 0
    async with db() as session:
        rows = (await session.execute(text("SELECT name, status FROM tasks ORDER BY id"))).all()
    assert [tuple(row) for row in rows] == [("提醒", "running"), ("通知", "pending")]


async def test_a_refused_write_raises_and_its_transaction_leaves_nothing(db) -> None:
    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            await session.execute(text("INSERT INTO tasks (name) VALUES ('一')"))
            await session.execute(text("INSERT INTO tasks (name) VALUES ('一')"))
    async with db.begin() as session:
        added = text("INSERT INTO tasks (name) VALUES ('二') RETURNING id")
        inserted = await session.execute(added)
        assert inserted.scalar_one() >= 1
        await session.rollback()
    async with db() as session:
        assert (await session.execute(text("SELECT count(*) FROM tasks"))).scalar_one() == 0


async def test_streamed_rows_arrive_in_full(db) -> None:
    async with db.begin() as session:
        for number in range(250):
            await session.execute(text(f"INSERT INTO tasks (name) VALUES ('{number}')"))
    async with db() as session:
        streamed = await session.stream(text("SELECT name FROM tasks ORDER BY id"))
        names = [row[0] async for row in streamed]
    assert names == [str(number) for number in range(250)]


async def test_a_statement_is_one_trip_and_a_read_ends_without_one(db, trips) -> None:
    async with db() as session:
        await session.execute(text("SELECT count(*) FROM tasks"))
        await session.execute(text("SELECT name FROM tasks"))
    assert sum(trips.values()) == 2
    trips.clear()
    async with db.begin() as session:
        await session.execute(text("INSERT INTO tasks (name) VALUES ('三')"))
    # The statement and the commit; the pool's reset on return finds nothing to roll back.
    assert sum(trips.values()) == 2
    assert trips["commit"] == 1


async def test_a_file_that_cannot_be_opened_leaves_no_thread_to_speak_after_the_loop(
    tmp_path: Path,
) -> None:
    """`huihui db upgrade` on a folder that does not exist printed, about one run in forty, a
    thread's "Event loop is closed" traceback under its one-line answer: aiosqlite's thread was
    still handing back its stop when the command's loop closed. It has finished by the time the
    error reaches the caller."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'no such folder' / 'huihui.db'}")
    others = set(threading.enumerate())  # other tests' connections may still be open
    try:
        for _attempt in range(5):
            with pytest.raises(OperationalError, match="unable to open database file"):
                async with engine.connect():
                    pass
            assert set(threading.enumerate()) - others == set()
    finally:
        await engine.dispose()
