"""What outlives a deleted account: what members who deleted theirs had done, counted without
them (the union's monthly figures must not change backwards), and what keeps others safe from
someone who deletes his account to sign up again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class DepartedCount(Base):
    """``count`` occurrences of ``figure`` in ``month`` (local, "2026-11") for a unit, by members
    since deleted; ``seconds`` adds up waits (the inbox's first answers). Rows are only added,
    never updated, so two deletions at once cannot clash; readers add them up."""

    __tablename__ = "departed_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    figure: Mapped[str] = mapped_column(String(32))
    count: Mapped[int]
    seconds: Mapped[float] = mapped_column(default=0.0, server_default="0")


class SafetyRecord(Base):
    """A deleted account's blocks, reports and suspension, kept on its roster entry (the
    union's record, which stays) and put back when the entry is bound to an account again: a
    member who was reported, blocked or suspended cannot clear it with /delete_me and a new
    sign-up (storage.safety). It names no one: the other side is a roster entry."""

    __tablename__ = "safety_records"

    roster_entry_id: Mapped[int] = mapped_column(
        ForeignKey("roster_entries.id", ondelete="CASCADE"), primary_key=True
    )
    suspended: Mapped[bool]
    # [the other side's roster entry id, True when this entry's member was the blocker]
    blocks: Mapped[list[Any]] = mapped_column(JSON)
    # Reports about this entry's member: reporter's roster entry id, reason, status, created
    # (ISO), weight and the reporter's own words.
    reports: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    kept_at: Mapped[datetime]
