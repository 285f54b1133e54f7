"""Who may reach whom through 会会 after a match, and ending it.

A block or a report ends everything between the two at once: the relayed conversation both
ways, both sides' consent to exchange contacts, contact requests not yet answered, messages not
yet delivered, and open proposals. A suspended member, or one no longer on the union's roster,
writes to nobody and exchanges nothing (``storage.matching.refresh_profile`` ends their
conversations when their status changes); they are told why, their matches only that the
conversation has ended.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import N_
from bot.services.work import WorkQueue
from storage import matching, tasks, units
from storage.models import Match, Member, RelayMessage, ScheduledTask, TaskStatus

# The task that erases a conversation's messages, a retention period after it ended.
PURGE = "relay_purge"
# Unsent notices of this many of a conversation's latest messages are withdrawn when it ends.
WITHDRAWN_NOTICES = 200


class Barred(enum.StrEnum):
    SUSPENDED = "suspended"
    NOT_MEMBER = "not_member"  # left the union's roster (or never verified)


BARRED_WORDS = {
    Barred.SUSPENDED: N_(
        "Your union has suspended your account, so for now you cannot write to your matches, "
        "exchange contacts or receive theirs. To ask about it, contact your union: {contact}, "
        "or send /ask."
    ),
    Barred.NOT_MEMBER: N_(
        "You are no longer on your union's member roster, so you cannot write to your matches, "
        "exchange contacts or receive theirs. If this is a mistake, contact your union: "
        "{contact}."
    ),
}


@dataclass(frozen=True)
class Refusal:
    """Why the member may not reach their matches, and how to ask their union about it."""

    reason: Barred
    contact: str


def barred(member: Member) -> Barred | None:
    if member.suspended:
        return Barred.SUSPENDED
    if member.verified_at is None:
        return Barred.NOT_MEMBER
    return None


async def refusal(session: AsyncSession, member: Member) -> Refusal | None:
    reason = barred(member)
    if reason is None:
        return None
    return Refusal(reason, await units.contact_for(session, member.unit_id))


async def reachable(session: AsyncSession, member_id: int) -> bool:
    """The member may be written to and given contacts."""
    member = await session.get(Member, member_id)
    return member is not None and member.telegram_id is not None and barred(member) is None


async def close(
    session: AsyncSession, work: WorkQueue, match: Match, now: datetime, retention: timedelta
) -> bool:
    """End the match's conversation and withdraw what either side agreed to share
    (``storage.matching.end_contact``); its messages are erased ``retention`` after, and
    those not yet delivered are not. True if it was open until now."""
    ended = await matching.end_contact(session, match, now)
    if ended:
        await work.put(
            session, PURGE, now + retention, {"match_id": match.id}, key=f"{PURGE}:{match.id}"
        )
    latest = await session.scalars(
        select(RelayMessage.id)
        .where(RelayMessage.match_id == match.id)
        .order_by(RelayMessage.id.desc())
        .limit(WITHDRAWN_NOTICES)
    )
    messages = latest.all()
    keys = [f"relay:{message_id}" for message_id in messages]
    # An edit's notice carries the version of the words in its key: found by the message.
    edits = await session.scalars(
        select(ScheduledTask.key).where(
            ScheduledTask.member_id.in_((match.member_a, match.member_b)),
            ScheduledTask.status == TaskStatus.PENDING,
            or_(
                *(ScheduledTask.key.like(f"relay:{message_id}:edited:%") for message_id in messages)
            )
            if messages
            else false(),
        )
    )
    keys += [key for key in edits.all() if key is not None]
    keys += [f"exchange_asked:{match.id}:{member}" for member in (match.member_a, match.member_b)]
    await tasks.cancel_all(session, keys)
    return ended


async def part(
    session: AsyncSession, work: WorkQueue, a: int, b: int, now: datetime, retention: timedelta
) -> None:
    """A block or a report between ``a`` and ``b``: their conversation ends both ways, and no
    proposal between them stays open."""
    match = await matching.match_between(session, a, b)
    if match is not None:
        await close(session, work, match, now, retention)
    for proposal in await matching.open_proposals_between(session, a, b):
        proposal.status = "declined"
