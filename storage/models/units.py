"""Unions (the tree of organisation units), who organises or matchmakes in each, and the audit trail
of what organisers did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.units import Role, UnitKind
from storage.models.base import Base, stored_enum


class OrgUnit(Base):
    """A union: city federation → district or industry union → workplace union."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[UnitKind] = mapped_column(stored_enum(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # When set, suggestions scoring at least this for members of the unit (and units below
    # it) wait for a matchmaker's approval before the member sees them.
    review_threshold: Mapped[float | None]
    # How members reach the union (a phone line, an office), shown wherever 会会 says "ask your
    # union"; a unit without one uses its parent's, and at the top the union hotline 12351.
    contact: Mapped[str | None] = mapped_column(String(200))
    # New photos of members of the unit (and of units below) wait for an organiser's approval.
    review_photos: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Who liked a member, in the member's Mini App: "cards" or "count"; None: as the unit above.
    likes_visible: Mapped[str | None] = mapped_column(String(8))


class UnitRole(Base):
    """An organiser or matchmaker of a unit; their scope is the unit's subtree."""

    __tablename__ = "unit_roles"
    __table_args__ = (UniqueConstraint("telegram_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(stored_enum(Role))


class AuditEntry(Base):
    """One organiser action: who, what, when, in which unit."""

    __tablename__ = "audit_log"
    # A reported member's earlier decisions are read by their union and the decision's action.
    __table_args__ = (
        Index("ix_audit_log_unit_action", "unit_id", "action"),
        # The desk's audit log of a period in the organiser's unions (migration 0026).
        Index("ix_audit_log_unit_created", "unit_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the actor deleted their data.
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(index=True)
