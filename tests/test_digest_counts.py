"""The digest counts a batch of members against the few new people all at once; each member's
count must be what their own pool query says, whatever their terms (and the odd ones a real
database holds: unknown gender, wish or birth year, an empty employer)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, update

from bot.domain.new_people import NewPeople, Terms, counts
from bot.tools.sandbox import Sandbox
from storage import digest, matching
from storage.models import Block, Match, MatchDecision, MatchProfile, Member, Report
from tests.helpers import union_with_members

MEMBERS = 160
NEW = 40


async def test_every_members_count_is_their_pools(sandbox: Sandbox) -> None:
    await union_with_members(sandbox, MEMBERS)
    rng = random.Random(23)
    now = sandbox.clock.now()
    year = now.astimezone(sandbox.settings.tz).year
    cutoff = now - timedelta(days=1)
    skips_kept_since = now - timedelta(days=30)
    new = rng.sample(range(1, MEMBERS + 1), NEW)
    async with sandbox.app.services.db.begin() as session:
        for member_id in range(1, MEMBERS + 1):
            age_min = rng.choice([None, 20, 25, 30, 35])
            await session.execute(
                update(MatchProfile)
                .where(MatchProfile.member_id == member_id)
                .values(
                    eligible=rng.random() < 0.9,
                    gender=rng.choice(["male", "female", "male", "female", None]),
                    seeks=rng.choice(["male", "female", "any", None]),
                    birth_year=rng.choice([None, *range(year - 45, year - 20)]),
                    age_min=age_min,
                    age_max=age_min + rng.choice([4, 8, 15]) if age_min else None,
                    age_must=rng.random() < 0.6,
                    employer=rng.choice([None, "", "申通地铁", "宝钢", "宝钢"]),
                    avoid_colleagues=rng.random() < 0.5,
                )
            )
        await session.execute(update(Member).values(profile_completed_at=now - timedelta(days=2)))
        await session.execute(
            update(Member)
            .where(Member.id.in_(new))
            .values(profile_completed_at=now - timedelta(hours=1))
        )
        # Likes, skips lately and long ago, blocks either way, and one new person reported
        # enough to be hidden.
        decided = {
            (viewer, candidate)
            for viewer in range(1, MEMBERS + 1)
            for candidate in rng.sample(new, 4)
            if viewer != candidate
        }
        await session.execute(
            insert(MatchDecision),
            [
                {
                    "viewer_id": viewer,
                    "candidate_id": candidate,
                    "liked": rng.random() < 0.3,
                    "created_at": now - timedelta(days=rng.choice([1, 60])),
                }
                for viewer, candidate in decided
            ],
        )
        blocks = {
            (a, b) if rng.random() < 0.5 else (b, a)
            for a, b in ((rng.randint(1, MEMBERS), rng.choice(new)) for _ in range(60))
            if a != b
        }
        await session.execute(
            insert(Block),
            [{"blocker_id": a, "blocked_id": b, "created_at": now} for a, b in blocks],
        )
        await session.execute(
            insert(Report),
            [
                {
                    "reporter_id": reporter,
                    "reported_id": new[0],
                    "reason": "scam",
                    "status": "pending",
                    "created_at": now,
                }
                for reporter in (1, 2, 3)
                if reporter != new[0]
            ],
        )
        # Matches a matchmaker's proposal made: no like or skip of either behind them.
        matched = {
            (min(a, b), max(a, b))
            for a, b in ((rng.randint(1, MEMBERS), rng.choice(new)) for _ in range(40))
            if a != b
        }
        await session.execute(
            insert(Match),
            [
                {"member_a": a, "member_b": b, "source": "proposal", "created_at": now}
                for a, b in matched
            ],
        )

    async with sandbox.app.services.db() as session:
        everyone = list(range(1, MEMBERS + 1))
        viewers = await digest.terms(session, everyone)
        few = await digest.suggestable_since(session, cutoff, 0, MEMBERS)
        anyone = await digest.suggestable_since(session, None, 0, MEMBERS)
        # A page at a time, in member order.
        page = await digest.suggestable_since(session, None, anyone[9].member_id, 5)
        assert page == anyone[10:15]
        excluded = await digest.kept_apart(session, everyone, skips_kept_since)
        pools, first_pools = {}, {}
        for member_id in everyone:
            viewer = await matching.profile_row(session, member_id)
            assert viewer is not None
            pool = await matching.pool(
                session,
                viewer,
                year,
                likers_only=False,
                limit=MEMBERS,
                only=new,
                skips_forgotten_before=skips_kept_since,
                completed_after=cutoff,
            )
            pools[member_id] = len(pool)
            # A first digest: anyone in the union, at most a day's cards (the pool samples).
            first = await matching.pool(
                session,
                viewer,
                year,
                likers_only=False,
                limit=sandbox.settings.daily_cards,
                skips_forgotten_before=skips_kept_since,
            )
            first_pools[member_id] = len(first)

    assert new[0] not in {t.member_id for t in few} and len(few) < NEW
    together = {
        viewer.member_id: n
        for viewer, n in zip(viewers, counts(viewers, few, excluded, year, MEMBERS), strict=True)
    }
    assert together == pools
    union = NewPeople(anyone)
    firsts = union.counts(viewers, excluded, year, sandbox.settings.daily_cards)
    assert dict(zip([v.member_id for v in viewers], firsts, strict=True)) == first_pools
    assert len(set(firsts)) > 3
    # The pool's terms give a spread of answers, not all or nothing.
    assert len(set(pools.values())) > 5 and 0 in pools.values()
    # At most a day's cards, as the pool's limit.
    capped = counts(viewers, few, excluded, year, 3)
    assert capped == [min(n, 3) for n in together.values()]


def terms(member_id: int, **changes: object) -> Terms:
    base = Terms(member_id, "female", 1995, "male", None, None, True, None, False)
    return base._replace(**changes)


def test_a_pair_is_counted_only_when_both_terms_allow_it() -> None:
    year = 2026
    viewer = terms(1, gender="female", seeks="male", birth_year=1994, age_min=28, age_max=35)
    new = [
        terms(10, gender="male", seeks="female", birth_year=1993),  # suits
        terms(11, gender="female", seeks="male", birth_year=1993),  # not the gender sought
        terms(12, gender="male", seeks="male", birth_year=1993),  # seeks men only
        terms(13, gender="male", seeks="female", birth_year=2000),  # too young for her
        terms(14, gender="male", seeks="female", birth_year=None),  # age unknown
        # He insists on 20 to 28, she is 32; he would rather, but does not insist (suits).
        terms(15, gender="male", seeks="female", birth_year=1993, age_min=20, age_max=28),
        terms(16, gender="male", seeks="female", birth_year=1993, age_min=20, age_must=False),
        terms(17, gender="male", seeks="any", birth_year=1992),  # suits
        terms(18, gender="male", seeks=None, birth_year=1992),  # no wish stored
        # Half an age range insisted on: the pool's SQL reads its unknown end as a no.
        terms(19, gender="male", seeks="female", birth_year=1993, age_min=30),
    ]
    assert counts([viewer], new, {}, year, 20) == [3]  # 10, 16 and 17
    # She liked 10 and blocked 17: neither counts again.
    assert counts([viewer], new, {1: {10, 17}, 10: {1}}, year, 20) == [1]
    assert counts([viewer], new, {}, year, 2) == [2]
    # Colleagues: kept apart if either avoids them, an empty employer is nobody's.
    at_work = terms(2, employer="宝钢", seeks="male", birth_year=1994)
    colleague = terms(20, gender="male", seeks="female", employer="宝钢", birth_year=1994)
    assert counts([at_work], [colleague], {}, year, 20) == [1]
    assert counts([at_work._replace(avoid_colleagues=True)], [colleague], {}, year, 20) == [0]
    assert counts([at_work], [colleague._replace(avoid_colleagues=True)], {}, year, 20) == [0]
    assert counts(
        [at_work._replace(employer="")],
        [colleague._replace(employer="", avoid_colleagues=True)],
        {},
        year,
        20,
    ) == [1]
    # Nobody is new for themselves.
    assert counts([colleague], [colleague], {}, year, 20) == [0]


async def test_kept_apart_reads_likes_recent_skips_and_blocks_both_ways(sandbox: Sandbox) -> None:
    await union_with_members(sandbox, 6)
    now = sandbox.clock.now()
    async with sandbox.app.services.db.begin() as session:
        session.add_all(
            [
                MatchDecision(viewer_id=1, candidate_id=4, liked=True, created_at=now),
                MatchDecision(
                    viewer_id=1, candidate_id=5, liked=False, created_at=now - timedelta(days=2)
                ),
                MatchDecision(
                    viewer_id=2, candidate_id=4, liked=False, created_at=now - timedelta(days=90)
                ),
                Block(blocker_id=6, blocked_id=2, created_at=now),
                Block(blocker_id=3, blocked_id=6, created_at=now),
            ]
        )
    async with sandbox.app.services.db() as session:
        apart = await digest.kept_apart(session, [1, 2, 3, 4], now - timedelta(days=30))
    # The skip of 90 days ago has cooled off; only the viewers asked about are keys.
    assert apart == {1: {4, 5}, 2: {6}, 3: {6}}
