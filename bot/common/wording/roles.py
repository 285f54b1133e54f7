"""What each role is called, wherever a role is named (the chat's /grant, the desk, the audit
log)."""

from __future__ import annotations

from bot.common.i18n import N_
from bot.domain.units import Role

ROLE_NAMES = {
    Role.ORGANISER: N_("organiser"),
    Role.MATCHMAKER: N_("matchmaker"),
    Role.COUNSELLOR: N_("counsellor"),
}
