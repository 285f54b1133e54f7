"""Broadcast delivery at scale through the sandbox: N recipients, 50 ms per request, injected
failures (members who blocked the bot, flaky connections, Telegram's "retry after"), and a crash
half-way followed by a restart.

Reports the rate achieved against the configured one (requests Telegram would count, failed ones
included), duplicates (bounded by what was in flight at the crash) and missed deliveries.
Baseline in the same run: a naive sender that awaits each message before the next.
Targets: >= 95% of the configured rate at 30/s, >= 90% at 1000/s; zero missed.

With ``--reminders N`` the other bulk path is measured too, after the broadcast: N scheduled
notices (an event's reminders) due at once, sent by the scheduler at the bot's rate (the
configured one, at most Telegram's free 30/s): their rate from the first to the last request,
and the most requests in any one second (the rate limit must hold from the first second).

    python benchmarks/broadcast.py --recipients 100000 --rate 1000 [--latency 0.3]
                                   [--reminders 3000] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, select  # noqa: E402

from bot.delivery.broadcast_sender import in_flight_bound  # noqa: E402
from bot.domain.audience import Audience  # noqa: E402
from bot.domain.units import parse_units  # noqa: E402
from bot.services import notices  # noqa: E402
from bot.services.broadcasts import Draft  # noqa: E402
from bot.services.notices import line  # noqa: E402
from bot.tools.population import populate  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from storage import migrate, units  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.models import Member  # noqa: E402

FREE_RATE = 30.0  # Telegram's limit without paid broadcasts
TEXT = "【工会通知】周六相亲联谊会开始报名，名额有限。"
REMINDER = "提醒：明天 14:00 相亲联谊会，地点：工人文化宫。"
UNITS = '[[unit]]\nname = "上海市总工会"\nkind = "city"\norganisers = [{organiser}]\n'


def spans(log: list[tuple[float, int]], split: float) -> float:
    """Seconds spent sending: before the crash and after the restart, without the downtime."""
    before = [t for t, _ in log if t < split]
    after = [t for t, _ in log if t >= split]
    return sum(max(p) - min(p) for p in (before, after) if len(p) > 1)


def most_in_a_second(times: list[float]) -> int:
    ordered, most, first = sorted(times), 0, 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def reminders_rate(sb: Sandbox, recipients: list[int], rate: float) -> dict[str, Any]:
    """``recipients`` reminders written due now, then sent by the scheduler."""
    sb.api.request_log = []
    async with sb.app.services.db.begin() as session:
        await notices.put_all(
            session,
            [notices.Notice(to=t, lines=[line(REMINDER)], key=f"reminder:{t}") for t in recipients],
            sb.clock.now(),
        )
    await sb.settle()
    times = [t for t, _chat in sb.api.request_log]
    sb.api.request_log = None
    per_s = (len(times) - 1) / (max(times) - min(times))
    sent = sum(1 for t in recipients for e in sb.api.chats.get(t, ()) if (e.text or "") == REMINDER)
    return {
        "reminders": len(recipients),
        "reminders_sent": sent,
        "reminders_rate": rate,
        "reminders_per_s": round(per_s, 1),
        "reminders_rate_ratio": round(per_s / rate, 3),
        "reminders_most_in_a_second": most_in_a_second(times),
    }


async def naive_rate(sb: Sandbox, recipients: list[int]) -> float:
    started = time.monotonic()
    for telegram_id in recipients:
        await sb.app.bot.send_message(telegram_id, "naive")
    return len(recipients) / (time.monotonic() - started)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.database_url:
        engine = create_engine(args.database_url)
        await migrate.downgrade(engine, "base")
        await engine.dispose()
    paid = args.rate > FREE_RATE
    async with Sandbox(
        database_url=args.database_url,
        api_latency=args.latency,
        rate_limit=FREE_RATE if paid else args.rate,
        broadcast_rate=args.rate,
        paid_broadcasts=paid,
    ) as sb:
        organiser = sb.user("organiser")
        db, now = sb.app.services.db, sb.clock.now()
        async with db.begin() as session:
            await units.save_specs(session, parse_units(UNITS.format(organiser=organiser.id)))
            unit_id = (await units.by_name(session, "上海市总工会")).id
        recipients = await populate(db, now, now.year, args.recipients, unit_id=unit_id)

        chooser = random.Random(7)
        shuffled = chooser.sample(recipients, len(recipients))
        blocked = set(shuffled[: len(recipients) // 200])  # 0.5% blocked the bot
        flaky = shuffled[len(blocked) : len(blocked) + len(recipients) // 100]  # 1%: one reset
        throttled = shuffled[-max(1, len(recipients) // 50_000) :]  # a rare 429
        for telegram_id in blocked:
            sb.api.inject_error(telegram_id, "blocked")
        for telegram_id in flaky:
            sb.api.inject_error(telegram_id, "network", times=1)
        for telegram_id in throttled:
            sb.api.inject_error(telegram_id, "retry_after", times=1, retry_after=1)

        sb.api.request_log = []
        await sb.app.services.broadcasts.create(organiser.id, Draft(TEXT), Audience(unit_id))
        await sb.app.delivery.scheduler.run_due()  # draws the audience, starts sending

        while len(sb.api.request_log) < len(recipients) // 2:  # cheap to poll
            await asyncio.sleep(0.05)
        await sb.crash()
        crashed_at = time.monotonic()
        await sb.start()
        await sb.settle()

        log = [(t, chat) for t, chat in sb.api.request_log if chat != organiser.id]
        sending_seconds = spans(log, crashed_at)
        copies = Counter(
            t
            for t in recipients
            for e in sb.api.chats.get(t, ())
            if (e.text or "").startswith(TEXT)
        )
        reachable = [t for t in recipients if t not in blocked]
        async with db() as session:
            marked = await session.scalar(
                select(func.count()).where(Member.unreachable_at.is_not(None))
            )
        sb.api.request_log = None
        progress_edits = sum(1 for e in organiser.log if e.kind == "edit")
        reminders = (
            await reminders_rate(sb, reachable[: args.reminders], min(args.rate, FREE_RATE))
            if args.reminders
            else {}
        )
        naive = await naive_rate(sb, reachable[: args.naive])
    requests_per_s = len(log) / sending_seconds
    ratio = requests_per_s / args.rate
    target = 0.95 if not paid else 0.90
    missed = sum(1 for t in reachable if copies[t] == 0)
    duplicates = sum(n - 1 for n in copies.values() if n > 1)
    return {
        "recipients": len(recipients),
        "database": (args.database_url or "sqlite").split(":")[0],
        "configured_rate": args.rate,
        "paid_broadcasts": paid,
        "latency_ms": round(args.latency * 1000),
        "requests": len(log),
        "sending_seconds": round(sending_seconds, 1),
        "requests_per_s": round(requests_per_s, 1),
        "rate_ratio": round(ratio, 3),
        "delivered_per_s": round(sum(copies.values()) / sending_seconds, 1),
        "naive_sequential_per_s": round(naive, 1),
        "speedup_vs_naive": round(requests_per_s / naive, 1),
        "blocked_injected": len(blocked),
        "unreachable_marked": marked,
        "flaky_injected": len(flaky),
        "retry_after_injected": len(throttled),
        "missed": missed,
        "duplicates": duplicates,
        "in_flight_bound": in_flight_bound(args.rate),
        "progress_edits": progress_edits,
        "target_ratio": target,
        "target_met": ratio >= target and missed == 0 and duplicates <= in_flight_bound(args.rate),
        **reminders,
        "load_average": round(os.getloadavg()[0], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="messages per second")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per API request")
    parser.add_argument("--naive", type=int, default=100, help="messages for the naive baseline")
    parser.add_argument("--reminders", type=int, default=0, help="scheduled notices, afterwards")
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    emit(report, args.json)
    return 0 if report["missed"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
