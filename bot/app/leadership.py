"""Who serves: one process per bot token and database, whatever else is started beside it.

Telegram lets one process poll a token, and python-telegram-bot keeps dialogs in memory, so a
second process can only wait to take over (active/standby):

* **PostgreSQL**: the leader holds a session-level advisory lock on a connection of its own
  (not the pool: a pooled connection is handed back and reset). A standby tries for the lock
  every second and serves nothing meanwhile. When the leader dies its session ends and the
  lock is free: the standby starts. A leader that loses its lock connection must stop before
  anyone else can take the lock: the connection reports its end at once (a server restart, a
  terminated session), and a ping every ``CHECK_EVERY`` seconds finds a silent network within
  ``CHECK_EVERY + CHECK_TIMEOUT``. The server only frees the lock of a silent client after its
  TCP keepalive gives up (``KEEPALIVE``, set on this session: ``IDLE + INTERVAL * COUNT`` = 11 s),
  which is later — so two leaders never serve at once.
* **SQLite** has one writer and no standby: a second process on the same file is refused at
  start (an exclusive ``flock`` on ``<database>.lock``, released by the kernel however the
  holder ends).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy.engine import make_url

_LOGGER = logging.getLogger("huihui.leadership")

# The advisory lock's key: any fixed 64-bit number no other program on the database uses
# ("huihui" in ASCII).
LOCK_KEY = 0x687569687569
TRY_EVERY = 1.0  # seconds between a standby's tries for the lock
CHECK_EVERY = 2.0  # seconds between the leader's pings of its lock connection
CHECK_TIMEOUT = 3.0  # a ping unanswered this long means the connection is lost
CONNECT_TIMEOUT = 5.0
# How soon the server gives up on a silent leader's session (and frees the lock): later than
# the leader's own CHECK_EVERY + CHECK_TIMEOUT.
KEEPALIVE = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
}
# How the lock's session shows in pg_stat_activity.
APPLICATION_NAME = "huihui-leader"


# The exit status of a leader that lost its lock: "try again later" (sysexits' EX_TEMPFAIL); a
# supervisor that restarts it gets a standby.
EXIT_LOST = 75


class AlreadyServing(Exception):
    """Another process serves this SQLite file (one line for the operator)."""


def _nothing() -> None:
    return None


def _ignore(_problem: str) -> None:
    return None


class Leadership(Protocol):
    # Whether a second process waits as standby (True) or is refused at once (False).
    standby: bool

    async def acquire(
        self, on_wait: Callable[[], None] = _nothing, on_problem: Callable[[str], None] = _ignore
    ) -> None:
        """Return once this process is the one to serve; ``on_wait`` is called if it must
        wait for another process first (it is then the standby), ``on_problem`` with what
        keeps it from finding out (the database cannot be reached)."""

    async def lost(self) -> str:
        """Return, with the reason, when this process may no longer serve (never for SQLite)."""

    async def release(self) -> None:
        """Give up leadership at a clean stop, so a standby takes over at once."""


def for_database(database_url: str) -> Leadership:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database
        if not database or database == ":memory:":
            return Alone()
        return FileLock(Path(database))
    return AdvisoryLock(url.set(drivername="postgresql").render_as_string(hide_password=False))


class Alone:
    """An in-memory database: nobody else can reach it."""

    standby = False

    async def acquire(
        self, on_wait: Callable[[], None] = _nothing, on_problem: Callable[[str], None] = _ignore
    ) -> None:
        return None

    async def lost(self) -> str:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def release(self) -> None:
        return None


class FileLock:
    """The only process serving a SQLite file, for as long as it lives."""

    standby = False

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[bytes] | None = None

    async def acquire(
        self, on_wait: Callable[[], None] = _nothing, on_problem: Callable[[str], None] = _ignore
    ) -> None:
        if self._file is None:
            self.hold()

    def hold(self) -> None:
        """Take the lock now or raise ``AlreadyServing`` (also used by ``huihui restore``)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)  # a new database's folder
        file = self.path.open("a+b")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            raise AlreadyServing(
                f"another huihui process is serving {self.path.with_suffix('')} (it holds "
                f"{self.path}); stop it first — a standby needs PostgreSQL"
            ) from None
        file.truncate(0)
        file.write(f"{os.getpid()}\n".encode())
        file.flush()
        self._file = file

    async def lost(self) -> str:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def release(self) -> None:
        self.let_go()

    def let_go(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None


class AdvisoryLock:
    """Leadership through a PostgreSQL session-level advisory lock on a dedicated connection."""

    standby = True

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._connection: Any = None
        self._gone = asyncio.Event()
        self._reason = ""

    async def acquire(
        self, on_wait: Callable[[], None] = _nothing, on_problem: Callable[[str], None] = _ignore
    ) -> None:
        waiting = False
        problem = None  # said once while it lasts, not every second
        while True:
            try:
                if await self.take_now():
                    _LOGGER.info("this process is the leader: it serves")
                    return
                if not waiting:
                    _LOGGER.info("another process is the leader: waiting as standby")
                if not waiting or problem is not None:  # a standby again, no longer held up
                    on_wait()
                    waiting = True
                problem = None
            except Exception as error:  # noqa: BLE001 - refused, lost, timed out: try again
                if _refused(error):
                    raise DatabaseRefused(str(error)) from error
                if _name(error) != problem:
                    problem = _name(error)
                    _LOGGER.warning("PostgreSQL cannot be reached (%s); trying again", problem)
                    on_problem(f"PostgreSQL cannot be reached ({problem})")
                await self._drop()
            await asyncio.sleep(TRY_EVERY)

    async def take_now(self) -> bool:
        """One try for the lock (``huihui restore`` takes it too: nothing may serve while the
        database is replaced)."""
        if self._connection is None or self._connection.is_closed():
            self._connection = await self._connect()
        taken = await self._connection.fetchval(
            "SELECT pg_try_advisory_lock($1)", LOCK_KEY, timeout=CHECK_TIMEOUT
        )
        if taken:
            self._gone.clear()
            self._connection.add_termination_listener(self._terminated)
        return bool(taken)

    async def lost(self) -> str:
        """Watch the lock connection: its end, or a ping it does not answer in time."""
        watch = asyncio.ensure_future(self._gone.wait())
        try:
            while not self._gone.is_set():
                done, _ = await asyncio.wait({watch}, timeout=CHECK_EVERY)
                if done:
                    break
                try:
                    await self._connection.fetchval("SELECT 1", timeout=CHECK_TIMEOUT)
                except Exception as error:  # noqa: BLE001 - any failure means the lock may be gone
                    self._reason = f"its lock connection failed ({_name(error)})"
                    self._gone.set()
        finally:
            watch.cancel()
        return self._reason or "its lock connection ended"

    async def release(self) -> None:
        if self._connection is not None and not self._connection.is_closed():
            self._connection.remove_termination_listener(self._terminated)
        await self._drop()

    async def _connect(self) -> Any:
        import asyncpg  # type: ignore[import-untyped]

        return await asyncpg.connect(
            self._dsn,
            timeout=CONNECT_TIMEOUT,
            server_settings={"application_name": APPLICATION_NAME, **KEEPALIVE},
        )

    def _terminated(self, _connection: Any) -> None:
        self._reason = "its lock connection was closed by the server"
        self._gone.set()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), CHECK_TIMEOUT)
            if not connection.is_closed():
                connection.terminate()


def exit_when_lost(leadership: Leadership) -> asyncio.Task[None]:
    """Watch leadership while serving. Once lost, another process may take the lock at any
    moment, so this one ends at once — no graceful stop, which would go on sending for
    seconds: what was in flight is what a crash leaves, and the new leader resends it."""

    async def watch() -> None:
        reason = await leadership.lost()
        _LOGGER.critical(
            "this process is no longer the leader: %s; exiting at once so that the standby "
            "takes over",
            reason,
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(EXIT_LOST)

    return asyncio.ensure_future(watch())


class DatabaseRefused(Exception):
    """PostgreSQL answered that the configured database, role or password does not exist or
    does not match: waiting does not mend it (the message is the server's, naming no secret)."""


def _refused(error: BaseException) -> bool:
    import asyncpg

    return isinstance(
        error,
        asyncpg.InvalidCatalogNameError
        | asyncpg.InvalidPasswordError
        | asyncpg.InvalidAuthorizationSpecificationError,
    )


def _name(error: BaseException) -> str:
    """An error's kind, never its text (a connection error may carry the DSN)."""
    return type(error).__name__
