"""The audit log in words: what each recorded action is called, and its details as a line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.common.i18n import N_, Translator

# Every action the services record (an action not named here is shown as its code).
ACTIONS = {
    "view_identity": N_("Looked up a reported member's identity"),
    "people_find": N_("Searched the rosters for members"),
    "dismiss": N_("Dismissed reports"),
    "warn": N_("Warned a member"),
    "suspend": N_("Suspended a member"),
    "lift": N_("Lifted a suspension"),
    "approve_verification": N_("Approved a verification"),
    "reject_verification": N_("Rejected a verification"),
    "approve_photo": N_("Approved a photo"),
    "reject_photo": N_("Rejected a photo"),
    "grant": N_("Gave a role"),
    "revoke": N_("Took a role back"),
    "roster_import": N_("Imported a roster"),
    "event_create": N_("Created an event"),
    "event_edit": N_("Edited an event"),
    "event_places": N_("Changed an event's places"),
    "event_reschedule": N_("Moved an event"),
    "event_cancel": N_("Cancelled an event"),
    "event_sheet": N_("Looked at an event's registrants"),
    "event_check_in": N_("Checked a member in"),
    "event_groups_draft": N_("Drafted an event's groups"),
    "event_groups": N_("Sent an event's groups"),
    "broadcast": N_("Scheduled a broadcast"),
    "broadcast_cancel": N_("Cancelled a broadcast"),
    "unit_create": N_("Created a unit"),
    "unit_rename": N_("Renamed a unit"),
    "unit_move": N_("Moved a unit"),
}
# The details, as a reader knows them.
DETAILS = {
    "member": N_("member #{value}"),
    "attempt": N_("request #{value}"),
    "event": N_("event #{value}"),
    "badge": N_("badge #{value}"),
    "target": N_("Telegram id {value}"),
    "role": N_("role: {value}"),
    "imported": N_("imported: {value}"),
    "bad_rows": N_("rows with problems: {value}"),
    "member_told": N_("member told: {value}"),
    "reporters_told": N_("reporters told: {value}"),
    "told": N_("told: {value}"),
    "name": N_("name: {value}"),
    "before": N_("before: {value}"),
    "people": N_("people: {value}"),
    "size": N_("group size: {value}"),
    "broadcast": N_("broadcast #{value}"),
    "send_at": N_("sent at: {value}"),
    "starts_at": N_("starts at: {value}"),
    "field": N_("changed: {value}"),
    "total": N_("places: {value}"),
    "promoted": N_("moved up from the waitlist: {value}"),
    "parent": N_("under unit #{value}"),
    "lines": N_("lines: {value}"),
}


def action_label(action: str, _: Translator) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


def detail_line(detail: Mapping[str, Any], _: Translator) -> str:
    """ "会员 #12 · 已通知会员 是": each detail with a name the reader knows."""
    parts = []
    for key, value in detail.items():
        shown = (_("yes") if value else _("no")) if isinstance(value, bool) else str(value)
        parts.append(_(DETAILS[key], value=shown) if key in DETAILS else f"{key}: {shown}")
    return " · ".join(parts)
