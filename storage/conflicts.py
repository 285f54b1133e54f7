"""Who may not judge whom. Staff are often members too: an organiser who is single, a
matchmaker who signed up. A case about a member (a report, a verification, a photo, a question
she asks) is not shown to, decided by or announced to the member herself or anyone close to
her in the bot: her matches, the other side of an open proposal, whom she reported or who
reported her, and whom she blocked or who blocked her. The relation is symmetric, so one query
serves both ways round: the staff around a member's case, and the members a staff member must
leave to others."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Block, Match, Member, Proposal, Report


async def circle(session: AsyncSession, member_id: int) -> set[int]:
    """Member ids a case of ``member_id`` must be kept from, the member included."""
    found = {member_id}
    both_ways = (
        (Match.member_a, Match.member_b, None),
        (Proposal.member_a, Proposal.member_b, Proposal.status == "open"),
        (Report.reporter_id, Report.reported_id, None),
        (Block.blocker_id, Block.blocked_id, None),
    )
    for one, other, condition in both_ways:
        query = select(one, other).where(or_(one == member_id, other == member_id))
        if condition is not None:
            query = query.where(condition)
        for a, b in (await session.execute(query)).all():
            found.add(b if a == member_id else a)
    return found


async def staff_circle(session: AsyncSession, member: Member) -> set[int]:
    """Telegram ids of everyone in the member's ``circle`` (staff among them must not see or
    decide her case)."""
    ids = await circle(session, member.id)
    found = await session.scalars(select(Member.telegram_id).where(Member.id.in_(ids)))
    return {t for t in found.all() if t is not None}


async def recused(session: AsyncSession, telegram_id: int) -> frozenset[int]:
    """Member ids whose cases this person must leave to others (none if they are no member)."""
    me = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
    return frozenset(await circle(session, me)) if me is not None else frozenset()
