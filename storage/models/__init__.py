"""SQLAlchemy 2 typed models, one module per feature. Every schema change goes through an
Alembic revision. Status enums live in the domain (``bot.domain``) and are re-exported here."""

from bot.domain.broadcasts import BroadcastStatus, DeliveryStatus
from bot.domain.events import EventStatus, RegistrationStatus
from bot.domain.units import Role, UnitKind
from storage.models.base import Base
from storage.models.broadcasts import Broadcast, BroadcastDelivery
from storage.models.conversations import ConversationState, UserData
from storage.models.departed import DepartedCount, SafetyRecord
from storage.models.digest import DigestAnnounced
from storage.models.events import Event, EventChoice, Registration
from storage.models.inbox import Thread, ThreadMessage
from storage.models.matching import (
    Block,
    CardView,
    ContactRequest,
    FollowUp,
    Match,
    MatchDecision,
    MatchProfile,
    Proposal,
    Report,
    SuggestionReview,
)
from storage.models.members import (
    Feedback,
    Member,
    PhotoReview,
    ProfileAnswer,
    RosterEntry,
    VerificationAttempt,
)
from storage.models.plan import PlannedCard
from storage.models.relay import RelayMessage, ScreenHit
from storage.models.tasks import ScheduledTask, TaskStatus
from storage.models.units import AuditEntry, OrgUnit, UnitRole

__all__ = [
    "AuditEntry",
    "Base",
    "Block",
    "Broadcast",
    "BroadcastDelivery",
    "BroadcastStatus",
    "CardView",
    "ContactRequest",
    "ConversationState",
    "DeliveryStatus",
    "DepartedCount",
    "SafetyRecord",
    "DigestAnnounced",
    "Event",
    "EventChoice",
    "EventStatus",
    "Feedback",
    "FollowUp",
    "Match",
    "MatchDecision",
    "MatchProfile",
    "Member",
    "OrgUnit",
    "PhotoReview",
    "PlannedCard",
    "ProfileAnswer",
    "Proposal",
    "Registration",
    "RelayMessage",
    "RegistrationStatus",
    "Report",
    "Role",
    "RosterEntry",
    "ScheduledTask",
    "ScreenHit",
    "SuggestionReview",
    "TaskStatus",
    "Thread",
    "ThreadMessage",
    "UnitKind",
    "UnitRole",
    "UserData",
    "VerificationAttempt",
]
