"""What people wrote, erased a retention period after it stopped being needed, from every place
it was copied: relayed messages (the conversation ended — by either side, a block, a report, a
suspension or leaving the union), the words of notices once sent (a relayed message, a question
to the union and its answer, a matchmaker's note all travel as notices), questions to the union
once their thread is over, and what the safety screen quoted from them.

A sent notice keeps its row, without its words (kind ``ERASED``): its key still makes it
once-only, so erasing it never lets it be sent again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, case, cast, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage.models import (
    Block,
    Match,
    RelayMessage,
    ScheduledTask,
    ScreenHit,
    TaskStatus,
    Thread,
    ThreadMessage,
)
from storage.rows import affected, batches

ERASED = "erased"
# Tasks that may still run; the others will not (until their key is written anew). Asked as
# "not one of these": "one of the others" made SQLite read the whole table through the status
# index, a row at a time (1.2 s instead of 0.1 s at 100,000 notices).
LIVE = (TaskStatus.PENDING, TaskStatus.RUNNING)
# Screen hits that quote a card stay while the card reads so; the others quote a question.
CARD = "card"


def _blocked(match: type[Match] = Match) -> ColumnElement[bool]:
    return or_(
        and_(Block.blocker_id == match.member_a, Block.blocked_id == match.member_b),
        and_(Block.blocker_id == match.member_b, Block.blocked_id == match.member_a),
    )


def _ended_before(before: datetime) -> ColumnElement[bool]:
    """The match's conversation ended by this instant: ended by either side (also by a
    block, a report, a suspension or leaving, which record it there), or by a block that was
    never recorded as its end (blocks written before they ended conversations)."""
    return or_(
        Match.relay_ended_at <= before,
        exists().where(_blocked(), Block.created_at <= before),
    )


def _sent_at() -> ColumnElement[datetime]:
    """When a task stopped being pending (a withdrawn one: when it was due)."""
    return func.coalesce(ScheduledTask.finished_at, ScheduledTask.due_at)


def _thread_over_at() -> ColumnElement[datetime]:
    """When the thread was over: closed, or (still open) when someone last wrote in it."""
    last = (
        select(func.max(ThreadMessage.created_at))
        .where(ThreadMessage.thread_id == Thread.id)
        .scalar_subquery()
    )
    written = func.coalesce(last, Thread.created_at)
    closed = func.coalesce(Thread.closed_at, written)
    return case((Thread.status == "closed", closed), else_=written)


async def sent_notices_before(
    session: AsyncSession, before: datetime, notice_kinds: Sequence[str]
) -> list[int]:
    """The notices sent (or given up) by ``before`` whose words are still kept."""
    found = await session.scalars(
        select(ScheduledTask.id).where(
            ScheduledTask.kind.in_(notice_kinds),
            ScheduledTask.status.not_in(LIVE),
            _sent_at() <= before,
        )
    )
    return list(found.all())


async def erase_notices(session: AsyncSession, ids: Sequence[int]) -> None:
    """Erase these notices' words, keeping each row (and so its key)."""
    await session.execute(
        update(ScheduledTask).where(ScheduledTask.id.in_(ids)).values(kind=ERASED, payload={})
    )


async def erase_before(session: AsyncSession, before: datetime, now: datetime) -> int:
    """Erase everything but notices (``erase_notices``) whose retention period started at or
    before ``before``; how many rows it touched."""
    touched = 0
    ended = select(Match.id).where(_ended_before(before))
    result = await session.execute(delete(RelayMessage).where(RelayMessage.match_id.in_(ended)))
    touched += affected(result)
    # Words never sent (a draft its writer did not say whom it was for): from when written.
    result = await session.execute(
        delete(RelayMessage).where(RelayMessage.draft.is_(True), RelayMessage.created_at <= before)
    )
    touched += affected(result)
    over = select(Thread.id).where(_thread_over_at() <= before)
    result = await session.execute(delete(ThreadMessage).where(ThreadMessage.thread_id.in_(over)))
    touched += affected(result)
    # A thread nobody wrote in for the whole period is over: closed, so it is not reopened
    # without its messages.
    result = await session.execute(
        update(Thread)
        .where(Thread.status != "closed", Thread.id.in_(over))
        .values(status="closed", closed_at=now, claimed_by=None)
    )
    touched += affected(result)
    result = await session.execute(
        delete(ScreenHit).where(ScreenHit.source != CARD, ScreenHit.created_at <= before)
    )
    return touched + affected(result)


async def next_expiry(session: AsyncSession, notice_kinds: Sequence[str]) -> datetime | None:
    """The earliest instant from which something still kept starts its retention period (add
    the period to get when it is erased), or None when nothing is waiting for erasure."""
    ends = [
        select(func.min(Match.relay_ended_at)).where(
            Match.relay_ended_at.is_not(None),
            exists().where(RelayMessage.match_id == Match.id),
        ),
        select(func.min(Block.created_at))
        .select_from(Match)
        .join(Block, _blocked())
        .where(exists().where(RelayMessage.match_id == Match.id)),
        select(func.min(_sent_at())).where(
            ScheduledTask.kind.in_(notice_kinds), ScheduledTask.status.not_in(LIVE)
        ),
        select(func.min(_thread_over_at())).where(
            exists().where(ThreadMessage.thread_id == Thread.id)
        ),
        select(func.min(ScreenHit.created_at)).where(ScreenHit.source != CARD),
        select(func.min(RelayMessage.created_at)).where(RelayMessage.draft.is_(True)),
    ]
    found = [await session.scalar(statement) for statement in ends]
    return min((instant for instant in found if instant is not None), default=None)


async def erase_notices_naming(
    session: AsyncSession,
    notice_kinds: Sequence[str],
    *,
    words: Sequence[str],
    telegram_id: int,
    member_id: int | None,
) -> int:
    """Erase the words of every notice to someone else that names a member who is deleting
    their data: by any of ``words`` (nickname, username, names, phone numbers), by Telegram
    id, or by showing them (a card rendered from their member id, with a matchmaker's note
    about them). Those not yet sent are withdrawn. How many there were."""
    text = cast(ScheduledTask.payload, Text)
    found = [text.contains(str(telegram_id), autoescape=True)]
    for word in words:
        # JSON keeps non-ASCII text as \u escapes (SQLite, PostgreSQL's json) or as it is.
        for form in {word, json.dumps(word)[1:-1]}:
            found.append(text.contains(form, autoescape=True))
    if member_id is not None:
        found.append(ScheduledTask.payload[("data", "member_id")].as_integer() == member_id)
    rows = await session.execute(
        select(ScheduledTask.id, ScheduledTask.payload).where(
            ScheduledTask.kind.in_(notice_kinds),
            ScheduledTask.status != TaskStatus.RUNNING,
            or_(*found),
        )
    )
    naming = [
        task_id
        for task_id, payload in rows.all()
        if _names(payload, [word.casefold() for word in words], telegram_id, member_id)
    ]
    for batch in batches(naming):
        await session.execute(
            update(ScheduledTask)
            .where(ScheduledTask.id.in_(batch), ScheduledTask.status == TaskStatus.PENDING)
            .values(status=TaskStatus.CANCELLED)
        )
        await session.execute(
            update(ScheduledTask).where(ScheduledTask.id.in_(batch)).values(kind=ERASED, payload={})
        )
    return len(naming)


def _names(value: Any, words: Sequence[str], telegram_id: int, member_id: int | None) -> bool:
    if isinstance(value, dict):
        data = value.get("data")
        if member_id is not None and isinstance(data, dict) and data.get("member_id") == member_id:
            return True
        return any(_names(v, words, telegram_id, member_id) for v in value.values())
    if isinstance(value, list):
        return any(_names(v, words, telegram_id, member_id) for v in value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value == telegram_id
    if isinstance(value, str):
        folded = value.casefold()
        return any(word in folded for word in words) or value == str(telegram_id)
    return False
