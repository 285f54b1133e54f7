"""The desk's events and broadcasts at scale (issue 24: every screen's data ≤ 300 ms p95 at
100,000 members): the district of ``desk_overview`` with an event of 1,000 registrants. Timed
over repeated requests (p95), with the event loop's longest step: the broadcast composer's live
count (everyone, and women of 25–32 in two districts working in finance), the recent
broadcasts with their tallies, the events tab (the list with each event's funnel), an event's
registrants, and a scanned personal code at the door. Each with its goal (``target_met``) and
the machine's load average when it was timed; ``benchmarks/desk.py`` times every desk screen.

    python benchmarks/desk_events.py [--members 100000] [--repeat 20]
                                     [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk_overview import ORGANISER, a_district, timed  # noqa: E402
from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import insert, select  # noqa: E402

from bot.domain.audience import Audience  # noqa: E402
from bot.domain.check_in_pass import pass_code, pass_key  # noqa: E402
from bot.domain.events import Capacity, Conditions  # noqa: E402
from bot.services.broadcasts import Draft  # noqa: E402
from bot.services.events.results import EventSpec  # noqa: E402
from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox  # noqa: E402
from storage import units  # noqa: E402
from storage.models import Registration, RegistrationStatus  # noqa: E402

REGISTRANTS = 1_000


async def an_event(sb: Sandbox) -> tuple[int, int]:
    """The district's event starting in an hour with ``REGISTRANTS`` registrants (badges 1…),
    and ten broadcasts scheduled for tomorrow; returns the event and the district."""
    services = sb.app.services
    now = sb.clock.now()
    async with services.db() as session:
        district = (await units.by_name(session, "浦东新区总工会")).id  # type: ignore[union-attr]
    event_id = await services.events.organising.create(
        ORGANISER,
        EventSpec(
            unit_id=district,
            title="滨江徒步联谊",
            description="十公里",
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(hours=4),
            venue="浦东滨江大道 1 号",
            capacity=Capacity(),
            conditions=Conditions(),
            signup_deadline=now + timedelta(minutes=30),
            announce_at=now + timedelta(minutes=10),
        ),
    )
    assert event_id is not None
    async with services.db.begin() as session:
        await session.execute(
            insert(Registration),
            [
                {
                    "event_id": event_id,
                    "member_id": member,
                    "status": RegistrationStatus.REGISTERED,
                    "badge": member,
                    "registered_at": now,
                }
                for member in range(1, REGISTRANTS + 1)
            ],
        )
    for _ in range(10):  # recent broadcasts to list, scheduled for tomorrow
        await services.broadcasts.create(
            ORGANISER, Draft("下周活动预告"), Audience(district), now + timedelta(days=1)
        )
    return event_id, district


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with Sandbox(database_url=args.database_url) as sb:
        await a_district(sb, args.members)
        event_id, district = await an_event(sb)
        await sb.settle()  # what the bot had to send is sent before the screens are timed
        services = sb.app.services
        narrow = Audience(
            district,
            gender="female",
            age_min=25,
            age_max=32,
            districts=("浦东新区", "闵行区"),
            industries=("finance",),
        )
        key = pass_key(SANDBOX_TOKEN)
        scanned = iter(range(1, REGISTRANTS + 1))
        organising = services.events.organising

        async def events_tab() -> None:
            found = await organising.listing(ORGANISER)
            assert found is not None
            for event in found:
                await organising.overview(ORGANISER, event.id)

        async def door() -> None:
            code = pass_code(key, event_id, next(scanned))
            assert await organising.check_in_pass(ORGANISER, event_id, code) is not None

        result: dict[str, Any] = {"members": args.members, "registrants": REGISTRANTS}
        result["count_everyone"] = await timed(
            args.repeat, lambda: services.broadcasts.audience_size(ORGANISER, Audience(district))
        )
        result["count_narrow"] = await timed(
            args.repeat, lambda: services.broadcasts.audience_size(ORGANISER, narrow)
        )
        result["recent_broadcasts"] = await timed(
            args.repeat, lambda: services.broadcasts.listing(ORGANISER)
        )
        result["events_tab"] = await timed(args.repeat, events_tab)
        result["event_registrants"] = await timed(
            args.repeat, lambda: organising.sheet(ORGANISER, event_id)
        )
        result["door_scan"] = await timed(args.repeat, door)
        async with services.db() as session:
            arrived = await session.scalars(
                select(Registration.badge).where(Registration.checked_in_at.is_not(None))
            )
            assert len(arrived.all()) == args.repeat  # each scan checked one person in
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    emit(asyncio.run(main(arguments)), arguments.json)
