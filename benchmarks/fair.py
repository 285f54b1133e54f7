"""A 3,000-person matchmaking fair (Zhangjiakou held one), through the real Application and
database with the sandbox in place of Telegram:

* **sign-up rush**: 3,000 members press 报名 at once for 2,000 places (1,000 a gender):
  no quota exceeded, the waitlist numbered in order, one reply each;
* **reminders**: 3,000 reminders at the bot's rate (30/s) while another member keeps asking
  for suggestions: their /match p95 beside the idle p95 (target ≤ 2×), and the rate the burst
  reached (target ≥ 90 % of the configured rate). Baseline in the same run: the next burst
  (the two-hour reminders) with replies and bulk in one queue, as before issue 15;
* **mutual choice**: opening it for every attendee, attendees paging and finding people by
  badge, and closing it;
* **smart groups** of 8 for 300, 1,000 and 3,000: time, colleague pairs, shared interests and
  gender balance, beside the previous algorithm on the same input (kept below as the baseline;
  at 3,000 it takes about a minute);
* the event loop throughout: the longest stall (how late a 5 ms ticker woke: one piece of
  work holding the loop, or many queued) and the longest single step (target < 100 ms).

After setting up, the benchmark does what ``huihui run`` does once the bot is up
(``now_serving``: what exists at start-up is kept out of the garbage collector's scans, and the
worker process that draws charts and makes groups is started).

    python benchmarks/fair.py [--attendees 3000] [--rate 30] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, select, update  # noqa: E402

import bot.delivery.limiter as limiter  # noqa: E402
from bot.app.serve import keep_what_started  # noqa: E402
from bot.domain import grouping  # noqa: E402
from bot.domain.buttons import EventGroups, JoinEvent, OpenChoice  # noqa: E402
from bot.domain.events import Capacity, Conditions  # noqa: E402
from bot.domain.units import parse_units  # noqa: E402
from bot.services.events.reminders import Reminders  # noqa: E402
from bot.services.events.results import EventSpec  # noqa: E402
from bot.tools.loop_monitor import LoopMonitor  # noqa: E402
from bot.tools.population import FIRST_TELEGRAM_ID, populate  # noqa: E402
from bot.tools.sandbox import Sandbox  # noqa: E402
from bot.tools.synthetic import synthetic_profiles  # noqa: E402
from conversations import charts  # noqa: E402
from storage import migrate, units  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.models import Event, Member, Registration  # noqa: E402
from storage.models import RegistrationStatus as Status  # noqa: E402

UNIT = "张家口市总工会"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def empty(database_url: str | None) -> None:
    if database_url:
        engine = create_engine(database_url)
        await migrate.downgrade(engine, "base")
        await engine.dispose()


async def fair_event(sb: Sandbox, attendees: int, places: int) -> tuple[int, list[int], int]:
    """A union with ``attendees`` members and an organiser; an event in three days with
    ``places`` places, half a gender. Returns the event, the members' Telegram ids and the
    organiser's."""
    organiser = FIRST_TELEGRAM_ID - 1
    async with sb.app.services.db.begin() as session:
        await units.save_specs(
            session,
            parse_units(f'[[unit]]\nname = "{UNIT}"\nkind = "city"\norganisers = [{organiser}]\n'),
        )
        unit_id = (await units.by_name(session, UNIT)).id
    now = sb.clock.now()
    year = now.astimezone(sb.settings.tz).year
    members = await populate(sb.app.services.db, now, year, attendees, unit_id=unit_id)
    spec = EventSpec(
        unit_id=unit_id,
        title="千人相亲大会",
        description="张家口市总工会主办。",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=4),
        venue="张家口市会展中心",
        capacity=Capacity(total=places, male=places // 2, female=places // 2),
        conditions=Conditions(),
        signup_deadline=now + timedelta(days=2),
        announce_at=now + timedelta(days=1),
    )
    event_id = await sb.app.services.events.organising.create(organiser, spec)
    async with sb.app.services.db.begin() as session:  # its announcement is not measured here
        event = await session.get(Event, event_id)
        await sb.app.services.broadcasts.cancel_in(session, organiser, event.announcement_id)
    return event_id, members, organiser


async def sign_up_rush(
    sb: Sandbox, event_id: int, members: list[int], within: float
) -> dict[str, Any]:
    """Every member presses 报名 once, at a random moment within ``within`` seconds."""
    users = [sb.user(f"m{t}", user_id=t) for t in members]
    chooser = random.Random(1)
    moments = sorted(chooser.uniform(0, within) for _ in users)
    order = chooser.sample(users, len(users))

    async def arriving() -> None:
        """Each press reaches the bot at its moment, as updates do: not 3,000 waiting tasks
        made up front (their frames would be the largest thing in memory, and the garbage
        collector's full scans would measure them rather than the bot)."""
        loop = asyncio.get_running_loop()
        begun, pressing = loop.time(), []
        for user, moment in zip(order, moments, strict=True):
            await asyncio.sleep(max(0.0, begun + moment - loop.time()))
            press = user.forge_press(JoinEvent(event_id).encode(), settle=False)
            pressing.append(asyncio.create_task(press))
        await asyncio.gather(*pressing)

    started = time.perf_counter()
    async with LoopMonitor() as monitor:
        await arriving()
        await sb.settle()  # the replies and reminders the sign-ups wrote
    seconds = time.perf_counter() - started
    async with sb.app.services.db() as session:
        held = dict(
            (
                await session.execute(
                    select(Registration.gender, func.count())
                    .where(
                        Registration.event_id == event_id,
                        Registration.status == Status.REGISTERED,
                    )
                    .group_by(Registration.gender)
                )
            ).all()
        )
        waiting = await session.scalar(
            select(func.count()).where(
                Registration.event_id == event_id, Registration.status == Status.WAITLISTED
            )
        )
        event = await session.get(Event, event_id)
    replies = [len([e for e in u.bot_messages() if e.text]) for u in users]
    return {
        "rush_members": len(users),
        "rush_seconds": round(seconds, 1),
        "rush_per_second": round(len(users) / seconds),
        "rush_registered_by_gender": held,
        "rush_quota_kept": held.get("male", 0) <= (event.capacity_male or 0)
        and held.get("female", 0) <= (event.capacity_female or 0),
        "rush_waitlisted": waiting,
        "rush_everyone_placed_or_waiting": sum(held.values()) + (waiting or 0) == len(users),
        "rush_one_reply_each": all(count == 1 for count in replies),
        "rush_longest_stall_ms": round(monitor.longest * 1000, 1),
        "rush_longest_step_ms": round(monitor.longest_step * 1000, 1),
    }


async def attend_all(sb: Sandbox, event_id: int) -> None:
    """Everyone registered came: the clock moves on to the event's start (groups are made
    only once check-in has begun), and all are checked in."""
    async with sb.app.services.db.begin() as session:
        event = await session.get(Event, event_id)
        starts_at = event.starts_at
        await session.execute(
            update(Registration)
            .where(Registration.event_id == event_id, Registration.status == Status.REGISTERED)
            .values(checked_in_at=starts_at)
        )
    await sb.advance(starts_at - sb.clock.now())


async def mutual_choice(sb: Sandbox, event_id: int, choosers: int) -> dict[str, Any]:
    async with sb.app.services.db() as session:
        event = await session.get(Event, event_id)
        rows = (
            await session.execute(
                select(Member.telegram_id, Registration.badge, Registration.gender)
                .join(Member, Member.id == Registration.member_id)
                .where(Registration.event_id == event_id, Registration.checked_in_at.is_not(None))
            )
        ).all()
    badges = {g: [b for _t, b, gender in rows if gender == g] for g in ("male", "female")}
    async with LoopMonitor() as opening:
        started = time.perf_counter()
        await sb.advance(event.ends_at - sb.clock.now() + timedelta(minutes=1))
        open_seconds = time.perf_counter() - started
    chooser = random.Random(2)
    latencies: list[float] = []
    most_buttons = 0
    async with LoopMonitor() as choosing:
        for telegram_id, _badge, gender in chooser.sample(rows, choosers):
            member = sb.user("c", user_id=telegram_id)
            other = "female" if gender == "male" else "male"
            for action in ("open", "next", "search", "pick", "done"):
                started = time.perf_counter()
                if action == "open":
                    await member.forge_press(OpenChoice(event_id).encode())
                elif action == "next":
                    await member.press("下一页 ▶")
                elif action == "search":
                    await member.send(str(chooser.choice(badges[other])))
                elif action == "pick":
                    await member.press(member.buttons()[0])
                else:
                    await member.press("完成")
                latencies.append((time.perf_counter() - started) * 1000)
                most_buttons = max(most_buttons, len(member.buttons()))
    async with LoopMonitor() as closing:
        started = time.perf_counter()
        await sb.advance(timedelta(days=1))
        close_seconds = time.perf_counter() - started
    return {
        "choice_attendees": len(rows),
        "choice_open_seconds": round(open_seconds, 1),
        "choice_actions": len(latencies),
        "choice_action_p50_ms": round(percentile(latencies, 0.5), 1),
        "choice_action_p95_ms": round(percentile(latencies, 0.95), 1),
        "choice_most_buttons": most_buttons,
        "choice_close_seconds": round(close_seconds, 1),
        "choice_longest_stall_ms": round(
            max(opening.longest, choosing.longest, closing.longest) * 1000, 1
        ),
        "choice_longest_step_ms": round(
            max(opening.longest_step, choosing.longest_step, closing.longest_step) * 1000, 1
        ),
    }


async def groups_in_bot(sb: Sandbox, event_id: int, organiser: int) -> dict[str, Any]:
    """The organiser presses 分组 and sees the draft, then sends it: seconds until they have the
    draft, and from sending until every attendee has been told theirs (the sandbox answers at
    once; Telegram's 30 a second would make the latter about a minute)."""
    user = sb.user("organiser", user_id=organiser)
    async with LoopMonitor() as monitor:
        started = time.perf_counter()
        await user.forge_press(EventGroups(event_id, 8).encode(), settle=False)
        answered = time.perf_counter() - started
        assert "还没有通知任何人" in user.texts()[-1]  # the draft, told to nobody yet
        sending = time.perf_counter()
        await user.press("通知每位组员")
        await sb.settle()
        seconds = time.perf_counter() - sending
    assert user.texts()[-1].startswith("已发送")
    return {
        "groups_in_bot_answered_seconds": round(answered, 1),
        "groups_in_bot_all_told_seconds": round(seconds, 1),
        "groups_in_bot_longest_stall_ms": round(monitor.longest * 1000, 1),
        "groups_in_bot_longest_step_ms": round(monitor.longest_step * 1000, 1),
    }


async def reminder_burst(args: argparse.Namespace) -> dict[str, Any]:
    """3,000 reminders at the configured rate, another member asking for suggestions meanwhile;
    then the next 3,000 with one queue for everything (the baseline)."""
    await empty(args.database_url)
    async with Sandbox(database_url=args.database_url, rate_limit=args.rate) as sb:
        event_id, members, _organiser = await fair_event(sb, args.attendees, args.attendees)
        reminders = Reminders(sb.clock, sb.settings)
        async with sb.app.services.db.begin() as session:
            event = await session.get(Event, event_id)
            ids = dict((await session.execute(select(Member.telegram_id, Member.id))).all())
            for badge, telegram_id in enumerate(members[1:], start=1):
                session.add(
                    Registration(
                        event_id=event_id,
                        member_id=ids[telegram_id],
                        status=Status.REGISTERED,
                        badge=badge,
                        registered_at=sb.clock.now(),
                    )
                )
                await reminders.plan(session, event, ids[telegram_id], telegram_id)
        keep_what_started()
        asker = sb.user("asker", user_id=members[0])
        idle = [await answered_in(asker, "/match") for _ in range(40)]
        figures: dict[str, Any] = {"idle_match_p95_ms": round(percentile(idle, 0.95), 1)}
        lanes_of = limiter.in_bulk
        for lead, lanes in ((24, True), (2, False)):
            if not lanes:
                limiter.in_bulk = lambda: False  # one queue for replies and bulk
            sb.api.request_log = []
            sb.clock.set(event.starts_at - timedelta(hours=lead))
            async with LoopMonitor() as monitor:
                burst = asyncio.create_task(sb.app.delivery.settle())
                during = []
                while not burst.done():
                    during.append(await answered_in(asker, "/match"))
                    await asyncio.sleep(1)  # a member reading each card before the next
                await burst
            sent = [t for t, chat in sb.api.request_log if chat != asker.id]
            rate = (len(sent) - 1) / (sent[-1] - sent[0])
            name = "burst" if lanes else "one_queue_baseline"
            figures |= {
                f"{name}_reminders": len(sent),
                f"{name}_rate_per_second": round(rate, 1),
                f"{name}_rate_share": round(rate / args.rate, 2),
                f"{name}_match_p50_ms": round(percentile(during, 0.5), 1),
                f"{name}_match_p95_ms": round(percentile(during, 0.95), 1),
                f"{name}_longest_stall_ms": round(monitor.longest * 1000, 1),
                f"{name}_longest_step_ms": round(monitor.longest_step * 1000, 1),
            }
        limiter.in_bulk = lanes_of
    figures["burst_match_p95_vs_idle"] = round(
        figures["burst_match_p95_ms"] / figures["idle_match_p95_ms"], 2
    )
    figures["burst_target_met"] = (
        figures["burst_match_p95_vs_idle"] <= 2 and figures["burst_rate_share"] >= 0.9
    )
    return figures


async def answered_in(member: Any, text: str) -> float:
    """Milliseconds until the member reads the bot's answer (the sandbox's own wait for all
    scheduled work, a whole burst, is not part of it)."""
    before = len(member.bot_messages())
    started = time.perf_counter()
    sending = asyncio.create_task(member.send(text))
    while len(member.bot_messages()) == before and not sending.done():
        await asyncio.sleep(0.001)
    answered = (time.perf_counter() - started) * 1000
    _PENDING.add(sending)
    sending.add_done_callback(_PENDING.discard)
    return answered


_PENDING: set[asyncio.Task[None]] = set()


def attendees_for_groups(count: int) -> list[grouping.Attendee]:
    """Synthetic attendees: interests as members chose them, employers as at a city-wide fair
    (a few large employers, many small ones)."""
    chooser = random.Random(count)
    large = [f"大型企业{n}" for n in range(20)]
    people = []
    for n, (values, _must) in enumerate(synthetic_profiles(count, 2026)):
        employer = (
            chooser.choice(large) if chooser.random() < 0.3 else f"单位{chooser.randrange(2000)}"
        )
        people.append(
            grouping.Attendee(n, values["gender"], frozenset(values["hobbies"]), employer)
        )
    return people


def groups_quality(sizes: list[int], baseline_up_to: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for count in sizes:
        people = attendees_for_groups(count)
        for name, make in (("groups", grouping.make_groups), ("groups_baseline", previous_groups)):
            if name == "groups_baseline" and count > baseline_up_to:
                continue
            started = time.perf_counter()
            made = make(people, 8, seed=count)
            seconds = time.perf_counter() - started
            figures[f"{name}_{count}"] = {
                "seconds": round(seconds, 2),
                "colleague_pairs": grouping.colleague_pairs(made),
                "shared_interests": grouping.shared_interests(made),
                "most_gender_gap": max(
                    abs(sum(a.gender == "male" for a in g) - sum(a.gender == "female" for a in g))
                    for g in made
                ),
            }
    for count in sizes:
        new, old = figures[f"groups_{count}"], figures.get(f"groups_baseline_{count}")
        if old:
            figures[f"groups_{count}_speedup"] = round(old["seconds"] / new["seconds"], 1)
            figures[f"groups_{count}_no_worse"] = (
                new["colleague_pairs"] <= old["colleague_pairs"]
                and new["shared_interests"] >= old["shared_interests"]
                and new["most_gender_gap"] <= old["most_gender_gap"]
            )
    return figures


def previous_groups(
    attendees: list[grouping.Attendee], size: int, *, seed: int = 0, rounds: int = 30
) -> list[list[grouping.Attendee]]:
    """The algorithm before issue 15 (random swaps, each gain computed over both groups),
    kept as the same-run baseline: same dealing, then its local search."""
    chooser = random.Random(seed)
    count = max(1, math.ceil(len(attendees) / size))
    groups: list[list[grouping.Attendee]] = [[] for _ in range(count)]
    slot = 0
    for gender in ("female", "male", None):
        people = [
            a for a in attendees if (a.gender if a.gender in ("female", "male") else None) == gender
        ]
        by_employer: dict[str | None, list[grouping.Attendee]] = {}
        for person in chooser.sample(people, len(people)):
            by_employer.setdefault(person.employer, []).append(person)
        blocks = sorted(by_employer.items(), key=lambda item: (item[0] is None, -len(item[1])))
        for person in [p for _, block in blocks for p in block]:
            groups[slot % count].append(person)
            slot += 1

    def affinity(a: grouping.Attendee, b: grouping.Attendee) -> float:
        colleagues = a.employer is not None and a.employer == b.employer
        return len(a.interests & b.interests) - (100.0 if colleagues else 0.0)

    def gain(g1: int, i1: int, g2: int, i2: int) -> float:
        a, b = groups[g1][i1], groups[g2][i2]
        stay_a = sum(affinity(a, o) for j, o in enumerate(groups[g1]) if j != i1)
        stay_b = sum(affinity(b, o) for j, o in enumerate(groups[g2]) if j != i2)
        move_a = sum(affinity(a, o) for j, o in enumerate(groups[g2]) if j != i2)
        move_b = sum(affinity(b, o) for j, o in enumerate(groups[g1]) if j != i1)
        return move_a + move_b - stay_a - stay_b

    for _ in range(rounds):
        improved = False
        seats = [(g, i) for g, group in enumerate(groups) for i in range(len(group))]
        chooser.shuffle(seats)
        for g1, i1 in seats:
            gender = groups[g1][i1].gender
            partners = [
                (g2, i2) for g2, i2 in seats if g2 != g1 and groups[g2][i2].gender == gender
            ]
            employer = groups[g1][i1].employer
            conflict = employer is not None and any(
                o.employer == employer for j, o in enumerate(groups[g1]) if j != i1
            )
            if not conflict:
                partners = chooser.sample(partners, min(60, len(partners)))
            for g2, i2 in partners:
                if gain(g1, i1, g2, i2) > 1e-9:
                    groups[g1][i1], groups[g2][i2] = groups[g2][i2], groups[g1][i1]
                    improved = True
        if not improved:
            break
    return groups


async def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "attendees": args.attendees,
        "database": (args.database_url or "sqlite").split(":")[0],
    }
    await empty(args.database_url)
    async with Sandbox(database_url=args.database_url) as sb:
        event_id, members, organiser = await fair_event(sb, args.attendees, args.attendees * 2 // 3)
        keep_what_started()
        await charts.warm_up()
        result |= await sign_up_rush(sb, event_id, members, args.rush_seconds)
        await attend_all(sb, event_id)
        result |= await groups_in_bot(sb, event_id, organiser)
        result |= await mutual_choice(sb, event_id, args.choosers)
    result |= await reminder_burst(args)
    sizes = [int(size) for size in args.group_sizes.split(",")]
    result |= groups_quality(sorted(set(sizes)), args.baseline_groups_up_to)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=30.0, help="the bot's messages a second")
    parser.add_argument("--choosers", type=int, default=100, help="attendees who use 互选")
    parser.add_argument("--rush-seconds", type=float, default=60, help="the sign-up rush's span")
    parser.add_argument("--group-sizes", default="300,1000,3000", help="attendees to group")
    parser.add_argument(
        "--baseline-groups-up-to", type=int, default=3000, help="largest size for the old way"
    )
    parser.add_argument("--database-url", help="emptied first; default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    emit(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
