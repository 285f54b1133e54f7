"""A broadcast as members receive it: the organiser's message, signed with the sending union,
so nobody wonders who wrote to them. The signature goes last, so the formatting of the message
(entities counted from its start) stays where the organiser put it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.common.i18n import N_, Translator, translator
from bot.common.wording.events import ages_text
from bot.common.wording.profile_card import option_words
from bot.domain.audience import Audience
from bot.domain.free_text import UNIT_NAME
from bot.domain.questions import Question

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


def audience_summary(
    audience: Audience, unit: str, questionnaire: Sequence[Question], _: Translator
) -> str:
    """To whom a broadcast went, in a line of a list: the union and only what narrows it
    ("浦东新区总工会 · 女士 · 25–35 岁 · 仅限已认证会员")."""
    by_key = {question.key: question for question in questionnaire}
    parts = [unit]
    if audience.gender in ("male", "female"):
        parts.append(_("men") if audience.gender == "male" else _("women"))
    if audience.age_min is not None or audience.age_max is not None:
        parts.append(ages_text(audience.age_min, audience.age_max, _))
    if audience.districts:
        parts.append(option_words(by_key["district"], audience.districts, _))
    if audience.industries:
        parts.append(option_words(by_key["industry"], audience.industries, _))
    if audience.verified_only:
        parts.append(_("verified members only"))
    if audience.event_id is not None:
        parts.append(_("registered for event #{id}", id=audience.event_id))
    return _("To: {audience}", audience=" · ".join(parts))
