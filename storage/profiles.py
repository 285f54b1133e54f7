"""Profile answers, one row per question."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, ProfileAnswer


async def answers(session: AsyncSession, member_id: int) -> dict[str, ProfileAnswer]:
    rows = await session.scalars(select(ProfileAnswer).where(ProfileAnswer.member_id == member_id))
    return {row.question: row for row in rows}


@dataclass(frozen=True)
class Standing:
    """How far a member has come in signing up."""

    member_id: int
    consented: bool
    verified: bool
    pledged: bool
    paused: bool
    # The keys of the questions they answered (not the values: those are JSON).
    answered: frozenset[str]


# The two statements every answer of someone signing up runs, built once (building one anew
# cost more than running it: an upsert's ``excluded`` copies the table's columns each time).
_STANDING = (
    select(
        Member.id,
        Member.consented_at.is_not(None),
        Member.verified_at.is_not(None),
        Member.pledged_at.is_not(None),
        Member.paused,
        ProfileAnswer.question,
    )
    .outerjoin(ProfileAnswer, ProfileAnswer.member_id == Member.id)
    .where(Member.telegram_id == bindparam("telegram_id"))
)


@functools.cache
def _save_statement(dialect: str) -> Executable:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ProfileAnswer.__table__)  # type: ignore[arg-type]
    complete = (
        select(Member.profile_completed_at.is_not(None))
        .where(Member.id == bindparam("owner"))
        .scalar_subquery()
    )
    return statement.on_conflict_do_update(
        index_elements=["member_id", "question"],
        set_={
            "value": statement.excluded.value,
            "must_have": statement.excluded.must_have,
            "answered_at": statement.excluded.answered_at,
        },
    ).returning(complete)


async def standing(session: AsyncSession, telegram_id: int) -> Standing | None:
    """Where the member of this Telegram account stands, in one statement: every update of
    someone signing up asks (their account's steps, one row per answered question)."""
    rows = (await session.execute(_STANDING, {"telegram_id": telegram_id})).all()
    if not rows:
        return None
    member_id, consented, verified, pledged, paused, _question = rows[0]
    return Standing(
        member_id,
        bool(consented),
        bool(verified),
        bool(pledged),
        bool(paused),
        frozenset(row[5] for row in rows if row[5] is not None),
    )


async def save(
    session: AsyncSession,
    member_id: int,
    question: str,
    value: Any,
    must_have: bool | None,
    now: datetime,
) -> bool:
    """Store the answer, over any earlier one to the question. Returns whether the member's
    profile is complete (then their match profile must follow the answer), asked in the same
    statement: every answer of someone signing up passes here."""
    stored = await session.execute(
        _save_statement(session.get_bind().dialect.name),
        {
            "member_id": member_id,
            "question": question,
            "value": value,
            "must_have": must_have,
            "answered_at": now,
            "owner": member_id,
        },
    )
    return bool(stored.scalar())
