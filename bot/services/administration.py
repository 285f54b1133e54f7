"""What organisers and superadmins may do, and doing it. Every call works out the actor's
authority from the database (roles) and configuration (superadmins) — never from a button.

Scope: an organiser acts on the subtree of every unit they organise; a superadmin on all.
Roles are granted and revoked by a superadmin, or by an organiser of a unit above the target.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain import N_, free_text
from bot.domain.clock import Clock
from bot.domain.units import UnitKind, fits_unit_name, may_move, subtree, tree_order, units_toml
from bot.services import notices
from bot.services.inbox import Inbox
from bot.services.notices import line
from bot.services.work import WorkQueue
from storage import audit, conflicts, matching, profiles, reports, units
from storage.models import (
    AuditEntry,
    Member,
    OrgUnit,
    RelayMessage,
    Report,
    Role,
    RosterEntry,
    ScreenHit,
    UnitRole,
    VerificationAttempt,
)


@dataclass(frozen=True)
class Authority:
    superadmin: bool
    own: frozenset[int]  # units the person organises
    scope: frozenset[int]  # everything they may act on
    # Members whose cases they leave to others: themselves and their circle (storage.conflicts).
    recused: frozenset[int] = frozenset()

    @property
    def any(self) -> bool:
        return self.superadmin or bool(self.own)

    def may_judge(self, member: Member) -> bool:
        """Whether they may see and decide a case about this member."""
        return self.any and member.unit_id in self.scope and member.id not in self.recused


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


@dataclass(frozen=True)
class Identity:
    """Who a reported member is by the union's roster, for the organiser judging the case."""

    nickname: str
    real_name: str | None  # None: never verified against the roster
    employer: str | None
    member_number: str | None
    unit: str


@dataclass(frozen=True)
class Moderation:
    """What a moderation did and who was told of it."""

    decision: Decision
    nickname: str = ""
    member_told: bool = False
    reporters_told: int = 0
    reported: bool = True  # a report was behind it, not only words the scam screen flagged


class Decision(enum.StrEnum):
    """How an organiser's decision (a role, a moderation) went."""

    DONE = "done"
    UNCHANGED = "unchanged"  # it was so already
    NOT_ALLOWED = "not_allowed"  # outside the organiser's scope
    UNKNOWN = "unknown"  # no such union or member


class UnitChange(enum.StrEnum):
    """How creating, renaming or moving a unit went."""

    DONE = "done"
    UNCHANGED = "unchanged"
    NOT_ALLOWED = "not_allowed"  # outside the organiser's scope
    OWN_UNION = "own_union"  # the organiser's own union: renamed and moved from above
    UNKNOWN = "unknown"  # no such unit
    BAD_NAME = "bad_name"  # empty or too long
    NAME_TAKEN = "name_taken"  # another unit has that name
    LOOP = "loop"  # under itself or a unit below it


@dataclass(frozen=True)
class Holding:
    """Someone's role in a unit, named as the roster names them (else by nickname)."""

    id: int
    role: Role
    who: str | None  # None: not on a roster of the scope and no nickname
    # Only when ``who`` is None (staff named by Telegram id in the units file): the account,
    # so that two such holders can be told apart.
    account: int | None = None


@dataclass(frozen=True)
class UnitNode:
    id: int
    name: str
    kind: UnitKind
    parent_id: int | None
    depth: int
    # Renamed and moved by the organisers above it (superadmins: any).
    editable: bool
    holdings: tuple[Holding, ...]


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
# The same, where no member reported them and the union acted on what the scam screen flagged.
SCREENED_NOTICES = {
    "warn": N_(
        "Your union has looked at messages of yours that 会会's safety check flagged. Please "
        "keep to the rules of 会会: be truthful, single and respectful."
    ),
    "suspend": N_(
        "Your union has suspended your profile after looking at messages of yours that "
        "会会's safety check flagged: nobody is shown it. If you have questions, contact your "
        "union: {contact}, or ask here with /ask."
    ),
}
# A member's latest relayed messages looked at for the scam screen's signals (its list for
# moderators shows the union's latest hits, not older ones).
FLAGGED_LOOKED_AT = 200
# What the members who reported are told when an organiser settles their reports.
REPORTER_NOTICES = {
    "dismiss": N_(
        "Your union has looked into your report and found no reason to act. Thank you for "
        "telling us; if anything else happens, report again or write with /ask."
    ),
    "warn": N_("Your union has looked into your report and acted on it. Thank you for telling us."),
    "suspend": N_(
        "Your union has looked into your report and acted on it. Thank you for telling us."
    ),
}
# Report statuses an organiser's decision settles pending reports with.
SETTLED_AS = {"dismiss": "dismissed", "warn": "warned", "suspend": "suspended"}


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
        # A revoked role gives back the threads its holder claimed, in the same transaction.
        self._inbox = Inbox(db, clock, work, settings.superadmins)
        # The desk's units (created, renamed, moved), under the same authority.
        self.units = UnitDesk(db, clock, self)

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

    async def judge(self, session: AsyncSession, telegram_id: int) -> Authority:
        """``authority`` for deciding cases about members (reports, verifications, photos),
        with the members this person must leave to others."""
        power = await self.authority(session, telegram_id)
        if not power.any:
            return power
        return replace(power, recused=await conflicts.recused(session, telegram_id))

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

    async def judging(self, telegram_id: int) -> Authority | None:
        """``judge`` in a session of its own; None for anyone who judges nothing."""
        async with self._db() as session:
            power = await self.judge(session, telegram_id)
            return power if power.any else None

    async def scope_of(self, telegram_id: int) -> frozenset[int] | None:
        """The units whose statistics the person may see, or None."""
        async with self._db() as session:
            power = await self.authority(session, telegram_id)
            return power.scope if power.any else None

    async def scope_and_tops(
        self, telegram_id: int
    ) -> tuple[frozenset[int], frozenset[int]] | None:
        """The units the person may see and the tops of that tree (the units they organise;
        a superadmin's: the top units), or None."""
        async with self._db() as session:
            power = await self.authority(session, telegram_id)
            if not power.any:
                return None
            if not power.superadmin:
                return power.scope, power.own
            tree = await units.parents(session)
            return power.scope, frozenset(u for u, parent in tree.items() if parent is None)

    async def roles_of(self, telegram_id: int) -> frozenset[Role]:
        """Every role the person holds in some union (a superadmin is an organiser)."""
        async with self._db() as session:
            held = frozenset(
                (
                    await session.scalars(
                        select(UnitRole.role).where(UnitRole.telegram_id == telegram_id).distinct()
                    )
                ).all()
            )
        return held | {Role.ORGANISER} if telegram_id in self._settings.superadmins else held

    async def can_administer(self, telegram_id: int) -> bool:
        async with self._db() as session:
            return (await self.authority(session, telegram_id)).any

    async def set_role(
        self, actor: int, target: int, unit_name: str, role: Role, *, grant: bool
    ) -> Decision:
        """Grant or revoke a role: matchmakers and counsellors in the actor's own unions and
        below, organisers only in the unions below the actor's own."""
        async with self._db.begin() as session:
            unit = await units.by_name(session, unit_name)
            if unit is None:
                power = await self.authority(session, actor)
                return Decision.UNKNOWN if power.any else Decision.NOT_ALLOWED
            return await self.apply_role(session, actor, target, unit.id, role, grant=grant)

    async def set_role_in(
        self, actor: int, target: int, unit_id: int, role: Role, *, grant: bool
    ) -> Decision:
        """``set_role`` for a unit chosen by id (the desk's lists)."""
        async with self._db.begin() as session:
            return await self.apply_role(session, actor, target, unit_id, role, grant=grant)

    async def apply_role(
        self,
        session: AsyncSession,
        actor: int,
        target: int,
        unit_id: int,
        role: Role,
        *,
        grant: bool,
    ) -> Decision:
        """In the caller's transaction: the rule of ``set_role`` checked, the role changed,
        the change audited."""
        power = await self.authority(session, actor)
        unit = await session.get(OrgUnit, unit_id)
        if unit is None:
            return Decision.UNKNOWN if power.superadmin else Decision.NOT_ALLOWED
        if not power.superadmin and (
            unit.id not in power.scope or (role == Role.ORGANISER and unit.id in power.own)
        ):
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
            await self._inbox.release_claims_beyond_reach(session, target)
        action = "grant" if grant else "revoke"
        audit.record(
            session, actor, action, unit.id, self._clock.now(), target=target, role=role.value
        )
        return Decision.DONE

    async def pending_verifications(self, actor: int, limit: int = 5) -> list[PendingCase] | None:
        async with self._db() as session:
            power = await self.judge(session, actor)
            if not power.any:
                return None
            rows = await session.execute(
                select(VerificationAttempt, RosterEntry)
                .join(RosterEntry, RosterEntry.id == VerificationAttempt.roster_entry_id)
                .where(
                    VerificationAttempt.outcome == "pending",
                    RosterEntry.unit_id.in_(power.scope),
                    VerificationAttempt.member_id.not_in(power.recused),
                )
                .order_by(VerificationAttempt.id)
                .limit(limit)
            )
            return [PendingCase(attempt, entry) for attempt, entry in rows.all()]

    async def open_reports(self, actor: int, limit: int = 5) -> list[ReportCase] | None:
        """Cases of reported members in the actor's unions, most reported first (as the back
        office lists them), each with the member's card; None for anyone but their
        organisers."""
        async with self._db() as session:
            power = await self.judge(session, actor)
            if not power.any:
                return None
            reasons = await reports.pending(session, power.scope, power.recused)
            cases = []
            for member_id in list(reasons)[:limit]:
                member = await session.get_one(Member, member_id)
                answers = {
                    k: a.value for k, a in (await profiles.answers(session, member_id)).items()
                }
                cases.append(ReportCase(member_id, answers, reasons[member_id], member.suspended))
            return cases

    async def moderate(self, actor: int, member_id: int, action: str) -> Moderation:
        """dismiss / warn / suspend / lift, on a member in the actor's scope. The member is told
        (a dismissal tells them nothing), and so are those whose pending reports it settles."""
        async with self._db.begin() as session:
            power = await self.judge(session, actor)
            # Locked: two organisers deciding at once decide one after the other, the second
            # on what the first left.
            member = await session.get(Member, member_id, with_for_update=True)
            if member is None:
                return Moderation(Decision.UNKNOWN)
            if not power.may_judge(member):
                return Moderation(Decision.NOT_ALLOWED)
            # A decision needs a case: someone's report, or words the scam screen flagged. Any
            # other member's id, posted to the form, was suspended "after reports" nobody made.
            reported = await session.scalar(
                select(Report.id).where(Report.reported_id == member_id).limit(1)
            )
            flagged = await _flagged(session, member_id)
            if action != "lift" and reported is None and not flagged:
                return Moderation(Decision.NOT_ALLOWED)
            nickname = await _nickname(session, member_id)
            if (action == "suspend" and member.suspended) or (
                action == "lift" and not member.suspended
            ):
                return Moderation(Decision.UNCHANGED, nickname)
            # A warning or a dismissal decides the open case: once decided (by another
            # organiser of the union above, or the same press sent again), it is not decided
            # twice, and the member is not warned twice for one report.
            if (
                action in ("dismiss", "warn")
                and not flagged
                and not await _pending(session, member_id)
            ):
                return Moderation(Decision.UNCHANGED, nickname)
            now = self._clock.now()
            reporters: list[int] = []
            if action in SETTLED_AS:
                settled = await session.execute(
                    update(Report)
                    .where(Report.reported_id == member_id, Report.status == "pending")
                    .values(status=SETTLED_AS[action])
                    .returning(Report.reporter_id)
                )
                reporters = sorted(set(settled.scalars().all()))
            if action in SETTLED_AS:  # decided on: what was flagged so far leaves /reports
                member.flags_settled_at = now
            if action in ("suspend", "lift"):
                member.suspended = action == "suspend"
                await session.flush()
                await matching.refresh_profile(session, member_id, now)
            told = await self._tell_reporters(session, reporters, member_id, action, now)
            member_told = action in MODERATION_NOTICES and member.telegram_id is not None
            # A decision on reports when it settled some (or when nothing flagged is open): a
            # warning for flagged words only spoke of reports whenever any report had ever
            # been made about her.
            about_reports = bool(reporters) or not flagged
            if member_told and member.telegram_id is not None:
                told_why = MODERATION_NOTICES if about_reports else SCREENED_NOTICES
                await notices.put(
                    session,
                    to=member.telegram_id,
                    now=now,
                    member_id=member.id,
                    lines=[
                        line(
                            told_why.get(action, MODERATION_NOTICES[action]),
                            contact=await units.contact_for(session, member.unit_id),
                        )
                    ],
                    key=f"moderation:{member.id}:{action}:{now.isoformat()}",
                )
            audit.record(
                session,
                actor,
                action,
                member.unit_id,
                now,
                member=member_id,
                member_told=member_told,
                reporters_told=told,
            )
        self._work.wake()
        return Moderation(Decision.DONE, nickname, member_told, told, about_reports)

    @staticmethod
    async def _tell_reporters(
        session: AsyncSession, reporters: list[int], member_id: int, action: str, now: datetime
    ) -> int:
        """Tell each member whose report was settled; how many could be told."""
        if action not in REPORTER_NOTICES or not reporters:
            return 0
        found = await session.execute(
            select(Member.id, Member.telegram_id).where(
                Member.id.in_(reporters), Member.telegram_id.is_not(None)
            )
        )
        told = 0
        for reporter_id, telegram_id in found.all():
            await notices.put(
                session,
                to=telegram_id,
                now=now,
                member_id=reporter_id,
                lines=[line(REPORTER_NOTICES[action])],
                key=f"report_settled:{member_id}:{reporter_id}:{now.isoformat()}",
            )
            told += 1
        return told

    async def identity(self, actor: int, member_id: int) -> Identity | Decision:
        """A reported member's identity by the roster — real name, employer, member number —
        for an organiser of their union (never a matchmaker or counsellor) judging a report
        ("not single", say). Only members someone reported; every view is audited."""
        async with self._db.begin() as session:
            power = await self.judge(session, actor)
            member = await session.get(Member, member_id)
            if member is None:
                return Decision.UNKNOWN
            reported = await session.scalar(
                select(Report.id).where(Report.reported_id == member_id).limit(1)
            )
            if not power.may_judge(member) or reported is None:
                return Decision.NOT_ALLOWED
            entry = await session.scalar(
                select(RosterEntry).where(RosterEntry.member_id == member_id)
            )
            unit = await session.get(OrgUnit, member.unit_id)
            audit.record(
                session, actor, "view_identity", member.unit_id, self._clock.now(), member=member_id
            )
            return Identity(
                await _nickname(session, member_id),
                entry.real_name if entry else None,
                entry.employer if entry else None,
                entry.member_number if entry else None,
                unit.name if unit else "—",
            )

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


async def _nickname(session: AsyncSession, member_id: int) -> str:
    answers = await profiles.answers(session, member_id)
    return str(answers["nickname"].value) if "nickname" in answers else "?"


class UnitDesk:
    """Units made, renamed and moved by organisers in the database (the units file stays for
    setting up in bulk). An organiser creates units below any unit of their scope, and renames
    or moves those below their own unions; a superadmin any. Every change is audited."""

    def __init__(
        self, db: async_sessionmaker[AsyncSession], clock: Clock, administration: Administration
    ) -> None:
        self._db = db
        self._clock = clock
        self._administration = administration

    async def tree(self, actor: int) -> list[UnitNode] | None:
        """The actor's units in the tree's order with who holds which role; None if they
        organise nothing."""
        async with self._db() as session:
            power = await self._administration.authority(session, actor)
            if not power.any:
                return None
            tree = await units.parents(session)
            tops = power.own or frozenset(u for u, p in tree.items() if p is None)
            rows = await session.execute(
                select(OrgUnit.id, OrgUnit.name, OrgUnit.kind).where(OrgUnit.id.in_(power.scope))
            )
            found = {unit_id: (name, kind) for unit_id, name, kind in rows.all()}
            held = (
                await session.execute(
                    select(UnitRole.id, UnitRole.unit_id, UnitRole.role, UnitRole.telegram_id)
                    .where(UnitRole.unit_id.in_(power.scope))
                    .order_by(UnitRole.role, UnitRole.id)
                )
            ).all()
            names = await staff_names(session, {telegram_id for *_rest, telegram_id in held})
        holdings: dict[int, list[Holding]] = {}
        for holding_id, unit_id, role, telegram_id in held:
            holdings.setdefault(unit_id, []).append(
                Holding(
                    holding_id,
                    role,
                    names.get(telegram_id),
                    None if telegram_id in names else telegram_id,
                )
            )
        return [
            UnitNode(
                unit_id,
                found[unit_id][0],
                found[unit_id][1],
                tree[unit_id],
                depth,
                power.superadmin or unit_id not in power.own,
                tuple(holdings.get(unit_id, ())),
            )
            for unit_id, depth in tree_order(tops, tree)
            if unit_id in found
        ]

    async def units_file(self, actor: int) -> str | None:
        """The actor's units as a units file (``huihui units load`` reads it back), or None."""
        async with self._db() as session:
            power = await self._administration.authority(session, actor)
            if not power.any:
                return None
            return units_toml(await units.specs_of(session, power.scope))

    async def create(self, actor: int, parent_id: int, name: str, kind: UnitKind) -> UnitChange:
        text = free_text.clean(name, single_line=True)
        async with self._db.begin() as session:
            power = await self._administration.authority(session, actor)
            if parent_id not in power.scope:
                return UnitChange.NOT_ALLOWED
            if not fits_unit_name(text):
                return UnitChange.BAD_NAME
            if await units.by_name(session, text) is not None:
                return UnitChange.NAME_TAKEN
            unit = OrgUnit(name=text, kind=kind, parent_id=parent_id)
            session.add(unit)
            await session.flush()
            audit.record(
                session,
                actor,
                "unit_create",
                unit.id,
                self._clock.now(),
                name=text,
                parent=parent_id,
            )
        return UnitChange.DONE

    async def rename(self, actor: int, unit_id: int, name: str) -> UnitChange:
        text = free_text.clean(name, single_line=True)
        async with self._db.begin() as session:
            unit = await self._editable(session, actor, unit_id)
            if not isinstance(unit, OrgUnit):
                return unit
            if not fits_unit_name(text):
                return UnitChange.BAD_NAME
            if text == unit.name:
                return UnitChange.UNCHANGED
            if await units.by_name(session, text) is not None:
                return UnitChange.NAME_TAKEN
            before, unit.name = unit.name, text
            audit.record(
                session, actor, "unit_rename", unit.id, self._clock.now(), before=before, name=text
            )
        return UnitChange.DONE

    async def move(self, actor: int, unit_id: int, parent_id: int) -> UnitChange:
        async with self._db.begin() as session:
            await units.lock_tree(session)  # the loop check below sees every other move
            unit = await self._editable(session, actor, unit_id)
            if not isinstance(unit, OrgUnit):
                return unit
            power = await self._administration.authority(session, actor)
            if parent_id not in power.scope:
                return UnitChange.NOT_ALLOWED
            if not may_move(unit.id, parent_id, await units.parents(session)):
                return UnitChange.LOOP
            if unit.parent_id == parent_id:
                return UnitChange.UNCHANGED
            before, unit.parent_id = unit.parent_id, parent_id
            audit.record(
                session,
                actor,
                "unit_move",
                unit.id,
                self._clock.now(),
                before=before,
                parent=parent_id,
            )
        return UnitChange.DONE

    async def _editable(
        self, session: AsyncSession, actor: int, unit_id: int
    ) -> OrgUnit | UnitChange:
        power = await self._administration.authority(session, actor)
        unit = await session.get(OrgUnit, unit_id, with_for_update=True)
        if unit is None or unit.id not in power.scope:
            return UnitChange.UNKNOWN if power.superadmin else UnitChange.NOT_ALLOWED
        if not power.superadmin and unit.id in power.own:
            return UnitChange.OWN_UNION
        return unit


async def _pending(session: AsyncSession, member_id: int) -> bool:
    """Whether a report of the member waits for an organiser's decision."""
    pending = select(Report.id).where(Report.reported_id == member_id, Report.status == "pending")
    return await session.scalar(pending.limit(1)) is not None


async def _flagged(session: AsyncSession, member_id: int) -> bool:
    """Whether the scam screen flagged words of the member (a card, a question, a relayed
    message: what /reports lists) that no organiser has decided on yet."""
    member = await session.get(Member, member_id)
    since = member.flags_settled_at if member is not None else None
    hits = select(ScreenHit.id).where(ScreenHit.member_id == member_id)
    if since is not None:
        hits = hits.where(ScreenHit.created_at > since)
    if await session.scalar(hits.limit(1)):
        return True
    relayed = select(RelayMessage.signals).where(
        # Drafts were never relayed (nor screened): typed by the hundred, they would push a
        # flagged message out of the window and the organiser could not act on it.
        RelayMessage.sender_id == member_id,
        RelayMessage.draft.is_(False),
    )
    if since is not None:
        relayed = relayed.where(RelayMessage.created_at > since)
    recent = await session.scalars(
        relayed.order_by(RelayMessage.id.desc()).limit(FLAGGED_LOOKED_AT)
    )
    return any(signals for signals in recent.all())


async def staff_names(session: AsyncSession, telegram_ids: set[int]) -> dict[int, str]:
    """Telegram id → the real name on the person's current roster entry, else their nickname."""
    if not telegram_ids:
        return {}
    rows = await session.execute(
        select(Member.telegram_id, Member.id, RosterEntry.real_name)
        .outerjoin(
            RosterEntry, (RosterEntry.member_id == Member.id) & RosterEntry.left_at.is_(None)
        )
        .where(Member.telegram_id.in_(telegram_ids))
    )
    names: dict[int, str] = {}
    for telegram_id, member_id, real_name in rows.all():
        if telegram_id is not None:
            names[telegram_id] = real_name or await _nickname(session, member_id)
    return names
