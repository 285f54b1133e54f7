"""Where each member stands in each dialog, and their per-user scratch data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class ConversationState(Base):
    """State of a persistent ConversationHandler for one conversation key."""

    __tablename__ = "conversation_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The conversation key (a tuple of chat/user ids) as JSON text.
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[Any] = mapped_column(JSON)
    # When the member last moved in this conversation; long idle ones expire (None: written
    # before this was kept, counted from the next start).
    updated_at: Mapped[datetime | None] = mapped_column(index=True)


class UserData(Base):
    """PTB's per-user scratch data (drafts of multi-step flows)."""

    __tablename__ = "user_data"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[dict[str, Any]]
