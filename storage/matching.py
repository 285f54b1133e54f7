"""Queries behind suggestions: the candidate pool, history aggregates, decisions, matches."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.match_profile import match_row
from bot.domain.units import ancestry
from storage import profiles, units
from storage.models import (
    Block,
    CardView,
    ContactRequest,
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    OrgUnit,
    Proposal,
    RelayMessage,
    Report,
    RosterEntry,
    SuggestionReview,
)
from storage.reports import HIDDEN_BY_REPORTS
from storage.upsert import upsert

# The candidate pool is built from the tables' own columns: statements of ORM attributes go
# through the ORM's compile and loading steps, which cost more than the SQL itself here.
_PROFILES = cast(Table, MatchProfile.__table__).c
_DECISIONS = cast(Table, MatchDecision.__table__).c
_BLOCKS = cast(Table, Block.__table__).c
_MEMBERS = cast(Table, Member.__table__).c
_VIEWS = cast(Table, CardView.__table__).c
_MATCHES = cast(Table, Match.__table__).c


async def refresh_profile(session: AsyncSession, member_id: int, now: datetime) -> None:
    """Rebuild a member's match profile from their answers and status."""
    member = await session.get(Member, member_id)
    if member is None:
        return
    stored = await profiles.answers(session, member_id)
    answers = {key: answer.value for key, answer in stored.items()}
    must = {key: answer.must_have for key, answer in stored.items()}
    employer = await session.scalar(
        select(RosterEntry.employer).where(RosterEntry.member_id == member_id)
    )
    row = match_row(answers, must, employer)
    eligible = bool(
        member.verified_at
        and member.profile_completed_at
        and not member.paused
        and not member.suspended
    )
    if member.suspended or member.verified_at is None:
        # Suspended, or no longer on the union's roster: every status change passes here, so
        # here their conversations end and what either side agreed to share is withdrawn.
        await end_all_contact(session, member_id, now)
    await upsert(
        session,
        MatchProfile,
        [
            {
                "member_id": member_id,
                "eligible": eligible,
                "avoid_colleagues": member.avoid_colleagues,
                "updated_at": now,
                "shuffle": random.getrandbits(31),
                **row,
            }
        ],
        ["member_id"],
    )


_PROFILE_COLUMNS = (
    _PROFILES.member_id,
    _PROFILES.gender,
    _PROFILES.birth_year,
    _PROFILES.seeks,
    _PROFILES.age_min,
    _PROFILES.age_max,
    _PROFILES.age_must,
    _PROFILES.district,
    _PROFILES.education,
    _PROFILES.employer,
    _PROFILES.avoid_colleagues,
    _PROFILES.features,
)


async def profile_row(session: AsyncSession, member_id: int) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(*_PROFILE_COLUMNS, _PROFILES.eligible).where(_PROFILES.member_id == member_id)
        )
    ).first()
    return dict(row._mapping) if row else None


async def profile_rows(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """``profile_row`` of many members at once (for work over thousands, such as digests)."""
    rows = await session.execute(
        select(*_PROFILE_COLUMNS, _PROFILES.eligible).where(_PROFILES.member_id.in_(member_ids))
    )
    return {row.member_id: dict(row._mapping) for row in rows}


# Up to this many members of the ages a viewer insists on are checked one by one.
FEW_OF_AGE = 2_000

_VIEWER = bindparam("viewer", type_=Integer)
# Built once, bound to the viewer when run: whoever asks, a candidate is eligible, fits the
# viewer's gender, was not liked (nor skipped lately) by them, is not blocked either way, not
# matched with them and not hidden by reports. Building these anew for every card cost more
# than running them.


def _open_to_viewer(as_of: bool) -> tuple[Any, ...]:
    """The conditions; ``as_of``: only the viewer's decisions and the blocks made before the
    bound time ``decided_before`` count (the number of likes, held for the day)."""

    def made(column: Any) -> tuple[Any, ...]:
        return (column < bindparam("decided_before", type_=column.type),) if as_of else ()

    return (
        _PROFILES.eligible.is_(True),
        _PROFILES.member_id != _VIEWER,
        or_(
            _PROFILES.seeks == "any",
            _PROFILES.seeks == bindparam("viewer_gender", type_=String),
        ),
        ~exists().where(
            _DECISIONS.viewer_id == _VIEWER,
            _DECISIONS.candidate_id == _PROFILES.member_id,
            or_(
                _DECISIONS.liked.is_(True),
                _DECISIONS.created_at
                >= bindparam("skips_kept_since", type_=_DECISIONS.created_at.type),
            ),
            *made(_DECISIONS.created_at),
        ),
        ~exists().where(
            or_(
                and_(_BLOCKS.blocker_id == _VIEWER, _BLOCKS.blocked_id == _PROFILES.member_id),
                and_(_BLOCKS.blocker_id == _PROFILES.member_id, _BLOCKS.blocked_id == _VIEWER),
            ),
            *made(_BLOCKS.created_at),
        ),
        # A match a matchmaker's proposal made has no like of either behind it: without this
        # the two were offered each other as cards to like or skip (each order through the
        # pair's unique index).
        ~exists().where(
            or_(
                and_(_MATCHES.member_a == _VIEWER, _MATCHES.member_b == _PROFILES.member_id),
                and_(_MATCHES.member_a == _PROFILES.member_id, _MATCHES.member_b == _VIEWER),
            )
        ),
        _PROFILES.member_id.not_in(HIDDEN_BY_REPORTS),
    )


_OPEN_TO_VIEWER = _open_to_viewer(as_of=False)
_OPEN_AS_OF = _open_to_viewer(as_of=True)


async def pool(
    session: AsyncSession,
    viewer: dict[str, Any],
    current_year: int,
    *,
    likers_only: bool,
    limit: int,
    pivot: int | None = None,
    only: Sequence[int] | None = None,
    skips_forgotten_before: datetime,
    completed_after: datetime | None = None,
    where: Sequence[Any] = (),
    decided_before: datetime | None = None,
) -> list[dict[str, Any]]:
    """Eligible members who pass the hard constraints both ways and whom the viewer has not
    liked, skipped since ``skips_forgotten_before`` (skips before it come back), blocked, been
    blocked by, or matched with. With ``likers_only``, only those who liked the viewer; with
    ``only``, only those members; with ``completed_after``, only those who completed their
    profile since; with ``where``, only those meeting these further conditions (a member's
    browse filters); with ``decided_before``, as if the viewer had decided on nobody and
    blocked nobody since (the number of likes, which her skips must not change until the next
    day). Otherwise a random sample (from ``pivot`` in shuffle order, wrapping around), half of
    it from the viewer's preferred districts."""
    mp = _PROFILES
    values = {
        "viewer": viewer["member_id"],
        "viewer_gender": viewer["gender"],
        "skips_kept_since": skips_forgotten_before,
    }
    conditions: list[Any] = [*(_OPEN_TO_VIEWER if decided_before is None else _OPEN_AS_OF), *where]
    if decided_before is not None:
        values["decided_before"] = decided_before
    if completed_after is not None:
        conditions.append(
            mp.member_id.in_(
                select(_MEMBERS.id).where(_MEMBERS.profile_completed_at > completed_after)
            )
        )
    if viewer["seeks"] in ("male", "female"):
        conditions.append(mp.gender == viewer["seeks"])
    if viewer["age_must"] and viewer["age_min"] is not None:
        # In shuffle order the sample stops early; by the age index it would sort everyone of
        # those ages first. SQLite's planner takes the index whenever it can ("+ 0" stops it);
        # PostgreSQL's weighs both by its statistics, which an expression has none of: it
        # took the range to hold 0.5 % of a gender, and sorted them all (0.5 s at 1,000,000).
        birth_year = (
            mp.birth_year + 0 if session.get_bind().dialect.name == "sqlite" else mp.birth_year
        )
        conditions.append(
            birth_year.between(current_year - viewer["age_max"], current_year - viewer["age_min"])
        )
    if viewer["birth_year"] is not None:
        viewer_age = current_year - viewer["birth_year"]
        conditions.append(
            or_(
                mp.age_must.is_(False),
                mp.age_min.is_(None),
                and_(mp.age_min <= viewer_age, mp.age_max >= viewer_age),
            )
        )
    if viewer["employer"]:
        same_employer = mp.employer == viewer["employer"]
        if viewer["avoid_colleagues"]:
            conditions.append(or_(mp.employer.is_(None), ~same_employer))
        else:
            conditions.append(
                or_(mp.avoid_colleagues.is_(False), mp.employer.is_(None), ~same_employer)
            )
    if viewer["age_must"] and viewer["age_min"] is not None and not likers_only and only is None:
        few = await _few_of_age(session, viewer, current_year)
        if few is not None:
            if not few:
                return []  # nobody of the ages the viewer insists on: no need to look further
            conditions.append(mp.member_id.in_(few))
    if likers_only or only is not None:
        chosen = (
            select(_DECISIONS.viewer_id).where(
                _DECISIONS.candidate_id == _VIEWER, _DECISIONS.liked.is_(True)
            )
            if only is None
            else only
        )
        rows = await session.execute(
            select(*_PROFILE_COLUMNS).where(*conditions, mp.member_id.in_(chosen)).limit(limit),
            values,
        )
        return [dict(row._mapping) for row in rows]
    pivot = random.getrandbits(31) if pivot is None else pivot
    sought = viewer["features"].get("districts_sought") or []
    found: dict[int, dict[str, Any]] = {}
    if sought:
        await _sample(session, conditions, values, pivot, limit // 2, found, districts=sought)
    await _sample(session, conditions, values, pivot, limit - len(found), found)
    return list(found.values())


async def _few_of_age(
    session: AsyncSession, viewer: dict[str, Any], current_year: int
) -> list[int] | None:
    """The eligible members of the sought gender and ages, if there are only a few; None if
    there are many. When the ages a viewer insists on are rare, the sample in shuffle order
    would read the whole gender to find the few (or to learn there are none): at a million
    profiles most of a second. Found through the age index, those few are checked directly."""
    mp = _PROFILES
    in_range = [
        mp.eligible.is_(True),
        mp.birth_year.between(current_year - viewer["age_max"], current_year - viewer["age_min"]),
    ]
    if viewer["seeks"] in ("male", "female"):
        in_range.append(mp.gender == viewer["seeks"])
    # One row past the bound says "many" without carrying the first 2,000 ids to Python. Only
    # indexed columns, so PostgreSQL reads the age index alone (its index holds no member id).
    past_bound = select(mp.birth_year).where(*in_range).offset(FEW_OF_AGE).limit(1)
    if await session.scalar(past_bound) is not None:
        return None
    return list((await session.scalars(select(mp.member_id).where(*in_range))).all())


async def _sample(
    session: AsyncSession,
    conditions: list[Any],
    values: dict[str, Any],
    pivot: int,
    limit: int,
    found: dict[int, dict[str, Any]],
    districts: Sequence[str] = (),
) -> None:
    """Add up to ``limit`` rows not yet found, in shuffle order from ``pivot``, wrapping around
    once. With ``districts``, only rows in them: one range of the district index each, merged
    in shuffle order. (An IN list cannot be read in shuffle order from that index: SQLite read
    the whole gender's sample index instead and dropped the other districts' rows, 10-15 ms
    for two districts of sixteen at a million profiles.)"""
    mp = _PROFILES
    wanted = len(found) + limit
    for window in (mp.shuffle >= pivot, mp.shuffle < pivot):
        missing = wanted - len(found)
        if missing <= 0:
            return
        where = [*conditions, window]
        if found:
            where.append(mp.member_id.not_in(list(found)))
        if districts:
            arms = [
                select(*_PROFILE_COLUMNS, mp.shuffle)
                .where(*where, mp.district == district)
                .order_by(mp.shuffle)
                .limit(missing)
                .subquery()
                for district in districts
            ]
            merged = union_all(*(select(arm) for arm in arms)).subquery()
            statement = (
                select(*(merged.c[column.key] for column in _PROFILE_COLUMNS))
                .order_by(merged.c.shuffle)
                .limit(missing)
            )
        else:
            statement = select(*_PROFILE_COLUMNS).where(*where).order_by(mp.shuffle).limit(missing)
        for row in await session.execute(statement, values):
            found[row.member_id] = dict(row._mapping)


async def review_threshold(session: AsyncSession, unit_id: int | None) -> float | None:
    """The review threshold of the member's unit, or of the nearest unit above that has one."""
    if unit_id is None:
        return None
    for candidate in ancestry(unit_id, await units.parents(session)):
        threshold = await session.scalar(
            select(OrgUnit.review_threshold).where(OrgUnit.id == candidate)
        )
        if threshold is not None:
            return threshold
    return None


async def reviewed(session: AsyncSession, viewer: int) -> dict[int, str]:
    """candidate → status of the viewer's suggestion reviews."""
    rows = await session.execute(
        select(SuggestionReview.candidate_id, SuggestionReview.status).where(
            SuggestionReview.viewer_id == viewer
        )
    )
    return dict(rows.all())


async def forget_skips(session: AsyncSession, viewer: int) -> None:
    await session.execute(
        delete(MatchDecision).where(
            MatchDecision.viewer_id == viewer, MatchDecision.liked.is_(False)
        )
    )


async def is_under_report(session: AsyncSession, member_id: int) -> bool:
    """Others reported the member and a moderator has not dismissed it."""
    found = await session.scalar(
        select(Report.id)
        .where(Report.reported_id == member_id, Report.status != "dismissed")
        .limit(1)
    )
    return found is not None


async def skips_since(session: AsyncSession, viewer: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(
                MatchDecision.viewer_id == viewer,
                MatchDecision.liked.is_(False),
                MatchDecision.created_at >= since,
            )
        )
        or 0
    )


def _decisions_counted_by(member: Any) -> Select[Any]:
    return (
        select(member, func.sum(case((_DECISIONS.liked.is_(True), 1), else_=0)), func.count())
        .where(member.in_(bindparam("members", expanding=True)))
        .group_by(member)
    )


# Built once: these run for every card, and building a statement costs more than running it.
_GIVEN = _decisions_counted_by(_DECISIONS.viewer_id)
_RECEIVED = _decisions_counted_by(_DECISIONS.candidate_id)


async def decision_counts(
    session: AsyncSession, member_ids: Sequence[int]
) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """(likes, decisions) each member gave, and received."""
    members = {"members": list(member_ids)}
    given = await session.execute(_GIVEN, members)
    received = await session.execute(_RECEIVED, members)
    return (
        {row[0]: (int(row[1] or 0), int(row[2])) for row in given},
        {row[0]: (int(row[1] or 0), int(row[2])) for row in received},
    )


def _taste() -> Select[Any]:
    mine, peers, theirs = (
        cast(Table, MatchDecision.__table__).alias(n) for n in ("mine", "peers", "theirs")
    )
    viewer = bindparam("viewer", type_=Integer)
    return (
        select(
            theirs.c.candidate_id,
            func.sum(case((theirs.c.liked.is_(True), 1), else_=0)),
            func.count(),
        )
        .select_from(mine)
        .join(
            peers,
            and_(
                peers.c.candidate_id == mine.c.candidate_id,
                peers.c.liked.is_(True),
                peers.c.viewer_id != viewer,
            ),
        )
        .join(
            theirs,
            and_(
                theirs.c.viewer_id == peers.c.viewer_id,
                theirs.c.candidate_id.in_(bindparam("candidates", expanding=True)),
            ),
        )
        .where(mine.c.viewer_id == viewer, mine.c.liked.is_(True))
        .group_by(theirs.c.candidate_id)
    )


_TASTE = _taste()


async def taste(session: AsyncSession, viewer: int, candidates: Sequence[int]) -> dict[int, float]:
    """Share of the viewer's peers (who liked someone the viewer liked) who liked each
    candidate, among the peers who decided on them."""
    rows = await session.execute(_TASTE, {"viewer": viewer, "candidates": list(candidates)})
    return {row[0]: int(row[1] or 0) / int(row[2]) for row in rows if row[2]}


_EXPOSURE = (
    select(_VIEWS.candidate_id, func.count())
    .where(
        _VIEWS.candidate_id.in_(bindparam("candidates", expanding=True)),
        _VIEWS.shown_at >= bindparam("since"),
    )
    .group_by(_VIEWS.candidate_id)
)


async def exposure(
    session: AsyncSession, candidates: Sequence[int], since: datetime
) -> dict[int, int]:
    rows = await session.execute(_EXPOSURE, {"candidates": list(candidates), "since": since})
    return {row[0]: int(row[1]) for row in rows}


async def shown_to_since(
    session: AsyncSession, viewer: int, candidates: Sequence[int], since: datetime
) -> set[int]:
    """Which of ``candidates`` were shown to the viewer since ``since``."""
    rows = await session.scalars(
        select(CardView.candidate_id)
        .where(
            CardView.viewer_id == viewer,
            CardView.candidate_id.in_(candidates),
            CardView.shown_at >= since,
        )
        .distinct()
    )
    return set(rows)


async def views_since(session: AsyncSession, viewer: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(CardView.viewer_id == viewer, CardView.shown_at >= since)
        )
        or 0
    )


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


async def create_match(
    session: AsyncSession, a: int, b: int, source: str, now: datetime
) -> Match | None:
    """Record that two members matched, once per pair; None if they already had."""
    if await matched(session, a, b):
        return None
    low, high = pair(a, b)
    match = Match(member_a=low, member_b=high, source=source, created_at=now)
    session.add(match)
    await session.flush()
    return match


async def blocked_with(session: AsyncSession, member_id: int) -> set[int]:
    """Everyone the member blocked or was blocked by (a report blocks too)."""
    rows = await session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(Block.blocker_id == member_id, Block.blocked_id == member_id)
        )
    )
    return {b if a == member_id else a for a, b in rows.all()}


async def blocked(session: AsyncSession, a: int, b: int) -> bool:
    """Whether either member blocked the other."""
    return (
        await session.scalar(
            select(Block.blocker_id).where(
                or_(
                    and_(Block.blocker_id == a, Block.blocked_id == b),
                    and_(Block.blocker_id == b, Block.blocked_id == a),
                )
            )
        )
    ) is not None


async def was_shown(session: AsyncSession, viewer: int, candidate: int) -> bool:
    """Whether the viewer was ever shown the candidate's card."""
    return (
        await session.scalar(
            select(CardView.id)
            .where(CardView.viewer_id == viewer, CardView.candidate_id == candidate)
            .limit(1)
        )
    ) is not None


async def reported(session: AsyncSession, reporter: int, reported_id: int) -> bool:
    """Whether the reporter has a report about this member waiting for the organisers."""
    return (
        await session.scalar(
            select(Report.id)
            .where(
                Report.reporter_id == reporter,
                Report.reported_id == reported_id,
                Report.status == "pending",
            )
            .limit(1)
        )
    ) is not None


async def reports_since(session: AsyncSession, reporter: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(Report.reporter_id == reporter, Report.created_at >= since)
        )
        or 0
    )


async def match_between(session: AsyncSession, a: int, b: int) -> Match | None:
    low, high = pair(a, b)
    return await session.scalar(select(Match).where(Match.member_a == low, Match.member_b == high))


async def matched(session: AsyncSession, a: int, b: int) -> bool:
    low, high = pair(a, b)
    return (
        await session.scalar(select(Match.id).where(Match.member_a == low, Match.member_b == high))
    ) is not None


async def end_contact(session: AsyncSession, match: Match, now: datetime) -> bool:
    """End what the two of a match have through 会会: the relayed conversation (both ways),
    both sides' consent to exchange contacts, contact requests either way not yet answered,
    and messages still waiting for their sender's choice of conversation. True if the
    conversation was open until now."""
    was_open = match.relay_ended_at is None
    if was_open:
        match.relay_ended_at = now
    match.exchange_a_at = match.exchange_b_at = None
    await session.execute(
        delete(ContactRequest).where(
            ContactRequest.shared_at.is_(None),
            or_(
                and_(
                    ContactRequest.asked_id == match.member_a,
                    ContactRequest.requester_id == match.member_b,
                ),
                and_(
                    ContactRequest.asked_id == match.member_b,
                    ContactRequest.requester_id == match.member_a,
                ),
            ),
        )
    )
    await _readdress_drafts(session, match)
    return was_open


async def _readdress_drafts(session: AsyncSession, match: Match) -> None:
    """Drafts filed under the match that ended (words not yet addressed: the writer is still
    to say whom they are for) go under another open conversation of their writer, so that a
    choice of that one still finds them; without one, they are dropped."""
    drafts = (
        await session.scalars(
            select(RelayMessage).where(
                RelayMessage.match_id == match.id, RelayMessage.draft.is_(True)
            )
        )
    ).all()
    others: dict[int, int | None] = {}
    for draft in drafts:
        writer = draft.sender_id
        if writer not in others:
            others[writer] = await session.scalar(
                select(Match.id)
                .where(
                    or_(Match.member_a == writer, Match.member_b == writer),
                    Match.id != match.id,
                    Match.relay_ended_at.is_(None),
                )
                .order_by(Match.id.desc())
                .limit(1)
            )
        other = others[writer]
        if other is None:
            await session.delete(draft)
        else:
            draft.match_id = other
    await session.flush()


async def end_all_contact(session: AsyncSession, member_id: int, now: datetime) -> list[Match]:
    """``end_contact`` for every match of the member still open or with consent given, and
    their open proposals declined; the matches whose conversation ended now."""
    rows = await session.scalars(
        select(Match).where(
            or_(Match.member_a == member_id, Match.member_b == member_id),
            or_(
                Match.relay_ended_at.is_(None),
                Match.exchange_a_at.is_not(None),
                Match.exchange_b_at.is_not(None),
            ),
        )
    )
    ended = [match for match in rows.all() if await end_contact(session, match, now)]
    await session.execute(
        update(Proposal)
        .where(
            Proposal.status == "open",
            or_(Proposal.member_a == member_id, Proposal.member_b == member_id),
        )
        .values(status="declined")
    )
    return ended


async def open_proposals_between(session: AsyncSession, a: int, b: int) -> list[Proposal]:
    return list(
        (
            await session.scalars(
                select(Proposal).where(
                    Proposal.status == "open",
                    or_(
                        and_(Proposal.member_a == a, Proposal.member_b == b),
                        and_(Proposal.member_a == b, Proposal.member_b == a),
                    ),
                )
            )
        ).all()
    )


async def proposed(session: AsyncSession, a: int, b: int) -> bool:
    """Whether a matchmaker ever proposed the two to each other (each was sent the other's
    card)."""
    return (
        await session.scalar(
            select(Proposal.id)
            .where(
                or_(
                    and_(Proposal.member_a == a, Proposal.member_b == b),
                    and_(Proposal.member_a == b, Proposal.member_b == a),
                )
            )
            .limit(1)
        )
    ) is not None
