"""One engine factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver

SQLITE_BUSY_TIMEOUT_MS = 10_000


def create_engine(database_url: str, **options: Any) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # SQLite allows one writer at a time. A single pooled connection makes sessions queue in
        # asyncio instead of failing with "database is locked"; WAL keeps readers of other
        # processes (the CLI, backups) unblocked. Sessions must therefore stay short and never
        # span a Telegram call.
        options.setdefault("pool_size", 1)
        options.setdefault("max_overflow", 0)
        options.setdefault("pool_timeout", 60)
        if url.get_driver_name() == "aiosqlite":
            # One trip to SQLite's thread per statement (storage/sqlite_driver.py).
            options.setdefault("module", sqlite_driver.dbapi())
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 10)
    # Up to 256 updates run at once (max_concurrent_updates) over these 20 connections: in a
    # crowd on a loaded machine an update waited more than the default 30 s for one and the
    # member got an error (500 signing up at once, load average 16 on 2 cores). As on SQLite,
    # it waits for its turn instead.
    options.setdefault("pool_timeout", 60)
    options.setdefault("pool_pre_ping", True)
    # Statements are prepared once per connection; after five runs PostgreSQL may switch to a
    # generic plan made without the values. The candidate pool's best plan depends on them
    # (a viewer's ages and districts): its generic plan sorted a whole gender, 0.7-1 s at
    # 1,000,000 profiles, where the plan for the values reads a few hundred rows in 20-50 ms.
    connect_args = dict(options.get("connect_args", {}))
    connect_args["server_settings"] = {
        "plan_cache_mode": "force_custom_plan",
        **connect_args.get("server_settings", {}),
    }
    options["connect_args"] = connect_args
    return create_async_engine(url, **options)


def create_reports_engine(database_url: str) -> AsyncEngine | None:
    """An engine of its own for long read-only reports on a SQLite file, or None where the
    main engine serves them as well. SQLite's one pooled connection would otherwise make every
    member's query wait for a report over 100,000 members; WAL lets this connection read a
    consistent snapshot while the other one writes. PostgreSQL's pool already has many
    connections; an in-memory SQLite database cannot be opened twice."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return create_engine(database_url)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
