"""The audit log of organiser actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


def record(
    session: AsyncSession,
    actor: int,
    action: str,
    unit_id: int | None,
    now: datetime,
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(
            actor_telegram_id=actor, action=action, unit_id=unit_id, detail=detail, created_at=now
        )
    )


async def latest(session: AsyncSession, limit: int) -> Sequence[AuditEntry]:
    return (
        await session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    ).all()


async def page(
    session: AsyncSession,
    units: frozenset[int] | None,
    size: int,
    *,
    before: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Sequence[AuditEntry]:
    """Entries newest first, from before ``before`` (an id), in these units (None: all, with
    those of no unit), of one action, from ``since`` and before ``until``."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(size)
    if units is not None:
        query = query.where(AuditEntry.unit_id.in_(units))
    if before is not None:
        query = query.where(AuditEntry.id < before)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at < until)
    return (await session.scalars(query)).all()
