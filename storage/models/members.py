"""Members: who they are on Telegram, their verification against the union roster, their profile
answers and feedback."""

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
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Member(Base):
    """A person talking to the bot, from first contact to verified and profiled."""

    __tablename__ = "members"
    # What the desk's overview counts per unit (states, months of verification and completed
    # profile), read from the index alone (migration 0025).
    __table_args__ = (
        Index(
            "ix_members_unit_states",
            "unit_id",
            "verified_at",
            "profile_completed_at",
            "last_seen_at",
            "paused",
        ),
        # Members whose profile was completed in a month, counted by the range of instants
        # (storage.monthly.member_counts; migration 0026). Those verified in a month are
        # counted on the index above, which starts with the unit and the verification date.
        Index("ix_members_unit_completed", "unit_id", "profile_completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # The language the member chose with /language; None means "follow Telegram's setting".
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    consented_at: Mapped[datetime | None]
    # Set when the member declined the privacy terms: the only thing kept about them.
    declined_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    # The union the member belongs to, from their roster entry once verified.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    pledged_at: Mapped[datetime | None]
    profile_completed_at: Mapped[datetime | None]
    paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Suspended by an organiser after reports: never suggested until lifted.
    suspended: Mapped[bool] = mapped_column(default=False, server_default=false())
    # An organiser decided on what the scam screen flagged of the member up to then: it is no
    # longer listed in /reports (a false alarm stayed there until newer hits pushed it out).
    flags_settled_at: Mapped[datetime | None]
    # Never suggest people from the member's own employer, nor the member to them.
    avoid_colleagues: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The Telegram @username, kept to give a mutual match a t.me link (None: ask to share).
    username: Mapped[str | None] = mapped_column(String(64))
    # Opted in to the daily "N new suggestions" message.
    digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set when Telegram refused a message because the member blocked the bot (or the account is
    # gone): broadcasts skip them. Cleared when they write to the bot again.
    unreachable_at: Mapped[datetime | None]
    # Gentle check-ins after a mutual match; the member can turn them off.
    follow_ups: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Union announcements (broadcasts); notices about the member's own event registrations
    # come regardless.
    announcements: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The daily digest counts only members who completed their profile after this.
    digest_until: Mapped[datetime | None]


class RosterEntry(Base):
    """A union member as the union's roster lists them. Binds to at most one Telegram account."""

    __tablename__ = "roster_entries"
    # Entries on each unit's roster today, counted from the index alone (migration 0026).
    __table_args__ = (Index("ix_roster_entries_unit_left", "unit_id", "left_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Normalised (see bot.domain.text.normalise_member_number).
    member_number: Mapped[str] = mapped_column(String(40), unique=True)
    real_name: Mapped[str] = mapped_column(String(50))
    employer: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), unique=True
    )
    imported_at: Mapped[datetime]
    # No longer on the union's roster (a replacing import left them out): not a member now.
    left_at: Mapped[datetime | None]


class VerificationAttempt(Base):
    """What a member entered to be verified, the decision, and any human review of it."""

    __tablename__ = "verification_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    real_name: Mapped[str] = mapped_column(String(50))
    member_number: Mapped[str] = mapped_column(String(40))
    employer: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    roster_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("roster_entries.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_at: Mapped[datetime | None]


class ProfileAnswer(Base):
    """One answer to one profile question (see bot.domain.questions); None = skipped."""

    __tablename__ = "profile_answers"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    question: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    # For looking-for questions: must the other person match, or is it nice to have?
    must_have: Mapped[bool | None]
    answered_at: Mapped[datetime]


class Feedback(Base):
    """A note a member left with /feedback before notes became threads (bot.services.inbox):
    kept for members' exports and erased with them."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class PhotoReview(Base):
    """A member's photo waiting for, or having had, an organiser's review (unions that set
    ``review_photos``): only approved photos show on the card others see."""

    __tablename__ = "photo_reviews"
    __table_args__ = (UniqueConstraint("member_id", "file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[str] = mapped_column(String(200))
    # "pending", "approved" or "rejected".
    status: Mapped[str] = mapped_column(String(16))
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]
