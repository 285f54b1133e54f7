"""The words for a union's figures, shared by the chat's /stats and the organisers' desk."""

from __future__ import annotations

from bot.domain import N_

# (ScopeStats attribute, label)
MEMBER_FIGURES = (
    ("registered", N_("Registered")),
    ("verified", N_("Verified")),
    ("complete", N_("Profile complete")),
    ("active_7_days", N_("Active in 7 days")),
    ("active_30_days", N_("Active in 30 days")),
    ("paused", N_("Paused")),
)
ACTIVITY_FIGURES = (
    ("likes", N_("Likes")),
    ("mutual_matches", N_("Mutual matches")),
    ("accepted_proposals", N_("Accepted matchmaker proposals")),
)
