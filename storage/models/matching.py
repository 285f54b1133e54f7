"""Matching: profiles as the matcher reads them, likes, matches, blocks, reports, what was shown,
matchmakers' proposals and reviews, check-ins and contact requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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
        # Whether the ages a viewer insists on are rare (storage.matching._few_of_age).
        Index("ix_match_profiles_age", "eligible", "gender", "birth_year"),
        # A matchmaker's shortlist samples the eligible of any gender in shuffle order
        # (migration 0026): without it the database sorted every eligible profile.
        Index("ix_match_profiles_shuffle", "eligible", "shuffle"),
        # A broadcast's audience of one gender in some districts and ages, counted live in
        # the desk's composer from these profiles rather than from every member of the scope
        # (migration 0026).
        Index("ix_match_profiles_audience", "gender", "district", "birth_year"),
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
    # Rank in bot.domain.questions.EDUCATION_RANK: typed, so statistics group it in SQL.
    education: Mapped[int | None] = mapped_column(SmallInteger)
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
    # 会会传话: when either ended the relayed conversation (its messages are kept a retention
    # period after this, then erased).
    relay_ended_at: Mapped[datetime | None]
    # When each side pressed 交换联系方式; contacts are revealed once both have.
    exchange_a_at: Mapped[datetime | None]
    exchange_b_at: Mapped[datetime | None]


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
    __table_args__ = (
        Index("ix_reports_reported_status", "reported_id", "status"),
        # One report per member about another: two sent at once (a double tap, the chat and
        # the Mini App together) weighed twice and could hide someone on one member's word.
        Index("ix_reports_once", "reporter_id", "reported_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reported_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    # How much the report counts towards hiding the profile (bot.domain.members.report_weight).
    weight: Mapped[float] = mapped_column(default=1.0, server_default="1")
    # A few words the reporter chose to add (optional), for the moderators.
    detail: Mapped[str | None] = mapped_column(Text)


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
    # open, matched, declined, expired (no answers within a week), skipped (passed over)
    status: Mapped[str] = mapped_column(String(16), default="open")
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


class WechatId(Base):
    """A member's WeChat id, typed once, given to a match only when both agreed to exchange
    contacts."""

    __tablename__ = "wechat_ids"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    wechat: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
