"""INSERT ... ON CONFLICT DO UPDATE for the two supported backends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    key_columns: Sequence[str],
) -> None:
    """Insert ``rows``; where a row with the same key exists, overwrite its other columns."""
    if not rows:
        return
    updated = [column for column in rows[0] if column not in key_columns]
    statement: Executable
    if session.get_bind().dialect.name == "postgresql":
        on_postgres = postgresql.insert(model)
        statement = on_postgres.on_conflict_do_update(
            index_elements=list(key_columns),
            set_={column: on_postgres.excluded[column] for column in updated},
        )
    else:
        on_sqlite = sqlite.insert(model)
        statement = on_sqlite.on_conflict_do_update(
            index_elements=list(key_columns),
            set_={column: on_sqlite.excluded[column] for column in updated},
        )
    await session.execute(statement, list(rows))
