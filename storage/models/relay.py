"""会会传话: what two matched members write to each other through the bot, kept only while the
conversation is open plus a retention period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from storage.models.base import Base


class RelayMessage(Base):
    """One message relayed from one member of a match to the other."""

    __tablename__ = "relay_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    # "text", "photo" (a photo's file id, its caption as the text) or "sticker" (its set's
    # name as the text, screened like words: a set can be named after a WeChat id).
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(200))
    # Romance-scam signals the screen found (bot.domain.scams), for the union's moderators.
    signals: Mapped[list[str]] = mapped_column(JSON)
    # Held from the recipient until they choose to see it (a link or a request for money from
    # someone matched less than two days ago, contact details before both agreed to exchange
    # them, a photo without words in the first two days).
    held: Mapped[bool] = mapped_column(default=False)
    shown_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Written while the sender had another match's message unanswered: kept here, sent to
    # nobody, until the sender says which conversation it is for (then delivered, or dropped).
    draft: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The sender's own Telegram message, so an edit of it is recognised as an edit.
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Photos sent as one album share Telegram's media group id: relayed as one.
    media_group: Mapped[str | None] = mapped_column(String(64))
    edited_at: Mapped[datetime | None]


class ScreenHit(Base):
    """Text a member wrote where others read it (their card, a question to the union) in which
    the scam screen found signals: listed for the union's moderators in /reports."""

    __tablename__ = "screen_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    # "card" or "thread".
    source: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    signals: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
