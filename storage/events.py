"""Queries about events: funnels, places held, attendees, registrants, facts for grouping."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.events import pairing_rate
from storage.models import (
    Block,
    Event,
    Match,
    MatchProfile,
    Member,
    ProfileAnswer,
    Registration,
    RegistrationStatus,
    Report,
    RosterEntry,
)
from storage.rows import batches


@dataclass(frozen=True)
class Person:
    member_id: int
    telegram_id: int | None
    nickname: str
    badge: int


@dataclass(frozen=True)
class Funnel:
    """One event, from sign-up to mutual choice."""

    title: str
    held: Counter[str]  # places held, by gender
    waitlisted: int
    checked_in: int
    pairs: int | None  # None until the mutual choice closed

    @property
    def registered(self) -> int:
        return sum(self.held.values())

    @property
    def pairing_rate(self) -> float | None:
        return None if self.pairs is None else pairing_rate(self.checked_in, self.pairs)


async def funnel(session: AsyncSession, event: Event) -> Funnel:
    waitlisted = await session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
    )
    checked_in: int | None
    pairs: int | None = None
    if event.choice_closed and event.attended is not None:
        # Closed: what was recorded then, whoever has left since.
        checked_in, pairs = event.attended, event.pairs
    else:
        checked_in = await session.scalar(
            select(func.count()).where(
                Registration.event_id == event.id, Registration.checked_in_at.is_not(None)
            )
        )
    return Funnel(
        event.title, await held(session, event.id), waitlisted or 0, checked_in or 0, pairs
    )


async def held(session: AsyncSession, event_id: int) -> Counter[str]:
    """Places held, by gender."""
    rows = await session.execute(
        select(Registration.gender, func.count())
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.REGISTERED,
        )
        .group_by(Registration.gender)
    )
    return Counter({gender or "": count for gender, count in rows.all()})


async def attendees(
    session: AsyncSession, event_id: int, *, checked_in: bool = True
) -> list[Person]:
    query = (
        select(Registration.member_id, Member.telegram_id, ProfileAnswer.value, Registration.badge)
        .join(Member, Member.id == Registration.member_id)
        .outerjoin(
            ProfileAnswer,
            (ProfileAnswer.member_id == Registration.member_id)
            & (ProfileAnswer.question == "nickname"),
        )
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.REGISTERED,
        )
        .order_by(Registration.badge)
    )
    if checked_in:
        query = query.where(Registration.checked_in_at.is_not(None))
    rows = await session.execute(query)
    return [Person(m, t, str(nickname or "—"), badge) for m, t, nickname, badge in rows.all()]


@dataclass(frozen=True)
class SheetRow:
    badge: int
    nickname: str
    gender: str | None
    status: RegistrationStatus
    checked_in: bool
    # From the roster entry the member verified with (None if it has since been removed).
    real_name: str | None
    employer: str | None
    phone: str | None


async def sheet(session: AsyncSession, event_id: int) -> list[SheetRow]:
    """Everyone registered or waiting, by badge: the list at the venue's door, with the
    verified identity the organiser checks there."""
    rows = await session.execute(
        select(
            Registration.badge,
            ProfileAnswer.value,
            Registration.gender,
            Registration.status,
            Registration.checked_in_at,
            RosterEntry.real_name,
            RosterEntry.employer,
            RosterEntry.phone,
        )
        .outerjoin(
            ProfileAnswer,
            (ProfileAnswer.member_id == Registration.member_id)
            & (ProfileAnswer.question == "nickname"),
        )
        .outerjoin(RosterEntry, RosterEntry.member_id == Registration.member_id)
        .where(
            Registration.event_id == event_id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .order_by(Registration.badge)
    )
    return [
        SheetRow(badge, str(nickname or "—"), gender, status, checked_in is not None, *identity)
        for badge, nickname, gender, status, checked_in, *identity in rows.all()
    ]


async def registered(session: AsyncSession, event_id: int) -> list[tuple[int, int]]:
    """(member id, Telegram id) of everyone holding a place."""
    rows = await session.execute(
        select(Member.id, Member.telegram_id)
        .join(Registration, Registration.member_id == Member.id)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.REGISTERED,
            Member.telegram_id.is_not(None),
        )
    )
    return [(member_id, telegram_id) for member_id, telegram_id in rows.all() if telegram_id]


async def same_gender(session: AsyncSession, event_id: int, member_id: int) -> set[int]:
    """Attendees of the member's own gender (not offered in the mutual choice)."""
    mine = await session.scalar(
        select(Registration.gender).where(
            Registration.event_id == event_id, Registration.member_id == member_id
        )
    )
    if mine is None:
        return set()
    rows = await session.scalars(
        select(Registration.member_id).where(
            Registration.event_id == event_id, Registration.gender == mine
        )
    )
    return set(rows.all())


_REGISTRATIONS = cast(Table, Registration.__table__)


async def number_groups(
    session: AsyncSession, event_id: int, group_of: Mapping[int, int], *, clear_first: bool = False
) -> None:
    """Record each member's group number (member id → number) at the event: a fair's
    thousands in a few statements, not through the ORM's unit of work, whose flush of them
    all was one step long enough to hold up other members' replies. ``clear_first``: a new
    draft replaces the last one whole (someone grouped before may have left)."""
    table = _REGISTRATIONS
    if clear_first:
        await session.execute(
            update(table).where(table.c.event_id == event_id).values(group_no=None)
        )
    numbering = (
        update(table)
        .where(table.c.event_id == event_id, table.c.member_id == bindparam("member"))
        .values(group_no=bindparam("number"))
    )
    rows = [{"member": member, "number": number} for member, number in group_of.items()]
    for batch in batches(rows):
        await session.execute(numbering, batch)


async def grouped(session: AsyncSession, event_id: int) -> dict[int, list[Person]]:
    """The groups last recorded for the event, by number, each by badge."""
    rows = await session.execute(
        select(
            Registration.group_no,
            Registration.member_id,
            Member.telegram_id,
            ProfileAnswer.value,
            Registration.badge,
        )
        .join(Member, Member.id == Registration.member_id)
        .outerjoin(
            ProfileAnswer,
            (ProfileAnswer.member_id == Registration.member_id)
            & (ProfileAnswer.question == "nickname"),
        )
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.REGISTERED,
            Registration.group_no.is_not(None),
        )
        .order_by(Registration.group_no, Registration.badge)
    )
    table: dict[int, list[Person]] = {}
    for number, member_id, telegram_id, nickname, badge in rows.all():
        table.setdefault(number, []).append(
            Person(member_id, telegram_id, str(nickname or "—"), badge)
        )
    return table


async def grouping_facts(
    session: AsyncSession, member_ids: list[int]
) -> dict[int, tuple[str | None, frozenset[str], str | None]]:
    rows = await session.execute(
        select(
            MatchProfile.member_id, MatchProfile.gender, MatchProfile.features, RosterEntry.employer
        )
        .outerjoin(RosterEntry, RosterEntry.member_id == MatchProfile.member_id)
        .where(MatchProfile.member_id.in_(member_ids))
    )
    return {
        member_id: (gender, frozenset((features or {}).get("interests", {})), employer)
        for member_id, gender, features, employer in rows.all()
    }


@dataclass(frozen=True)
class KeptApart:
    """Pairs among some members (low id, high id) that grouping keeps apart."""

    never: set[tuple[int, int]]  # one blocked or reported the other (any report, any outcome)
    rather: set[tuple[int, int]]  # a match whose relayed conversation one of them ended


async def kept_apart(session: AsyncSession, member_ids: list[int]) -> KeptApart:
    """Blocks, reports and ended conversations between two of ``member_ids``, either way."""
    wanted = set(member_ids)
    never: set[tuple[int, int]] = set()
    rather: set[tuple[int, int]] = set()
    for batch in batches(sorted(wanted)):
        for into, statement in (
            (never, select(Block.blocker_id, Block.blocked_id).where(Block.blocker_id.in_(batch))),
            (
                never,
                select(Report.reporter_id, Report.reported_id).where(Report.reporter_id.in_(batch)),
            ),
            (
                rather,
                select(Match.member_a, Match.member_b).where(
                    Match.member_a.in_(batch), Match.relay_ended_at.is_not(None)
                ),
            ),
        ):
            for x, y in (await session.execute(statement)).all():
                if y in wanted and x != y:
                    into.add((min(x, y), max(x, y)))
    return KeptApart(never, rather - never)
