"""/export_me: everything 会会 stores about a member, as one JSON document in their language.

Values are written as the member would read them (option labels, not internal codes) and times
in the deployment's time zone. What others did about the member is included as far as it does
not expose them: reports and blocks received are counted, never attributed.

``EXPORTED_TABLES`` names every table that holds something tied to a member and where it goes;
a test fails when a table referring to members is missing from it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.i18n import Translator
from bot.common.wording.profile_card import answer_text
from bot.domain.questions import Question
from storage import profiles
from storage.models import (
    AuditEntry,
    Block,
    Broadcast,
    BroadcastDelivery,
    CardView,
    ContactRequest,
    Event,
    EventChoice,
    Feedback,
    FollowUp,
    Match,
    MatchDecision,
    MatchProfile,
    Member,
    OrgUnit,
    ProfileAnswer,
    Proposal,
    Registration,
    Report,
    RosterEntry,
    ScheduledTask,
    SuggestionReview,
    UnitRole,
    UserData,
    VerificationAttempt,
)

# Every table that holds data tied to a member → the section of the export it appears in.
EXPORTED_TABLES = {
    "members": "account",
    "roster_entries": "roster_entry",
    "verification_attempts": "verification_attempts",
    "profile_answers": "profile",
    "match_profiles": "match_profile",
    "match_decisions": "likes_and_skips",
    "matches": "matches",
    "blocks": "blocks",
    "reports": "reports",
    "card_views": "card_views",
    "proposals": "proposals",
    "suggestion_reviews": "suggestion_reviews",
    "registrations": "event_registrations",
    "event_choices": "mutual_choices",
    "follow_ups": "answers_after_matches",
    "contact_requests": "contact_requests",
    "broadcast_deliveries": "announcements_received",
    "scheduled_tasks": "messages_waiting",
    "feedback": "feedback",
    "unit_roles": "roles",
    "audit_log": "organiser_actions_about_you",
    "user_data": "unfinished_answers",
    # Kept only while a dialog is open, and holds no data of its own: the step of a dialog.
    "conversation_states": "",
    # The member's own events as an organiser and the broadcasts they wrote.
    "events": "events_organised",
    "broadcasts": "broadcasts_written",
}


class Exporter:
    def __init__(
        self,
        session: AsyncSession,
        member: Member,
        _: Translator,
        tz: tzinfo,
        questionnaire: tuple[Question, ...],
    ) -> None:
        self._session = session
        self._member = member
        self._ = _
        self._tz = tz
        self._questions = {q.key: q for q in questionnaire}
        self._nicknames: dict[int, str] = {}

    def time(self, value: datetime | None) -> str | None:
        return f"{value.astimezone(self._tz):%Y-%m-%d %H:%M}" if value is not None else None

    def yes(self, value: bool | None) -> str | None:
        return None if value is None else (self._("yes") if value else self._("no"))

    async def nickname(self, member_id: int) -> str:
        """How another member is named in the export: the nickname they chose, nothing more."""
        if member_id not in self._nicknames:
            answers = await profiles.answers(self._session, member_id)
            nickname = answers.get("nickname")
            self._nicknames[member_id] = (
                nickname.value if nickname and nickname.value else self._("a member")
            )
        return self._nicknames[member_id]

    async def document(self) -> dict[str, Any]:
        _ = self._
        return {
            _("account"): await self.account(),
            _("roster entry"): await self.roster_entry(),
            _("verification attempts"): await self.verification_attempts(),
            _("profile"): await self.profile(),
            _("what matching knows of you"): await self.match_profile(),
            _("likes and skips"): await self.decisions(),
            _("matches"): await self.matches(),
            _("blocks"): await self.blocks(),
            _("reports"): await self.reports(),
            _("cards shown"): await self.card_views(),
            _("matchmakers' proposals"): await self.proposals(),
            _("suggestions a matchmaker reviewed"): await self.suggestion_reviews(),
            _("event registrations"): await self.registrations(),
            _("mutual choices"): await self.choices(),
            _("answers after matches"): await self.follow_ups(),
            _("contact requests"): await self.contact_requests(),
            _("announcements received"): await self.deliveries(),
            _("messages waiting to be sent"): await self.waiting(),
            _("notes to the union"): await self.feedback(),
            _("roles"): await self.roles(),
            _("organiser actions about you"): await self.audit(),
            _("events you organised"): await self.events(),
            _("broadcasts you wrote"): await self.broadcasts(),
            _("unfinished answers"): await self.scratch(),
        }

    async def account(self) -> dict[str, Any]:
        _, member = self._, self._member
        unit = await self._session.get(OrgUnit, member.unit_id) if member.unit_id else None
        return {
            _("Telegram id"): member.telegram_id,
            _("Telegram username"): member.username,
            _("language"): member.language,
            _("first contact"): self.time(member.created_at),
            _("last seen"): self.time(member.last_seen_at),
            _("agreed to the privacy terms"): self.time(member.consented_at),
            _("declined the privacy terms"): self.time(member.declined_at),
            _("verified"): self.time(member.verified_at),
            _("single pledge"): self.time(member.pledged_at),
            _("profile complete"): self.time(member.profile_completed_at),
            _("union"): unit.name if unit else None,
            _("paused"): self.yes(member.paused),
            _("suspended by the union"): self.yes(member.suspended),
            _("hidden from colleagues"): self.yes(member.avoid_colleagues),
            _("daily digest"): self.yes(member.digest),
            _("union announcements"): self.yes(member.announcements),
            _("check-ins after matches"): self.yes(member.follow_ups),
            _("unreachable since"): self.time(member.unreachable_at),
        }

    async def roster_entry(self) -> dict[str, Any] | None:
        _ = self._
        entry = await self._session.scalar(
            select(RosterEntry).where(RosterEntry.member_id == self._member.id)
        )
        if entry is None:
            return None
        return {
            _("member number"): entry.member_number,
            _("real name"): entry.real_name,
            _("employer"): entry.employer,
            _("phone"): entry.phone,
        }

    async def verification_attempts(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(VerificationAttempt)
            .where(VerificationAttempt.member_id == self._member.id)
            .order_by(VerificationAttempt.id)
        )
        return [
            {
                _("time"): self.time(a.created_at),
                _("real name"): a.real_name,
                _("member number"): a.member_number,
                _("employer"): a.employer,
                _("phone"): a.phone,
                _("result"): a.outcome,
                _("reviewed"): self.time(a.reviewed_at),
            }
            for a in rows
        ]

    async def profile(self) -> dict[str, Any]:
        _ = self._
        rows = await self._session.scalars(
            select(ProfileAnswer).where(ProfileAnswer.member_id == self._member.id)
        )
        found: dict[str, Any] = {}
        for answer in rows:
            question = self._questions.get(answer.question)
            title = _(question.title) if question else answer.question
            found[title] = {
                _("answer"): answer_text(question, answer.value, _) if question else answer.value,
                _("a must"): self.yes(answer.must_have),
                _("time"): self.time(answer.answered_at),
            }
        return found

    async def match_profile(self) -> dict[str, Any] | None:
        _ = self._
        row = await self._session.get(MatchProfile, self._member.id)
        if row is None:
            return None
        return {
            _("may be suggested"): self.yes(row.eligible),
            _("updated"): self.time(row.updated_at),
            _("what it holds"): row.features,
        }

    async def decisions(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(MatchDecision)
            .where(MatchDecision.viewer_id == self._member.id)
            .order_by(MatchDecision.created_at)
        )
        return [
            {
                _("member"): await self.nickname(d.candidate_id),
                _("decision"): _("liked") if d.liked else _("skipped"),
                _("time"): self.time(d.created_at),
            }
            for d in rows
        ]

    async def matches(self) -> list[dict[str, Any]]:
        _, me = self._, self._member.id
        rows = await self._session.scalars(
            select(Match).where(or_(Match.member_a == me, Match.member_b == me)).order_by(Match.id)
        )
        sources = {"mutual_like": _("mutual likes"), "proposal": _("a matchmaker's proposal"),
                   "event": _("an event's mutual choice")}  # fmt: skip
        return [
            {
                _("member"): await self.nickname(m.member_b if m.member_a == me else m.member_a),
                _("how"): sources.get(m.source, m.source),
                _("time"): self.time(m.created_at),
            }
            for m in rows
        ]

    async def blocks(self) -> dict[str, Any]:
        _, me = self._, self._member.id
        made = await self._session.scalars(select(Block).where(Block.blocker_id == me))
        received = await self._session.scalar(select(func.count()).where(Block.blocked_id == me))
        return {
            _("you blocked"): [
                {_("member"): await self.nickname(b.blocked_id), _("time"): self.time(b.created_at)}
                for b in made
            ],
            _("members who blocked you"): received or 0,
        }

    async def reports(self) -> dict[str, Any]:
        _, me = self._, self._member.id
        made = await self._session.scalars(select(Report).where(Report.reporter_id == me))
        received = (
            await self._session.execute(
                select(Report.reason, Report.status, func.count())
                .where(Report.reported_id == me)
                .group_by(Report.reason, Report.status)
            )
        ).all()
        return {
            _("your reports"): [
                {
                    _("member"): await self.nickname(r.reported_id),
                    _("reason"): r.reason,
                    _("status"): r.status,
                    _("time"): self.time(r.created_at),
                }
                for r in made
            ],
            _("reports about you"): [
                {_("reason"): reason, _("status"): status, _("how many"): count}
                for reason, status, count in received
            ],
        }

    async def card_views(self) -> dict[str, Any]:
        _, me = self._, self._member.id
        seen = await self._session.scalars(
            select(CardView).where(CardView.viewer_id == me).order_by(CardView.shown_at)
        )
        shown = await self._session.scalar(select(func.count()).where(CardView.candidate_id == me))
        return {
            _("cards you were shown"): [
                {_("member"): await self.nickname(v.candidate_id), _("time"): self.time(v.shown_at)}
                for v in seen
            ],
            _("times your card was shown"): shown or 0,
        }

    async def proposals(self) -> list[dict[str, Any]]:
        _, me = self._, self._member.id
        rows = await self._session.scalars(
            select(Proposal).where(or_(Proposal.member_a == me, Proposal.member_b == me))
        )
        found = []
        for p in rows:
            mine = p.a_accepts if p.member_a == me else p.b_accepts
            theirs = p.member_b if p.member_a == me else p.member_a
            found.append({
                _("member"): await self.nickname(theirs),
                _("the matchmaker's note"): p.note,
                _("your answer"): self.yes(mine),
                _("status"): p.status,
                _("time"): self.time(p.created_at),
            })  # fmt: skip
        return found

    async def suggestion_reviews(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(SuggestionReview).where(SuggestionReview.viewer_id == self._member.id)
        )
        return [
            {_("member"): await self.nickname(r.candidate_id), _("status"): r.status,
             _("time"): self.time(r.created_at)}
            for r in rows
        ]  # fmt: skip

    async def registrations(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.execute(
            select(Registration, Event.title)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.member_id == self._member.id)
            .order_by(Registration.id)
        )
        statuses = {"registered": _("signed up"), "waitlisted": _("on the waitlist"),
                    "cancelled": _("withdrew")}  # fmt: skip
        return [
            {
                _("event"): title,
                _("status"): statuses.get(r.status.value, r.status.value),
                _("badge"): r.badge,
                _("signed up"): self.time(r.registered_at),
                _("checked in"): self.time(r.checked_in_at),
                _("group"): r.group_no,
            }
            for r, title in rows.all()
        ]

    async def choices(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.execute(
            select(EventChoice, Event.title)
            .join(Event, Event.id == EventChoice.event_id)
            .where(EventChoice.chooser_id == self._member.id)
        )
        return [
            {_("event"): title, _("you picked"): await self.nickname(c.chosen_id)}
            for c, title in rows.all()
        ]

    async def follow_ups(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(FollowUp).where(FollowUp.member_id == self._member.id).order_by(FollowUp.id)
        )
        return [
            {_("when"): f.stage, _("answer"): f.outcome, _("time"): self.time(f.answered_at)}
            for f in rows
        ]

    async def contact_requests(self) -> list[dict[str, Any]]:
        _, me = self._, self._member.id
        rows = await self._session.scalars(
            select(ContactRequest).where(
                or_(ContactRequest.asked_id == me, ContactRequest.requester_id == me)
            )
        )
        return [
            {
                _("asked"): await self.nickname(c.asked_id) if c.asked_id != me else _("you"),
                _("by"): await self.nickname(c.requester_id) if c.requester_id != me else _("you"),
                _("time"): self.time(c.created_at),
                _("shared"): self.time(c.shared_at),
            }
            for c in rows
        ]

    async def deliveries(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.execute(
            select(BroadcastDelivery, Broadcast.text)
            .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
            .where(BroadcastDelivery.member_id == self._member.id)
            .order_by(BroadcastDelivery.id)
        )
        return [
            {_("announcement"): text[:80], _("status"): d.status.value,
             _("time"): self.time(d.sent_at)}
            for d, text in rows.all()
        ]  # fmt: skip

    async def waiting(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(ScheduledTask).where(
                ScheduledTask.member_id == self._member.id, ScheduledTask.status == "pending"
            )
        )
        return [{_("kind"): t.kind, _("due"): self.time(t.due_at)} for t in rows]

    async def feedback(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(Feedback).where(Feedback.member_id == self._member.id).order_by(Feedback.id)
        )
        return [{_("time"): self.time(n.created_at), _("text"): n.text} for n in rows]

    async def roles(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.execute(
            select(UnitRole.role, OrgUnit.name)
            .join(OrgUnit, OrgUnit.id == UnitRole.unit_id)
            .where(UnitRole.telegram_id == self._member.telegram_id)
        )
        return [{_("union"): name, _("role"): role.value} for role, name in rows.all()]

    async def audit(self) -> list[dict[str, Any]]:
        _, member = self._, self._member
        rows = await self._session.scalars(
            select(AuditEntry).where(
                or_(
                    AuditEntry.detail["member"].as_integer() == member.id,
                    AuditEntry.detail["target"].as_integer() == member.telegram_id,
                    AuditEntry.actor_telegram_id == member.telegram_id,
                )
            )
        )
        return [{_("action"): e.action, _("time"): self.time(e.created_at)} for e in rows]

    async def events(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(Event).where(Event.created_by == self._member.telegram_id)
        )
        return [{_("event"): e.title, _("starts"): self.time(e.starts_at)} for e in rows]

    async def broadcasts(self) -> list[dict[str, Any]]:
        _ = self._
        rows = await self._session.scalars(
            select(Broadcast).where(Broadcast.author_telegram_id == self._member.telegram_id)
        )
        return [{_("text"): b.text[:80], _("time"): self.time(b.send_at)} for b in rows]

    async def scratch(self) -> Any:
        data = await self._session.scalar(
            select(UserData.data).where(UserData.user_id == self._member.telegram_id)
        )
        return data or {}
