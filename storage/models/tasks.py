"""Scheduled work (notices, reminders, announcements, digests), run once by the scheduler."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, stored_enum


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ScheduledTask(Base):
    """One piece of work due at a given instant (reminder, announcement, broadcast, digest...).

    A task runs at most once successfully: it is claimed (pending → running) in the database
    before it runs and marked done afterwards.
    """

    __tablename__ = "scheduled_tasks"
    __table_args__ = (Index("ix_scheduled_tasks_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    # Optional identity so that scheduling the same thing twice (e.g. "reminder:event:7:24h")
    # replaces rather than duplicates.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The member the work concerns, if any: their tasks go when they delete their data.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime]
    # After this instant the task is no longer worth running (e.g. a reminder once the event began).
    expires_at: Mapped[datetime | None]
    status: Mapped[TaskStatus] = mapped_column(stored_enum(TaskStatus), default=TaskStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
