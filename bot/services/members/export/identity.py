"""Export sections about who the member is: account, roster entry, verification, profile, what
matching knows, notes, roles and unfinished answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.common.i18n import N_
from bot.common.wording.profile_card import answer_text
from bot.common.wording.roles import ROLE_NAMES
from bot.domain.verification import Outcome, told
from bot.services.members.export.exporter import Exporter
from storage.models import (
    Feedback,
    MatchProfile,
    OrgUnit,
    PhotoReview,
    ProfileAnswer,
    RosterEntry,
    ScreenHit,
    Thread,
    ThreadMessage,
    UnitRole,
    UserData,
    VerificationAttempt,
)

# A verification attempt's result, as the member was told it.
RESULTS = {
    Outcome.VERIFIED: N_("passed the check"),
    Outcome.PENDING: N_("waiting for the union's check"),
    Outcome.REJECTED: N_("not verified"),
}


async def account(x: Exporter) -> dict[str, Any]:
    _, member = x.translate, x.member
    unit = await x.session.get(OrgUnit, member.unit_id) if member.unit_id else None
    return {
        _("Telegram id"): member.telegram_id,
        _("Telegram username"): member.username,
        _("language"): member.language,
        _("first contact"): x.time(member.created_at),
        _("last seen"): x.time(member.last_seen_at),
        _("agreed to the privacy terms"): x.time(member.consented_at),
        _("declined the privacy terms"): x.time(member.declined_at),
        _("verified"): x.time(member.verified_at),
        _("single pledge"): x.time(member.pledged_at),
        _("profile complete"): x.time(member.profile_completed_at),
        _("union"): unit.name if unit else None,
        _("paused"): x.yes(member.paused),
        _("suspended by the union"): x.yes(member.suspended),
        _("flagged words decided on by the union"): x.time(member.flags_settled_at),
        _("hidden from colleagues"): x.yes(member.avoid_colleagues),
        _("daily digest"): x.yes(member.digest),
        _("union announcements"): x.yes(member.announcements),
        _("check-ins after matches"): x.yes(member.follow_ups),
        _("unreachable since"): x.time(member.unreachable_at),
    }


async def roster_entry(x: Exporter) -> dict[str, Any] | None:
    _ = x.translate
    entry = await x.session.scalar(select(RosterEntry).where(RosterEntry.member_id == x.member.id))
    if entry is None:
        return None
    return {
        _("member number"): entry.member_number,
        _("real name"): entry.real_name,
        _("employer"): entry.employer,
        _("phone"): entry.phone,
    }


async def verification_attempts(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(
        select(VerificationAttempt)
        .where(VerificationAttempt.member_id == x.member.id)
        .order_by(VerificationAttempt.id)
    )
    return [
        {
            _("time"): x.time(a.created_at),
            _("real name"): a.real_name,
            _("member number"): a.member_number,
            _("employer"): a.employer,
            _("phone"): a.phone,
            # As the member heard it: a try of a number in use shows nothing more here.
            _("result"): x.word(RESULTS, told(a.outcome, a.reasons).outcome),
            _("reviewed"): x.time(a.reviewed_at) if _looked_at(a) else None,
        }
        for a in rows
    ]


def _looked_at(attempt: VerificationAttempt) -> bool:
    """Whether the member was told a person would look at the attempt."""
    return told(Outcome.PENDING, attempt.reasons).outcome == Outcome.PENDING


async def profile(x: Exporter) -> dict[str, Any]:
    _ = x.translate
    rows = await x.session.scalars(
        select(ProfileAnswer).where(ProfileAnswer.member_id == x.member.id)
    )
    found: dict[str, Any] = {}
    for answer in rows:
        question = x.questions.get(answer.question)
        title = _(question.title) if question else answer.question
        found[title] = {
            _("answer"): answer_text(question, answer.value, _) if question else answer.value,
            _("a must"): x.yes(answer.must_have),
            _("time"): x.time(answer.answered_at),
        }
    return found


async def match_profile(x: Exporter) -> dict[str, Any] | None:
    _ = x.translate
    row = await x.session.get(MatchProfile, x.member.id)
    if row is None:
        return None
    return {
        _("may be suggested"): x.yes(row.eligible),
        _("updated"): x.time(row.updated_at),
        # The engine's own form, generated from the answers above: given as stored.
        _("what it holds (as the suggestion engine stores it)"): {
            "education": row.education,
            **row.features,
        },
    }


async def feedback(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(
        select(Feedback).where(Feedback.member_id == x.member.id).order_by(Feedback.id)
    )
    return [{_("time"): x.time(n.created_at), _("text"): n.text} for n in rows]


async def questions(x: Exporter) -> list[dict[str, Any]]:
    """Threads with the union's staff; staff appear as the union's staff, never by name."""
    _ = x.translate
    threads = await x.session.scalars(
        select(Thread).where(Thread.member_id == x.member.id).order_by(Thread.id)
    )
    found = []
    for thread in threads.all():
        said = await x.session.scalars(
            select(ThreadMessage)
            .where(ThreadMessage.thread_id == thread.id)
            .order_by(ThreadMessage.id)
        )
        found.append(
            {
                _("opened"): x.time(thread.created_at),
                _("closed"): x.time(thread.closed_at),
                _("your rating"): thread.rating,
                _("messages"): [
                    {
                        _("time"): x.time(m.created_at),
                        _("from"): _("your union's staff") if m.by_staff else _("you"),
                        _("text"): m.text,
                    }
                    for m in said.all()
                ],
            }
        )
    return found


async def photo_reviews(x: Exporter) -> list[dict[str, Any]]:
    """Where the union reviews photos: what was decided about each of the member's photos."""
    _ = x.translate
    rows = await x.session.scalars(
        select(PhotoReview).where(PhotoReview.member_id == x.member.id).order_by(PhotoReview.id)
    )
    status = {"pending": _("waiting"), "approved": _("approved"), "rejected": _("not approved")}
    return [
        {
            _("photo"): r.file_id,
            _("status"): status.get(r.status, r.status),
            _("time"): x.time(r.reviewed_at or r.created_at),
        }
        for r in rows.all()
    ]


async def screen_hits(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(
        select(ScreenHit).where(ScreenHit.member_id == x.member.id).order_by(ScreenHit.id)
    )
    return [
        {_("time"): x.time(h.created_at), _("text"): h.text, _("signals"): h.signals}
        for h in rows.all()
    ]


async def roles(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.execute(
        select(UnitRole.role, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == UnitRole.unit_id)
        .where(UnitRole.telegram_id == x.member.telegram_id)
    )
    return [{_("union"): name, _("role"): x.word(ROLE_NAMES, role)} for role, name in rows.all()]


async def scratch(x: Exporter) -> Any:
    data = await x.session.scalar(
        select(UserData.data).where(UserData.user_id == x.member.telegram_id)
    )
    return data or {}
