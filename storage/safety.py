"""Blocks, reports and a suspension outlive a deleted account. A member may delete everything
with /delete_me, and his roster entry is freed so that he can come back; without this, coming
back was a way to clear a suspension, the reports the organisers had not decided yet, and the
blocks of the women who never wanted to see him again. What is kept is keyed by roster entries
(the union's own record), and put back when his entry is bound to an account again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Block, Member, Report, RosterEntry, SafetyRecord


async def keep(session: AsyncSession, member_id: int, now: datetime) -> None:
    """Before a member is deleted: his blocks, the reports about him and his suspension, on
    his roster entry (nothing is kept for a member without one, or with nothing to keep)."""
    mine = await session.scalar(select(RosterEntry.id).where(RosterEntry.member_id == member_id))
    if mine is None:
        return
    member = await session.get_one(Member, member_id)
    pairs = (
        await session.execute(
            select(Block.blocker_id, Block.blocked_id).where(
                or_(Block.blocker_id == member_id, Block.blocked_id == member_id)
            )
        )
    ).all()
    about_him = (await session.scalars(select(Report).where(Report.reported_id == member_id))).all()
    others = {b if a == member_id else a for a, b in pairs} | {r.reporter_id for r in about_him}
    entry_of = await _entries_of(session, others)
    blocks = [
        [entry_of[other], blocker == member_id]
        for blocker, blocked in pairs
        if (other := blocked if blocker == member_id else blocker) in entry_of
    ]
    reports = [
        {
            "reporter": entry_of[report.reporter_id],
            "reason": report.reason,
            "status": report.status,
            "created_at": report.created_at.isoformat(),
            "weight": report.weight,
            "detail": report.detail,
        }
        for report in about_him
        if report.reporter_id in entry_of
    ]
    earlier = await session.get(SafetyRecord, mine)
    if earlier is not None:  # what could not be put back last time is kept too
        blocks += [b for b in earlier.blocks if b not in blocks]
        reports += [r for r in earlier.reports if r not in reports]
        await session.delete(earlier)
        await session.flush()
    if not (member.suspended or blocks or reports):
        return
    session.add(
        SafetyRecord(
            roster_entry_id=mine,
            suspended=member.suspended,
            blocks=blocks,
            reports=reports,
            kept_at=now,
        )
    )


async def restore(session: AsyncSession, entry_id: int, member_id: int) -> None:
    """When a roster entry is bound to an account: what was kept of the account it had before
    is put back on this one. A block or report whose other side has no account now stays
    kept, for when they have one again."""
    record = await session.get(SafetyRecord, entry_id)
    if record is None:
        return
    wanted = {entry for entry, _by_me in record.blocks} | {r["reporter"] for r in record.reports}
    member_of = {entry: member for member, entry in (await _bound(session, wanted)).items()}
    member = await session.get_one(Member, member_id)
    member.suspended = member.suspended or record.suspended
    waiting_blocks, waiting_reports = [], []
    for other_entry, by_me in record.blocks:
        other = member_of.get(other_entry)
        if other is None:
            waiting_blocks.append([other_entry, by_me])
            continue
        blocker, blocked = (member_id, other) if by_me else (other, member_id)
        if await session.get(Block, (blocker, blocked)) is None:
            session.add(Block(blocker_id=blocker, blocked_id=blocked, created_at=record.kept_at))
    for kept in record.reports:
        reporter = member_of.get(kept["reporter"])
        if reporter is None:
            waiting_reports.append(kept)
            continue
        if await session.scalar(
            select(Report.id).where(Report.reporter_id == reporter, Report.reported_id == member_id)
        ):
            continue  # reported again already (one report a pair)
        session.add(
            Report(
                reporter_id=reporter,
                reported_id=member_id,
                reason=kept["reason"],
                status=kept["status"],
                created_at=datetime.fromisoformat(kept["created_at"]),
                weight=kept["weight"],
                detail=kept["detail"],
            )
        )
    if waiting_blocks or waiting_reports:
        record.suspended, record.blocks, record.reports = False, waiting_blocks, waiting_reports
    else:
        await session.execute(delete(SafetyRecord).where(SafetyRecord.roster_entry_id == entry_id))
    await session.flush()


async def _entries_of(session: AsyncSession, member_ids: set[int]) -> dict[int, int]:
    """Member id → roster entry id, for those of ``member_ids`` bound to an entry."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(RosterEntry.member_id, RosterEntry.id).where(RosterEntry.member_id.in_(member_ids))
    )
    return {member: entry for member, entry in rows.all() if member is not None}


async def _bound(session: AsyncSession, entry_ids: set[int]) -> dict[int, int]:
    """Member id → roster entry id, for those of ``entry_ids`` bound to an account now."""
    if not entry_ids:
        return {}
    rows = await session.execute(
        select(RosterEntry.member_id, RosterEntry.id).where(
            RosterEntry.id.in_(entry_ids), RosterEntry.member_id.is_not(None)
        )
    )
    return {member: entry for member, entry in rows.all() if member is not None}
