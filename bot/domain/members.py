"""What a member may do, by where they stand: plain rules on a member's status."""

from __future__ import annotations

from datetime import datetime, timedelta
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


# Reports hide a profile from suggestions, until a moderator decides, once their weights add up
# to this: three ordinary reports, or two from long-standing members.
REPORT_WEIGHT_TO_HIDE = 3.0
LONG_STANDING = timedelta(days=90)


def report_weight(verified_at: datetime, now: datetime, reported_themselves: bool) -> float:
    """How much one report counts, by the reporter's standing when they filed it: a member
    verified for 90 days or more counts 1.5, others 1; a reporter who is themselves under
    report (pending or upheld) counts half, so a few bad actors cannot hide someone."""
    weight = 1.5 if now - verified_at >= LONG_STANDING else 1.0
    return weight / 2 if reported_themselves else weight
