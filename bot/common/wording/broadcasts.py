"""A broadcast as members receive it: the organiser's message, signed with the sending union,
so nobody wonders who wrote to them. The signature goes last, so the formatting of the message
(entities counted from its start) stays where the organiser put it."""

from __future__ import annotations

from bot.common.i18n import N_, Translator, translator
from bot.domain.free_text import UNIT_NAME

SIGNATURE = N_("— {unit}")
# What a signature may add to a message: two line breaks, the dash and the longest unit name.
SIGNATURE_ROOM = 2 + 3 + UNIT_NAME.maximum


def signed(text: str, unit: str, _: Translator) -> str:
    signature = _(SIGNATURE, unit=unit)
    return f"{text}\n\n{signature}" if text else signature


def as_received(text: str, unit: str, language: str) -> str:
    """The text a member whose language is ``language`` receives: what the sender sends and
    the desk's composer previews."""
    return signed(text, unit, translator(language))
