"""What the romance-scam screen (``bot.domain.scams``) found where members read each other —
relayed messages, cards, questions to the union — listed for the union's moderators (/reports)
with the text, newest first; and the contact screen applied to a whole card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.scams import ScamSignal, scam_signals
from bot.domain.screening import CARD_WORDS, card_contact
from bot.services.matching.notices import contact_of
from storage import profiles
from storage.models import Member, RelayMessage, ScreenHit

# How far back /reports looks.
WINDOW = 500


@dataclass(frozen=True)
class Flagged:
    member_id: int
    nickname: str
    source: str  # "relay", "card" or "thread"
    text: str
    signals: tuple[str, ...]
    created_at: datetime


async def record(
    session: AsyncSession, member_id: int, source: str, text: str, now: datetime
) -> frozenset[ScamSignal]:
    """Screen what a member wrote for others; a hit is kept for the moderators."""
    signals = scam_signals(text)
    if signals:
        session.add(
            ScreenHit(
                member_id=member_id,
                source=source,
                text=text,
                signals=sorted(signals),
                created_at=now,
            )
        )
    return signals


async def card_shows_contact(
    session: AsyncSession, member_id: int, question: str, value: Any
) -> bool:
    """Whether the member's card, with this answer in place, gives a contact detail away
    across its fields (each field alone may be clean: "小雨138", "上海1234", "5678 等你")."""
    if question not in CARD_WORDS:
        return False
    stored = await profiles.answers(session, member_id)
    card = {key: answer.value for key, answer in stored.items()} | {question: value}
    return card_contact(card) is not None


class Screening:
    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        self._db = db

    async def flagged(
        self, scope: frozenset[int], leaving_out: frozenset[int] = frozenset(), limit: int = 10
    ) -> list[Flagged]:
        """Recent hits from members of these unions, newest first; none from the members
        ``leaving_out`` (the reader's own circle: storage.conflicts)."""
        async with self._db() as session:
            relayed = await session.scalars(
                select(RelayMessage)
                .join(Member, Member.id == RelayMessage.sender_id)
                .where(
                    Member.unit_id.in_(scope),
                    Member.id.not_in(leaving_out),
                    # Never relayed, drafts are not screened; typed by the hundred they would
                    # push the flagged messages out of the window.
                    RelayMessage.draft.is_(False),
                    _unsettled(RelayMessage.created_at),
                )
                .order_by(RelayMessage.id.desc())
                .limit(WINDOW)
            )
            found = [
                (m.sender_id, "relay", m.text or "", tuple(m.signals), m.created_at)
                for m in relayed.all()
                if m.signals
            ]
            hits = await session.scalars(
                select(ScreenHit)
                .join(Member, Member.id == ScreenHit.member_id)
                .where(
                    Member.unit_id.in_(scope),
                    Member.id.not_in(leaving_out),
                    _unsettled(ScreenHit.created_at),
                )
                .order_by(ScreenHit.id.desc())
                .limit(WINDOW)
            )
            found += [
                (h.member_id, h.source, h.text, tuple(h.signals), h.created_at) for h in hits.all()
            ]
            found.sort(key=lambda hit: hit[4], reverse=True)
            flagged = []
            for member_id, source, text, signals, created_at in found[:limit]:
                contact = await contact_of(session, member_id)
                nickname = contact.nickname if contact else "?"
                flagged.append(Flagged(member_id, nickname, source, text, signals, created_at))
            return flagged


def _unsettled(written_at: Any) -> Any:
    """Written after an organiser last decided on the member's flagged words (or never)."""
    return or_(Member.flags_settled_at.is_(None), written_at > Member.flags_settled_at)
