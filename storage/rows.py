"""How many rows an UPDATE or DELETE touched."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def affected(result: Result[Any]) -> int:
    # ``Session.execute`` is typed to return a ``Result``; for DML it is a ``CursorResult``.
    return cast(CursorResult[Any], result).rowcount
