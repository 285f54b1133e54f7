"""Step 1: who 会会 is, the privacy terms, and consent."""

from __future__ import annotations

from telegram import Update

from bot.domain.buttons import Consent
from conversations.common import buttons, say
from conversations.context import HuihuiContext

AGREE, DECLINE = Consent(agree=True), Consent(agree=False)


def privacy_terms(_) -> str:  # noqa: ANN001 - a Translator
    return _(
        "Before we start, how 会会 treats your information:\n\n"
        "• What we collect: your Telegram account, the phone number you share, your real name, "
        "union member number and employer (to check you are a union member), and the profile "
        "you write (nickname, age, height, district, education, industry, hobbies, values, "
        "introduction, photos).\n"
        "• Why: to confirm with your union's roster that you are a real, single union member, "
        "and to suggest people who suit you.\n"
        "• Who sees what: other verified members see only your profile card — never your real "
        "name, phone, member number or employer. Organisers of your union see your verification "
        "details to check them. Contact details are shared only when two people both agree.\n"
        "• How long: for as long as you use 会会. /delete_me erases everything at once.\n"
        "• Your rights: /export_me sends you everything stored about you; /pause hides you.\n\n"
        "Do you agree?"
    )


async def ask(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await say(
        update,
        context,
        privacy_terms(_),
        buttons([[(_("I agree"), AGREE), (_("I do not agree"), DECLINE)]]),
    )


async def ask_again(update: Update, context: HuihuiContext) -> None:
    """Something typed at the terms — usually a question ("你们是谁？怎么保证安全"): a short
    answer, then the choice again."""
    _ = context.gettext
    await say(
        update,
        context,
        _(
            "会会 is your trade union's matchmaking assistant for its single members. Your real "
            "name, phone and member number are only compared with the union's roster; other "
            "members see only your profile card, and contact details are exchanged only when "
            "both people agree. /delete_me erases everything at any time. Union staff answer "
            "other questions once you have started (/ask)."
        )
        + "\n\n"
        + _("Do you agree to the terms above?"),
        buttons([[(_("I agree"), AGREE), (_("I do not agree"), DECLINE)]]),
    )


async def declined(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await say(
        update,
        context,
        _(
            "No problem — nothing about you has been stored except that you said no. "
            "If you change your mind, send /start."
        ),
    )
