"""Events, sign-ups and the mutual choice (互选) afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.events import EventStatus, RegistrationStatus
from storage.models.base import Base, stored_enum


class Event(Base):
    """A union event (相亲会, 联谊, an activity day, an online meeting) members sign up for."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The organising union: its subtree is who may be invited, and whose organisers manage it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # None: online.
    venue: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None]
    capacity_male: Mapped[int | None]
    capacity_female: Mapped[int | None]
    # Who may sign up (bot.domain.events.Conditions as JSON).
    conditions: Mapped[dict[str, Any]]
    signup_deadline: Mapped[datetime]
    announce_at: Mapped[datetime]
    status: Mapped[EventStatus] = mapped_column(stored_enum(EventStatus))
    # Shown by the organiser at the venue; attendees send it with /checkin.
    checkin_code: Mapped[str] = mapped_column(String(8))
    # Mutual choice (互选): picks per attendee, open from the end until this deadline.
    choice_limit: Mapped[int] = mapped_column(default=3)
    choice_deadline: Mapped[datetime]
    choice_closed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Kept when the choice closes, so the union's record of the event never changes afterwards
    # (a member who deletes their account takes their registration and choices along).
    attended: Mapped[int | None]
    pairs: Mapped[int | None]
    # The broadcast announcing it (cancelled with the event if not yet sent).
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class Registration(Base):
    """A member's place at an event (or on its waitlist), badge number and attendance."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(stored_enum(RegistrationStatus))
    # Worn at the venue and used in the mutual choice: "小雨 #12".
    badge: Mapped[int]
    gender: Mapped[str | None] = mapped_column(String(8))
    registered_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    group_no: Mapped[int | None]


class EventChoice(Base):
    """One attendee's private pick of another in the mutual choice."""

    __tablename__ = "event_choices"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    chooser_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    chosen_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
