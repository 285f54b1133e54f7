"""Scheduled work: runs when due, exactly once, across restarts, with explicit missed-run rules."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from bot.delivery.scheduler import Scheduler
from bot.services import notices
from bot.services.notices import KIND, line
from bot.tools.sandbox import Sandbox
from storage.models import ScheduledTask, TaskStatus
from tests.conftest import DATABASES
from tests.test_bulk_rate import wait_until

NOTICE = "Thank you! The organisers will read your message."
NOTICE_ZH = "谢谢！工会的工作人员会认真阅读你的留言。"


async def task_rows(sb: Sandbox) -> list[ScheduledTask]:
    """The notices the test scheduled (the bot arms its own daily work too)."""
    async with sb.app.services.db() as session:
        rows = await session.scalars(
            select(ScheduledTask).where(ScheduledTask.kind == KIND).order_by(ScheduledTask.id)
        )
        return list(rows.all())


_KEYS = itertools.count()


async def schedule_notice(
    sb: Sandbox, telegram_id: int, text: str, due_at, *, key: str | None = None, **options
) -> int:
    """A notice due at a time, as services write them (in a transaction of their own here)."""
    key = key or f"test:{next(_KEYS)}"
    async with sb.app.services.db.begin() as session:
        await notices.put(
            session,
            to=telegram_id,
            lines=[notices.line(text)],
            now=sb.clock.now(),
            due_at=due_at,
            key=key,
            **options,
        )
    await sb.app.delivery.scheduler.rearm()
    async with sb.app.services.db() as session:
        return await session.scalar(select(ScheduledTask.id).where(ScheduledTask.key == key))


async def notice_in(sb: Sandbox, member, delay: timedelta, **options) -> int:
    return await schedule_notice(sb, member.id, NOTICE, sb.clock.now() + delay, **options)


async def test_work_runs_when_due_and_only_once(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await notice_in(sandbox, alice, timedelta(hours=25))
    await sandbox.advance(timedelta(hours=24))
    assert alice.texts() == []
    await sandbox.advance(timedelta(hours=1))
    assert alice.texts() == [NOTICE_ZH]
    await sandbox.advance(timedelta(days=3))
    await sandbox.restart()
    await sandbox.advance(timedelta(days=3))
    assert alice.texts() == [NOTICE_ZH]
    [task] = await task_rows(sandbox)
    assert (task.status, task.attempts) == (TaskStatus.DONE, 1)


async def test_due_work_runs_in_order_as_time_passes(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    start = sandbox.clock.now()
    for hours, text in ((3, "Cancelled. Nothing was sent."), (1, "Here is what I can do:")):
        await schedule_notice(sandbox, alice.id, text, start + timedelta(hours=hours))
    await sandbox.advance(timedelta(hours=5))
    assert alice.texts() == ["我可以帮你做这些：", "已取消，没有发送任何内容。"]


async def test_scheduled_work_survives_a_restart(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await notice_in(sandbox, alice, timedelta(hours=2))
    await sandbox.restart()
    await sandbox.advance(timedelta(hours=2))
    assert alice.texts() == [NOTICE_ZH]


async def test_work_missed_while_down_runs_at_start_unless_expired(sandbox: Sandbox) -> None:
    alice, bob = sandbox.user("小王"), sandbox.user("小李")
    now = sandbox.clock.now()
    await notice_in(sandbox, alice, timedelta(hours=1), expires_at=now + timedelta(hours=3))
    await notice_in(sandbox, bob, timedelta(hours=1), expires_at=now + timedelta(minutes=90))
    await sandbox.stop()
    sandbox.clock.advance(timedelta(hours=2))  # the bot was down when both fell due
    await sandbox.start()
    await sandbox.advance(timedelta(0))
    assert alice.texts() == [NOTICE_ZH]
    assert bob.texts() == []
    statuses = [task.status for task in await task_rows(sandbox)]
    assert statuses == [TaskStatus.DONE, TaskStatus.EXPIRED]


async def test_rescheduling_the_same_key_replaces_the_pending_task(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await notice_in(sandbox, alice, timedelta(hours=1), key="demo:alice")
    await notice_in(sandbox, alice, timedelta(hours=5), key="demo:alice")
    await sandbox.advance(timedelta(hours=4))
    assert alice.texts() == []
    await sandbox.advance(timedelta(hours=1))
    assert alice.texts() == [NOTICE_ZH]
    await notice_in(sandbox, alice, timedelta(hours=1), key="demo:alice")  # already ran: kept
    await sandbox.advance(timedelta(hours=2))
    assert alice.texts() == [NOTICE_ZH]
    assert len(await task_rows(sandbox)) == 1


# SQLite runs one write transaction at a time (the second waits for the first's commit), so the
# race is PostgreSQL's.
@pytest.mark.parametrize("database_url", [DATABASES[1]], indirect=True)
async def test_the_same_key_armed_by_two_at_once_is_one_task_and_no_error(
    sandbox: Sandbox,
) -> None:
    """Tomorrow's plan armed at start while today's run, retried after a stop, arms it too: both
    find the key missing before either commits. The second insert failed its caller (a unique
    violation), and the plan's run with it."""
    work, due = sandbox.app.services.work, sandbox.clock.now() + timedelta(days=1)
    first_looked, second_looked = asyncio.Event(), asyncio.Event()

    async def arm(mine: asyncio.Event, theirs: asyncio.Event) -> None:
        async with sandbox.app.services.db.begin() as session:
            await session.execute(select(ScheduledTask.id).where(ScheduledTask.key == "plan:x"))
            mine.set()
            await theirs.wait()  # both have looked; neither has added it yet
            await work.put(session, KIND, due, key="plan:x")

    await asyncio.gather(arm(first_looked, second_looked), arm(second_looked, first_looked))

    rows = await task_rows(sandbox)
    assert [(t.kind, t.key, t.status) for t in rows] == [(KIND, "plan:x", TaskStatus.PENDING)]


async def test_notices_written_in_bulk_follow_the_same_once_only_rules(
    sandbox: Sandbox,
) -> None:
    """An event tells thousands at once (notices.put_all): a key already sent is not sent
    again, a pending one is re-armed, a key given twice in one batch is one notice — the
    rules of writing them one by one."""
    alice, bob, carol = (sandbox.user(name) for name in ("小王", "小李", "小陈"))
    await notice_in(sandbox, alice, timedelta(minutes=1), key="bulk:alice")
    await sandbox.advance(timedelta(minutes=1))
    await notice_in(sandbox, bob, timedelta(hours=3), key="bulk:bob")
    now = sandbox.clock.now()

    def to(user, minutes: int, key: str) -> notices.Notice:
        return notices.Notice(
            to=user.id,
            lines=[notices.line(NOTICE)],
            key=key,
            due_at=now + timedelta(minutes=minutes),
        )

    async with sandbox.app.services.db.begin() as session:
        await notices.put_all(
            session,
            [
                to(alice, 1, "bulk:alice"),  # sent already: kept as it was
                to(bob, 1, "bulk:bob"),  # pending: now due in a minute, not in three hours
                to(carol, 30, "bulk:carol"),
                to(carol, 2, "bulk:carol"),  # the same key again: the later one counts
            ],
            now,
        )
    sandbox.app.services.work.wake()
    await sandbox.advance(timedelta(minutes=2))
    assert (alice.texts(), bob.texts(), carol.texts()) == ([NOTICE_ZH], [NOTICE_ZH], [NOTICE_ZH])
    await sandbox.advance(timedelta(hours=4))
    assert (alice.texts(), bob.texts(), carol.texts()) == ([NOTICE_ZH], [NOTICE_ZH], [NOTICE_ZH])
    assert len(await task_rows(sandbox)) == 3


async def test_cancelled_work_never_runs(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await notice_in(sandbox, alice, timedelta(hours=1), key="demo:cancel")
    assert await sandbox.app.services.work.cancel("demo:cancel")
    await sandbox.advance(timedelta(hours=2))
    assert alice.texts() == []


async def test_failing_work_is_retried_with_back_off_then_given_up(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    sandbox.api.inject_error(alice.chat_id, "network", times=2)
    await notice_in(sandbox, alice, timedelta(minutes=10))
    await sandbox.advance(timedelta(minutes=10))
    assert alice.texts() == []
    await sandbox.advance(timedelta(seconds=15))  # retried after 5 s, then after 10 more
    assert alice.texts() == [NOTICE_ZH]
    [task] = await task_rows(sandbox)
    assert (task.status, task.attempts) == (TaskStatus.DONE, 3)

    sandbox.api.inject_error(alice.chat_id, "network")
    await notice_in(sandbox, alice, timedelta(minutes=1))
    await sandbox.advance(timedelta(hours=1))
    failed = (await task_rows(sandbox))[-1]
    assert (failed.status, failed.attempts, failed.last_error) == (
        TaskStatus.FAILED,
        6,
        "NetworkError",
    )


async def test_a_blocked_member_is_not_retried(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    sandbox.api.inject_error(alice.chat_id, "blocked")
    await notice_in(sandbox, alice, timedelta(minutes=1))
    await sandbox.advance(timedelta(hours=1))
    [task] = await task_rows(sandbox)
    assert (task.status, task.attempts) == (TaskStatus.DONE, 1)
    assert sandbox.api.calls["sendMessage"] == 1


async def test_work_interrupted_by_a_crash_runs_again_at_start(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    task_id = await notice_in(sandbox, alice, timedelta(minutes=5))
    async with sandbox.app.services.db.begin() as session:  # the process dies mid-run
        await session.execute(
            update(ScheduledTask)
            .where(ScheduledTask.id == task_id)
            .values(status=TaskStatus.RUNNING, attempts=1)
        )
    await sandbox.restart()
    await sandbox.advance(timedelta(minutes=10))
    assert alice.texts() == [NOTICE_ZH]


async def test_work_falling_due_is_started_by_the_job_queue_on_its_own(sandbox: Sandbox) -> None:
    """No advance(): the JobQueue job armed for the earliest task wakes the scheduler."""
    alice = sandbox.user("小王")
    await notice_in(sandbox, alice, timedelta(0))
    for _ in range(100):
        if alice.texts():
            break
        await asyncio.sleep(0.05)
    assert alice.texts() == [NOTICE_ZH]


async def test_notices_use_the_language_chosen_when_they_are_sent(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await notice_in(sandbox, alice, timedelta(hours=1))
    await alice.send("/language")
    await alice.press("English")
    await sandbox.advance(timedelta(hours=1))
    assert alice.last_text() == NOTICE


async def a_backlog_in_flight(sb: Sandbox) -> tuple[list[int], list[Any], asyncio.Task[int]]:
    """40 more notices than the scheduler sends at once, its pass started and waiting with
    CONCURRENCY of them held at Telegram: (recipients, their gates, the pass)."""
    recipients = [900_000 + n for n in range(Scheduler.CONCURRENCY + 40)]
    gates = [sb.api.hold(to) for to in recipients]
    async with sb.app.services.db.begin() as session:
        await notices.put_all(
            session,
            [notices.Notice(to=to, lines=[line(NOTICE)], key=f"n:{to}") for to in recipients],
            sb.clock.now(),
        )
    sending = asyncio.create_task(sb.app.delivery.scheduler.run_due())
    await wait_until(lambda: sum(g.reached.is_set() for g in gates) == Scheduler.CONCURRENCY)
    return recipients, gates, sending


@contextmanager
def give_backs(sb: Sandbox) -> Iterator[list[int]]:
    """How many tasks each give-back statement returned to pending, in order."""
    given_back: list[int] = []

    def count(_conn, _cursor, statement: str, parameters, *_args) -> None:  # noqa: ANN001
        # status and attempts alone: neither a claim nor a run's outcome (both set a time)
        updating = statement.startswith("UPDATE scheduled_tasks SET status=")
        if updating and "_at=" not in statement:
            given_back.append(len(parameters) - 3)  # the ids (status, attempts, status)

    event.listen(sb.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield given_back
    finally:
        event.remove(sb.engine.sync_engine, "before_cursor_execute", count)


async def test_a_pass_that_ends_during_a_stop_leaves_the_give_back_to_the_pass_still_running(
    database_url: str,
) -> None:
    """A second pass (a wake-up) that found nothing to claim ended while the first was stopping:
    it gave back the one task set aside so far and the first pass the other 39, two statements
    where one was meant (seen under load in the suite)."""
    async with Sandbox(database_url=database_url, rate_limit=1000) as sb:
        scheduler = sb.app.delivery.scheduler
        recipients, gates, sending = await a_backlog_in_flight(sb)
        with give_backs(sb) as given_back:
            scheduler.stop()
            in_flight = [to for to, g in zip(recipients, gates, strict=True) if g.reached.is_set()]
            try:
                # Its slot goes to a waiting task, which is set aside, and so on down the queue;
                # the wake-up, with nothing to claim, ends as soon as the first has been.
                sb.api.release(in_flight[0])
                while not scheduler._unstarted:  # noqa: SLF001 - that moment
                    await asyncio.sleep(0)
                await scheduler.run_due()
            finally:
                for to in recipients:
                    sb.api.release(to)
            await asyncio.wait_for(scheduler.wait_idle(), 30)
            await sending
        statuses = Counter((row.status, row.attempts) for row in await task_rows(sb))
        assert statuses == {(TaskStatus.DONE, 1): 30, (TaskStatus.PENDING, 0): 40}
        assert given_back == [40]


async def test_a_stop_gives_back_the_claimed_work_it_did_not_start_at_once(
    database_url: str,
) -> None:
    """SIGTERM during a backlog: the notices claimed but not yet started go back to pending
    with their attempt uncounted, in one statement, and the next start sends each once. Given
    back one transaction each, 74 of 200 were still claimed when the stop's 10 s of grace ran
    out on a busy machine (benchmarks/backlog.py)."""
    async with Sandbox(database_url=database_url, rate_limit=1000) as sb:
        recipients, _gates, sending = await a_backlog_in_flight(sb)
        with give_backs(sb) as given_back:
            sb.app.delivery.scheduler.stop()  # what SIGTERM does first
            for to in recipients:  # the requests in flight are answered
                sb.api.release(to)
            await asyncio.wait_for(sb.app.delivery.scheduler.wait_idle(), 30)
            await sending
        rows = await task_rows(sb)
        statuses = Counter((row.status, row.attempts) for row in rows)
        assert statuses == {(TaskStatus.DONE, 1): 30, (TaskStatus.PENDING, 0): 40}
        assert given_back == [40]
        await sb.restart()
        await sb.settle()
        assert [sb.api.chats[to][-1].text for to in recipients] == [NOTICE_ZH] * len(recipients)
        assert all(len(sb.api.chats[to]) == 1 for to in recipients)
