"""The day's market plan: whom each member is shown first today (bot.domain.market)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class PlannedCard(Base):
    """One planned card: ``viewer`` is shown ``candidate`` at ``position`` of ``day``'s plan.
    Pairs are planned both ways, so each pair has two rows. Only the latest day is kept."""

    __tablename__ = "planned_cards"
    # A member's deletion cascades here through the candidate too.
    __table_args__ = (Index("ix_planned_cards_candidate", "candidate_id"),)

    viewer_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
