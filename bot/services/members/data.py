"""A member's own data: pausing, exporting everything stored about them, and erasing it."""

from __future__ import annotations

import enum
import json
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Language, Settings
from bot.common.i18n import translator
from bot.domain.clock import Clock
from bot.domain.questions import Question
from bot.services import notices
from bot.services.matching import proposals
from bot.services.members import export
from bot.services.members.export.exporter import Exporter
from storage import matching, members, monthly, profiles, retention, safety, verification
from storage.models import (
    AuditEntry,
    Broadcast,
    ConversationState,
    Event,
    Member,
    PhotoReview,
    Proposal,
    RosterEntry,
    ScheduledTask,
    SuggestionReview,
    Thread,
    ThreadMessage,
    UnitRole,
    UserData,
    VerificationAttempt,
)


class Setting(enum.StrEnum):
    """What a member switches on and off."""

    ANNOUNCEMENTS = "announcements"  # the union's broadcasts
    DIGEST = "digest"  # a daily count of new people who may suit them
    COLLEAGUES = "colleagues"  # hide from (and not see) people of one's own employer


_COLUMNS = {
    Setting.ANNOUNCEMENTS: "announcements",
    Setting.DIGEST: "digest",
    Setting.COLLEAGUES: "avoid_colleagues",
}


def _applies(member: Member, which: Setting) -> bool:
    if which == Setting.ANNOUNCEMENTS:
        return member.consented_at is not None
    if which == Setting.DIGEST:
        return member.profile_completed_at is not None
    return member.verified_at is not None


class MemberData:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        questionnaire: tuple[Question, ...],
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._questionnaire = questionnaire

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

    async def setting(self, telegram_id: int, which: Setting) -> bool | None:
        """A member's setting as it stands; None for someone it does not apply to yet
        (announcements: not signed up; the digest: no profile; colleagues: not verified)."""
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None or not _applies(member, which):
                return None
            return bool(getattr(member, _COLUMNS[which]))

    async def set_setting(self, telegram_id: int, which: Setting, on: bool) -> bool | None:
        """Set it (the same press twice changes nothing more); the setting now, or None."""
        async with self._db.begin() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None or not _applies(member, which):
                return None
            if bool(getattr(member, _COLUMNS[which])) != on:
                setattr(member, _COLUMNS[which], on)
                if which == Setting.COLLEAGUES:  # who may be suggested changes
                    await session.flush()
                    await matching.refresh_profile(session, member.id, self._clock.now())
            return on

    async def export(self, telegram_id: int, language: Language) -> dict[str, Any] | None:
        """Everything 会会 stores about the member, as one JSON-ready document in their
        language (see bot.services.members.export)."""
        _ = translator(language)
        async with self._db() as session:
            member = await members.get_by_telegram_id(session, telegram_id)
            if member is None:
                return None
            exporter = Exporter(session, member, _, self._settings.tz, self._questionnaire)
            document = {_("exported"): exporter.time(self._clock.now())}
            document.update(await export.document(exporter))
            return document

    async def erase(self, telegram_id: int) -> None:
        """Delete the member and everything about them; their roster entry is freed for a new
        account. The roster itself is the union's record and stays. Organiser actions about
        the member stay in the audit log, without saying who they concerned. What keeps others
        safe stays on the roster entry (blocks, reports about them, a suspension:
        storage.safety) and comes back if the entry is bound to an account again."""
        async with self._db.begin() as session:
            member_id = await session.scalar(
                select(Member.id).where(Member.telegram_id == telegram_id)
            )
            await _forget_in_audit(session, telegram_id, member_id)
            if member_id is not None:  # others' safety outlives the account
                await safety.keep(session, member_id, self._clock.now())
                # Proposals waiting on her end as declines: nobody is left waiting on them.
                await proposals.end_for_erased(session, member_id, self._clock.now())
            await session.execute(
                delete(ScheduledTask).where(ScheduledTask.payload["to"].as_integer() == telegram_id)
            )
            # Notices others received (or will) that name her or show her card with a
            # matchmaker's note: their words go too.
            await retention.erase_notices_naming(
                session,
                notices.KINDS,
                words=await _names_of(session, member_id),
                telegram_id=telegram_id,
                member_id=member_id,
            )
            if member_id is not None:  # the union's past months keep what she counted for
                await monthly.keep_departed(session, member_id, self._settings.tz)
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
                (Thread, Thread.claimed_by),
                (PhotoReview, PhotoReview.reviewed_by),
                (ThreadMessage, ThreadMessage.staff_telegram_id),
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


async def _names_of(session: AsyncSession, member_id: int | None) -> list[str]:
    """What names the member to others: nickname, Telegram username, photos, real names and
    phone numbers (what they entered and the roster's). Single characters would name
    everyone."""
    if member_id is None:
        return []
    member = await session.get(Member, member_id)
    answers = await profiles.answers(session, member_id)
    nickname, photos = answers.get("nickname"), answers.get("photos")
    words = {member.username if member else None, nickname.value if nickname else None}
    if photos is not None and isinstance(photos.value, list):
        words |= {photo for photo in photos.value if isinstance(photo, str)}  # Telegram file ids
    words |= await verification.real_names(session, member_id)
    phones = await session.scalars(
        select(VerificationAttempt.phone).where(VerificationAttempt.member_id == member_id)
    )
    roster_phones = await session.scalars(
        select(RosterEntry.phone).where(RosterEntry.member_id == member_id)
    )
    words |= {*phones.all(), *roster_phones.all()}
    return sorted(w for w in words if isinstance(w, str) and len(w.strip()) >= 2)


async def _forget_in_audit(session: AsyncSession, telegram_id: int, member_id: int | None) -> None:
    """Audit entries keep what was done, not to whom."""
    about = [AuditEntry.detail["target"].as_integer() == telegram_id]
    if member_id is not None:
        about.append(AuditEntry.detail["member"].as_integer() == member_id)
    for entry in (await session.scalars(select(AuditEntry).where(or_(*about)))).all():
        detail = dict(entry.detail)
        for key in ("target", "member"):
            if detail.get(key) in (telegram_id, member_id):
                detail[key] = None
        entry.detail = detail
