"""What a member may do, by where they stand: plain rules on a member's status."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Standing(Protocol):
    verified_at: datetime | None
    profile_completed_at: datetime | None
    paused: bool
    suspended: bool


def may_use_suggestions(member: Standing) -> bool:
    """Like, skip and be liked: verified, profile complete, not paused, not suspended."""
    return bool(
        member.verified_at
        and member.profile_completed_at
        and not member.paused
        and not member.suspended
    )


def may_report(member: Standing) -> bool:
    """Report someone: verified and not suspended (a paused member still may)."""
    return bool(member.verified_at and not member.suspended)


def may_be_proposed(member: Standing) -> bool:
    """Proposed to someone by a matchmaker: as for suggestions."""
    return may_use_suggestions(member)
