"""Nothing lost, nothing twice: the like→match, sign-up, withdrawal and waitlist flows crashed at
every commit and Telegram call, and every twelfth SQL statement between, on SQLite (every state
a crash can leave: tests/crash_harness.py); every fourteenth step on PostgreSQL. `make bench`
crashes them at every single step on both (``HUIHUI_CRASH_STRIDE=1``,
``HUIHUI_CRASH_STATEMENT_STRIDE=1``); the strides here keep `make test` within its time.

After each crash the bot restarts on the same database, the member tries again, and time passes
beyond the event; then the end state must be the one a crash-free run reaches, and everyone must
have been told exactly once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain.buttons import JoinEvent, LeaveEvent, Like
from bot.domain.events import Capacity
from bot.tools.population import FIRST_TELEGRAM_ID, populate
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import Match, Registration, RegistrationStatus
from tests.conftest import IN_CI, _postgres_problem
from tests.crash_harness import (
    Copies,
    Figures,
    Flow,
    PostgresCopies,
    SqliteCopies,
    crash_everywhere,
    every_effect_and_nth_statement,
    every_nth_step,
)
from tests.helpers import PUDONG, publish, seed_union, sign_up, unit_id
from tests.test_matching_bot import MAN, WOMAN, man_script

XIAOYU, AMING = 200_001, 200_002
PG_STRIDE = int(os.environ.get("HUIHUI_CRASH_STRIDE", "14"))
# Every SQL statement too: HUIHUI_CRASH_STATEMENT_STRIDE=1.
SQLITE_STATEMENT_STRIDE = int(os.environ.get("HUIHUI_CRASH_STATEMENT_STRIDE", "12"))
ORGANISER = 300_001


def member(sb: Sandbox, telegram_id: int) -> SimulatedUser:
    return next(u for u in reversed(sb.users) if u.id == telegram_id)


def told(sb: Sandbox, telegram_id: int, words: str) -> int:
    return sum(1 for e in sb.api.chats[telegram_id] if e.from_bot and words in (e.text or ""))


async def member_id_of(sb: Sandbox, telegram_id: int) -> int:
    member_row = await sb.app.services.onboarding.member(telegram_id)
    assert member_row is not None
    return member_row.id


# like → match ------------------------------------------------------------------------------


def match_users(sb: Sandbox) -> None:
    sb.user("小雨", user_id=XIAOYU, phone=WOMAN[3], username="xiaoyu_sh")
    sb.user("阿明", user_id=AMING, phone=MAN[3])  # no username: asked to share a contact


async def match_template(url: str) -> datetime:
    async with Sandbox(database_url=url) as sb:
        match_users(sb)
        xiaoyu, aming = member(sb, XIAOYU), member(sb, AMING)
        await seed_union(sb, [WOMAN, MAN])
        await sign_up(xiaoyu, WOMAN)
        await sign_up(aming, MAN, man_script("阿明"))
        await aming.send("/match")
        await aming.press("❤️")
        await xiaoyu.send("/match")  # 阿明's card is on her screen
        return sb.clock.now()


async def like_back(sb: Sandbox) -> None:
    await member(sb, XIAOYU).forge_press(Like(await member_id_of(sb, AMING)).encode())


async def nothing_more(sb: Sandbox) -> None:
    await sb.settle()


async def one_match_both_told_once(sb: Sandbox, repeats: int) -> None:
    async with sb.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 1
    said = [told(sb, XIAOYU, "互相喜欢"), told(sb, AMING, "互相喜欢")]
    assert all(count >= 1 for count in said)  # nobody untold
    assert sum(said) <= 2 + repeats
    # Contacts wait until both agree to exchange them: nobody is asked for one yet.
    assert told(sb, XIAOYU, "想联系你") == told(sb, AMING, "想联系你") == 0


# events ------------------------------------------------------------------------------------

SIGNER, FIRST, SECOND, THIRD = (FIRST_TELEGRAM_ID + n for n in range(1, 5))


def event_users(sb: Sandbox) -> None:
    sb.user("浦东管理员", user_id=ORGANISER)
    for telegram_id in (SIGNER, FIRST, SECOND, THIRD):
        sb.user(f"会员{telegram_id % 10}", user_id=telegram_id)


async def event_template(url: str, places: int, signed_up: tuple[int, ...]) -> datetime:
    async with Sandbox(database_url=url) as sb:
        event_users(sb)
        await seed_union(sb, [], organisers={PUDONG: [ORGANISER]})
        year = sb.clock.now().astimezone(sb.settings.tz).year
        await populate(
            sb.app.services.db, sb.clock.now(), year, 4, unit_id=await unit_id(sb, PUDONG)
        )
        await publish(sb, member(sb, ORGANISER), capacity=Capacity(places))
        for telegram_id in signed_up:
            await member(sb, telegram_id).forge_press(JoinEvent(1).encode())
        return sb.clock.now()


def reminders(sb: Sandbox, telegram_id: int) -> list[str]:
    return [e.text for e in sb.api.chats[telegram_id] if e.from_bot and "提醒：" in (e.text or "")]


async def past_the_event(sb: Sandbox) -> None:
    await sb.advance(timedelta(days=3, minutes=1))  # both reminders are due before the start


async def status_of(sb: Sandbox, telegram_id: int) -> RegistrationStatus | None:
    member_id = await member_id_of(sb, telegram_id)
    async with sb.app.services.db() as session:
        return await session.scalar(
            select(Registration.status).where(Registration.member_id == member_id)
        )


async def sign_up_act(sb: Sandbox) -> None:
    await member(sb, SIGNER).forge_press(JoinEvent(1).encode())


async def signed_up_with_two_reminders(sb: Sandbox, repeats: int) -> None:
    assert await status_of(sb, SIGNER) == RegistrationStatus.REGISTERED
    assert 2 <= len(reminders(sb, SIGNER)) <= 2 + repeats
    assert len(set(reminders(sb, SIGNER))) == 2  # the day before and two hours before


async def withdraw_act(sb: Sandbox) -> None:
    await member(sb, FIRST).forge_press(LeaveEvent(1).encode())


async def withdrawn_and_the_next_promoted(sb: Sandbox, repeats: int) -> None:
    assert await status_of(sb, FIRST) == RegistrationStatus.CANCELLED
    assert reminders(sb, FIRST) == []
    assert await status_of(sb, SECOND) == RegistrationStatus.REGISTERED
    promoted = told(sb, SECOND, "空出了名额")
    assert promoted >= 1 and len(set(reminders(sb, SECOND))) == 2
    assert promoted - 1 + len(reminders(sb, SECOND)) - 2 <= repeats
    assert await status_of(sb, THIRD) == RegistrationStatus.WAITLISTED
    assert told(sb, THIRD, "空出了名额") == 0 and reminders(sb, THIRD) == []


async def more_places_act(sb: Sandbox) -> None:
    await member(sb, ORGANISER).send("/event_edit 1 places 3")


async def waitlist_promoted(sb: Sandbox, repeats: int) -> None:
    repeated = 0
    for telegram_id in (SECOND, THIRD):
        assert await status_of(sb, telegram_id) == RegistrationStatus.REGISTERED
        assert told(sb, telegram_id, "空出了名额") >= 1
        assert len(set(reminders(sb, telegram_id))) == 2
        repeated += told(sb, telegram_id, "空出了名额") - 1 + len(reminders(sb, telegram_id)) - 2
    assert len(set(reminders(sb, FIRST))) == 2
    repeated += len(reminders(sb, FIRST)) - 2
    assert repeated <= repeats


FLOWS = {
    "like→match": (
        Flow("like→match", like_back, nothing_more, one_match_both_told_once),
        match_users,
        match_template,
    ),
    "sign-up": (
        Flow("sign-up", sign_up_act, past_the_event, signed_up_with_two_reminders),
        event_users,
        lambda url: event_template(url, 5, ()),
    ),
    "withdrawal": (
        Flow("withdrawal", withdraw_act, past_the_event, withdrawn_and_the_next_promoted),
        event_users,
        lambda url: event_template(url, 1, (FIRST, SECOND, THIRD)),
    ),
    "waitlist": (
        Flow("waitlist", more_places_act, past_the_event, waitlist_promoted),
        event_users,
        lambda url: event_template(url, 1, (FIRST, SECOND, THIRD)),
    ),
}


@pytest.mark.parametrize("name", FLOWS)
async def test_a_crash_at_any_step_leaves_nobody_untold_and_nobody_told_twice(
    name: str, tmp_path: Path
) -> None:
    """Every commit and Telegram call, every twelfth SQL statement, on SQLite."""
    points = every_effect_and_nth_statement(SQLITE_STATEMENT_STRIDE)
    figures = await crash_flow(name, SqliteCopies(tmp_path), points)
    assert figures.points > 10 and figures.by_kind["commit"] > 3


@pytest.mark.postgres
@pytest.mark.parametrize("name", FLOWS)
async def test_a_crash_on_postgresql_leaves_nobody_untold_and_nobody_told_twice(
    name: str,
) -> None:
    """Every fourteenth step, on PostgreSQL (every step: ``HUIHUI_CRASH_STRIDE=1``)."""
    problem = await _postgres_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    copies = PostgresCopies()
    try:
        figures = await crash_flow(name, copies, every_nth_step(PG_STRIDE))
    finally:
        await copies.close()
    assert figures.points > 3


async def crash_flow(
    name: str, copies: Copies, points: Callable[[list[str]], list[int]]
) -> Figures:
    flow, users, template = FLOWS[name]
    start = await template(await copies.template())
    figures = await crash_everywhere(copies, start, flow, users, points)
    print(
        f"{name}: {figures.points} crash points {figures.by_kind}, "
        f"{figures.ambiguous} left a notice claimed and unrecorded"
    )
    return figures
