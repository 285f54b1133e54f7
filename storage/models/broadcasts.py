"""Broadcasts and their deliveries, one row per recipient."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.broadcasts import BroadcastStatus, DeliveryStatus
from storage.models.base import Base, stored_enum


class Broadcast(Base):
    """A message an organiser sends to an audience of members, now or at a chosen time."""

    __tablename__ = "broadcasts"
    __table_args__ = (
        # One broadcast per composed form of an organiser's: the same form posted again (a
        # second press, a request repeated) finds it, even when both arrive at once.
        Index("ix_broadcasts_form", "author_telegram_id", "form_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the author deleted their data.
    author_telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # The union whose subtree the audience is drawn from; scope checks use it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Telegram formatting of ``text`` (MessageEntity dicts), kept as the organiser wrote it.
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    # The filter (bot.domain.audience.Audience as JSON).
    audience: Mapped[dict[str, Any]]
    # An action button under the message, e.g. {"event_signup": 7}.
    button: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[BroadcastStatus] = mapped_column(stored_enum(BroadcastStatus))
    send_at: Mapped[datetime]
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    total: Mapped[int] = mapped_column(default=0)
    # The desk composer's key of the form this broadcast was sent from (None: the chat's
    # /broadcast, an event's announcement).
    form_key: Mapped[str | None] = mapped_column(String(64))
    # The organiser's progress message, edited while sending.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None]


class BroadcastDelivery(Base):
    """One member's copy of a broadcast. Claimed (pending → sending) before it is sent."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "member_id"),
        Index("ix_broadcast_deliveries_queue", "broadcast_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    # The member's chosen language when the audience was drawn (for button labels).
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[DeliveryStatus] = mapped_column(stored_enum(DeliveryStatus))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
