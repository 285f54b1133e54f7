"""Migrations: every revision upgrades, downgrades and upgrades again; models match the schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.tools.population import populate
from storage import migrate
from storage.engine import create_engine
from storage.models import Base, MatchProfile


async def test_stairway_every_revision_up_down_up(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        previous = "base"
        for revision in migrate.revisions():
            await migrate.upgrade(engine, revision)
            await migrate.downgrade(engine, previous)
            await migrate.upgrade(engine, revision)
            assert await migrate.current_revision(engine) == revision
            previous = revision
        await migrate.downgrade(engine, "base")
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        assert set(tables) <= {"alembic_version"}, f"downgrade to base left tables: {tables}"
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
        assert differences == [], "models changed without a migration: " + repr(differences)
    finally:
        await engine.dispose()


async def test_education_moves_between_features_and_its_column(empty_database_url: str) -> None:
    """Revision 0016 takes the education rank out of the JSON features into a typed column for
    profiles already stored, and puts it back on the way down: no member's rank is lost."""
    engine = create_engine(empty_database_url)
    try:
        await migrate.upgrade(engine)
        db = async_sessionmaker(engine, expire_on_commit=False)
        await populate(db, datetime(2026, 11, 27, tzinfo=UTC), 2026, 40)
        async with db() as session:
            before = dict(
                (
                    await session.execute(select(MatchProfile.member_id, MatchProfile.education))
                ).all()
            )
        assert set(before.values()) - {None}, "the synthetic members have educations"

        await migrate.downgrade(engine, "0015")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(text("SELECT member_id, features FROM match_profiles"))
            ).all()
        in_features = {
            member_id: (json.loads(features) if isinstance(features, str) else features)[
                "education"
            ]
            for member_id, features in rows
        }
        assert in_features == before

        await migrate.upgrade(engine)
        async with db() as session:
            after = (
                await session.execute(
                    select(MatchProfile.member_id, MatchProfile.education, MatchProfile.features)
                )
            ).all()
        assert {member_id: education for member_id, education, _ in after} == before
        assert all("education" not in features for _, _, features in after)
    finally:
        await engine.dispose()
