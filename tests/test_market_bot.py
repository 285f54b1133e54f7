"""The daily market plan through the real bot: /match serves today's plan first and the
engine's ordinary order after it; a matchmaker's /propose names each member at most once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.buttons import ProposePair, parse
from bot.services.matching import plan
from bot.services.matching.plan import STAGES
from bot.tools.population import populate
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage import profiles
from storage.models import Block, CardView, MatchDecision, Member, PlannedCard
from tests.helpers import PUDONG, seed_union, sign_up, unit_id
from tests.test_matching_bot import WOMAN


async def planned_cards(sb: Sandbox) -> list[PlannedCard]:
    async with sb.app.services.db() as session:
        return list((await session.scalars(select(PlannedCard))).all())


async def nickname(sb: Sandbox, member_id: int) -> str:
    async with sb.app.services.db() as session:
        answers = await profiles.answers(session, member_id)
    return str(answers["nickname"].value)


async def test_match_shows_todays_plan_first_then_the_ordinary_order(sandbox: Sandbox) -> None:
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await sign_up(xiaoyu, WOMAN)
    now = sandbox.clock.now()
    year = now.astimezone(sandbox.settings.tz).year
    await populate(sandbox.app.services.db, now, year, 120, first_member_id=100)
    async with sandbox.app.services.db() as session:
        me = await session.scalar(select(Member.id).where(Member.telegram_id == xiaoyu.id))

    planned = await sandbox.app.services.plans.make()
    cards = await planned_cards(sandbox)
    assert planned == len(cards) > 0
    # Pairs both ways: whoever she is planned to see is planned to see her today.
    mine = sorted((c for c in cards if c.viewer_id == me), key=lambda c: c.position)
    assert mine, "a new member is in the plan"
    shown_to = Counter(c.candidate_id for c in cards)
    assert max(shown_to.values()) <= STAGES[-1]  # nobody crowds everyone's first cards
    for card in mine:
        assert any(c.viewer_id == card.candidate_id and c.candidate_id == me for c in cards)

    await xiaoyu.send("/match")
    for card in mine:
        first_line = xiaoyu.last_text().split("\n")[0]
        assert first_line.startswith(await nickname(sandbox, card.candidate_id)), first_line
        await xiaoyu.press("下一位")
    # Today's plan is used up: the ordinary order goes on, with someone not in the plan.
    assert "暂时没有新的合适人选" not in xiaoyu.last_text()
    async with sandbox.app.services.db() as session:
        shown = (
            await session.scalars(
                select(CardView.candidate_id).where(CardView.viewer_id == me).order_by(CardView.id)
            )
        ).all()
    assert shown[: len(mine)] == [card.candidate_id for card in mine]
    assert shown[-1] not in {card.candidate_id for card in mine}


async def test_each_day_a_plan_is_made_by_itself_and_replaces_yesterdays(
    sandbox: Sandbox,
) -> None:
    await seed_union(sandbox, [])
    now = sandbox.clock.now()
    year = now.astimezone(sandbox.settings.tz).year
    await populate(sandbox.app.services.db, now, year, 60)
    await sandbox.advance(timedelta(days=1))
    first = {c.day for c in await planned_cards(sandbox)}
    await sandbox.advance(timedelta(days=1))
    second = {c.day for c in await planned_cards(sandbox)}
    assert len(first) == len(second) == 1 and first != second


async def test_a_plan_handed_back_and_written_in_many_slices_is_the_same_plan(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At a million members the worker hands the cards back 100,000 at a time and they are
    # written 1,000 a transaction; here the same with slices of 7 and batches of 3.
    await seed_union(sandbox, [])
    now = sandbox.clock.now()
    year = now.astimezone(sandbox.settings.tz).year
    await populate(sandbox.app.services.db, now, year, 60)
    planned = await sandbox.app.services.plans.make()
    whole = sorted((c.viewer_id, c.position, c.candidate_id) for c in await planned_cards(sandbox))
    monkeypatch.setattr(plan, "HANDED_BACK", 7)
    monkeypatch.setattr(plan, "WRITE_BATCH", 3)
    assert await sandbox.app.services.plans.make() == planned == len(whole) > 7
    sliced = sorted((c.viewer_id, c.position, c.candidate_id) for c in await planned_cards(sandbox))
    assert sliced == whole


async def test_propose_names_each_member_at_most_once(sandbox: Sandbox) -> None:
    hongniang = sandbox.user("红娘李姐")
    await seed_union(sandbox, [], matchmakers={PUDONG: [hongniang.id]})
    now = sandbox.clock.now()
    year = now.astimezone(sandbox.settings.tz).year
    unit = await unit_id(sandbox, PUDONG)
    await populate(sandbox.app.services.db, now, year, 60, unit_id=unit)
    await hongniang.send("/propose")
    pairs = [
        pressed
        for entry in hongniang.bot_messages()
        for row in entry.inline_keyboard or []
        for button in row
        if isinstance(pressed := parse(button.get("callback_data")), ProposePair)
    ]
    assert len(pairs) == 5
    named = Counter(member for pair in pairs for member in (pair.a, pair.b))
    assert max(named.values()) == 1, named


async def among_120(sandbox: Sandbox) -> tuple[SimulatedUser, int]:
    """小雨, signed up among 120 synthetic members of her union, and her member id."""
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await sign_up(xiaoyu, WOMAN)
    now = sandbox.clock.now()
    year = now.astimezone(sandbox.settings.tz).year
    await populate(sandbox.app.services.db, now, year, 120, first_member_id=100)
    async with sandbox.app.services.db() as session:
        me = await session.scalar(select(Member.id).where(Member.telegram_id == xiaoyu.id))
    assert me is not None
    return xiaoyu, me


async def planned_for_her(sandbox: Sandbox, me: int) -> list[int]:
    """Her planned people as stored, in the order she is to see them."""
    cards = sorted(await planned_cards(sandbox), key=lambda c: c.position)
    return [c.candidate_id for c in cards if c.viewer_id == me]


async def test_her_open_plan_is_in_order_and_loses_whom_she_passed_or_who_blocked_her(
    sandbox: Sandbox,
) -> None:
    # MarketPlans.planned_for reads her open planned people in order (/match and the Mini
    # App's browse read the same plan through storage.plan.planned_today).
    xiaoyu, me = await among_120(sandbox)
    now = sandbox.clock.now()
    plans = sandbox.app.services.plans
    assert me is not None and await plans.planned_for(me) == []  # no plan made yet

    await plans.make()
    mine = await planned_for_her(sandbox, me)
    assert len(mine) == STAGES[-1]
    assert await plans.planned_for(me) == mine
    assert await plans.planned_for(me, limit=1) == mine[:1]
    await xiaoyu.send("/match")  # the first planned card, passed over
    await xiaoyu.press("下一位")
    assert await plans.planned_for(me) == mine[1:]
    async with sandbox.app.services.db.begin() as session:  # the other one blocks her
        session.add(Block(blocker_id=mine[1], blocked_id=me, created_at=now))
    assert await plans.planned_for(me) == mine[2:]
    # Whoever was planned to see her no longer is either.
    assert me not in await plans.planned_for(mine[1])


async def test_a_planned_person_who_skipped_her_is_not_shown_to_her(sandbox: Sandbox) -> None:
    # Planned both ways: he saw her first today and passed her over, so her card of him could
    # never become a match; she is shown her next planned person instead, and nothing says why.
    xiaoyu, me = await among_120(sandbox)
    now = sandbox.clock.now()
    plans = sandbox.app.services.plans
    await plans.make()
    mine = await planned_for_her(sandbox, me)
    assert me is not None and len(mine) >= 2
    async with sandbox.app.services.db.begin() as session:
        session.add(MatchDecision(viewer_id=mine[0], candidate_id=me, liked=False, created_at=now))

    assert await plans.planned_for(me) == mine[1:]
    await xiaoyu.send("/match")
    first_line = xiaoyu.last_text().split("\n")[0]
    assert first_line.startswith(await nickname(sandbox, mine[1])), first_line
    # One who liked her is still shown (first, as every liker is).
    async with sandbox.app.services.db.begin() as session:
        session.add(MatchDecision(viewer_id=mine[1], candidate_id=me, liked=True, created_at=now))
    assert await plans.planned_for(me) == mine[1:]


async def test_a_union_without_a_whole_profile_yet_plans_nothing_and_fails_nothing(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """A new union's first nights: nobody has finished the questions. The plan failed
    ("the profiles handed to the worker were lost") and was retried three times a night."""
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, [WOMAN], organisers={PUDONG: [organiser.id]})
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    await xiaoyu.send("/start")  # and no further
    assert await sandbox.app.services.plans.make() == 0
    with caplog.at_level("WARNING"):
        await sandbox.advance(timedelta(days=2))
    assert not [r for r in caplog.records if "market_plan" in r.getMessage()]
    assert await planned_cards(sandbox) == []
