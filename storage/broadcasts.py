"""Queries on broadcasts and their deliveries. A delivery is claimed (pending → sending) before
it is sent and its outcome written after, so a restart knows exactly what may have been in
flight: the deliveries still marked sending."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    bindparam,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.audience import Audience
from storage.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
    MatchProfile,
    Member,
    Registration,
    RegistrationStatus,
    RosterEntry,
    VerificationAttempt,
)
from storage.rows import affected


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    telegram_id: int
    language: str | None


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    status: DeliveryStatus
    attempts: int
    error: str | None = None


def audience_members(audience: Audience, units: Iterable[int], current_year: int) -> Select:
    """Member id, Telegram id and chosen language of everyone the audience reaches."""
    units = list(units)
    in_scope: ColumnElement[bool] = Member.unit_id.in_(units)
    if not audience.verified_only:
        # Members waiting for an organiser to confirm they belong to one of these unions.
        claiming = (
            select(VerificationAttempt.member_id)
            .join(RosterEntry, RosterEntry.id == VerificationAttempt.roster_entry_id)
            .where(VerificationAttempt.outcome == "pending", RosterEntry.unit_id.in_(units))
        )
        in_scope = or_(in_scope, Member.id.in_(claiming))
    query = select(Member.id, Member.telegram_id, Member.language).where(
        in_scope,
        Member.telegram_id.is_not(None),
        Member.consented_at.is_not(None),
        Member.unreachable_at.is_(None),
        Member.suspended == false(),
    )
    if audience.verified_only:
        query = query.where(Member.verified_at.is_not(None))
    if audience.event_id is None:
        query = query.where(Member.announcements == true())
    else:  # about the member's own registration: sent even to those who muted announcements
        query = query.where(
            Member.id.in_(
                select(Registration.member_id).where(
                    Registration.event_id == audience.event_id,
                    Registration.status != RegistrationStatus.CANCELLED,
                )
            )
        )
    if audience.needs_profile:
        query = query.join(MatchProfile, MatchProfile.member_id == Member.id)
        if audience.gender:
            query = query.where(MatchProfile.gender == audience.gender)
        earliest, latest = audience.birth_years(current_year)
        if earliest is not None:
            query = query.where(MatchProfile.birth_year >= earliest)
        if latest is not None:
            query = query.where(MatchProfile.birth_year <= latest)
        if audience.districts:
            query = query.where(MatchProfile.district.in_(audience.districts))
        if audience.industries:
            query = query.where(MatchProfile.industry.in_(audience.industries))
    return query


async def count_audience(session: AsyncSession, query: Select) -> int:
    return await session.scalar(select(func.count()).select_from(query.subquery())) or 0


async def materialise(session: AsyncSession, broadcast_id: int, query: Select) -> int:
    """One pending delivery per member of the audience; returns how many."""
    members = query.subquery()
    rows = select(
        literal(broadcast_id),
        members.c.id,
        members.c.telegram_id,
        members.c.language,
        literal(DeliveryStatus.PENDING.value),
        literal(0),
    )
    columns = ["broadcast_id", "member_id", "telegram_id", "language", "status", "attempts"]
    await session.execute(insert(BroadcastDelivery).from_select(columns, rows))
    return (
        await session.scalar(
            select(func.count()).where(BroadcastDelivery.broadcast_id == broadcast_id)
        )
        or 0
    )


async def claim(session: AsyncSession, broadcast_id: int, limit: int) -> list[Recipient]:
    """Mark the next pending deliveries as being sent and return them."""
    rows = (
        await session.execute(
            select(BroadcastDelivery.id, BroadcastDelivery.telegram_id, BroadcastDelivery.language)
            .where(
                BroadcastDelivery.broadcast_id == broadcast_id,
                BroadcastDelivery.status == DeliveryStatus.PENDING,
            )
            .order_by(BroadcastDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    await session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.id.in_([row.id for row in rows]))
        .values(status=DeliveryStatus.SENDING)
    )
    return [Recipient(*row) for row in rows]


async def record(session: AsyncSession, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Write what happened to claimed deliveries; members found unreachable are marked so."""
    if not outcomes:
        return
    table = cast(Table, BroadcastDelivery.__table__)
    await session.execute(
        table.update()
        .where(table.c.id == bindparam("delivery"))
        .values(
            status=bindparam("status"),
            attempts=bindparam("attempts"),
            error=bindparam("error"),
            sent_at=bindparam("sent_at"),
        ),
        [
            {
                "delivery": o.delivery_id,
                "status": o.status.value,
                "attempts": o.attempts,
                "error": o.error,
                "sent_at": now if o.status == DeliveryStatus.SENT else None,
            }
            for o in outcomes
        ],
        execution_options={"synchronize_session": False},
    )
    unreachable = [o.delivery_id for o in outcomes if o.status == DeliveryStatus.UNREACHABLE]
    if unreachable:
        await session.execute(
            update(Member)
            .where(
                Member.id.in_(
                    select(BroadcastDelivery.member_id).where(BroadcastDelivery.id.in_(unreachable))
                )
            )
            .values(unreachable_at=now)
        )


async def release_claims(session: AsyncSession, broadcast_id: int) -> int:
    """Deliveries claimed but without an outcome go back to pending (after a stop or crash)."""
    result = await session.execute(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.status == DeliveryStatus.SENDING,
        )
        .values(status=DeliveryStatus.PENDING)
    )
    return affected(result)


async def cancel_pending(session: AsyncSession, broadcast_id: int) -> int:
    result = await session.execute(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.CANCELLED)
    )
    return affected(result)


async def tally(session: AsyncSession, broadcast_id: int) -> Counter[DeliveryStatus]:
    return (await tallies(session, [broadcast_id]))[broadcast_id]


async def tallies(
    session: AsyncSession, broadcast_ids: Sequence[int]
) -> dict[int, Counter[DeliveryStatus]]:
    """Deliveries by status, for each of several broadcasts in one query."""
    found: dict[int, Counter[DeliveryStatus]] = {i: Counter() for i in broadcast_ids}
    rows = await session.execute(
        select(BroadcastDelivery.broadcast_id, BroadcastDelivery.status, func.count())
        .where(BroadcastDelivery.broadcast_id.in_(list(broadcast_ids)))
        .group_by(BroadcastDelivery.broadcast_id, BroadcastDelivery.status)
    )
    for broadcast_id, status, count in rows.all():
        found[broadcast_id][DeliveryStatus(status)] = count
    return found


async def sending(session: AsyncSession) -> Sequence[int]:
    """Broadcasts that were being sent when the bot last stopped."""
    return (
        await session.scalars(
            select(Broadcast.id).where(Broadcast.status == BroadcastStatus.SENDING)
        )
    ).all()


async def recent(session: AsyncSession, units: Iterable[int], limit: int) -> Sequence[Broadcast]:
    return (
        await session.scalars(
            select(Broadcast)
            .where(Broadcast.unit_id.in_(list(units)))
            .order_by(Broadcast.id.desc())
            .limit(limit)
        )
    ).all()


async def made_by(
    session: AsyncSession, author: int, unit_id: int, since: datetime
) -> Sequence[Broadcast]:
    """The broadcasts this author made to this union since then."""
    return (
        await session.scalars(
            select(Broadcast).where(
                Broadcast.author_telegram_id == author,
                Broadcast.unit_id == unit_id,
                Broadcast.created_at >= since,
            )
        )
    ).all()


async def made_from_form(session: AsyncSession, author: int, form_key: str) -> Broadcast | None:
    """The broadcast this author sent from the desk composer's form ``form_key``, if any."""
    return await session.scalar(
        select(Broadcast).where(
            Broadcast.author_telegram_id == author, Broadcast.form_key == form_key
        )
    )
