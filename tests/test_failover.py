"""A standby that takes over: real ``huihui run`` processes against one database and a stand-in
for the Bot API over HTTP (tests/telegram_standin.py).

On PostgreSQL one process serves and the other waits; the leader is killed with SIGKILL in the
middle of a broadcast and of an event's reminders, and the standby finishes both — nobody
missed, repeats within the at-least-once bound — and answers members; when its own lock
connection is then cut, it stops at once. Killed in the middle of an organiser's roster
import, the standby finishes the import and says so. On SQLite a second process is refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.app.leadership import APPLICATION_NAME, EXIT_LOST, AdvisoryLock
from bot.delivery.broadcast_sender import in_flight_bound
from bot.delivery.scheduler import Scheduler
from bot.domain.audience import Audience
from bot.services.broadcasts import Draft
from bot.services.events.reminders import Reminders
from bot.tools.sandbox import Sandbox
from storage.engine import create_engine
from storage.models import Event, Member, RosterEntry
from tests.helpers import (
    PUDONG,
    TITLE,
    all_came,
    bind_roster_entries,
    publish,
    union_with_members,
    unit_id,
)
from tests.telegram_standin import Huihui, StandIn, telegram_standin
from tests.test_reaching_telegram import free_port

POSTGRES = [pytest.param("postgresql", marks=pytest.mark.postgres)]
NEWS = "工会冬季送温暖活动今日开始报名"
REMINDER = f"提醒：“{TITLE}”明天"
MEMBERS = 150
RATE = 40  # messages a second, broadcast and reminders together
TAKEOVER = 15.0  # seconds the issue allows


def environment(database_url: str, standin: StandIn, name: str) -> dict[str, str]:
    return {
        "HUIHUI_DATABASE_URL": database_url,
        "HUIHUI_BOT_API_URL": standin.base(name),
        "HUIHUI_HTTP_PORT": str(free_port()),
        "HUIHUI_RATE_LIMIT": str(RATE),
        "HUIHUI_BROADCAST_RATE": str(RATE),
    }


def get(port: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


async def seed(database_url: str, due_in: timedelta) -> tuple[list[int], int]:
    """A union of MEMBERS, all registered for an event, whose 24 h reminders and a broadcast
    to them all fall due ``due_in`` from now (real time). Returns the members and the
    organiser."""
    now = datetime.now(UTC)
    due = now + due_in
    async with Sandbox(database_url=database_url, start=now) as sb:
        organiser, _sibling, members, _ = await union_with_members(sb, MEMBERS)
        starts = due + timedelta(hours=24)
        event_id = await publish(
            sb,
            organiser,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            signup_deadline=now + timedelta(hours=1),
        )
        await all_came(sb, event_id, members)
        reminders = Reminders(sb.clock, sb.settings)
        async with sb.app.services.db.begin() as session:
            event = await session.get(Event, event_id)
            ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
            for telegram_id in members:
                await reminders.plan(session, event, ids[telegram_id], telegram_id)
        await sb.app.services.broadcasts.create(
            organiser.id, Draft(NEWS), Audience(await unit_id(sb, PUDONG)), send_at=due
        )
    return members, organiser.id


def wait_until(done, seconds: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "it never happened"
        time.sleep(0.05)


def leads(process: Huihui) -> bool:
    return "this process is the leader" in process.log()


def count(standin: StandIn, members: list[int], words: str) -> list[int]:
    return [sum(words in said for said in standin.texts_to(m)) for m in members]


@pytest.mark.parametrize("database_url", POSTGRES, indirect=True)
async def test_the_standby_takes_over_a_killed_leader_and_stops_when_its_lock_is_cut(
    database_url: str, tmp_path: Path
) -> None:
    # Sending starts once both processes are up (they start together: imports are slow on a
    # busy machine).
    members, _organiser = await seed(database_url, due_in=timedelta(seconds=20))
    with telegram_standin() as standin:
        backups = tmp_path / "backups"  # shared, as on a network volume
        settings = {
            name: {**environment(database_url, standin, name), "HUIHUI_BACKUP_DIR": str(backups)}
            for name in ("a", "b")
        }
        processes = [Huihui(name, tmp_path, **env) for name, env in settings.items()]
        try:
            await asyncio.to_thread(wait_until, lambda: any(map(leads, processes)))
            leader, standby = sorted(processes, key=lambda process: not leads(process))
            standby_port = settings[standby.name]["HUIHUI_HTTP_PORT"]
            await asyncio.to_thread(standby.wait_for, "waiting as standby")
            status, body = await asyncio.to_thread(get, standby_port, "/readyz")
            assert (status, json.loads(body)["role"]) == (503, "standby")
            _, metrics = await asyncio.to_thread(get, standby_port, "/metrics")
            assert "huihui_leader 0.0" in metrics

            def under_way() -> bool:
                return (
                    sum(count(standin, members, NEWS)) >= 40
                    and sum(count(standin, members, REMINDER)) >= 40
                )

            await asyncio.to_thread(wait_until, under_way, 60)
            killed = leader.kill()
            assert (
                sum(count(standin, members, NEWS)) < MEMBERS
                or sum(count(standin, members, REMINDER)) < MEMBERS
            ), "killed too late: nothing left to take over"

            await asyncio.to_thread(standby.wait_for, "this process is the leader", TAKEOVER + 5)
            await asyncio.to_thread(wait_until, lambda: standin.first_poll_by(standby.name), 20)
            took_over = standin.first_poll_by(standby.name) - killed
            # Polling again: a member's message is answered by the new leader.
            standin.queue_message(members[0], "/help")
            await asyncio.to_thread(wait_until, lambda: len(standin.texts_to(members[0])) > 2, 20)

            def finished() -> bool:
                return (
                    min(count(standin, members, NEWS)) >= 1
                    and min(count(standin, members, REMINDER)) >= 1
                )

            await asyncio.to_thread(wait_until, finished, 60)
            await asyncio.sleep(1)  # anything still to come would come now
            news, reminded = count(standin, members, NEWS), count(standin, members, REMINDER)
            status, body = await asyncio.to_thread(get, standby_port, "/readyz")

            # Now the new leader's lock connection is cut (a database restart, a network
            # fault): it stops at once, before anybody else could take the lock.
            assert await cut_lock_connections(database_url) == 1
            cut_at = time.monotonic()
            exit_status = await asyncio.to_thread(standby.process.wait, 10)
            stopped_in = time.monotonic() - cut_at
            polled_after = [at for _who, at in standin.polls if at > cut_at + 0.1]
        finally:
            for process in processes:
                process.stop()
    print(
        f"\ntakeover {took_over:.1f} s after SIGKILL; repeated: broadcast "
        f"{sum(news) - MEMBERS} (bound {in_flight_bound(RATE)}), reminders "
        f"{sum(reminded) - MEMBERS} (bound {Scheduler.CONCURRENCY}); stopped "
        f"{stopped_in:.2f} s after its lock connection was cut"
    )
    # The standby polled only once the leader was dead (an earlier poll would also make
    # took_over negative and pass), and within the bound.
    assert 0 < took_over <= TAKEOVER
    assert (status, json.loads(body)["role"]) == (200, "leader")
    assert sum(news) - MEMBERS <= in_flight_bound(RATE)
    assert sum(reminded) - MEMBERS <= Scheduler.CONCURRENCY
    # The standby sent nothing before the leader died; never two pollers at once.
    assert not [s for s in standin.sent if s.sender == standby.name and s.at < killed]
    assert standin.conflicts == []
    assert exit_status == EXIT_LOST and stopped_in < 2 and polled_after == []
    # Only a leader backs up: the first took the day's backup (pg_dump); the one that took
    # over found it fresh and took none.
    assert [path.suffix for path in backups.iterdir()] == [".dump"]
    said = standby.log()
    assert "this process is no longer the leader" in said and "Traceback" not in said


ROSTER_ROWS = 60_000
LEFT_NOTICE = "新名册中没有你的记录"


async def seed_roster(database_url: str) -> tuple[int, list[int]]:
    """浦东's organiser and 30 verified members on its roster (PD0…PD29): a replacing file
    that leaves them out marks them as left, and tells each of them."""
    async with Sandbox(database_url=database_url) as sb:
        organiser, _sibling, members, _ = await union_with_members(sb, 30)
        people = [(f"会员{n}", "上海地铁", f"1380000{n:04d}") for n in range(30)]
        await bind_roster_entries(sb, members, people)
    return organiser.id, members


async def roster_rows(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(
                select(func.count())
                .select_from(RosterEntry)
                .where(RosterEntry.member_number.like("R%"), RosterEntry.left_at.is_(None))
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_url", POSTGRES, indirect=True)
async def test_a_roster_import_killed_part_way_is_finished_by_the_standby(
    database_url: str, tmp_path: Path
) -> None:
    organiser, members = await seed_roster(database_url)
    file = tmp_path / "浦东名册.csv"
    rows = (f"职工{n},R{n:06d},上海地铁,139{n:08d}" for n in range(ROSTER_ROWS))
    file.write_text("姓名,会员号,工作单位,手机\n" + "\n".join(rows) + "\n", encoding="utf-8")
    replace = f"{PUDONG}（整份替换）"
    with telegram_standin() as standin:
        processes = [
            Huihui(name, tmp_path, **environment(database_url, standin, name)) for name in "ab"
        ]
        try:
            await asyncio.to_thread(wait_until, lambda: any(map(leads, processes)))
            leader, standby = sorted(processes, key=lambda process: not leads(process))
            await asyncio.to_thread(standby.wait_for, "waiting as standby")
            standin.queue_document(organiser, file)
            await asyncio.to_thread(
                wait_until, lambda: standin.with_button(organiser, replace) is not None, 60
            )
            standin.queue_press(organiser, standin.with_button(organiser, replace), replace)
            confirm = "确认替换：标记 30 人离会"
            await asyncio.to_thread(
                wait_until, lambda: standin.with_button(organiser, confirm) is not None, 60
            )
            standin.queue_press(organiser, standin.with_button(organiser, confirm), confirm)

            async def part_way() -> None:
                while (await roster_rows(database_url)) < ROSTER_ROWS // 10:
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(part_way(), 60)
            leader.kill()
            imported_when_killed = await roster_rows(database_url)
            assert imported_when_killed < ROSTER_ROWS, "killed too late: the import was done"

            await asyncio.to_thread(standby.wait_for, "this process is the leader", TAKEOVER + 5)

            def finished() -> bool:
                return any("不在新名册中、已标记为离会：30 人" in t for t in said_to_organiser())

            def said_to_organiser() -> list[str]:
                return standin.texts_to(organiser)

            await asyncio.to_thread(wait_until, finished, 120)
            # The members' notices go out at 30 a second after the organiser's summary: a
            # second after it (as waited before) some were still on their way on a busy machine.
            await asyncio.to_thread(
                wait_until, lambda: all(count(standin, members, LEFT_NOTICE)), 30
            )
            await asyncio.sleep(1)  # anything still to come (told twice) would come now
            told = count(standin, members, LEFT_NOTICE)
            resumed = standin.senders_of(
                lambda sent: sent.chat_id == organiser and "导入中断过" in sent.text
            )
            final_rows = await roster_rows(database_url)
            logs = [process.log() for process in processes]
        finally:
            for process in processes:
                process.stop()
    print(f"\nkilled with {imported_when_killed} of {ROSTER_ROWS} rows written")
    # The organiser heard from the new leader that it carried on, and the whole file is in.
    assert resumed == {standby.name}
    assert final_rows == ROSTER_ROWS
    # Each member the replacement left out was told exactly once.
    assert told == [1] * len(members)
    assert standin.conflicts == []
    assert all("Traceback" not in log for log in logs)


async def cut_lock_connections(database_url: str) -> int:
    """End the leader lock's session from the server side; how many there were."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            return await connection.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": APPLICATION_NAME},
            )
    finally:
        await engine.dispose()


def test_a_second_process_on_one_sqlite_file_is_refused_with_one_line(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    with telegram_standin() as standin:
        url = f"sqlite+aiosqlite:///{tmp_path / 'huihui.db'}"
        first = Huihui(
            "first", tmp_path, HUIHUI_BACKUP_DIR=str(backups), **environment(url, standin, "first")
        )
        try:
            first.wait_for("Application started")
            second = Huihui("second", tmp_path, **environment(url, standin, "second"))
            status = second.process.wait(30)
            second.stop()
            # The one that serves took its daily backup at start (there was none yet).
            first.wait_for("backup written to")
        finally:
            first.stop()
    assert [path.suffix for path in backups.iterdir()] == [".sqlite"]
    said = [line for line in second.log().splitlines() if line.strip()]
    assert status == 2
    assert said == [
        f"huihui: another huihui process is serving {tmp_path / 'huihui.db'} (it holds "
        f"{tmp_path / 'huihui.db.lock'}); stop it first — a standby needs PostgreSQL"
    ]
    assert not standin.senders_of(lambda sent: sent.sender == "second")


@pytest.mark.parametrize("database_url", POSTGRES, indirect=True)
async def test_a_released_lock_passes_to_the_waiting_standby_at_once(database_url: str) -> None:
    dsn = database_url.replace("postgresql+asyncpg", "postgresql")
    leader, standby = AdvisoryLock(dsn), AdvisoryLock(dsn)
    await leader.acquire()
    waited = asyncio.Event()
    taking = asyncio.create_task(standby.acquire(on_wait=waited.set))
    try:
        await asyncio.wait_for(waited.wait(), 10)
        await asyncio.sleep(1.5)
        assert not taking.done()  # the standby keeps waiting while the leader holds it
        await leader.release()  # a clean stop
        released = time.monotonic()
        await asyncio.wait_for(taking, 5)
        assert time.monotonic() - released < 1.5
    finally:
        taking.cancel()
        await leader.release()
        await standby.release()


async def test_an_unreachable_database_is_one_line_not_one_a_second(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lock = AdvisoryLock(f"postgresql://huihui:s3cret@127.0.0.1:{free_port()}/huihui")
    with caplog.at_level(logging.INFO, logger="huihui.leadership"):
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(lock.acquire(), 3.5)
    await lock.release()
    said = [record.getMessage() for record in caplog.records]
    assert said == ["PostgreSQL cannot be reached (ConnectionRefusedError); trying again"]


def test_a_process_that_cannot_reach_postgresql_says_why_it_is_not_ready(tmp_path: Path) -> None:
    with telegram_standin() as standin:
        url = f"postgresql+asyncpg://huihui:s3cret@127.0.0.1:{free_port()}/huihui"
        env = environment(url, standin, "cut-off")
        process = Huihui("cut-off", tmp_path, **env)
        try:
            process.wait_for("PostgreSQL cannot be reached")
            ready = get(env["HUIHUI_HTTP_PORT"], "/readyz")
            alive = get(env["HUIHUI_HTTP_PORT"], "/healthz")
        finally:
            process.stop()
        assert standin.first_poll_by("cut-off") is None
    assert ready[0] == 503
    assert json.loads(ready[1]) == {
        "role": "starting",
        "reasons": ["PostgreSQL cannot be reached (ConnectionRefusedError)"],
    }
    assert alive[0] == 200
    assert process.process.returncode == 0 and "s3cret" not in process.log()
