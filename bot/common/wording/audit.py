"""The audit log in words: what each recorded action is called, and its details as a line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from bot.common.i18n import N_, Translator
from bot.common.wording.roles import ROLE_NAMES
from bot.domain.units import Role

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
    "view_photo": N_("Looked at a photo under review"),
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
    "event_sign_up": N_("Changed an event's sign-up rules"),
    "event_groups_draft": N_("Drafted an event's groups"),
    "event_groups": N_("Sent an event's groups"),
    "event_groups_move": N_("Moved a member to another group"),
    "broadcast": N_("Scheduled a broadcast"),
    "broadcast_reschedule": N_("Moved a broadcast"),
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
    "conditions": N_("conditions changed"),
    "signup_deadline": N_("sign-up closes: {value}"),
    "announce_at": N_("announced at: {value}"),
    "groups": N_("groups: {value}"),
    "kept_apart": N_("kept apart: {value}"),
    "photo": N_("photo #{value}"),
    "to": N_("to group {value}"),
}
# Details that are moments, stored as ISO text: shown in the union's time, as every time is.
MOMENTS = frozenset({"send_at", "starts_at", "signup_deadline", "announce_at"})


def action_label(action: str, _: Translator) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


def detail_line(detail: Mapping[str, Any], _: Translator, tz: tzinfo) -> str:
    """ "会员 #12 · 已通知会员 是": each detail with a name the reader knows, a moment in the
    union's time and a role by its name."""
    parts = []
    for key, value in detail.items():
        shown = _value(key, value, _, tz)
        parts.append(_(DETAILS[key], value=shown) if key in DETAILS else f"{key}: {shown}")
    return " · ".join(parts)


def _value(key: str, value: Any, _: Translator, tz: tzinfo) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in MOMENTS and isinstance(value, str):
        try:
            return f"{datetime.fromisoformat(value).astimezone(tz):%Y-%m-%d %H:%M}"
        except ValueError:
            return value
    if key == "role" and value in set(Role):
        return _(ROLE_NAMES[Role(value)])
    return str(value)
