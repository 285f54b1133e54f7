"""The daily market plan as members meet it, checked the way a stranger would: what /match
shows when planned people no longer suit, who is left out of the plan, and what happens
around the plan's hour."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.common.workers import WorkerDied
from bot.domain.buttons import ProposePair, parse
from bot.domain.members import REPORT_WEIGHT_TO_HIDE
from bot.services.matching import plan
from bot.services.matching.plan import PLAN_HOUR, STAGES
from bot.tools.population import FIRST_TELEGRAM_ID, populate
from bot.tools.sandbox import Sandbox
from storage import matching, profiles
from storage.models import (
    CardView,
    MatchDecision,
    MatchProfile,
    Member,
    OrgUnit,
    PlannedCard,
    Report,
    SuggestionReview,
)
from tests.helpers import PUDONG, XUHUI, seed_union, union_with_members, unit_id
from tests.test_market_bot import among_120, nickname, planned_cards, planned_for_her
from tests.test_member_app import CARDS, answers_of, member_id, shown_ids
from tests.test_miniapp import as_user, web
from tests.test_proposals import setting as proposal_setting

NOBODY = "暂时没有新的合适人选"


async def shown_to(sandbox: Sandbox, me: int) -> list[int]:
    async with sandbox.app.services.db() as session:
        rows = await session.scalars(
            select(CardView.candidate_id).where(CardView.viewer_id == me).order_by(CardView.id)
        )
        return list(rows)


async def test_planned_people_who_no_longer_suit_her_give_way_to_the_ordinary_order(
    sandbox: Sandbox,
) -> None:
    # After the plan was made, each of her planned people narrowed what they insist on (a
    # height she is not): the engine's hard constraints leave them out of her cards. She is
    # not told that nobody suits her while the union still has people who do.
    xiaoyu, me = await among_120(sandbox)
    await sandbox.app.services.plans.make()
    mine = await planned_for_her(sandbox, me)
    assert len(mine) == STAGES[-1]
    now = sandbox.clock.now()
    async with sandbox.app.services.db.begin() as session:
        for member_id in mine:
            await profiles.save(session, member_id, "seek_height", [100, 101], True, now)
            await matching.refresh_profile(session, member_id, now)

    await xiaoyu.send("/match")
    assert NOBODY not in xiaoyu.last_text()
    shown = await shown_to(sandbox, me)
    assert shown and shown[0] not in mine


async def test_a_plan_that_failed_does_not_stop_the_next_days_plans(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker died while planning (out of memory at a million members, say) on every
    # attempt of one day: the next days are planned all the same, without a restart.
    await seed_union(sandbox, [])
    now = sandbox.clock.now()
    await populate(sandbox.app.services.db, now, now.astimezone(sandbox.settings.tz).year, 60)
    real = plan.in_worker
    failing = True

    async def dies_while_planning(work: Any, *args: Any) -> Any:
        if failing and work is plan.daily_cards:
            raise WorkerDied("the worker ended during a job")
        return await real(work, *args)

    monkeypatch.setattr(plan, "in_worker", dies_while_planning)
    await sandbox.advance(timedelta(days=1))  # the plan's hour and all its retries pass
    assert await planned_cards(sandbox) == []
    failing = False
    await sandbox.advance(timedelta(days=1))
    days = {card.day for card in await planned_cards(sandbox)}
    assert days == {sandbox.app.services.plans.today()}


async def test_a_member_hidden_by_reports_takes_nobodys_planned_cards(sandbox: Sandbox) -> None:
    # Reported enough to be hidden until the organisers decide: no card shows him, so a
    # planned card of him would be one agreed pair fewer for whoever it was planned for.
    xiaoyu, me = await among_120(sandbox)
    plans = sandbox.app.services.plans
    await plans.make()
    mine = await planned_for_her(sandbox, me)
    hidden = mine[0]
    now = sandbox.clock.now()
    async with sandbox.app.services.db.begin() as session:
        reporters = [m for m in range(100, 110) if m != hidden][:3]
        for reporter in reporters:
            session.add(
                Report(
                    reporter_id=reporter,
                    reported_id=hidden,
                    reason="scam",
                    status="pending",
                    created_at=now,
                    weight=REPORT_WEIGHT_TO_HIDE / len(reporters),
                )
            )

    await plans.make()
    cards = await planned_cards(sandbox)
    assert hidden not in {c.viewer_id for c in cards} | {c.candidate_id for c in cards}
    assert len(await planned_for_her(sandbox, me)) == STAGES[-1]


def local_time_next(sandbox: Sandbox, hour: int, minute: int) -> timedelta:
    """How long until the next local ``hour:minute`` (Asia/Shanghai)."""
    now = sandbox.clock.now()
    local = now.astimezone(sandbox.settings.tz)
    due = datetime.combine(local.date(), time(hour, minute), tzinfo=sandbox.settings.tz)
    return (due if due > local else due + timedelta(days=1)) - now


async def test_after_midnight_before_the_next_plan_she_is_served_the_last_one(
    sandbox: Sandbox,
) -> None:
    # The plan is made at 04:00. At 00:30 the day has turned but the next plan is not made:
    # the pairs planned yesterday are still both ways, so she is shown hers, in their order,
    # rather than the ordinary order until four in the morning.
    xiaoyu, me = await among_120(sandbox)
    await sandbox.advance(local_time_next(sandbox, PLAN_HOUR, 5))  # the scheduled plan
    mine = await planned_for_her(sandbox, me)
    assert len(mine) == STAGES[-1]
    await sandbox.advance(local_time_next(sandbox, 0, 30))
    assert {card.day for card in await planned_cards(sandbox)} != {
        sandbox.app.services.plans.today()
    }

    await xiaoyu.send("/match")
    for _ in mine:
        await xiaoyu.press("下一位")
    assert (await shown_to(sandbox, me))[: len(mine)] == mine


async def test_while_a_new_plan_is_written_only_the_latest_is_served(sandbox: Sandbox) -> None:
    # Today's cards are written viewer by viewer while yesterday's are still there: a member
    # with both is served today's alone, in today's order, never the two days mixed.
    xiaoyu, me = await among_120(sandbox)
    plans = sandbox.app.services.plans
    await plans.make()
    mine = await planned_for_her(sandbox, me)
    yesterday = plans.today() - timedelta(days=1)
    others = [m for m in range(100, 220) if m not in mine][:3]
    async with sandbox.app.services.db.begin() as session:
        session.add_all(
            PlannedCard(viewer_id=me, day=yesterday, position=n, candidate_id=other)
            for n, other in enumerate(others)
        )
    assert await plans.planned_for(me) == mine

    await xiaoyu.send("/match")
    first_line = xiaoyu.last_text().split("\n")[0]
    assert first_line.startswith(await nickname(sandbox, mine[0])), first_line


async def test_a_match_made_by_a_matchmaker_is_no_card_for_either(sandbox: Sandbox) -> None:
    # 小雨 and 阿明 both accepted a matchmaker's proposal: they are a match, with no like or
    # skip of either. Neither is offered the other as a card to like or skip afterwards.
    _hongniang, xiaoyu, ming = await proposal_setting(sandbox)
    await xiaoyu.press("接受")
    await ming.press("接受")
    assert any("你和阿明互相喜欢" in t for t in xiaoyu.texts())
    for member in (xiaoyu, ming):
        await member.send("/match")
        assert NOBODY in member.last_text(), member.last_text()


async def test_the_mini_apps_browse_shows_the_plan_first_in_its_order_filters_and_all(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 150)
    plans = sandbox.app.services.plans
    await plans.make()
    me, other = member_id(members[0]), member_id(members[1])
    mine = await planned_for_her(sandbox, me)
    assert len(mine) == STAGES[-1]
    async with web(sandbox) as client:
        page = await client.get(CARDS, headers=as_user(sandbox, members[0]))
    shown = shown_ids(page.text)
    assert shown[: len(mine)] == mine and len(shown) > len(mine)

    # Filtered by the district of the other's second planned person: those of the plan in
    # it come first, in the plan's order, then others of the district.
    theirs = await planned_for_her(sandbox, other)
    district = (await answers_of(sandbox, theirs[1]))["district"]
    fitting = [m for m in theirs if (await answers_of(sandbox, m))["district"] == district]
    async with web(sandbox) as client:
        page = await client.get(
            f"{CARDS}?districts={district}", headers=as_user(sandbox, members[1])
        )
    shown = shown_ids(page.text)
    assert shown[: len(fitting)] == fitting
    for someone in shown:
        assert (await answers_of(sandbox, someone))["district"] == district


async def test_propose_names_only_the_matchmakers_own_units_members_each_once(
    sandbox: Sandbox,
) -> None:
    hongniang = sandbox.user("红娘李姐")
    await seed_union(sandbox, [], matchmakers={PUDONG: [hongniang.id]})
    now, db = sandbox.clock.now(), sandbox.app.services.db
    year = now.astimezone(sandbox.settings.tz).year
    await populate(db, now, year, 40, unit_id=await unit_id(sandbox, PUDONG))
    await populate(db, now, year, 40, unit_id=await unit_id(sandbox, XUHUI), first_member_id=41)
    await sandbox.app.services.plans.make()  # the plan pairs across units; /propose must not
    await hongniang.send("/propose")
    pairs = [
        pressed
        for entry in hongniang.bot_messages()
        for row in entry.inline_keyboard or []
        for button in row
        if isinstance(pressed := parse(button.get("callback_data")), ProposePair)
    ]
    named = Counter(member for pair in pairs for member in (pair.a, pair.b))
    assert len(pairs) == 5 and max(named.values()) == 1, named
    async with db() as session:
        rows = await session.execute(select(Member.id, Member.unit_id).where(Member.id.in_(named)))
        units_of = {member: unit for member, unit in rows}
    assert set(units_of.values()) == {await unit_id(sandbox, PUDONG)}


async def test_the_plan_never_pairs_colleagues_who_asked_not_to_meet_colleagues(
    sandbox: Sandbox,
) -> None:
    await seed_union(sandbox, [])
    now, db = sandbox.clock.now(), sandbox.app.services.db
    await populate(db, now, now.astimezone(sandbox.settings.tz).year, 150)
    async with db.begin() as session:  # a third of the union works at one place and avoids it
        await session.execute(
            update(MatchProfile)
            .where(MatchProfile.member_id % 3 == 0)
            .values(employer="上海申通地铁集团有限公司", avoid_colleagues=True)
        )
        await session.execute(
            update(MatchProfile)
            .where(MatchProfile.member_id % 3 == 1)
            .values(employer="上海申通地铁集团有限公司", avoid_colleagues=False)
        )
    await sandbox.app.services.plans.make()
    cards = await planned_cards(sandbox)
    assert cards
    avoiding = {c.viewer_id for c in cards if c.viewer_id % 3 == 0}
    assert avoiding, "members who avoid colleagues are planned, with others"
    for card in cards:
        both = {card.viewer_id % 3, card.candidate_id % 3}
        assert not (0 in both and both <= {0, 1}), (card.viewer_id, card.candidate_id)


async def test_a_plan_cut_short_while_written_is_made_whole_by_its_next_run(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bot stopped part way through writing the cards (the run is retried at the next
    # start): the next run drops the part written and writes the whole plan, once.
    await seed_union(sandbox, [])
    now = sandbox.clock.now()
    await populate(sandbox.app.services.db, now, now.astimezone(sandbox.settings.tz).year, 60)
    plans = sandbox.app.services.plans
    await plans.make()
    whole = sorted((c.viewer_id, c.position, c.candidate_id) for c in await planned_cards(sandbox))
    monkeypatch.setattr(plan, "WRITE_BATCH", 3)
    real, written = plan.stored.add_cards, 0

    async def stops(*args: Any) -> None:
        nonlocal written
        written += 1
        if written > 4:
            raise ConnectionError("the bot stopped")
        await real(*args)

    monkeypatch.setattr(plan.stored, "add_cards", stops)
    with pytest.raises(ConnectionError):
        await plans.make()
    assert 0 < len(await planned_cards(sandbox)) < len(whole)
    monkeypatch.setattr(plan.stored, "add_cards", real)
    assert await plans.make() == len(whole)
    again = sorted((c.viewer_id, c.position, c.candidate_id) for c in await planned_cards(sandbox))
    assert again == whole


async def test_a_planned_person_seen_in_the_mini_app_is_not_counted_again_in_the_chat(
    sandbox: Sandbox,
) -> None:
    # She browsed the Mini App (her planned people first) and decided on none; in the chat
    # /match offers them again to decide on, but they are no new cards: her day's number of
    # new people is not spent twice on the same people, nor their exposure counted twice.
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 150)
    await sandbox.app.services.plans.make()
    me = member_id(members[0])
    mine = await planned_for_her(sandbox, me)
    async with web(sandbox) as client:
        page = await client.get(CARDS, headers=as_user(sandbox, members[0]))
    browsed = shown_ids(page.text)
    assert browsed[: len(mine)] == mine
    views_today = len(await shown_to(sandbox, me))
    assert views_today == len(browsed)

    member = sandbox.user("会员", user_id=members[0])
    await member.send("/match")
    await member.send("/match")  # asked again before deciding: the same card
    first_line = member.last_text().split("\n")[0]
    assert first_line.startswith(await nickname(sandbox, mine[0])), first_line
    shown = await shown_to(sandbox, me)
    assert len(shown) == views_today == len(set(shown))


async def test_someone_who_liked_her_comes_before_her_planned_people(sandbox: Sandbox) -> None:
    xiaoyu, me = await among_120(sandbox)
    await sandbox.app.services.plans.make()
    mine = await planned_for_her(sandbox, me)
    async with sandbox.app.services.db.begin() as session:
        # The union shows who liked a member, so her card says when it is a liker's.
        await session.execute(update(OrgUnit).values(likes_visible="cards"))
    async with sandbox.app.services.db() as session:
        rows = await session.scalars(
            select(MatchProfile.member_id).where(
                MatchProfile.gender == "male", MatchProfile.member_id.not_in(mine)
            )
        )
        others = list(rows)
    for liker in others:  # the first who suits her
        async with sandbox.app.services.db.begin() as session:
            session.add(
                MatchDecision(
                    viewer_id=liker, candidate_id=me, liked=True, created_at=sandbox.clock.now()
                )
            )
        await xiaoyu.send("/match")
        if "喜欢了你" in xiaoyu.last_text():
            break
    first_line = xiaoyu.last_text().split("\n")[0]
    assert first_line.startswith(await nickname(sandbox, liker)), first_line
    await xiaoyu.press("下一位")
    first_line = xiaoyu.last_text().split("\n")[0]
    assert first_line.startswith(await nickname(sandbox, mine[0])), first_line


async def test_propose_offers_the_days_planned_pairs_of_the_scope_first(
    sandbox: Sandbox,
) -> None:
    # The plan chose its pairs across the union so that lists agree; the matchmaker is
    # offered those within her units first, each member once, the two of each planned to
    # see each other today.
    hongniang = sandbox.user("红娘李姐")
    await seed_union(sandbox, [], matchmakers={PUDONG: [hongniang.id]})
    now, db = sandbox.clock.now(), sandbox.app.services.db
    year = now.astimezone(sandbox.settings.tz).year
    await populate(db, now, year, 60, unit_id=await unit_id(sandbox, PUDONG))
    await populate(db, now, year, 40, unit_id=await unit_id(sandbox, XUHUI), first_member_id=61)
    await sandbox.app.services.plans.make()
    planned = {(c.viewer_id, c.candidate_id) for c in await planned_cards(sandbox)}
    within = {(a, b) for a, b in planned if a < b and a <= 60 and b <= 60}
    assert len(within) >= 5

    await hongniang.send("/propose")
    pairs = [
        (min(pressed.a, pressed.b), max(pressed.a, pressed.b))
        for entry in hongniang.bot_messages()
        for row in entry.inline_keyboard or []
        for button in row
        if isinstance(pressed := parse(button.get("callback_data")), ProposePair)
    ]
    named = Counter(member for pair in pairs for member in pair)
    assert len(pairs) == 5 and max(named.values()) == 1, named
    assert set(pairs) <= within, set(pairs) - within


async def test_planned_people_who_paused_or_deleted_their_account_are_not_shown(
    sandbox: Sandbox,
) -> None:
    xiaoyu, me = await among_120(sandbox)
    await sandbox.app.services.plans.make()
    mine = await planned_for_her(sandbox, me)
    paused, erased = (FIRST_TELEGRAM_ID + member for member in mine[:2])
    assert await sandbox.app.services.member_data.set_paused(paused, True)
    await sandbox.app.services.member_data.erase(erased)

    await xiaoyu.send("/match")
    first_line = xiaoyu.last_text().split("\n")[0]
    assert first_line.startswith(await nickname(sandbox, mine[2])), first_line
    assert [c.candidate_id for c in await planned_cards(sandbox) if c.viewer_id == me] == [
        m for m in mine if m != mine[1]
    ]


async def test_planned_people_a_matchmaker_turned_down_for_her_give_way_too(
    sandbox: Sandbox,
) -> None:
    # A matchmaker rejected each of her planned people as a suggestion for her: she is shown
    # the ordinary order's best instead of being told that nobody suits her.
    xiaoyu, me = await among_120(sandbox)
    await sandbox.app.services.plans.make()
    mine = await planned_for_her(sandbox, me)
    async with sandbox.app.services.db.begin() as session:
        session.add_all(
            SuggestionReview(
                viewer_id=me,
                candidate_id=member,
                score=0.9,
                status="rejected",
                created_at=sandbox.clock.now(),
            )
            for member in mine
        )
    await xiaoyu.send("/match")
    assert NOBODY not in xiaoyu.last_text()
    shown = await shown_to(sandbox, me)
    assert shown and shown[0] not in mine
