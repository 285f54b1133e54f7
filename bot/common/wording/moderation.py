"""What moderation says to the organiser, one piece for the chat's /reports and the desk: the
reasons members report for, what a decision will do (the desk says it before), what it did and
who was told, and a reported member's identity by the roster."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.common.config import Settings
from bot.common.i18n import N_, Translator
from bot.common.wording.events import local_time
from bot.domain.scams import ScamSignal

# What members report for: the reasons they choose from (chat and Mini App), as organisers
# read them.
REPORT_REASONS = {
    "fake": N_("Fake profile"),
    "harassment": N_("Harassment"),
    "not_single": N_("Not single"),
    "other": N_("Something else"),
}
# How a report stands.
REPORT_STATUSES = {
    "pending": N_("awaiting a decision"),
    "dismissed": N_("dismissed"),
    "warned": N_("warned"),
    "suspended": N_("suspended"),
}
# The buttons of a decision.
MODERATION_ACTIONS = {
    "dismiss": N_("Dismiss"),
    "warn": N_("Warn"),
    "suspend": N_("Suspend"),
    "lift": N_("Lift suspension"),
}
# What a decision will do, said before the organiser confirms it.
MODERATION_EFFECTS = {
    "dismiss": N_(
        "The waiting reports about {nickname} are closed with no action. Those who reported "
        "are told their union found no reason to act; {nickname} is told nothing and is shown "
        "as before."
    ),
    "warn": N_(
        "{nickname} is reminded to keep to the rules (truthful, single, respectful) and is "
        "shown as before. The waiting reports are closed and those who reported are told their "
        "union acted on them."
    ),
    "suspend": N_(
        "Nobody is shown {nickname}'s profile until you lift the suspension; {nickname} is "
        "told, with how to reach the union. The waiting reports are closed and those who "
        "reported are told their union acted on them."
    ),
    "lift": N_(
        "{nickname}'s profile can be shown again, and {nickname} is told. Reports are not reopened."
    ),
}
# A dismissal of words the scam screen flagged is called what it is.
FLAG_ACTIONS = {"dismiss": N_("No problem")}
# What a decision on words the scam screen flagged (no report behind it) will do: any of them
# takes what was flagged so far off the list.
FLAG_EFFECTS = {
    "dismiss": N_(
        "A false alarm: {nickname}'s flagged messages are no longer listed, and {nickname} is "
        "told nothing. Anything flagged later is listed again."
    ),
    "warn": N_(
        "{nickname} is reminded to keep to the rules (truthful, single, respectful) and is "
        "shown as before. These flagged messages are no longer listed."
    ),
    "suspend": N_(
        "Nobody is shown {nickname}'s profile until you lift the suspension; {nickname} is "
        "told, with how to reach the union. These flagged messages are no longer listed."
    ),
}
FLAGS_SETTLED = N_("No action on {nickname}: the flagged messages are off the list.")
# What an organiser's moderation did, as they are told.
MODERATION_DONE = {
    "dismiss": N_("Dismissed the reports about {nickname}."),
    "warn": N_("Warned {nickname}."),
    "suspend": N_("Suspended {nickname}: nobody is shown their profile until you lift it."),
    "lift": N_("Lifted the suspension of {nickname}."),
}


class Done(Protocol):
    """How a moderation went (``bot.services.administration.Moderation``)."""

    @property
    def nickname(self) -> str: ...
    @property
    def member_told(self) -> bool: ...
    @property
    def reporters_told(self) -> int: ...
    @property
    def reported(self) -> bool: ...


def moderation_text(action: str, result: Done, unchanged: bool, _: Translator) -> str:
    """What the organiser did, and who was told: "已暂停阿明……已通知双方（阿明和 1 位举报人）"."""
    nickname = result.nickname
    if unchanged:
        if action == "lift":
            return _("{nickname} is not suspended; nothing changed.", nickname=nickname)
        if action in ("dismiss", "warn"):
            return _(
                "{nickname}'s case has already been decided; nothing changed.", nickname=nickname
            )
        return _("{nickname} is already suspended; nothing changed.", nickname=nickname)
    if action == "dismiss" and not result.reported:
        did = _(FLAGS_SETTLED, nickname=nickname)
    else:
        did = _(MODERATION_DONE[action], nickname=nickname)
    count = result.reporters_told
    if result.member_told and count:
        told = _(
            "Both sides were told: {nickname} and {count} member(s) who reported.",
            nickname=nickname,
            count=count,
        )
    elif result.member_told:
        told = _("{nickname} was told.", nickname=nickname)
    elif count:
        told = _("The {count} member(s) who reported were told.", count=count)
    else:
        told = _("Nobody was told.")
    return _("{did} {told}", did=did, told=told)  # Chinese joins sentences without a space


class Identity(Protocol):
    """A reported member by the roster (``bot.services.administration.Identity``)."""

    @property
    def nickname(self) -> str: ...
    @property
    def real_name(self) -> str | None: ...
    @property
    def employer(self) -> str | None: ...
    @property
    def member_number(self) -> str | None: ...
    @property
    def unit(self) -> str: ...


def identity_text(found: Identity, _: Translator) -> str:
    if found.real_name is None:
        return _(
            "{nickname} has not been verified against a roster, so there is no identity to "
            "show. This view was recorded in the audit log.",
            nickname=found.nickname,
        )
    return _(
        "{nickname} by the roster of {unit}: {name}, {employer}, member number {number}. "
        "Only for judging this report; this view was recorded in the audit log.",
        nickname=found.nickname,
        unit=found.unit,
        name=found.real_name,
        employer=found.employer,
        number=found.member_number,
    )


# Where the scam screen found it.
FLAGGED_IN = {
    "relay": N_("⚠️ Flagged in a relayed conversation ({signals}), {time}:\n{nickname}: {text}"),
    "card": N_("⚠️ Flagged on a card ({signals}), {time}:\n{nickname}: {text}"),
}
# What the scam screen found, as moderators read it.
SIGNAL_LABELS = {
    ScamSignal.INVESTMENT: N_("investment"),
    ScamSignal.CRYPTO: N_("digital currency"),
    ScamSignal.GAMBLING: N_("gambling"),
    ScamSignal.MONEY: N_("money"),
    ScamSignal.APP: N_("an app to install"),
    ScamSignal.LINK: N_("a link"),
    ScamSignal.OFF_PLATFORM: N_("moving elsewhere"),
    ScamSignal.SECRECY: N_("secrecy"),
    ScamSignal.CODE: N_("a QR code in a photo"),
}


class Flagged(Protocol):
    """What the scam screen found (``bot.services.screening.Flagged``)."""

    @property
    def source(self) -> str: ...
    @property
    def signals(self) -> Sequence[str]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def nickname(self) -> str: ...
    @property
    def text(self) -> str: ...


def flagged_text(hit: Flagged, _: Translator, settings: Settings) -> str:
    """ "⚠️ 在转发的对话中被标记（投资、链接），…：阿强：…" (a source in ``FLAGGED_IN``)."""
    return _(
        FLAGGED_IN[hit.source],
        signals=_(", ").join(_(SIGNAL_LABELS[ScamSignal(s)]) for s in hit.signals),
        time=local_time(hit.created_at, settings),
        nickname=hit.nickname,
        # A relayed photo without words is flagged for what it shows (a QR code).
        text=hit.text or _("(a photo without words)"),
    )
