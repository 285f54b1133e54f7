"""A member asking a person (/ask, /feedback): a thread between the member and the staff of
their union, and its messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Thread(Base):
    """One conversation between a member and their union's staff."""

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    # The member's union when the thread was opened: who may see and answer it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    # "ask": to matchmakers and counsellors; "feedback": to organisers.
    kind: Mapped[str] = mapped_column(String(16))
    # "open" or "closed".
    status: Mapped[str] = mapped_column(String(16), index=True)
    claimed_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    first_answer_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # The member's rating of the help, 1–3 (不满意, 一般, 满意), if they gave one.
    rating: Mapped[int | None]


class ThreadMessage(Base):
    """What the member or a staff member wrote in a thread."""

    __tablename__ = "thread_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    # Who of the staff wrote it (None: the member, or staff who have since erased their data).
    staff_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    by_staff: Mapped[bool] = mapped_column(default=False, server_default=false())
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
