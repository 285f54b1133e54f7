"""SQLAlchemy 2 typed models. Every schema change goes through an Alembic revision."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


def _enum(cls: type[enum.Enum]) -> Enum:
    """Enums are stored as their values in a plain string column (no native DB enum types)."""
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class UnitKind(enum.StrEnum):
    CITY = "city"
    DISTRICT = "district"
    INDUSTRY = "industry"
    WORKPLACE = "workplace"


class OrgUnit(Base):
    """A union: city federation → district or industry union → workplace union."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # When set, suggestions scoring at least this for members of the unit (and units below
    # it) wait for a matchmaker's approval before the member sees them.
    review_threshold: Mapped[float | None]


class Role(enum.StrEnum):
    ORGANISER = "organiser"
    MATCHMAKER = "matchmaker"


class UnitRole(Base):
    """An organiser or matchmaker of a unit; their scope is the unit's subtree."""

    __tablename__ = "unit_roles"
    __table_args__ = (UniqueConstraint("telegram_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))


class Member(Base):
    """A person talking to the bot, from first contact to verified and profiled."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # The language the member chose with /language; None means "follow Telegram's setting".
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    consented_at: Mapped[datetime | None]
    # Set when the member declined the privacy terms: the only thing kept about them.
    declined_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    # The union the member belongs to, from their roster entry once verified.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    pledged_at: Mapped[datetime | None]
    profile_completed_at: Mapped[datetime | None]
    paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Suspended by an organiser after reports: never suggested until lifted.
    suspended: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Never suggest people from the member's own employer, nor the member to them.
    avoid_colleagues: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The Telegram @username, kept to give a mutual match a t.me link (None: ask to share).
    username: Mapped[str | None] = mapped_column(String(64))
    # Opted in to the daily "N new suggestions" message.
    digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set when Telegram refused a message because the member blocked the bot (or the account is
    # gone): broadcasts skip them. Cleared when they write to the bot again.
    unreachable_at: Mapped[datetime | None]
    # Gentle check-ins after a mutual match; the member can turn them off.
    follow_ups: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Union announcements (broadcasts); notices about the member's own event registrations
    # come regardless.
    announcements: Mapped[bool] = mapped_column(default=True, server_default=true())


class RosterEntry(Base):
    """A union member as the union's roster lists them. Binds to at most one Telegram account."""

    __tablename__ = "roster_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Normalised (see bot.domain.text.normalise_member_number).
    member_number: Mapped[str] = mapped_column(String(40), unique=True)
    real_name: Mapped[str] = mapped_column(String(50))
    employer: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), unique=True
    )
    imported_at: Mapped[datetime]


class VerificationAttempt(Base):
    """What a member entered to be verified, the decision, and any human review of it."""

    __tablename__ = "verification_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    real_name: Mapped[str] = mapped_column(String(50))
    member_number: Mapped[str] = mapped_column(String(40))
    employer: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    roster_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("roster_entries.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_at: Mapped[datetime | None]


class ProfileAnswer(Base):
    """One answer to one profile question (see bot.domain.questions); None = skipped."""

    __tablename__ = "profile_answers"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    question: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    # For looking-for questions: must the other person match, or is it nice to have?
    must_have: Mapped[bool | None]
    answered_at: Mapped[datetime]


class Feedback(Base):
    """A note a member left for the organisers with /feedback."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ScheduledTask(Base):
    """One piece of work due at a given instant (reminder, announcement, broadcast, digest...).

    A task runs at most once successfully: it is claimed (pending → running) in the database
    before it runs and marked done afterwards.
    """

    __tablename__ = "scheduled_tasks"
    __table_args__ = (Index("ix_scheduled_tasks_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    # Optional identity so that scheduling the same thing twice (e.g. "reminder:event:7:24h")
    # replaces rather than duplicates.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The member the work concerns, if any: their tasks go when they delete their data.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime]
    # After this instant the task is no longer worth running (e.g. a reminder once the event began).
    expires_at: Mapped[datetime | None]
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus), default=TaskStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ConversationState(Base):
    """State of a persistent ConversationHandler for one conversation key."""

    __tablename__ = "conversation_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The conversation key (a tuple of chat/user ids) as JSON text.
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[Any] = mapped_column(JSON)


class UserData(Base):
    """PTB's per-user scratch data (drafts of multi-step flows)."""

    __tablename__ = "user_data"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[dict[str, Any]]


class MatchProfile(Base):
    """What matching needs of a member, in one row with indexed columns so hard constraints
    are filtered in SQL; rebuilt whenever the member's answers or status change."""

    __tablename__ = "match_profiles"
    # Candidates are sampled in shuffle order from a random pivot: an unbiased sample that the
    # database can stop reading early, instead of sorting every eligible row.
    __table_args__ = (
        Index("ix_match_profiles_sample", "eligible", "gender", "shuffle"),
        # The same sample, from the viewer's preferred districts (a rare one would otherwise
        # mean reading most of the first index).
        Index("ix_match_profiles_district_sample", "eligible", "gender", "district", "shuffle"),
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    # Verified, profile complete, not paused: may be suggested.
    eligible: Mapped[bool]
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_year: Mapped[int | None]
    # "male", "female" or "any".
    seeks: Mapped[str | None] = mapped_column(String(8))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    age_must: Mapped[bool] = mapped_column(default=True)
    district: Mapped[str | None] = mapped_column(String(40))
    industry: Mapped[str | None] = mapped_column(String(40))
    employer: Mapped[str | None] = mapped_column(String(100))
    avoid_colleagues: Mapped[bool] = mapped_column(default=False)
    # Everything else the engine reads (interests, values, soft preferences, openness).
    features: Mapped[dict[str, Any]]
    shuffle: Mapped[int]
    updated_at: Mapped[datetime]


class MatchDecision(Base):
    """A member's like or skip of a suggested member."""

    __tablename__ = "match_decisions"

    viewer_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    liked: Mapped[bool]
    created_at: Mapped[datetime]


class Match(Base):
    """Two members who both said yes (or accepted a matchmaker's proposal)."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("member_a", "member_b"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # member_a < member_b, so a pair has exactly one row.
    member_a: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    member_b: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class Block(Base):
    """The blocker never sees the blocked member again, nor the other way round."""

    __tablename__ = "blocks"

    blocker_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]


class Report(Base):
    """A member's report about another, for the organisers' moderation queue."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_reported_status", "reported_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reported_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]


class CardView(Base):
    """One suggestion shown: counts towards the viewer's daily cards and the candidate's
    exposure."""

    __tablename__ = "card_views"
    __table_args__ = (
        Index("ix_card_views_viewer_shown", "viewer_id", "shown_at"),
        Index("ix_card_views_candidate_shown", "candidate_id", "shown_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    shown_at: Mapped[datetime]


class Proposal(Base):
    """A matchmaker (红娘) suggesting two members to each other, with a note."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the matchmaker deleted their data.
    matchmaker_telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    member_a: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    member_b: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text)
    # None until the member answers.
    a_accepts: Mapped[bool | None]
    b_accepts: Mapped[bool | None]
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, matched, declined
    created_at: Mapped[datetime]


class SuggestionReview(Base):
    """A strong engine suggestion waiting for (or given) a matchmaker's approval."""

    __tablename__ = "suggestion_reviews"
    __table_args__ = (UniqueConstraint("viewer_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    score: Mapped[float]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # approved, rejected
    matchmaker_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """One organiser action: who, what, when, in which unit."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the actor deleted their data.
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(index=True)


class BroadcastStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class Broadcast(Base):
    """A message an organiser sends to an audience of members, now or at a chosen time."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the author deleted their data.
    author_telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # The union whose subtree the audience is drawn from; scope checks use it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Telegram formatting of ``text`` (MessageEntity dicts), kept as the organiser wrote it.
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    # The filter (bot.domain.audience.Audience as JSON).
    audience: Mapped[dict[str, Any]]
    # An action button under the message, e.g. {"event_signup": 7}.
    button: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[BroadcastStatus] = mapped_column(_enum(BroadcastStatus))
    send_at: Mapped[datetime]
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    total: Mapped[int] = mapped_column(default=0)
    # The organiser's progress message, edited while sending.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None]


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    # Claimed by a sender: being sent now, or in flight when the bot stopped.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    # Sent, but no answer came twice (a timeout after the request left): it may have arrived.
    UNCERTAIN = "uncertain"
    CANCELLED = "cancelled"


class BroadcastDelivery(Base):
    """One member's copy of a broadcast. Claimed (pending → sending) before it is sent."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "member_id"),
        Index("ix_broadcast_deliveries_queue", "broadcast_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    # The member's chosen language when the audience was drawn (for button labels).
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]


class EventStatus(enum.StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Event(Base):
    """A union event (相亲会, 联谊, an activity day, an online meeting) members sign up for."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The organising union: its subtree is who may be invited, and whose organisers manage it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # None: online.
    venue: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None]
    capacity_male: Mapped[int | None]
    capacity_female: Mapped[int | None]
    # Who may sign up (bot.domain.events.Conditions as JSON).
    conditions: Mapped[dict[str, Any]]
    signup_deadline: Mapped[datetime]
    announce_at: Mapped[datetime]
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus))
    # Shown by the organiser at the venue; attendees send it with /checkin.
    checkin_code: Mapped[str] = mapped_column(String(8))
    # Mutual choice (互选): picks per attendee, open from the end until this deadline.
    choice_limit: Mapped[int] = mapped_column(default=3)
    choice_deadline: Mapped[datetime]
    choice_closed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The broadcast announcing it (cancelled with the event if not yet sent).
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Registration(Base):
    """A member's place at an event (or on its waitlist), badge number and attendance."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus))
    # Worn at the venue and used in the mutual choice: "小雨 #12".
    badge: Mapped[int]
    gender: Mapped[str | None] = mapped_column(String(8))
    registered_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    group_no: Mapped[int | None]


class EventChoice(Base):
    """One attendee's private pick of another in the mutual choice."""

    __tablename__ = "event_choices"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    chooser_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    chosen_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )


class FollowUp(Base):
    """A member's answer to a check-in after a mutual match (given by choice: opt-in)."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(8))  # 3d, 3w, 3m
    outcome: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime]


class ContactRequest(Base):
    """A matched member asked to share a contact with the other, who has no Telegram username
    to be found by; answered when they share it."""

    __tablename__ = "contact_requests"
    __table_args__ = (UniqueConstraint("asked_id", "requester_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asked_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    shared_at: Mapped[datetime | None]
