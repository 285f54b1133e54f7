"""A reported member's file for the organisers' desk: every report about them with the
reporter's own words, the blocks against them and the earlier decisions on them. Deciding
and seeing who they are stay with ``Administration.moderate`` and ``Administration.identity``
(the chat's very services); this only gathers what to judge by, for organisers of the
member's union or a union above it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.administration import Administration
from storage import profiles, reports
from storage.models import AuditEntry, Block, Member, OrgUnit, ProfileAnswer, Report

# The organisers' decisions on a member, as the audit log keeps them.
DECISIONS = ("dismiss", "warn", "suspend", "lift")


@dataclass(frozen=True)
class ReportLine:
    id: int
    reason: str
    words: str | None  # what the reporter chose to add, as they wrote it
    reporter: str  # their nickname
    status: str  # pending, or how it was settled (dismissed, warned, suspended)
    created_at: datetime


@dataclass(frozen=True)
class PastDecision:
    action: str
    created_at: datetime


@dataclass(frozen=True)
class Reported:
    """A member with reports waiting, as the list shows them."""

    member_id: int
    nickname: str
    suspended: bool
    reasons: Counter[str]


@dataclass(frozen=True)
class ReportFile:
    member_id: int
    nickname: str
    answers: dict[str, Any]
    unit: str
    suspended: bool
    reports: tuple[ReportLine, ...]  # newest first
    blocked_by: int  # how many members blocked them
    decisions: tuple[PastDecision, ...]  # newest first

    @property
    def pending(self) -> list[ReportLine]:
        return [report for report in self.reports if report.status == "pending"]


class ReportFiles:
    def __init__(
        self, db: async_sessionmaker[AsyncSession], administration: Administration
    ) -> None:
        self._db = db
        self._administration = administration

    async def queue(self, actor: int, limit: int) -> list[Reported] | None:
        """Members of the actor's unions with reports waiting, most reported first; None for
        anyone but their organisers. A few queries whatever the number (the chat's
        ``open_reports`` reads each member's whole card, one by one)."""
        async with self._db() as session:
            power = await self._administration.judge(session, actor)
            if not power.any:
                return None
            reasons = await reports.pending(session, power.scope, power.recused)
            shown = list(reasons)[:limit]
            suspended = dict(
                (
                    await session.execute(
                        select(Member.id, Member.suspended).where(Member.id.in_(shown))
                    )
                ).all()
            )
            names = await _nicknames(session, shown)
        return [Reported(m, names.get(m, "?"), suspended[m], reasons[m]) for m in shown]

    async def file(self, actor: int, member_id: int) -> ReportFile | None:
        """The member's file, for an organiser of their union or above (superadmins: any);
        None for anyone else, a member nobody reported, or no such member."""
        async with self._db() as session:
            power = await self._administration.judge(session, actor)
            member = await session.get(Member, member_id)
            if member is None or not power.may_judge(member):
                return None
            reports = await _reports(session, member_id)
            if not reports:
                return None
            blocked_by = await session.scalar(
                select(func.count()).select_from(Block).where(Block.blocked_id == member_id)
            )
            unit = await session.get(OrgUnit, member.unit_id)
            answers = {k: a.value for k, a in (await profiles.answers(session, member_id)).items()}
            return ReportFile(
                member_id,
                str(answers.get("nickname") or "?"),
                answers,
                unit.name if unit else "—",
                member.suspended,
                reports,
                blocked_by or 0,
                await _decisions(session, member_id, member.unit_id),
            )


async def _reports(session: AsyncSession, member_id: int) -> tuple[ReportLine, ...]:
    found = (
        await session.scalars(
            select(Report).where(Report.reported_id == member_id).order_by(Report.id.desc())
        )
    ).all()
    names = await _nicknames(session, {report.reporter_id for report in found})
    return tuple(
        ReportLine(
            report.id,
            report.reason,
            report.detail,
            names.get(report.reporter_id, "?"),
            report.status,
            report.created_at,
        )
        for report in found
    )


async def _nicknames(session: AsyncSession, member_ids: Iterable[int]) -> dict[int, str]:
    rows = await session.execute(
        select(ProfileAnswer.member_id, ProfileAnswer.value).where(
            ProfileAnswer.question == "nickname", ProfileAnswer.member_id.in_(list(member_ids))
        )
    )
    return {member_id: str(value) for member_id, value in rows.all() if value is not None}


async def _decisions(
    session: AsyncSession, member_id: int, unit_id: int | None
) -> tuple[PastDecision, ...]:
    """Decisions recorded on the member (the audit log keeps the member in its detail)."""
    rows = await session.execute(
        select(AuditEntry.action, AuditEntry.created_at)
        .where(
            AuditEntry.unit_id == unit_id,
            AuditEntry.action.in_(DECISIONS),
            AuditEntry.detail["member"].as_integer() == member_id,
        )
        .order_by(AuditEntry.id.desc())
    )
    return tuple(PastDecision(action, created_at) for action, created_at in rows.all())
