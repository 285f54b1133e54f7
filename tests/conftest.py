"""Shared fixtures. Storage tests run on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.sandbox import Sandbox

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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """A fresh, empty database of each supported kind."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/huihui.db"
        return
    problem = await _postgres_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(problem + " (required in CI)")
        pytest.skip(problem)
    name = f"huihui_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def sandbox(database_url: str) -> AsyncIterator[Sandbox]:
    async with Sandbox(database_url=database_url) as sb:
        yield sb
