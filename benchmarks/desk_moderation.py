"""The desk's Review, Reports and Audit log at scale (issue 24: every screen's data ≤ 300 ms p95
at 100,000 members): the district of ``desk_overview.py`` with 200 verifications waiting,
3,000 reports (600 waiting, about 400 members), 5,000 blocks, 300 scam-screen hits and 200,000
audit entries over a year. Timed over repeated requests (p95), with the event loop's longest
step: the review queue, the reports list, a reported member's file, an identity look-up (it
writes an audit row), and the audit log's first page, a page deep in it, one action, one week.
Each with its goal (``target_met``) and the machine's load average when it was timed;
``benchmarks/desk.py`` times every desk screen.

    python benchmarks/desk_moderation.py [--members 100000] [--repeat 20]
                                         [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk_overview import ORGANISER, a_district, timed  # noqa: E402  (benchmarks/)
from report import emit  # noqa: E402  (benchmarks/report.py)
from sqlalchemy import func, insert, select  # noqa: E402

from bot.tools.sandbox import Sandbox  # noqa: E402
from storage.models import (  # noqa: E402
    AuditEntry,
    Block,
    Member,
    Report,
    RosterEntry,
    ScreenHit,
    VerificationAttempt,
)

AUDIT_ENTRIES = 200_000
YEAR_OF_ENTRIES = timedelta(minutes=2.6 * AUDIT_ENTRIES)  # the log's entries spread over it
ACTIONS = ("event_check_in", "event_sheet", "view_identity", "warn", "approve_verification")


async def cases(sb: Sandbox, audit_entries: int = AUDIT_ENTRIES) -> int:
    """Reports, blocks, waiting verifications, scam-screen hits and a year of audit entries;
    returns a reported member."""
    now, shuffler = sb.clock.now(), random.Random(11)
    async with sb.app.services.db.begin() as session:
        units_of = dict((await session.execute(select(Member.id, Member.unit_id))).all())
        ids = sorted(units_of)
        reported = shuffler.sample(ids, 400)
        reports: dict[tuple[int, int], None] = {}  # one report a pair, as the database holds
        while len(reports) < 3_000:
            pair = (shuffler.choice(ids), reported[len(reports) % len(reported)])
            if pair[0] != pair[1]:
                reports.setdefault(pair)
        await session.execute(
            insert(Report),
            [
                {
                    "reporter_id": reporter,
                    "reported_id": reported_id,
                    "reason": shuffler.choice(["fake", "harassment", "not_single", "other"]),
                    "status": "pending" if n < 600 else "dismissed",
                    "created_at": now - timedelta(days=shuffler.randrange(360)),
                    "detail": "他说自己单身，可同事说他已婚。" if n % 3 == 0 else None,
                }
                for n, (reporter, reported_id) in enumerate(reports)
            ],
        )
        pairs = {(shuffler.choice(ids), shuffler.choice(reported)) for _ in range(5_000)}
        await session.execute(
            insert(Block),
            [{"blocker_id": a, "blocked_id": b, "created_at": now} for a, b in pairs if a != b],
        )
        await session.execute(
            insert(ScreenHit),
            [
                {
                    "member_id": shuffler.choice(ids),
                    "source": "card",
                    "text": "带你做数字货币投资，稳赚不赔",
                    "signals": ["crypto", "investment"],
                    "created_at": now - timedelta(days=shuffler.randrange(30)),
                }
                for _ in range(300)
            ],
        )
        claimants = (await session.scalars(select(Member.id).limit(200))).all()
        entries = (await session.scalars(select(RosterEntry).limit(200))).all()
        await session.execute(
            insert(VerificationAttempt),
            [
                {
                    "member_id": member,
                    "created_at": now,
                    "real_name": entry.real_name + "x",
                    "member_number": entry.member_number,
                    "employer": entry.employer,
                    "roster_entry_id": entry.id,
                    "outcome": "pending",
                    "reasons": ["name_close"],
                }
                for member, entry in zip(claimants, entries, strict=True)
            ],
        )
        unit_ids = sorted(set(units_of.values()))
        for start in range(0, audit_entries, 20_000):  # oldest first, as the log grows
            await session.execute(
                insert(AuditEntry),
                [
                    {
                        "actor_telegram_id": ORGANISER,
                        "action": ACTIONS[n % len(ACTIONS)],
                        "unit_id": unit_ids[n % len(unit_ids)],
                        "detail": {"member": ids[n % len(ids)]},
                        "created_at": now - YEAR_OF_ENTRIES * (audit_entries - n) / audit_entries,
                    }
                    for n in range(start, min(start + 20_000, audit_entries))
                ],
            )
        assert await session.scalar(select(func.count()).select_from(Report)) == 3_000
    return reported[0]


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with Sandbox(database_url=args.database_url) as sb:
        await a_district(sb, args.members)
        member = await cases(sb)
        await sb.settle()  # what the bot had to send is sent before the screens are timed
        services = sb.app.services
        trail = services.audit_trail
        today = services.clock.now().astimezone(sb.settings.tz).date()
        deep = await trail.page(ORGANISER, before=AUDIT_ENTRIES // 2)
        assert deep is not None and len(deep.lines) == 30

        async def review() -> None:
            found = await services.administration.pending_verifications(ORGANISER, 50)
            assert found is not None and len(found) == 50
            await services.photo_reviews.pending(ORGANISER)

        async def reports() -> None:
            found = await services.report_files.queue(ORGANISER, 100)
            scope = await services.administration.scope_of(ORGANISER)
            assert found and scope is not None
            await services.screening.flagged(scope)

        async def a_file() -> None:
            assert await services.report_files.file(ORGANISER, member) is not None

        result: dict[str, Any] = {"members": args.members, "audit_entries": AUDIT_ENTRIES}
        result["review_queue"] = await timed(args.repeat, review)
        result["reports_list"] = await timed(args.repeat, reports)
        result["report_file"] = await timed(args.repeat, a_file)
        result["identity_audited"] = await timed(
            args.repeat, lambda: services.administration.identity(ORGANISER, member)
        )
        result["audit_first_page"] = await timed(args.repeat, lambda: trail.page(ORGANISER))
        result["audit_deep_page"] = await timed(
            args.repeat, lambda: trail.page(ORGANISER, before=AUDIT_ENTRIES // 2)
        )
        result["audit_one_action"] = await timed(
            args.repeat, lambda: trail.page(ORGANISER, action="warn")
        )
        result["audit_one_week"] = await timed(
            args.repeat,
            lambda: trail.page(
                ORGANISER, since=today - timedelta(days=13), until=today - timedelta(days=7)
            ),
        )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    emit(asyncio.run(main(arguments)), arguments.json)
