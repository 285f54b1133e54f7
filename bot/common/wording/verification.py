"""What verification says to members and reviewers: why a claim did not match the roster, and
the claim beside the roster entry for a reviewer. Used by the chat and by notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.common.i18n import Translator
from bot.domain.verification import Reason


class Claim(Protocol):
    """What a member entered to be verified."""

    @property
    def real_name(self) -> str: ...
    @property
    def member_number(self) -> str: ...
    @property
    def employer(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def reasons(self) -> Sequence[str]: ...


class RosterEntry(Protocol):
    @property
    def real_name(self) -> str: ...
    @property
    def employer(self) -> str: ...
    @property
    def phone(self) -> str | None: ...


def reason_texts(_: Translator) -> dict[Reason, str]:
    return {
        Reason.NUMBER_UNKNOWN: _("The member number is not on your union's roster."),
        Reason.NUMBER_TAKEN: _("This member number is already linked to another account."),
        Reason.NAME_DIFFERS: _("The name does not match the roster."),
        Reason.NAME_CLOSE: _("The name is close to, but not the same as, the roster's."),
        Reason.EMPLOYER_DIFFERS: _(
            "The employer does not match the roster. Please write its full name, as on your "
            "employment contract."
        ),
        Reason.EMPLOYER_CLOSE: _("The employer is written differently from the roster."),
        Reason.PHONE_DIFFERS: _("The phone number differs from the roster's."),
        Reason.NO_MATCH: _("This name and member number are not on your union's roster together."),
    }


def comparison(_: Translator, attempt: Claim, entry: RosterEntry | None) -> str:
    """What the member entered beside the roster entry, and what differs — for reviewers."""
    lines = _(
        "Entered: {name} · {number} · {employer} · {phone}\n"
        "Roster: {roster_name} · {number} · {roster_employer} · {roster_phone}",
        name=attempt.real_name,
        number=attempt.member_number,
        employer=attempt.employer,
        phone=attempt.phone or "—",
        roster_name=entry.real_name if entry else "—",
        roster_employer=entry.employer if entry else "—",
        roster_phone=entry.phone if entry and entry.phone else "—",
    )
    texts = reason_texts(_)
    differences = [f"• {texts[r]}" for r in attempt.reasons if r in texts]
    return "\n".join([lines, *differences])
