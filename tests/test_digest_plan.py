"""The daily digest tells a member of today's planned people: those /match would serve her from
the plan, each once however many days the plan keeps them for her, and nobody the plan no longer
serves her (who skipped her, paused, blocked, turned down by a matchmaker). A crash part way
through the digest loses nobody's digest and repeats none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.services.matching import digest as digest_service
from bot.services.matching.digest import KIND
from bot.services.matching.plan import STAGES
from bot.services.work import DueTask
from bot.tools.population import FIRST_TELEGRAM_ID, populate
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage import matching
from storage import plan as stored_plan
from storage.models import (
    Block,
    CardView,
    DigestAnnounced,
    MatchDecision,
    MatchProfile,
    Member,
    SuggestionReview,
)
from tests.conftest import IN_CI, _postgres_problem
from tests.crash_harness import (
    Copies,
    Flow,
    PostgresCopies,
    SqliteCopies,
    crash_everywhere,
)
from tests.helpers import seed_union
from tests.test_market_bot import among_120, nickname, planned_for_her

DIGEST = "（发送 /digest 可关闭）"


def digests(user: SimulatedUser) -> list[str]:
    return [text for text in user.texts() if text.endswith(DIGEST)]


async def opt_in(sb: Sandbox, member_ids: list[int], last: timedelta = timedelta(0)) -> None:
    """The digest on, and her last digest ``last`` ago (by default now: nobody who joined
    before counts as new)."""
    async with sb.app.services.db.begin() as session:
        await session.execute(
            update(Member)
            .where(Member.id.in_(member_ids))
            .values(digest=True, digest_until=sb.clock.now() - last)
        )


async def her_plan_made(
    sb: Sandbox, last: timedelta = timedelta(0)
) -> tuple[SimulatedUser, int, list[int]]:
    """小雨 among 120 members, her digest on (her last one ``last`` ago) and today's plan made:
    her, her member id and her planned people in order."""
    xiaoyu, me = await among_120(sb)
    await opt_in(sb, [me], last=last)
    await sb.app.services.plans.make()
    return xiaoyu, me, await planned_for_her(sb, me)


async def to_the_digest_hour(sb: Sandbox, days: int = 0) -> None:
    """On to a minute past the digest's hour, ``days`` days after its next one: the plan (at
    four) and the digest run by themselves on the way."""
    due = sb.app.services.digest.next_run() + timedelta(days=days, minutes=1)
    await sb.advance(due - sb.clock.now())


async def to_the_morning_after(sb: Sandbox) -> None:
    """On to six the next morning, past the day's plan."""
    local = sb.clock.now().astimezone(sb.settings.tz)
    six = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    await sb.advance(six.replace(tzinfo=sb.settings.tz) + timedelta(hours=6) - sb.clock.now())


async def plan_for_her(sb: Sandbox, me: int, people: list[int]) -> None:
    """Her cards of today's plan (made at four) are these people: planned again, or new."""
    day = sb.clock.now().astimezone(sb.settings.tz).date()
    async with sb.app.services.db.begin() as session:
        await stored_plan.drop_cards(session, day=day, viewers=(me, me))
        await stored_plan.add_cards(
            session, day, [me] * len(people), list(range(len(people))), people
        )


async def announced(sb: Sandbox, me: int) -> set[int]:
    async with sb.app.services.db() as session:
        rows = await session.scalars(
            select(DigestAnnounced.candidate_id).where(DigestAnnounced.member_id == me)
        )
        return set(rows)


async def test_her_planned_people_are_announced_and_match_shows_them_first(
    sandbox: Sandbox,
) -> None:
    xiaoyu, me, mine = await her_plan_made(sandbox)
    assert len(mine) == STAGES[-1]

    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu) == [
        f"今天为你安排了 {len(mine)} 位推荐。发送 /match 看看。（发送 /digest 可关闭）"
    ]
    await xiaoyu.send("/match")
    for planned in mine:
        first_line = xiaoyu.last_text().split("\n")[0]
        assert first_line.startswith(await nickname(sandbox, planned)), first_line
        await xiaoyu.press("下一位")
    # Then the ordinary order: someone the digest did not announce.
    first_line = xiaoyu.last_text().split("\n")[0]
    assert not any([first_line.startswith(await nickname(sandbox, p)) for p in mine])


async def test_planned_again_and_unseen_she_is_not_told_again_but_of_someone_new_she_is(
    sandbox: Sandbox,
) -> None:
    xiaoyu, me, mine = await her_plan_made(sandbox)
    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu) == ["今天为你安排了 5 位推荐。发送 /match 看看。（发送 /digest 可关闭）"]
    assert await announced(sandbox, me) == set(mine)

    # The next day the plan keeps the same five for her, whom she has not looked at: the
    # evening says nothing rather than the same number again.
    await to_the_morning_after(sandbox)
    await plan_for_her(sandbox, me, mine)
    await to_the_digest_hour(sandbox)
    assert len(digests(xiaoyu)) == 1

    # The day after, four of them and someone never planned for her before: only he is news.
    async with sandbox.app.services.db() as session:
        newcomer = await session.scalar(
            select(MatchProfile.member_id)
            .where(
                MatchProfile.gender == "male",
                MatchProfile.eligible.is_(True),
                MatchProfile.member_id.not_in(mine),
            )
            .order_by(MatchProfile.member_id)
            .limit(1)
        )
    assert newcomer is not None
    await to_the_morning_after(sandbox)
    await plan_for_her(sandbox, me, [*mine[:4], newcomer])
    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu)[1:] == [
        "今天为你安排了 1 位推荐。发送 /match 看看。（发送 /digest 可关闭）"
    ]
    assert await announced(sandbox, me) == {*mine, newcomer}


async def test_planned_people_match_would_not_serve_her_are_not_counted(
    sandbox: Sandbox,
) -> None:
    xiaoyu, me, mine = await her_plan_made(sandbox)
    assert len(mine) == 5
    skipped_her, paused, blocked, turned_down, left = mine
    now = sandbox.clock.now()
    async with sandbox.app.services.db.begin() as session:
        # He saw her card first today and passed her over.
        session.add(
            MatchDecision(viewer_id=skipped_her, candidate_id=me, liked=False, created_at=now)
        )
        session.add(Block(blocker_id=me, blocked_id=blocked, created_at=now))
        session.add(
            SuggestionReview(
                viewer_id=me,
                candidate_id=turned_down,
                score=0.9,
                status="rejected",
                matchmaker_telegram_id=1,
                created_at=now,
            )
        )
    assert await sandbox.app.services.member_data.set_paused(FIRST_TELEGRAM_ID + paused, True)

    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu) == ["今天为你安排了 1 位推荐。发送 /match 看看。（发送 /digest 可关闭）"]
    assert await announced(sandbox, me) == {left}
    await xiaoyu.send("/match")
    first_line = xiaoyu.last_text().split("\n")[0]
    assert first_line.startswith(await nickname(sandbox, left)), first_line


async def test_new_people_among_her_planned_ones_are_told_of_once(sandbox: Sandbox) -> None:
    # She last had a digest two days ago; everyone completed their profile since. Those of
    # them planned for her are told of as planned, the others who may suit her as new.
    xiaoyu, me, mine = await her_plan_made(sandbox, last=timedelta(days=2))
    # How many new people may suit her (at most a day's cards), as /match's pool has it.
    async with sandbox.app.services.db() as session:
        viewer = await matching.profile_row(session, me)
        assert viewer is not None
        now = sandbox.clock.now()
        new = await matching.pool(
            session,
            viewer,
            now.astimezone(sandbox.settings.tz).year,
            likers_only=False,
            limit=sandbox.settings.daily_cards,
            skips_forgotten_before=now - timedelta(days=30),
            completed_after=now - timedelta(days=2),
        )
    assert len(new) > len(mine)
    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu) == [
        f"今天为你安排了 {len(mine)} 位推荐，另有 {len(new) - len(mine)} 位新会员可能适合你。"
        "发送 /match 看看。（发送 /digest 可关闭）"
    ]


async def seen_today(sb: Sandbox, me: int, count: int, besides: list[int]) -> None:
    """She has been shown ``count`` of today's cards, none of ``besides`` (those who liked her
    come before the plan, and a member liked by many can use up a day on them)."""
    async with sb.app.services.db.begin() as session:
        others = await session.scalars(
            select(MatchProfile.member_id)
            .where(MatchProfile.member_id.not_in([me, *besides]))
            .order_by(MatchProfile.member_id)
            .limit(count)
        )
        session.add_all(
            CardView(viewer_id=me, candidate_id=other, shown_at=sb.clock.now())
            for other in others.all()
        )


async def test_she_is_told_of_no_more_people_than_match_may_still_show_her_today(
    sandbox: Sandbox,
) -> None:
    xiaoyu, me, mine = await her_plan_made(sandbox)
    assert len(mine) == 5
    await seen_today(sandbox, me, sandbox.settings.daily_cards - 2, mine)
    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu) == ["今天为你安排了 2 位推荐。发送 /match 看看。（发送 /digest 可关闭）"]
    assert await announced(sandbox, me) == set(mine[:2])
    await xiaoyu.send("/match")
    for planned in mine[:2]:
        assert xiaoyu.last_text().startswith(await nickname(sandbox, planned))
        await xiaoyu.press("下一位")
    assert xiaoyu.last_text() == "今天的推荐就到这里，明天还有新的推荐。"

    # The next evening the plan still has the other three for her: now she hears of them.
    await to_the_morning_after(sandbox)
    await plan_for_her(sandbox, me, mine)
    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu)[1:] == [
        "今天为你安排了 3 位推荐。发送 /match 看看。（发送 /digest 可关闭）"
    ]
    assert await announced(sandbox, me) == set(mine)


async def test_with_no_cards_left_today_she_is_told_nothing_and_hears_of_it_tomorrow(
    sandbox: Sandbox,
) -> None:
    xiaoyu, me, mine = await her_plan_made(sandbox, last=timedelta(days=2))
    await seen_today(sandbox, me, sandbox.settings.daily_cards, mine)
    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu) == []
    assert await announced(sandbox, me) == set()
    async with sandbox.app.services.db() as session:
        until = await session.scalar(select(Member.digest_until).where(Member.id == me))
    assert until is not None and until < sandbox.clock.now() - timedelta(days=1)

    # Tomorrow evening: the plan keeps her five, and those new since two days ago still are.
    await to_the_morning_after(sandbox)
    await plan_for_her(sandbox, me, mine)
    await to_the_digest_hour(sandbox)
    [told] = digests(xiaoyu)
    assert (
        told.startswith(f"今天为你安排了 {len(mine)} 位推荐，另有 ")
        and "位新会员可能适合你" in told
    )
    assert await announced(sandbox, me) == set(mine)


async def test_a_planned_person_told_of_sixty_days_ago_is_news_again(sandbox: Sandbox) -> None:
    xiaoyu, me, mine = await her_plan_made(sandbox)
    long_ago, lately, *_ = mine
    today = sandbox.app.services.digest.next_run().date()
    async with sandbox.app.services.db.begin() as session:
        session.add_all(
            [
                DigestAnnounced(member_id=me, candidate_id=long_ago, day=today - timedelta(61)),
                DigestAnnounced(member_id=me, candidate_id=lately, day=today - timedelta(59)),
            ]
        )
    await plan_for_her(sandbox, me, [long_ago, lately])
    await to_the_digest_hour(sandbox)
    assert digests(xiaoyu) == ["今天为你安排了 1 位推荐。发送 /match 看看。（发送 /digest 可关闭）"]
    async with sandbox.app.services.db() as session:
        rows = await session.execute(
            select(DigestAnnounced.candidate_id, DigestAnnounced.day).where(
                DigestAnnounced.member_id == me
            )
        )
        assert dict(rows.all()) == {long_ago: today, lately: today - timedelta(59)}


# A crash part way ---------------------------------------------------------------------------

MEMBERS = 12


async def crash_template(url: str) -> datetime:
    """A union of 12 members, all opted in, with today's plan made."""
    async with Sandbox(database_url=url) as sb:
        await seed_union(sb, [])
        now = sb.clock.now()
        await populate(sb.app.services.db, now, now.astimezone(sb.settings.tz).year, MEMBERS)
        await opt_in(sb, list(range(1, MEMBERS + 1)))
        assert await sb.app.services.plans.make() > MEMBERS
        return sb.clock.now()


def no_users(sb: Sandbox) -> None:
    pass


async def run_the_digest(sb: Sandbox) -> None:
    """The digest's task, as the scheduler runs it (again, after a restart)."""
    now = sb.clock.now()
    task = DueTask(0, KIND, None, {}, now, now + timedelta(hours=3), 0)
    await sb.app.services.digest.task_kinds()[KIND].handler(task)


async def settle(sb: Sandbox) -> None:
    await sb.settle()


async def each_told_once_of_her_planned_people(sb: Sandbox, repeats: int) -> None:
    told_twice = 0
    for member_id in range(1, MEMBERS + 1):
        # Nothing was shown or decided: her open planned people are what she is to hear of.
        planned = await sb.app.services.plans.planned_for(member_id)
        heard = [
            entry.text
            for entry in sb.api.chats[FIRST_TELEGRAM_ID + member_id]
            if entry.from_bot and (entry.text or "").endswith(DIGEST)
        ]
        if not planned:
            assert heard == []
            continue
        assert heard, f"member {member_id} was not told"
        assert set(heard) == {
            f"今天为你安排了 {len(planned)} 位推荐。发送 /match 看看。（发送 /digest 可关闭）"
        }
        told_twice += len(heard) - 1
        assert await announced(sb, member_id) == set(planned)
    assert told_twice <= repeats


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 4 members, written 2 at a time: many transactions to crash between."""
    monkeypatch.setattr(digest_service, "BATCH", 4)
    monkeypatch.setattr(digest_service, "WRITE", 2)


def every_commit(steps: list[str]) -> list[int]:
    """Each commit: what survives a crash is what was committed before it (a crash at a
    statement leaves what a crash at the commit after it leaves). Crashes at Telegram's calls
    are the notice sender's, the same for every notice (tests/test_crash_points.py)."""
    return [number for number, kind in enumerate(steps, start=1) if kind == "commit"]


FLOW = Flow("digest", run_the_digest, settle, each_told_once_of_her_planned_people)


async def crash_the_digest(copies: Copies, points: Callable[[list[str]], list[int]]) -> int:
    start = await crash_template(await copies.template())
    figures = await crash_everywhere(copies, start, FLOW, no_users, points)
    return figures.by_kind.get("commit", 0)


@pytest.mark.usefixtures("small_batches")
async def test_a_crash_part_way_loses_no_digest_and_repeats_none(tmp_path: Path) -> None:
    commits = await crash_the_digest(SqliteCopies(tmp_path), every_commit)
    assert commits > 5


@pytest.mark.postgres
@pytest.mark.usefixtures("small_batches")
async def test_a_crash_part_way_on_postgresql_loses_no_digest_and_repeats_none() -> None:
    """Every second commit (SQLite's test crashes at each)."""
    problem = await _postgres_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    copies = PostgresCopies()
    try:
        commits = await crash_the_digest(copies, lambda steps: every_commit(steps)[::2])
    finally:
        await copies.close()
    assert commits > 2
