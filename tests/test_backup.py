"""Backups that restore: ``huihui backup`` while the bot sends, ``huihui restore`` into a new
database, and the restored bot finishes what was under way — nobody missed, and nobody told
twice beyond what was unrecorded when the copy was made."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import stat
import time
from collections.abc import AsyncIterator, Callable
from contextlib import closing, redirect_stderr
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot import cli
from bot.app.backups import keep_daily
from bot.app.leadership import FileLock
from bot.delivery.broadcast_sender import in_flight_bound
from bot.delivery.scheduler import Scheduler
from bot.domain.audience import Audience
from bot.services.broadcasts import Draft
from bot.services.events.reminders import Reminders
from bot.tools.sandbox import Sandbox
from storage import migrate
from storage.backup import is_sqlite, take
from storage.engine import create_engine
from storage.models import Broadcast, BroadcastStatus, Event, Member
from tests.conftest import create_database, database_url_of, drop_database
from tests.helpers import PUDONG, TITLE, all_came, copies, publish, union_with_members, unit_id

NEWS = "本周六工人文化宫联谊，欢迎报名 🎉"
RATE = 25  # messages a second, broadcast and reminders together
MEMBERS = 200


@pytest.fixture
async def new_database(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the same kind as ``database_url``, to restore into."""
    if is_sqlite(database_url):
        (tmp_path / "restored").mkdir()
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'huihui.db'}"
        return
    name = await create_database()
    try:
        yield database_url_of(name)
    finally:
        await drop_database(name)


def huihui(database_url: str, *args: str) -> tuple[int, str]:
    """``huihui ARGS`` against ``database_url``, as an operator types it: status and stderr."""
    with pytest.MonkeyPatch.context() as patch, redirect_stderr(io.StringIO()) as stderr:
        patch.setenv("HUIHUI_DATABASE_URL", database_url)
        status = cli.main(list(args))
    return status, stderr.getvalue()


async def set_revision(database_url: str, revision: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision}
            )
    finally:
        await engine.dispose()


def announced(sb: Sandbox, telegram_id: int) -> int:
    """The event's announcements the member has from the bot."""
    return sum(
        1
        for entry in sb.api.chats[telegram_id]
        if entry.from_bot and (entry.text or "").startswith(f"📣 {TITLE}")
    )


def reminded(sb: Sandbox, telegram_id: int, words: str = f"提醒：“{TITLE}”明天") -> int:
    """Reminders the member has from the bot (the 24 h one unless ``words`` says otherwise)."""
    return sum(
        1 for entry in sb.api.chats[telegram_id] if entry.from_bot and words in (entry.text or "")
    )


async def until(done: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "it never happened"
        await asyncio.sleep(0.01)


async def test_a_backup_taken_mid_broadcast_and_mid_reminders_restores_and_finishes_them(
    database_url: str, new_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    backup = tmp_path / "mid-send.backup"
    async with Sandbox(
        database_url=database_url, api_latency=0.02, rate_limit=RATE, broadcast_rate=RATE
    ) as old:
        organiser, _sibling, members, _ = await union_with_members(old, MEMBERS)
        event_id = await publish(old, organiser)
        await all_came(old, event_id, members)
        reminders = Reminders(old.clock, old.settings)
        async with old.app.services.db.begin() as session:
            event = await session.get(Event, event_id)
            ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
            for telegram_id in members:
                await reminders.plan(session, event, ids[telegram_id], telegram_id)

        def sent() -> tuple[int, int]:
            return (
                sum(copies(old, member, NEWS) for member in members),
                sum(reminded(old, member) for member in members),
            )

        old.clock.set(event.starts_at - timedelta(hours=24, minutes=1))
        await old.app.services.broadcasts.create(
            organiser.id, Draft(NEWS), Audience(await unit_id(old, PUDONG))
        )
        await old.app.delivery.scheduler.run_due()  # the broadcast starts
        await until(lambda: sent()[0] >= 10)
        old.clock.set(event.starts_at - timedelta(hours=24))  # the 24 h reminders fall due
        reminding = asyncio.create_task(old.app.delivery.scheduler.run_due())
        await until(lambda: sent()[1] >= 10)
        before = sent()
        written = await asyncio.to_thread(take, database_url, backup)
        after = sent()  # what the copy may or may not have recorded: sent while it was made
        told = {m: (copies(old, m, NEWS), reminded(old, m)) for m in members}
        await old.crash()  # the machine is lost right after its backup
        reminding.cancel()
    # Mid-way when the copy began (its snapshot: pg_dump's is taken as it starts).
    assert written == backup and before[0] < MEMBERS and before[1] < MEMBERS, "not mid-way"

    # The old machine was lost right after its backup: what was under way is finished.
    status, said = await asyncio.to_thread(
        huihui, new_database, "restore", "--finish-broadcasts", str(backup)
    )
    assert status == 0, said

    async with Sandbox(database_url=new_database, start=old.clock.now()) as new:
        await new.settle()
        news = [told[m][0] + copies(new, m, NEWS) for m in members]
        reminded_24h = [told[m][1] + reminded(new, m) for m in members]
        async with new.app.services.db() as session:
            statuses = set(await session.scalars(select(Broadcast.status)))
        assert statuses == {BroadcastStatus.DONE}
        # The organiser's progress message was shown by the lost machine's Telegram session,
        # which this offline Telegram never saw: editing it is all it refused.
        assert {refused.method for refused in new.api.take_refusals()} <= {"editMessageText"}
        await new.advance(timedelta(hours=22, minutes=1))  # the 2 h reminders: from here only
        two_hours = [reminded(new, m, "还有两小时就开始了") for m in members]
    print(
        f"\nbackup mid-send: {after[0] - before[0]} broadcast messages and {after[1] - before[1]} "
        f"reminders sent while it was made; repeated after restore: broadcast "
        f"{sum(news) - MEMBERS}, reminders {sum(reminded_24h) - MEMBERS}"
    )
    assert min(news) == 1 and min(reminded_24h) == 1, "somebody was missed"
    # Told twice: at most what was in flight and not yet recorded when the copy began, and
    # what was sent while it was being made.
    assert sum(news) - MEMBERS <= in_flight_bound(RATE) + (after[0] - before[0])
    assert sum(reminded_24h) - MEMBERS <= Scheduler.CONCURRENCY + (after[1] - before[1])
    assert two_hours == [1] * MEMBERS


async def test_a_broadcast_sent_after_the_backup_is_not_sent_again_by_the_restored_bot(
    database_url: str, new_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last night's backup restored at noon: the broadcasts due since (and the one under way
    when it was taken) had gone out from the lost machine, and the restored bot sent them to
    every member again as it started, before an organiser could stop them."""
    monkeypatch.chdir(tmp_path)
    backup = tmp_path / "last-night.backup"
    yesterday = datetime.now(UTC) - timedelta(days=1)  # restore judges by the real clock
    async with Sandbox(database_url=database_url, start=yesterday) as old:
        organiser, _sibling, members, _ = await union_with_members(old, 5)
        pudong = await unit_id(old, PUDONG)
        await old.app.services.broadcasts.create(
            organiser.id, Draft(NEWS), Audience(pudong), old.clock.now() + timedelta(hours=2)
        )
        later = "下个月的联谊活动"  # due after the restore: the lost machine never sent it
        await old.app.services.broadcasts.create(
            organiser.id, Draft(later), Audience(pudong), datetime.now(UTC) + timedelta(days=2)
        )
        await publish(old, organiser, announce_at=old.clock.now() + timedelta(hours=1))
        await asyncio.to_thread(take, database_url, backup)
        await old.advance(timedelta(hours=3))  # the morning: the first goes out
        assert all(copies(old, m, NEWS) == 1 for m in members)
        assert all(announced(old, m) == 1 for m in members)  # the event's announcement
        await old.crash()

    status, said = await asyncio.to_thread(huihui, new_database, "restore", str(backup))
    assert status == 0, said
    async with Sandbox(database_url=new_database, start=datetime.now(UTC)) as new:
        await new.settle()
        assert not any(copies(new, m, NEWS) or announced(new, m) for m in members)
        told = new.user("浦东管理员", user_id=organiser.id).texts()
        assert any("会会已从备份恢复数据。群发 #1" in t and "重新发送" in t for t in told), told
        # An event's announcement cannot be sent again with its button: the link can.
        assert any(f"“{TITLE}”的活动通知" in t and "报名链接" in t for t in told), told
        async with new.app.services.db() as session:
            statuses = dict((await session.execute(select(Broadcast.id, Broadcast.status))).all())
        assert statuses == {
            1: BroadcastStatus.CANCELLED,
            2: BroadcastStatus.SCHEDULED,
            3: BroadcastStatus.CANCELLED,
        }


async def test_restore_refuses_a_database_with_members_unless_forced_and_migrates(
    database_url: str, new_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with Sandbox(database_url=database_url) as sb:
        await union_with_members(sb, 3)
    # A backup of a database one migration behind: restoring brings it up to date.
    previous = migrate.revisions()[-2]
    engine = create_engine(new_database)
    try:
        await migrate.upgrade(engine, previous)
    finally:
        await engine.dispose()
    old_backup = tmp_path / "older.backup"
    await asyncio.to_thread(take, new_database, old_backup)

    status, said = await asyncio.to_thread(huihui, database_url, "restore", str(old_backup))
    assert status == 1
    assert said.strip().splitlines() == [
        "huihui: nothing restored: the database holds 3 members, whom the backup would "
        "replace; add --force if that is what you want"
    ]
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(select(Member.id).limit(1)) is not None  # untouched
        status, said = await asyncio.to_thread(
            huihui, database_url, "restore", "--force", str(old_backup)
        )
        assert status == 0, said
        assert await migrate.current_revision(engine) == migrate.head()
        async with engine.connect() as connection:
            assert await connection.scalar(select(Member.id).limit(1)) is None  # the backup's
    finally:
        await engine.dispose()


async def test_a_backup_of_the_wrong_kind_or_no_backup_at_all_changes_nothing(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with Sandbox(database_url=database_url) as sb:
        await union_with_members(sb, 2)
    not_a_backup = tmp_path / "名册.xlsx"
    not_a_backup.write_bytes(b"PK\x03\x04 a spreadsheet, not a backup")
    # What is wrong with the file is said first: --force would not make it restore.
    for force in ([], ["--force"]):
        status, said = await asyncio.to_thread(
            huihui, database_url, "restore", *force, str(not_a_backup)
        )
        assert status == 1 and len(said.strip().splitlines()) == 1 and "is not " in said, said
    status, said = await asyncio.to_thread(huihui, database_url, "restore", "nowhere.dump")
    assert (status, said.strip()) == (1, "huihui: nothing restored: there is no file nowhere.dump")
    assert "Traceback" not in said


async def test_restore_waits_for_no_one_a_serving_bot_on_sqlite_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'huihui.db'}"
    async with Sandbox(database_url=url):
        pass
    backup = tmp_path / "copy.sqlite"
    await asyncio.to_thread(take, url, backup)
    serving = FileLock(tmp_path / "huihui.db")
    serving.hold()  # as `huihui run` does
    try:
        status, said = await asyncio.to_thread(huihui, url, "restore", "--force", str(backup))
    finally:
        serving.let_go()
    assert status == 1 and "another huihui process is serving" in said


def test_without_pg_dump_a_postgresql_backup_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL client tools here
    status, said = huihui(
        "postgresql+asyncpg://huihui:s3cret@db.example.org/huihui", "backup", "x.dump"
    )
    assert status == 1
    assert said.strip().splitlines() == [
        "huihui: no backup made: pg_dump is not on PATH: install PostgreSQL's client tools "
        "(postgresql-client, the server's major version or newer)"
    ]
    assert "s3cret" not in said and not (tmp_path / "x.dump").exists()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_scheduled_backups_come_daily_keep_the_newest_and_leave_other_files(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "README.txt").write_text("运维说明：请勿删除")
    older = [folder / f"huihui-2026110{day}-030000.sqlite" for day in (1, 2, 3)]
    for age, copy in zip((5, 4, 3), older, strict=True):  # days: the newest is 3 days old
        await asyncio.to_thread(take, database_url, copy)
        os.utime(copy, (time.time() - age * 86400,) * 2)
    cut_short = folder / "huihui-20261104-030000.sqlite.part"  # a process killed mid-copy
    cut_short.write_bytes(b"SQLite format 3\x00")
    os.utime(cut_short, (time.time() - 2 * 86400,) * 2)

    def scheduled() -> list[str]:
        return sorted(path.name for path in folder.iterdir() if path.name.endswith(".sqlite"))

    loop = asyncio.create_task(keep_daily(database_url, folder, keep=2))
    try:
        # One is due at once (the newest is over a day old), then the next in a day.
        await until(lambda: len(scheduled()) == 2 and scheduled()[-1] not in str(older))
    finally:
        loop.cancel()
    new = scheduled()[-1]
    assert scheduled() == [older[-1].name, new]
    assert sorted(path.name for path in folder.iterdir()) == sorted(["README.txt", *scheduled()])
    with closing(sqlite3.connect(folder / new)) as connection:
        assert connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


async def test_a_backup_is_readable_by_its_owner_alone(database_url: str, tmp_path: Path) -> None:
    """It holds every member's name, phone and roster entry: not for every account on the host."""
    stale = tmp_path / "huihui.backup.part"  # left by an interrupted backup, world-readable
    stale.write_bytes(b"")
    stale.chmod(0o644)
    written = await asyncio.to_thread(take, database_url, tmp_path / "huihui.backup")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_fresh_scheduled_backup_is_not_taken_again_at_start(
    database_url: str, tmp_path: Path
) -> None:
    fresh = tmp_path / "huihui-20261206-030000.sqlite"
    await asyncio.to_thread(take, database_url, fresh)
    loop = asyncio.create_task(keep_daily(database_url, tmp_path, keep=7))
    await asyncio.sleep(0.5)
    loop.cancel()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("huihui-")] == [
        fresh.name
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_backup_into_a_folder_not_made_yet_or_under_no_folder_at_all(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # Ending in /: a folder, made if need be, with a dated file in it (it became a file
    # called "nightly").
    status, said = await asyncio.to_thread(huihui, database_url, "backup", "nightly/")
    assert status == 0, said
    (copy,) = (tmp_path / "nightly").iterdir()
    assert copy.name.startswith("huihui-") and copy.suffix == ".sqlite"
    # A file in a folder that does not exist: one line, no traceback.
    status, said = await asyncio.to_thread(huihui, database_url, "backup", "nowhere/x.sqlite")
    assert (status, said.strip()) == (1, "huihui: no backup made: there is no folder nowhere")


async def test_a_backup_cut_short_restores_nothing_and_leaves_the_members(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy cut short on its way (a full disk, a transfer stopped): psql used to commit the
    part pg_restore had read before it failed, and PostgreSQL was left with no members table
    while the command said 'nothing restored'; SQLite's check ended in a traceback."""
    monkeypatch.chdir(tmp_path)
    async with Sandbox(database_url=database_url) as sb:
        await union_with_members(sb, 3)
    whole = tmp_path / "whole.backup"
    await asyncio.to_thread(take, database_url, whole)
    cut = tmp_path / "cut.backup"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    status, said = await asyncio.to_thread(huihui, database_url, "restore", "--force", str(cut))
    assert status == 1 and len(said.strip().splitlines()) == 1, said
    assert said.startswith("huihui: nothing restored: ") and "Traceback" not in said
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            members = await connection.scalar(select(func.count()).select_from(Member))
    finally:
        await engine.dispose()
    assert members == 3


async def test_a_backup_of_a_newer_version_is_refused_before_anything_is_replaced(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restored with this version, a newer version's backup replaced the database, then failed
    to migrate it, and the bot would not start on what was left (the IT department's walk;
    a pg_dump archive was not looked at either)."""
    monkeypatch.chdir(tmp_path)
    async with Sandbox(database_url=database_url) as sb:
        await union_with_members(sb, 2)
    newer = tmp_path / ("newer.sqlite" if is_sqlite(database_url) else "newer.dump")
    if is_sqlite(database_url):
        await asyncio.to_thread(take, database_url, newer)
        with closing(sqlite3.connect(newer)) as connection, connection:
            connection.execute("UPDATE alembic_version SET version_num = '0099'")
    else:  # the archive is made from a database at the newer revision, then put back
        await set_revision(database_url, "0099")
        await asyncio.to_thread(take, database_url, newer)
        await set_revision(database_url, migrate.head())
    status, said = await asyncio.to_thread(huihui, database_url, "restore", "--force", str(newer))
    assert status == 1 and len(said.strip().splitlines()) == 1, said
    assert "was made by a newer version of huihui (its schema is at 0099" in said
    engine = create_engine(database_url)
    try:
        assert await migrate.current_revision(engine) == migrate.head()  # left as it was
        async with engine.connect() as connection:
            assert await connection.scalar(select(Member.id).limit(1)) is not None
    finally:
        await engine.dispose()
