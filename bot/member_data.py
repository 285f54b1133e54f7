"""A member's own data: pausing, exporting everything stored about them, and erasing it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from storage import matching, members
from storage.models import (
    AuditEntry,
    Broadcast,
    ConversationState,
    Event,
    Feedback,
    FollowUp,
    Member,
    OrgUnit,
    ProfileAnswer,
    Proposal,
    Registration,
    RosterEntry,
    SuggestionReview,
    UnitRole,
    UserData,
    VerificationAttempt,
)


class MemberData:
    def __init__(self, db: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def set_paused(self, telegram_id: int, paused: bool) -> bool:
        """False when there is no profile to pause or resume."""
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None or member.verified_at is None:
                return False
            member.paused = paused
            await session.flush()
            await matching.refresh_profile(session, member.id, self._clock.now())
            return True

    async def toggle_digest(self, telegram_id: int) -> bool | None:
        """Switch the daily digest; the new setting, or None without a profile."""
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None or member.profile_completed_at is None:
                return None
            member.digest = not member.digest
            return member.digest

    async def toggle_announcements(self, telegram_id: int) -> bool | None:
        """Switch union announcements; the new setting, or None for someone not signed up."""
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None or member.consented_at is None:
                return None
            member.announcements = not member.announcements
            return member.announcements

    async def toggle_colleagues(self, telegram_id: int) -> bool | None:
        """Switch hiding from colleagues; the new setting, or None without a profile."""
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None or member.verified_at is None:
                return None
            member.avoid_colleagues = not member.avoid_colleagues
            await session.flush()
            await matching.refresh_profile(session, member.id, self._clock.now())
            return member.avoid_colleagues

    async def export(self, telegram_id: int) -> dict[str, Any] | None:
        """Everything 会会 stores about the member, as one JSON-ready document."""
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None:
                return None
            unit = await session.get(OrgUnit, member.unit_id) if member.unit_id else None
            entry = await session.scalar(
                select(RosterEntry).where(RosterEntry.member_id == member.id)
            )
            attempts = await session.scalars(
                select(VerificationAttempt)
                .where(VerificationAttempt.member_id == member.id)
                .order_by(VerificationAttempt.id)
            )
            answers = await session.scalars(
                select(ProfileAnswer).where(ProfileAnswer.member_id == member.id)
            )
            notes = await session.scalars(
                select(Feedback).where(Feedback.member_id == member.id).order_by(Feedback.id)
            )
            roles = await session.scalars(
                select(UnitRole).where(UnitRole.telegram_id == telegram_id)
            )
            registrations = (
                await session.execute(
                    select(Registration, Event.title)
                    .join(Event, Event.id == Registration.event_id)
                    .where(Registration.member_id == member.id)
                    .order_by(Registration.id)
                )
            ).all()
            follow_up_answers = await session.scalars(
                select(FollowUp).where(FollowUp.member_id == member.id).order_by(FollowUp.id)
            )
            scratch = await session.scalar(
                select(UserData.data).where(UserData.user_id == telegram_id)
            )
            return {
                "exported_at": _time(self._clock.now()),
                "telegram_id": telegram_id,
                "account": {
                    "language": member.language,
                    "created_at": _time(member.created_at),
                    "consented_at": _time(member.consented_at),
                    "declined_at": _time(member.declined_at),
                    "verified_at": _time(member.verified_at),
                    "pledged_at": _time(member.pledged_at),
                    "profile_completed_at": _time(member.profile_completed_at),
                    "paused": member.paused,
                    "union": unit.name if unit else None,
                    "daily_digest": member.digest,
                    "hidden_from_colleagues": member.avoid_colleagues,
                    "union_announcements": member.announcements,
                    "check_ins_after_matches": member.follow_ups,
                    "unreachable_since": _time(member.unreachable_at),
                },
                "event_registrations": [
                    {
                        "event": title,
                        "status": r.status.value,
                        "badge": r.badge,
                        "registered_at": _time(r.registered_at),
                        "checked_in_at": _time(r.checked_in_at),
                        "group": r.group_no,
                    }
                    for r, title in registrations
                ],
                "answers_after_matches": [
                    {"stage": f.stage, "answer": f.outcome, "answered_at": _time(f.answered_at)}
                    for f in follow_up_answers
                ],
                "roster_entry": {
                    "member_number": entry.member_number,
                    "real_name": entry.real_name,
                    "employer": entry.employer,
                    "phone": entry.phone,
                }
                if entry
                else None,
                "verification_attempts": [
                    {
                        "at": _time(a.created_at),
                        "real_name": a.real_name,
                        "member_number": a.member_number,
                        "employer": a.employer,
                        "phone": a.phone,
                        "outcome": a.outcome,
                        "reasons": a.reasons,
                        "reviewed_at": _time(a.reviewed_at),
                    }
                    for a in attempts
                ],
                "profile": {
                    a.question: {
                        "value": a.value,
                        "must_have": a.must_have,
                        "at": _time(a.answered_at),
                    }
                    for a in answers
                },
                "feedback": [{"at": _time(n.created_at), "text": n.text} for n in notes],
                "roles": [{"unit_id": r.unit_id, "role": r.role.value} for r in roles],
                "unfinished_answers": scratch or {},
            }

    async def erase(self, telegram_id: int) -> None:
        """Delete the member and everything about them; their roster entry is freed for a new
        account. The roster itself is the union's record and stays."""
        async with self._db.begin() as session:
            await session.execute(delete(Member).where(Member.telegram_id == telegram_id))
            await session.execute(delete(UnitRole).where(UnitRole.telegram_id == telegram_id))
            for model, column in (
                (VerificationAttempt, VerificationAttempt.reviewed_by),
                (Proposal, Proposal.matchmaker_telegram_id),
                (SuggestionReview, SuggestionReview.matchmaker_telegram_id),
                (AuditEntry, AuditEntry.actor_telegram_id),
                (Broadcast, Broadcast.author_telegram_id),
                (Broadcast, Broadcast.progress_chat_id),
                (Event, Event.created_by),
            ):
                await session.execute(
                    update(model).where(column == telegram_id).values({column.key: None})
                )
            await session.execute(delete(UserData).where(UserData.user_id == telegram_id))
            await session.execute(
                delete(ConversationState).where(
                    ConversationState.key == json.dumps([telegram_id, telegram_id])
                )
            )


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
