"""Reports waiting for a moderator's decision, as the chat's /reports and the back office's
reports page both list them, and the members they hide until then."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.members import REPORT_WEIGHT_TO_HIDE
from storage.models import Member, Report

# Members hidden by reports until the organisers decide: offered to nobody (suggestions, the
# plan, the digest, a matchmaker's shortlist and proposals).
HIDDEN_BY_REPORTS = (
    select(Report.reported_id)
    .where(Report.status == "pending")
    .group_by(Report.reported_id)
    .having(func.sum(Report.weight) >= REPORT_WEIGHT_TO_HIDE)
)


async def pending(
    session: AsyncSession, units: Collection[int], recused: Collection[int]
) -> dict[int, Counter[str]]:
    """Reported members of ``units`` (leaving out ``recused``: the moderator's own conflicts)
    with reports still pending, each with how many of each reason: most reported first, then
    by member id. A few queries whatever the number of reports."""
    rows = await session.execute(
        select(Report.reported_id, Report.reason, func.count())
        .join(Member, Member.id == Report.reported_id)
        .where(
            Report.status == "pending",
            Member.unit_id.in_(units),
            Member.id.not_in(recused),
        )
        .group_by(Report.reported_id, Report.reason)
    )
    reasons: dict[int, Counter[str]] = {}
    for member_id, reason, count in rows.all():
        reasons.setdefault(member_id, Counter())[reason] += count
    order = sorted(reasons, key=lambda m: (-reasons[m].total(), m))
    return {member_id: reasons[member_id] for member_id in order}


async def hidden(session: AsyncSession, member_ids: Collection[int]) -> set[int]:
    """Which of these members reports hide until the organisers decide."""
    found = await session.scalars(HIDDEN_BY_REPORTS.where(Report.reported_id.in_(list(member_ids))))
    return set(found)
