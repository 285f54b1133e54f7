"""What the daily digest has told a member of: the planned people it announced."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class DigestAnnounced(Base):
    """``candidate`` was announced to ``member`` as planned for her by the digest of ``day``:
    a planned person is announced once (bot.services.matching.digest), however many days the
    plan keeps them for her. Rows older than the digest's ``TOLD_KEPT`` are dropped."""

    __tablename__ = "digest_announced"
    # A member's deletion cascades here through the candidate too.
    __table_args__ = (Index("ix_digest_announced_candidate", "candidate_id"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date]
