"""Storage behaviour both databases must share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from storage import members, migrate
from storage.engine import create_engine, create_sessionmaker
from storage.models import Feedback, Member, ScheduledTask


@pytest.fixture
async def db(database_url: str):
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_deleting_a_member_deletes_what_they_wrote(db) -> None:
    now = datetime.now(UTC)
    async with db.begin() as session:
        member_id = await members.ensure_member(session, 42, now)
        await session.execute(
            insert(Feedback).values(member_id=member_id, text="你好", created_at=now)
        )
    async with db.begin() as session:
        await session.execute(delete(Member).where(Member.id == member_id))
    async with db() as session:
        assert (await session.scalars(select(Feedback))).all() == []


async def test_feedback_for_a_member_who_does_not_exist_is_refused(db) -> None:
    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            await session.execute(
                insert(Feedback).values(member_id=999, text="孤儿", created_at=datetime.now(UTC))
            )


async def test_one_member_per_telegram_account(db) -> None:
    now = datetime.now(UTC)
    async with db.begin() as session:
        first = await members.ensure_member(session, 7, now)
    async with db.begin() as session:
        assert await members.ensure_member(session, 7, now) == first


async def test_instants_come_back_as_the_same_instant_in_utc(db) -> None:
    beijing = timezone(timedelta(hours=8))
    due = datetime(2026, 5, 20, 20, 0, 0, 123456, tzinfo=beijing)
    async with db.begin() as session:
        session.add(ScheduledTask(kind="k", payload={}, due_at=due, created_at=due))
    async with db() as session:
        stored = await session.scalar(select(ScheduledTask.due_at))
        earlier = await session.scalar(
            select(ScheduledTask.id).where(ScheduledTask.due_at < due + timedelta(microseconds=1))
        )
    assert stored == due and stored.tzinfo == UTC
    assert earlier is not None


async def test_naive_datetimes_are_refused(db) -> None:
    with pytest.raises(Exception, match="naive datetimes"):
        async with db.begin() as session:
            session.add(
                ScheduledTask(
                    kind="k", payload={}, due_at=datetime(2026, 1, 1), created_at=datetime.now(UTC)
                )
            )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgresql_plans_every_statement_for_its_values(database_url: str) -> None:
    """Prepared statements are planned for the values they run with, on every pooled
    connection and however often they ran: PostgreSQL's generic plan for the candidate pool
    sorted a whole gender (0.7-1 s a /match at 1,000,000 profiles instead of 20-50 ms)."""
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        for _ in range(3):  # the same connection, back from the pool each time
            async with engine.connect() as connection:
                for _ in range(6):  # past the five runs after which a generic plan may be used
                    assert await connection.scalar(text("SHOW plan_cache_mode")) == (
                        "force_custom_plan"
                    )
    finally:
        await engine.dispose()
