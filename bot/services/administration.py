"""What organisers and superadmins may do, and doing it. Every call works out the actor's
authority from the database (roles) and configuration (superadmins) — never from a button.

Scope: an organiser acts on the subtree of every unit they organise; a superadmin on all.
Roles are granted and revoked by a superadmin, or by an organiser of a unit above the target.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain import N_
from bot.domain.clock import Clock
from bot.domain.units import subtree
from bot.services import notices
from bot.services.notices import line
from bot.services.work import WorkQueue
from storage import audit, matching, profiles, units
from storage.models import (
    AuditEntry,
    Member,
    OrgUnit,
    Report,
    Role,
    RosterEntry,
    UnitRole,
    VerificationAttempt,
)


@dataclass(frozen=True)
class Authority:
    superadmin: bool
    own: frozenset[int]  # units the person organises
    scope: frozenset[int]  # everything they may act on

    @property
    def any(self) -> bool:
        return self.superadmin or bool(self.own)


@dataclass(frozen=True)
class PendingCase:
    attempt: VerificationAttempt
    entry: RosterEntry | None


@dataclass(frozen=True)
class ReportCase:
    member_id: int
    answers: dict[str, Any]
    reasons: Counter[str]
    suspended: bool


class Decision(enum.StrEnum):
    """How an organiser's decision (a role, a moderation) went."""

    DONE = "done"
    UNCHANGED = "unchanged"  # it was so already
    NOT_ALLOWED = "not_allowed"  # outside the organiser's scope
    UNKNOWN = "unknown"  # no such union or member


# What the member is told of an organiser's decision on reports about them.
MODERATION_NOTICES = {
    "warn": N_(
        "Your union has received reports about your profile. Please keep to the rules "
        "of 会会: be truthful, single and respectful."
    ),
    "suspend": N_(
        "Your union has suspended your profile after reports: nobody is shown it. "
        "If you have questions, contact your union: {contact}, or ask here with /ask."
    ),
    "lift": N_("Your union has lifted the suspension: your profile can be shown again."),
}


class Administration:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._work = work

    async def authority(self, session: AsyncSession, telegram_id: int) -> Authority:
        tree = await units.parents(session)
        if telegram_id in self._settings.superadmins:
            return Authority(True, frozenset(), frozenset(tree))
        own = frozenset(
            (
                await session.scalars(
                    select(UnitRole.unit_id).where(
                        UnitRole.telegram_id == telegram_id, UnitRole.role == Role.ORGANISER
                    )
                )
            ).all()
        )
        scope = frozenset().union(*(subtree(unit, tree) for unit in own)) if own else frozenset()
        return Authority(False, own, scope)

    async def import_targets(self, telegram_id: int) -> list[tuple[int, str]]:
        """Units the person may import a roster into, as offered first: their own units
        (superadmins: the top units); rows may name units below."""
        async with self._db() as session:
            power = await self.authority(session, telegram_id)
            tree = await units.parents(session)
            chosen = (
                power.own if not power.superadmin else {u for u, p in tree.items() if p is None}
            )
            rows = await session.execute(
                select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(chosen))
            )
            return sorted((unit_id, name) for unit_id, name in rows.all())

    async def unit_choices(self, telegram_id: int) -> list[tuple[int, str]]:
        """Units the person may address, as offered on buttons: those they organise
        (superadmins: the top units), each followed by the units directly below it."""
        async with self._db() as session:
            power = await self.authority(session, telegram_id)
            tree = await units.parents(session)
            tops = power.own if not power.superadmin else {u for u, p in tree.items() if p is None}
            names = dict((await session.execute(select(OrgUnit.id, OrgUnit.name))).all())
        chosen: list[int] = []
        for top in sorted(tops):
            chosen += [top, *sorted(u for u, parent in tree.items() if parent == top)]
        return [(unit_id, names[unit_id]) for unit_id in dict.fromkeys(chosen)]

    async def may_import_into(self, telegram_id: int, unit_id: int) -> str | None:
        """The unit's name if the person may import into it, else None."""
        async with self._db() as session:
            power = await self.authority(session, telegram_id)
            if unit_id not in power.scope:
                return None
            unit = await session.get(OrgUnit, unit_id)
            return unit.name if unit else None

    async def record_import(self, telegram_id: int, unit_id: int, imported: int, bad: int) -> None:
        async with self._db.begin() as session:
            audit.record(
                session,
                telegram_id,
                "roster_import",
                unit_id,
                self._clock.now(),
                imported=imported,
                bad_rows=bad,
            )

    async def scope_of(self, telegram_id: int) -> frozenset[int] | None:
        """The units whose statistics the person may see, or None."""
        async with self._db() as session:
            power = await self.authority(session, telegram_id)
            return power.scope if power.any else None

    async def can_administer(self, telegram_id: int) -> bool:
        async with self._db() as session:
            return (await self.authority(session, telegram_id)).any

    async def set_role(
        self, actor: int, target: int, unit_name: str, role: Role, *, grant: bool
    ) -> Decision:
        """Grant or revoke a role in a union below the actor's own."""
        async with self._db.begin() as session:
            power = await self.authority(session, actor)
            unit = await units.by_name(session, unit_name)
            if unit is None:
                return Decision.UNKNOWN if power.any else Decision.NOT_ALLOWED
            if not power.superadmin and (unit.id not in power.scope or unit.id in power.own):
                return Decision.NOT_ALLOWED
            held = await session.scalar(
                select(UnitRole.id).where(
                    UnitRole.telegram_id == target,
                    UnitRole.unit_id == unit.id,
                    UnitRole.role == role,
                )
            )
            if grant == (held is not None):
                return Decision.UNCHANGED
            if grant:
                session.add(UnitRole(telegram_id=target, unit_id=unit.id, role=role))
            else:
                await session.execute(delete(UnitRole).where(UnitRole.id == held))
            action = "grant" if grant else "revoke"
            audit.record(
                session, actor, action, unit.id, self._clock.now(), target=target, role=role.value
            )
            return Decision.DONE

    async def pending_verifications(self, actor: int, limit: int = 5) -> list[PendingCase] | None:
        async with self._db() as session:
            power = await self.authority(session, actor)
            if not power.any:
                return None
            rows = await session.execute(
                select(VerificationAttempt, RosterEntry)
                .join(RosterEntry, RosterEntry.id == VerificationAttempt.roster_entry_id)
                .where(
                    VerificationAttempt.outcome == "pending", RosterEntry.unit_id.in_(power.scope)
                )
                .order_by(VerificationAttempt.id)
                .limit(limit)
            )
            return [PendingCase(attempt, entry) for attempt, entry in rows.all()]

    async def open_reports(self, actor: int, limit: int = 5) -> list[ReportCase] | None:
        async with self._db() as session:
            power = await self.authority(session, actor)
            if not power.any:
                return None
            rows = await session.execute(
                select(Report.reported_id, Report.reason, func.count())
                .join(Member, Member.id == Report.reported_id)
                .where(Report.status == "pending", Member.unit_id.in_(power.scope))
                .group_by(Report.reported_id, Report.reason)
            )
            reasons: dict[int, Counter[str]] = {}
            for member_id, reason, count in rows.all():
                reasons.setdefault(member_id, Counter())[reason] += count
            cases = []
            for member_id in sorted(reasons)[:limit]:
                member = await session.get_one(Member, member_id)
                answers = {
                    k: a.value for k, a in (await profiles.answers(session, member_id)).items()
                }
                cases.append(ReportCase(member_id, answers, reasons[member_id], member.suspended))
            return cases

    async def moderate(self, actor: int, member_id: int, action: str) -> Decision:
        """dismiss / warn / suspend / lift, on a member in the actor's scope."""
        async with self._db.begin() as session:
            power = await self.authority(session, actor)
            member = await session.get(Member, member_id)
            if member is None:
                return Decision.UNKNOWN
            if not power.any or member.unit_id not in power.scope:
                return Decision.NOT_ALLOWED
            now = self._clock.now()
            if action in ("dismiss", "warn", "suspend"):
                await session.execute(
                    update(Report)
                    .where(Report.reported_id == member_id, Report.status == "pending")
                    .values(
                        status={"dismiss": "dismissed", "warn": "warned", "suspend": "suspended"}[
                            action
                        ]
                    )
                )
            if action in ("suspend", "lift"):
                member.suspended = action == "suspend"
                await session.flush()
                await matching.refresh_profile(session, member_id, now)
            audit.record(session, actor, action, member.unit_id, now, member=member_id)
            if action in MODERATION_NOTICES and member.telegram_id is not None:
                await notices.put(
                    session,
                    to=member.telegram_id,
                    now=now,
                    member_id=member.id,
                    lines=[
                        line(
                            MODERATION_NOTICES[action],
                            contact=await units.contact_for(session, member.unit_id),
                        )
                    ],
                    key=f"moderation:{member.id}:{action}:{now.isoformat()}",
                )
        self._work.wake()
        return Decision.DONE

    async def audit_log(self, actor: int, limit: int = 20) -> list[AuditEntry] | None:
        if actor not in self._settings.superadmins:
            return None
        async with self._db() as session:
            return list(await audit.latest(session, limit))

    async def unit_name(self, unit_id: int | None) -> str:
        if unit_id is None:
            return "—"
        async with self._db() as session:
            unit = await session.get(OrgUnit, unit_id)
            return unit.name if unit else "—"
