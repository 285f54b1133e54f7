"""Helpers for statements over many rows: how many an UPDATE or DELETE touched, and batches
of rows (or keys) for bulk writes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result

T = TypeVar("T")

# Rows (or keys) per statement in bulk work: well under SQLite's and asyncpg's limits on bound
# parameters, and each statement a short step of the event loop, so nobody's reply waits on it.
ROWS_PER_STATEMENT = 500


def affected(result: Result[Any]) -> int:
    # ``Session.execute`` is typed to return a ``Result``; for DML it is a ``CursorResult``.
    return cast(CursorResult[Any], result).rowcount


def batches(items: Sequence[T], size: int = ROWS_PER_STATEMENT) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
