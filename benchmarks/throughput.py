"""Updates per second through the full stack: sandbox Bot API with latency, real Application,
database, persistence, rate limiter.

Simulated members each send their messages one after another, waiting for each answer, through
a small stateful flow: /quiz asks nine questions in a row; the conversation state and the
answers (user_data) live in 会会's SQL persistence, written in batches as in production. Runs in
the same process, one after the other:

* ``sequential``: the flow on PTB's default update processor (one update at a time);
* ``concurrent``: the flow on 会会's per-member processor;
* ``echo``: a bare echo handler on 会会's processor — the ceiling of the stack;
* ``feedback``: the product's /feedback flow on 会会's processor, which commits every note to the
  database before thanking the member (one write transaction per two updates), for reference;
* ``onboarding``: the product's real sign-up — consent, verification against the roster, the
  pledge, every profile question (answers as a member in Shanghai gives them) — on PTB's
  sequential processor and on 会会's, each member once through. Beside it, the SQL statements
  the bot sent per update, over the whole crowd and per answered question of one member alone.

PTB's default serves about one update per Bot API round trip, so it runs on fewer members
(``--sequential-members``) to keep the run short; its rate does not depend on how many wait.
A member's update returns once the bot has handled it, as from Telegram (``AsInProduction``).
The concurrent rates need CPU where the sequential ones wait: the machine's load average is
reported beside them, and the CPU each update took.

    python benchmarks/throughput.py [--members 500] [--messages 20] [--latency 0.05]
                                    [--database-url URL] [--onboarding-only] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    SimpleUpdateProcessor,
    filters,
)

from bot.app.application import LANGUAGE_GROUP  # noqa: E402
from bot.domain.units import UnitSpec  # noqa: E402
from bot.tools.sandbox import Sandbox, SimulatedUser  # noqa: E402
from storage import (
    migrate,  # noqa: E402
    units,  # noqa: E402
)
from storage.engine import create_engine  # noqa: E402
from storage.models import Member, ThreadMessage, UserData  # noqa: E402
from tests.helpers import ZH_ANSWERS, answer, seed_union, sign_up, verify  # noqa: E402

TARGET_VS_SEQUENTIAL = 20.0
TARGET_VS_ECHO = 0.5
# The sign-up has more round trips per update than the quiz (buttons edited, then a question).
TARGET_ONBOARDING_VS_SEQUENTIAL = 20.0


QUESTIONS = 9


async def quiz_flow(member: SimulatedUser, messages: int) -> None:
    for index in range(messages):
        if index % (QUESTIONS + 1) == 0:
            await member.send("/quiz")
        else:
            await member.send(f"答案{index}")


async def ask_question(update: Update, context: Any) -> int:
    answers = context.user_data.setdefault("quiz", [])
    if update.effective_message.text != "/quiz":
        answers.append(update.effective_message.text)
    else:
        answers.clear()
    number = len(answers) + 1
    if number > QUESTIONS:
        await update.effective_message.reply_text(f"完成，共 {len(answers)} 个回答")
        return ConversationHandler.END
    await update.effective_message.reply_text(f"第 {number} 题：你周末喜欢做什么？")
    return number


def stop_after(callback: Callable[..., Awaitable[int]]) -> Callable[..., Awaitable[None]]:
    async def stopping(update: Update, context: Any) -> None:
        raise ApplicationHandlerStop(await callback(update, context))

    return stopping


def quiz_handler() -> ConversationHandler[Any]:
    # Ending the update here keeps the product's own handlers out of the measurement.
    answer = MessageHandler(filters.TEXT & ~filters.COMMAND, stop_after(ask_question))
    return ConversationHandler(
        entry_points=[CommandHandler("quiz", stop_after(ask_question))],
        states={number: [answer] for number in range(1, QUESTIONS + 1)},
        fallbacks=[],
        name="benchmark-quiz",
        persistent=True,
    )


async def feedback_flow(member: SimulatedUser, messages: int) -> None:
    for round_ in range(messages // 2):
        await member.send("/feedback")
        await member.send(f"第{round_ + 1}条建议：食堂晚饭多一些素菜")


async def echo_flow(member: SimulatedUser, messages: int) -> None:
    for index in range(messages):
        await member.send(f"echo {index}")


async def echo(update: Update, _context: Any) -> None:
    await update.effective_message.reply_text(update.effective_message.text)
    raise ApplicationHandlerStop


def echo_handler() -> MessageHandler[Any, Any]:
    return MessageHandler(filters.ALL, echo)


# On PostgreSQL the benchmark uses a database of its own on the server it is given, named after
# the one given (``<database>_throughput``), so that it never empties one that tests or another
# benchmark are using, and two people benchmarking on one server do not share one.
DATABASE = "{database}_throughput"


def own_database_name(database_url: str) -> str:
    return DATABASE.format(database=make_url(database_url).database or "huihui_bench")


async def _as_admin(database_url: str, statement: str) -> None:
    import asyncpg  # PostgreSQL only

    admin_url = make_url(database_url).set(drivername="postgresql", database="postgres")
    admin = await asyncpg.connect(admin_url.render_as_string(hide_password=False))
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def own_database(database_url: str) -> str:
    """``<database>_throughput`` on the server of ``database_url``, created if missing."""
    name = own_database_name(database_url)
    exists = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        await _as_admin(database_url, f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - asyncpg's DuplicateDatabaseError: kept
        if "already exists" not in str(error):
            raise
    return exists


async def drop_own_database(database_url: str) -> None:
    name = own_database_name(database_url)
    await _as_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def empty_database(database_url: str) -> None:
    """Each measurement starts from an empty schema, as with the default temporary SQLite file."""
    engine = create_engine(database_url)
    try:
        await migrate.downgrade(engine, "base")
    finally:
        await engine.dispose()


async def measure(
    *,
    label: str,
    members: int,
    messages: int,
    latency: float,
    database_url: str | None,
    flow: Callable[[SimulatedUser, int], Awaitable[None]],
    sequential: bool = False,
    handler: Callable[[], BaseHandler[Any, Any, Any]] | None = None,
) -> dict[str, Any]:
    def setup(application: Any) -> None:
        if handler is not None:  # ahead of every product handler
            application.add_handler(handler(), group=LANGUAGE_GROUP - 1)

    if database_url is not None:
        await empty_database(database_url)
    processor = SimpleUpdateProcessor(1) if sequential else None
    async with Sandbox(
        database_url=database_url, api_latency=latency, update_processor=processor, setup=setup
    ) as sb:
        crowd = [sb.user(f"会员{i}") for i in range(members)]
        if flow is feedback_flow:  # notes reach a union, from members who agreed to the terms
            async with sb.app.services.db.begin() as session:
                await units.save_specs(session, [UnitSpec("上海市总工会", "city")])
            for member in crowd:
                await member.send("/start")
                await member.press("同意")
                member.log.clear()
        for member in crowd:
            member.sandbox = AsInProduction(sb)
        started = time.perf_counter()
        await asyncio.gather(*(flow(member, messages) for member in crowd))
        elapsed = time.perf_counter() - started
        answered = sum(len(member.texts()) for member in crowd)
        await sb.app.update_persistence()
        async with sb.app.services.db() as session:
            stored = await session.scalar(select(func.count()).select_from(ThreadMessage))
            persisted_answers = await session.scalar(select(func.count()).select_from(UserData))
    updates = members * messages
    expected_stored = updates // 2 if flow is feedback_flow else 0
    expected_persisted = members if flow is quiz_flow else 0
    result = {
        "updates": updates,
        "seconds": round(elapsed, 3),
        "updates_per_s": round(updates / elapsed, 1),
        "unanswered": updates - answered,
        "feedback_missing": expected_stored - stored,
        # Only the quiz keeps per-member data (signing up keeps its own in the feedback run).
        "persisted_state_missing": expected_persisted - persisted_answers
        if flow is quiz_flow
        else 0,
    }
    print(
        f"  {label:<11} {result['updates_per_s']:>8.1f} updates/s  "
        f"({updates} updates in {elapsed:.1f} s)",
        file=sys.stderr,
    )
    return result


# Updates one member sends to sign up: /start, agree, share the phone, name, number, employer,
# the pledge, then every step of every answer.
SIGN_UP_UPDATES = 7 + sum(len(steps) for steps in ZH_ANSWERS.values())
EMPLOYER = "上海申通地铁集团有限公司"


class Statements:
    """SQL statements the bot sends through its engine."""

    def __init__(self, sb: Sandbox) -> None:
        self.count = 0
        event.listen(sb.engine.sync_engine, "before_cursor_execute", self._counted)

    def _counted(self, *_args: Any, **_kwargs: Any) -> None:
        self.count += 1


def entry(number: int) -> tuple[str, str, str, str]:
    """The roster entry of the ``number``-th member the sandbox makes (its phones count so)."""
    return ("王小雨", f"SH{number:06d}", EMPLOYER, f"138{number + 10000000:08d}")


class AsInProduction:
    """The sandbox as a crowd's members reach it: an update returns once the bot has handled
    it, as it would from Telegram, not also once the scheduled work that anybody's update
    caused is done (``Sandbox.deliver``'s ``settle``). In a crowd of 500 signing up, such work
    (after each verification and photo) is going on nearly all the time, and every member
    waiting for it measured the waiting rather than the bot."""

    def __init__(self, sb: Sandbox) -> None:
        self.api, self.clock, self._sb = sb.api, sb.clock, sb

    async def deliver(self, update_json: dict[str, Any], *, settle: bool = True) -> None:
        await self._sb.deliver(update_json, settle=False)


async def one_member_alone(sb: Sandbox, first: int) -> dict[str, Any]:
    """Statements per answered question for one member signing up with nobody else about."""
    member = sb.user("小雨")
    name, number, employer, _phone = entry(first)
    statements = Statements(sb)
    await verify(member, name, number, employer)
    await member.press("我承诺")
    per_question: dict[str, int] = {}
    for key, steps in ZH_ANSWERS.items():
        before = statements.count
        await answer(member, steps)
        per_question[key] = statements.count - before
    answered = sum(per_question.values())
    updates = sum(len(steps) for steps in ZH_ANSWERS.values())
    return {
        "statements_per_answered_question": round(answered / len(per_question), 1),
        "statements_per_answering_update": round(answered / updates, 1),
        "most_statements_for_one_question": max(per_question.values()),
    }


async def measure_onboarding(
    *, label: str, members: int, latency: float, database_url: str | None, sequential: bool
) -> dict[str, Any]:
    if database_url is not None:
        await empty_database(database_url)
    processor = SimpleUpdateProcessor(1) if sequential else None
    async with Sandbox(
        database_url=database_url, api_latency=latency, update_processor=processor
    ) as sb:
        await seed_union(sb, [entry(n) for n in range(members + 1)])
        crowd = [sb.user(f"会员{n}") for n in range(members)]
        for member in crowd:
            member.sandbox = AsInProduction(sb)
        statements = Statements(sb)
        started, cpu_started = time.perf_counter(), time.process_time()
        main_started = time.thread_time()  # the event loop's thread: where the bot's work is
        await asyncio.gather(*(sign_up(member, entry(n)) for n, member in enumerate(crowd)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        main_cpu = time.thread_time() - main_started
        sent = statements.count
        async with sb.app.services.db() as session:
            complete = await session.scalar(
                select(func.count())
                .select_from(Member)
                .where(Member.profile_completed_at.is_not(None))
            )
        alone = await one_member_alone(sb, members) if not sequential else {}
    updates = members * SIGN_UP_UPDATES
    result = {
        "updates": updates,
        "seconds": round(elapsed, 3),
        "updates_per_s": round(updates / elapsed, 1),
        "statements_per_update": round(sent / updates, 1),
        # All threads (SQLite's included): what a busy machine does not change much.
        "cpu_ms_per_update": round(cpu / updates * 1000, 2),
        # The event loop's thread alone: one core's worth bounds the concurrent rate.
        "main_thread_cpu_ms_per_update": round(main_cpu / updates * 1000, 2),
        "not_signed_up": members - (complete or 0),
    } | alone
    print(
        f"  {label:<11} {result['updates_per_s']:>8.1f} updates/s  "
        f"({updates} updates in {elapsed:.1f} s, {result['statements_per_update']} statements "
        "per update)",
        file=sys.stderr,
    )
    return result


async def onboarding(args: argparse.Namespace) -> dict[str, Any]:
    common = {"latency": args.latency, "database_url": args.database_url}
    sequential = await measure_onboarding(
        label="sign-up seq", members=args.sequential_members, sequential=True, **common
    )
    concurrent = await measure_onboarding(
        label="sign-up", members=args.members, sequential=False, **common
    )
    ratio = concurrent["updates_per_s"] / sequential["updates_per_s"]
    return {
        "onboarding_updates_per_member": SIGN_UP_UPDATES,
        "onboarding_sequential_updates_per_s": sequential["updates_per_s"],
        "onboarding_concurrent_updates_per_s": concurrent["updates_per_s"],
        "onboarding_vs_sequential": round(ratio, 2),
        "onboarding_statements_per_update": concurrent["statements_per_update"],
        "onboarding_cpu_ms_per_update": concurrent["cpu_ms_per_update"],
        "onboarding_main_thread_cpu_ms_per_update": concurrent["main_thread_cpu_ms_per_update"],
        "onboarding_sequential_statements_per_update": sequential["statements_per_update"],
        "statements_per_answered_question": concurrent["statements_per_answered_question"],
        "statements_per_answering_update": concurrent["statements_per_answering_update"],
        "most_statements_for_one_question": concurrent["most_statements_for_one_question"],
        "not_signed_up": sequential["not_signed_up"] + concurrent["not_signed_up"],
        "onboarding_target_met": ratio >= TARGET_ONBOARDING_VS_SEQUENTIAL,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    print(
        f"throughput: latency {args.latency * 1000:.0f} ms, {args.messages} messages per member",
        file=sys.stderr,
    )
    result = {
        "members": args.members,
        "sequential_members": args.sequential_members,
        "api_latency_s": args.latency,
        "database": "sqlite" if args.database_url is None else args.database_url.split(":")[0],
        # The concurrent figures need CPU, the sequential ones hardly any: a busy machine
        # lowers the ratios (the one-minute load average, on this machine's cores).
        "cores": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 1),
    }
    given = args.database_url
    if given is not None:
        args.database_url = await own_database(given)
    try:
        if not args.onboarding_only:
            result |= await quiz(args)
        result |= await onboarding(args)
    finally:
        if given is not None:
            await drop_own_database(given)
    return result | {"load_average_at_end": round(os.getloadavg()[0], 1)}


async def quiz(args: argparse.Namespace) -> dict[str, Any]:
    common = {"messages": args.messages, "latency": args.latency, "database_url": args.database_url}
    sequential = await measure(
        label="sequential",
        members=args.sequential_members,
        flow=quiz_flow,
        handler=quiz_handler,
        sequential=True,
        **common,
    )
    concurrent = await measure(
        label="concurrent", members=args.members, flow=quiz_flow, handler=quiz_handler, **common
    )
    echo_run = await measure(
        label="echo", members=args.members, flow=echo_flow, handler=echo_handler, **common
    )
    feedback = await measure(label="feedback", members=args.members, flow=feedback_flow, **common)
    runs = (sequential, concurrent, echo_run, feedback)
    vs_sequential = concurrent["updates_per_s"] / sequential["updates_per_s"]
    vs_echo = concurrent["updates_per_s"] / echo_run["updates_per_s"]
    return {
        "messages_per_member": args.messages,
        "sequential_updates_per_s": sequential["updates_per_s"],
        "concurrent_updates_per_s": concurrent["updates_per_s"],
        "echo_updates_per_s": echo_run["updates_per_s"],
        "feedback_flow_updates_per_s": feedback["updates_per_s"],
        "concurrent_vs_sequential": round(vs_sequential, 2),
        "concurrent_vs_echo": round(vs_echo, 2),
        "unanswered": sum(run["unanswered"] for run in runs),
        "feedback_missing": sum(run["feedback_missing"] for run in runs),
        "persisted_state_missing": sum(run["persisted_state_missing"] for run in runs),
        "targets_met": vs_sequential >= TARGET_VS_SEQUENTIAL and vs_echo >= TARGET_VS_ECHO,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--messages", type=int, default=20, help="per member, even")
    parser.add_argument("--sequential-members", type=int, default=25)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per Bot API call")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server (the benchmark uses a database <database>_throughput of its "
        "own there); "
        "default: a temporary SQLite file",
    )
    parser.add_argument(
        "--onboarding-only", action="store_true", help="only the sign-up, not the quiz and echo"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    emit(result, args.json)
    lost = sum(
        result.get(key, 0)
        for key in ("unanswered", "feedback_missing", "persisted_state_missing", "not_signed_up")
    )
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
