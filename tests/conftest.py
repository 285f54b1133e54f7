"""Shared fixtures. Storage tests run on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from sqlalchemy.engine import make_url

import bot.tools.sandbox
from bot.domain.clock import ManualClock
from bot.tools.sandbox import FakeBotAPI, Sandbox
from bot.tools.sandbox.blank import blank_sqlite
from storage import migrate
from storage.engine import create_engine

POSTGRES_URL = os.environ.get(
    "HUIHUI_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


_PROBED: dict[str, str | None] = {}


async def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can (checked once per run)."""
    if POSTGRES_URL not in _PROBED:
        try:
            connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=3)
            await connection.close()
            _PROBED[POSTGRES_URL] = None
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            shown = make_url(POSTGRES_URL).render_as_string()
            _PROBED[POSTGRES_URL] = f"PostgreSQL not reachable at {shown}: {error}"
    return _PROBED[POSTGRES_URL]


_TEMPLATE: dict[str, str] = {}


async def _migrated_template() -> str:
    """A PostgreSQL database migrated to the newest revision, made once per run: each test's
    database is a copy of it (CREATE DATABASE … TEMPLATE), much faster than migrating each."""
    if "name" not in _TEMPLATE:
        name = await create_database(prefix="huihui_template")
        engine = create_engine(database_url_of(name))
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()  # a template must have no connections while copied
        _TEMPLATE["name"] = name
    return _TEMPLATE["name"]


@pytest.fixture(scope="session", autouse=True)
def _drop_databases_at_the_end() -> Iterator[None]:
    yield
    leftover = [*_EMPTIED, *_TEMPLATE.values()]
    if leftover:

        async def drop() -> None:
            for name in leftover:
                await drop_database(name)

        asyncio.run(drop())


async def _fresh_database(request: pytest.FixtureRequest, tmp_path, *, migrated: bool):  # noqa: ANN001, ANN202
    if request.param == "sqlite":
        path = tmp_path / "huihui.db"
        yield await blank_sqlite(path) if migrated else f"sqlite+aiosqlite:///{path}"
        return
    problem = await _postgres_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(problem + " (required in CI)")
        pytest.skip(problem)
    if not migrated:
        name = await create_database("")
        try:
            yield database_url_of(name)
        finally:
            await drop_database(name)
        return
    name = _EMPTIED.pop() if _EMPTIED else await create_database(await _migrated_template())
    try:
        yield database_url_of(name)
    finally:
        if await _emptied(name):
            _EMPTIED.append(name)
        else:
            await drop_database(name)


# Migrated databases of finished tests, emptied for the next: emptying one takes a twentieth of
# the time PostgreSQL takes to create one (CREATE DATABASE copies and syncs every file).
_EMPTIED: list[str] = []


def database_url_of(name: str) -> str:
    """The URL of database ``name`` on the test server."""
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def create_database(template: str = "", prefix: str = "huihui_test") -> str:
    """A new database on the test server (a copy of ``template`` if given); returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _as_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    # A test's data need not outlive a crash of the server (tests that stop a server start
    # their own): without waiting for the disk a commit takes 0.2 ms here instead of 2.7.
    # Killed bot processes still lose nothing they committed; only the server's crash could.
    await _as_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return name


async def drop_database(name: str) -> None:
    await _as_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _as_admin(statement: str) -> None:
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def _emptied(name: str) -> bool:
    """Every row deleted and every sequence restarted, as new from the template; False when
    that cannot be done at once (a connection the test left open holds a lock)."""
    connection = await asyncpg.connect(_asyncpg_dsn(database_url_of(name)))
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
        sequences = await connection.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        )
        async with connection.transaction():
            # Deleted in any order: foreign keys are not checked while replicating.
            await connection.execute(
                "SET LOCAL lock_timeout = '2s'; SET LOCAL session_replication_role = replica;"
                + "".join(f'DELETE FROM "{row[0]}";' for row in tables)
                + "".join(f'ALTER SEQUENCE "{row[0]}" RESTART;' for row in sequences)
            )
        return True
    except asyncpg.PostgresError:
        return False
    finally:
        await connection.close()


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """A fresh database of each supported kind, already at the newest revision (a copy of one
    migrated once per run)."""
    async for url in _fresh_database(request, tmp_path, migrated=True):
        yield url


@pytest.fixture(params=DATABASES)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """A fresh, empty database of each supported kind, for tests of the migrations."""
    async for url in _fresh_database(request, tmp_path, migrated=False):
        yield url


@pytest.fixture
async def sandbox(database_url: str) -> AsyncIterator[Sandbox]:
    async with Sandbox(database_url=database_url) as sb:
        yield sb


# Where a sandbox's day starts unless a test says otherwise: ten in the morning in Shanghai,
# today. Started at the hour the suite happened to run, the day's work fell in another order
# (after 20:00 the digest was tomorrow's, past the next plan), and six digest tests failed
# every evening.
MORNING = time(10, 0)


@pytest.fixture(autouse=True)
def _sandboxes_start_in_the_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    today = datetime.now(UTC).astimezone(shanghai).date()
    morning = datetime.combine(today, MORNING, tzinfo=shanghai)
    monkeypatch.setattr(
        bot.tools.sandbox, "ManualClock", lambda start=None: ManualClock(start or morning)
    )


@pytest.fixture(autouse=True)
def _telegram_conformance() -> Iterator[None]:
    """Every test is a conformance test: the strict sandbox refused no call the bot made, and
    every button press was answered. A test that provokes refusals takes them with
    ``api.take_refusals()``."""
    FakeBotAPI.live.clear()
    yield
    problems = []
    for api in list(FakeBotAPI.live):
        problems += [f"{r.method}: {r.description}" for r in api.refusals]
        problems += [f"button press {q} never answered" for q in api.unanswered_queries()]
    FakeBotAPI.live.clear()
    assert not problems, "Telegram would have refused:\n" + "\n".join(problems)
