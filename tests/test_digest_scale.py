"""The daily digest of a union larger than one batch: everyone with someone new hears once, the
others not at all, and a run repeated after a stop part way tells nobody twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.services.matching.digest import BATCH, KIND
from bot.services.work import DueTask
from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from storage.models import Member
from tests.helpers import union_with_members

MEMBERS = 2 * BATCH + 50


def digests_to(sb: Sandbox, member_id: int) -> list[str]:
    return [
        entry.text
        for entry in sb.api.chats[FIRST_TELEGRAM_ID + member_id]
        if entry.text and entry.text.startswith("今天有")
    ]


async def test_a_large_unions_digest_tells_each_member_once(sandbox: Sandbox) -> None:
    await union_with_members(sandbox, MEMBERS)
    now = sandbox.clock.now()
    async with sandbox.app.services.db.begin() as session:
        # Everyone had yesterday's digest; the last ten completed their profile since, and
        # the member in the middle opted in only today.
        await session.execute(
            update(Member).values(
                digest=True,
                digest_until=now - timedelta(days=1),
                profile_completed_at=now - timedelta(days=2),
            )
        )
        await session.execute(
            update(Member)
            .where(Member.id > MEMBERS - 10)
            .values(profile_completed_at=now - timedelta(hours=1))
        )
        await session.execute(update(Member).where(Member.id == BATCH).values(digest_until=None))
        # Paused members are not told.
        await session.execute(update(Member).where(Member.id == 3).values(paused=True))
    task = DueTask(0, KIND, None, {}, now, now + timedelta(hours=3), 0)
    handler = sandbox.app.services.digest.task_kinds()[KIND].handler
    await handler(task)
    await sandbox.settle()
    told = {n for n in range(1, MEMBERS + 1) if digests_to(sandbox, n)}
    # Members of every batch hear of the ten new people (the population is of both genders).
    assert {n // BATCH for n in told} == {0, 1, 2}
    assert 3 not in told and len(told) > MEMBERS // 4
    for n in told:
        (text,) = digests_to(sandbox, n)
        count = int(text.removeprefix("今天有 ").split(" ")[0])
        assert 1 <= count <= (sandbox.settings.daily_cards if n == BATCH else 10)
    # Run again, as after a stop part way: everyone's cutoff moved on, nobody hears twice.
    await handler(task)
    await sandbox.settle()
    assert all(len(digests_to(sandbox, n)) == 1 for n in told)
    assert not any(digests_to(sandbox, n) for n in range(1, MEMBERS + 1) if n not in told)
