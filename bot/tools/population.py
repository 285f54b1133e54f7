"""Bulk-insert a synthetic population of verified members with complete profiles, straight into
the database: for benchmarks and tests whose subject is not signing up."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.match_profile import match_row
from bot.tools.synthetic import synthetic_profiles
from storage.models import MatchProfile, Member, ProfileAnswer

FIRST_TELEGRAM_ID = 1_000_000_000
CHUNK = 5_000


async def populate(
    db: async_sessionmaker[AsyncSession],
    now: datetime,
    year: int,
    count: int,
    *,
    unit_id: int | None = None,
    first_member_id: int = 1,
    seed: int = 2026,
) -> list[int]:
    """Insert ``count`` members (Telegram ids FIRST_TELEGRAM_ID + member id); returns their
    Telegram ids. One transaction per chunk, so a running bot is not starved meanwhile."""
    members: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    shuffler = random.Random(count)
    telegram_ids = []
    for index, (values, must) in enumerate(
        synthetic_profiles(count, year, seed), start=first_member_id
    ):
        telegram_ids.append(FIRST_TELEGRAM_ID + index)
        members.append(
            {
                "id": index,
                "telegram_id": FIRST_TELEGRAM_ID + index,
                "created_at": now,
                "last_seen_at": now,
                "consented_at": now,
                "verified_at": now,
                "pledged_at": now,
                "profile_completed_at": now,
                "paused": False,
                "unit_id": unit_id,
            }
        )
        answers.extend(
            {
                "member_id": index,
                "question": key,
                "value": value,
                "must_have": must.get(key),
                "answered_at": now,
            }
            for key, value in values.items()
        )
        profiles.append(
            {
                "member_id": index,
                "eligible": True,
                "avoid_colleagues": False,
                "updated_at": now,
                "shuffle": shuffler.getrandbits(31),
                **match_row(values, must, None),
            }
        )
        if len(members) >= CHUNK:
            await _flush(db, members, answers, profiles)
    await _flush(db, members, answers, profiles)
    return telegram_ids


async def _flush(db: async_sessionmaker[AsyncSession], *batches: list[dict[str, Any]]) -> None:
    async with db.begin() as session:
        for model, rows in zip((Member, ProfileAnswer, MatchProfile), batches, strict=True):
            if rows:
                # Into the table, not through the ORM: its bulk insert leaves out None values,
                # so rows differing in which are None (must_have) went in many small batches.
                await session.execute(insert(model.__table__), rows)
                rows.clear()
