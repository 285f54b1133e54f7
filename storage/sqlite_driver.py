"""SQLAlchemy's aiosqlite adapter with fewer trips to SQLite's thread.

aiosqlite runs every call on a thread of its own, and each call is a round trip: the event loop
queues it, the thread runs it, and the loop is woken to take the result. SQLAlchemy's adapter
makes four of them per statement (open a cursor, execute, fetch the rows, close the cursor) and
one per commit or rollback even when SQLite has no transaction open: a session that only read
ends with a rollback, and the pool rolls back again a connection that a session committed. In
the sign-up of a crowd that was about fifteen round trips per update for under three statements,
and the round trips, not SQLite, were most of the bot's CPU.

Here a statement is one round trip (the thread opens the cursor, executes, fetches every row and
closes the cursor), and commit and rollback go to the thread only while SQLite has a transaction
open. Both are what sqlite3 itself does: its ``commit()`` and ``rollback()`` do nothing without a
transaction (``in_transaction`` reads SQLite's own autocommit flag), and a statement's rows were
all fetched at once before as well. Server-side cursors (``stream``) keep SQLAlchemy's own.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

_Result = tuple[Any, list[Any], int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Result:
    """On SQLite's thread: the whole statement, its rows and its counts."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """A DB-API cursor whose statement, with all its rows, takes one trip to SQLite's thread."""

    server_side = False
    __slots__ = (
        "_adapt_connection",
        "_rows",
        "arraysize",
        "description",
        "lastrowid",
        "rowcount",
    )

    def __init__(self, adapt_connection: OneTripConnection) -> None:
        self._adapt_connection = adapt_connection
        self._rows: collections.deque[Any] = collections.deque()
        self.arraysize = 1
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    def _execute(self, operation: str, parameters: Any, many: bool) -> None:
        adapt = self._adapt_connection
        try:
            connection = adapt._connection
            trip = connection._execute(_run, connection._conn, operation, parameters, many)
            result = await_(trip)
        except Exception as error:
            adapt._handle_exception(error)
        self.description, rows, self.rowcount, self.lastrowid = result
        self._rows = collections.deque(rows)

    def execute(self, operation: str, parameters: Any = None) -> None:
        self._execute(operation, parameters, False)

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> None:
        self._execute(operation, seq_of_parameters, True)

    async def _async_soft_close(self) -> None:
        """Nothing is open on SQLite's side once a statement has run."""

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        return None

    def __enter__(self) -> OneTripCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        size = self.arraysize if size is None else size
        rows = self._rows
        return [rows.popleft() for _ in range(min(size, len(rows)))]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    _cursor_cls = OneTripCursor  # type: ignore[assignment]

    def _in_transaction(self) -> bool:
        connection = self._connection
        return bool(connection._connection) and connection.in_transaction

    def commit(self) -> None:
        if self._in_transaction():
            super().commit()

    def rollback(self) -> None:
        if self._in_transaction():
            super().rollback()


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = aiosqlite.connect(*arg, **kw)
        worker = connection._thread
        worker.daemon = True  # as SQLAlchemy does: a forgotten connection never blocks exit
        try:
            return OneTripConnection(self, cast(Any, await_(connection)))
        except BaseException:
            # A file that cannot be opened: aiosqlite stops its thread, which then hands its
            # answer to the event loop. Wait for it here, or a command that ends on this error
            # may close the loop first and the thread prints "Event loop is closed" to stderr
            # (omnilib/aiosqlite#241). The thread has nothing left to do but that answer.
            worker.join(timeout=5)
            raise


def dbapi() -> OneTripDbapi:
    """The module to give ``create_async_engine(module=...)`` for ``sqlite+aiosqlite`` URLs."""
    return OneTripDbapi(aiosqlite, sqlite3)
