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
