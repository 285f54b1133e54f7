"""What members who deleted their account had done, counted without them (the union's monthly
figures must not change backwards)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
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
