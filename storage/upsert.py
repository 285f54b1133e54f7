"""INSERT ... ON CONFLICT DO UPDATE for the two supported backends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    statement = insert(model)
    updated = [column for column in rows[0] if column not in key_columns]
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={column: statement.excluded[column] for column in updated},
    )
    await session.execute(statement, list(rows))
