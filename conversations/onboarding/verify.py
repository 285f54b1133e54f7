"""Step 2: verification — own phone via the contact button, real name, member number, employer,
checked against the union's roster; near misses go to the union's organisers."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.common.wording.verification import reason_texts
from bot.domain import free_text
from bot.domain.buttons import AskUnionForNumber, RetryVerification
from bot.domain.onboarding import CLAIM_FIELDS, MAX_ATTEMPTS_PER_DAY, Step
from bot.domain.text import normalise_member_number, normalise_phone
from bot.domain.verification import (
    Claim,
    Outcome,
    asks_about_it,
    does_not_know,
    parts_to_redo,
)
from conversations.common import buttons, say, scratch
from conversations.context import HuihuiContext
from conversations.inbox import sent_or_refused

_LOGGER = logging.getLogger(__name__)
RETRY = RetryVerification()
ASK_UNION = AskUnionForNumber()
# The parts of a rejected claim that matched, kept for [Try again] (which asks only the rest).
KEPT = "claim_kept"
FIELDS = {
    Step.REAL_NAME: free_text.REAL_NAME,
    Step.MEMBER_NUMBER: free_text.MEMBER_NUMBER,
    Step.EMPLOYER: free_text.EMPLOYER,
}


async def ask(update: Update, context: HuihuiContext, step: Step) -> None:
    _ = context.gettext
    if step == Step.PHONE:
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(_("📱 Share my phone number"), request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await say(
            update,
            context,
            _(
                "First, let's check that you are a member of the union. Please share your phone "
                "number with the button below (it must be your own Telegram number)."
            ),
            keyboard,
        )
    elif step == Step.REAL_NAME:
        await say(
            update,
            context,
            _("Thank you. What is your real name, as your union has it?"),
            ReplyKeyboardRemove(),
        )
    elif step == Step.MEMBER_NUMBER:
        await say(update, context, _("What is your union member number (会员号)?"))
    elif step == Step.EMPLOYER:
        await say(update, context, _("Which employer (工作单位) do you work for?"))


async def start(
    update: Update,
    context: HuihuiContext,
    member_id: int,
    *,
    retry: bool = False,
    asking: bool = True,
) -> bool:
    """Begin a fresh attempt, unless today's attempts are used up. True if it began. [Try
    again] (``retry``) after a rejection keeps what matched and asks only the rest (unless not
    ``asking``: the member already typed it)."""
    _ = context.gettext
    scratch(context).pop("claim", None)
    until = await context.services.onboarding.locked_until(member_id)
    if until is not None:
        await _locked(update, context, until)
        return False
    kept = scratch(context).pop(KEPT, None)
    if kept and retry:
        scratch(context)["claim"] = dict(kept)
        if asking:
            await say(update, context, _("Only the parts that did not match, please."))
            await ask(update, context, _next_missing(kept))
        return True
    scratch(context)["claim"] = {}
    await ask(update, context, Step.PHONE)
    return True


async def typed_after_rejection(
    update: Update, context: HuihuiContext, member_id: int
) -> bool | None:
    """Words typed after a rejection instead of pressing [Try again] ("请检查后重试", so people
    type the corrected employer): the employer, when it is the one part to enter again, the
    parts that matched kept; otherwise the parts are asked for. None when no rejection waits
    for a retry; else as ``on_text``."""
    kept = scratch(context).get(KEPT)
    if not kept:
        return None
    taken = _typed_correction(update, kept)
    if not await start(update, context, member_id, retry=True, asking=not taken) or not taken:
        return False  # locked, or the parts asked for
    return await on_text(update, context, Step.EMPLOYER, member_id)


def _typed_correction(update: Update, kept: dict) -> bool:
    """Whether the member's message may be the corrected employer: only the employer is to be
    entered again (after a wrong name or number, typed words could be either), and the words
    do not ask about the rejection ("为什么不对？")."""
    message = update.message
    text = message.text if message is not None else None
    return bool(text) and _next_missing(kept) == Step.EMPLOYER and not asks_about_it(text or "")


def _next_missing(claim: dict) -> Step:
    return Step(next(field for field in CLAIM_FIELDS if field not in claim))


async def on_contact(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    contact = update.effective_message.contact
    if contact.user_id != update.effective_user.id:
        await say(
            update,
            context,
            _(
                "That is someone else's contact. Please share your own number with the button "
                "below."
            ),
        )
        await ask(update, context, Step.PHONE)
        return
    scratch(context)["claim"] = {"phone": normalise_phone(contact.phone_number) or ""}
    await ask(update, context, Step.REAL_NAME)


async def on_text(update: Update, context: HuihuiContext, step: Step, member_id: int) -> bool:
    """Take one part of the claim; True once the member is verified."""
    _ = context.gettext
    if step == Step.PHONE:
        await _phone_not_shared(update, context)
        return False
    bound = FIELDS[step]
    text = free_text.clean(update.effective_message.text, single_line=True)
    if step == Step.MEMBER_NUMBER:
        if does_not_know(text):
            await _where_to_find_the_number(update, context)
            return False
        text = normalise_member_number(text)
    if not text or len(text) > bound.maximum:
        await say(
            update,
            context,
            _("Please write it in at most {maximum} characters.", maximum=bound.maximum),
        )
        return False
    if step == Step.MEMBER_NUMBER:
        if not text.isalnum():
            await say(update, context, _("A member number has only letters and digits."))
            return False
    claim = dict(scratch(context).get("claim", {}))
    claim[step.value] = text
    scratch(context)["claim"] = claim
    if all(field in claim for field in CLAIM_FIELDS):
        return await _evaluate(update, context, member_id, claim)
    await ask(update, context, _next_missing(claim))
    return False


async def _phone_not_shared(update: Update, context: HuihuiContext) -> None:
    """Text instead of the contact button: a number typed by hand cannot show it is the
    member's own; anything else gets why the phone is needed and where to ask instead."""
    _ = context.gettext
    typed = normalise_phone(update.effective_message.text or "")
    if typed:
        await say(
            update,
            context,
            _(
                "Please share it with the button below rather than typing it: the button shows "
                "it is your own Telegram number, which a typed number cannot."
            ),
        )
    else:
        await say(
            update,
            context,
            _(
                "Your phone number is only compared with your union's roster, to confirm that "
                "you are the member you say you are; other members never see it. If you would "
                "rather not share it, ask your union about another way with /ask."
            ),
        )
    await ask(update, context, Step.PHONE)


async def _where_to_find_the_number(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await say(
        update,
        context,
        _(
            "Your member number (会员号) is on your union membership card, in your union's app "
            "under your personal details, or your workplace's union office can tell you. Type "
            "it here when you have it — or let union staff look it up for you: they will see "
            "the name you entered and answer here."
        ),
        buttons([[(_("Ask the union to look it up"), ASK_UNION)]]),
    )


async def ask_union(update: Update, context: HuihuiContext) -> None:
    """The member asked union staff to look up their member number: one message to the
    union's inbox with the name they entered; the claim so far is kept for when they have it."""
    _ = context.gettext
    name = scratch(context).get("claim", {}).get("real_name", "")
    outcome = await context.services.inbox.ask(
        update.effective_user.id,
        _(
            "I do not know my member number. My real name is {name}. Could you look it up?",
            name=name,
        ),
    )
    await say(update, context, await sent_or_refused(outcome, update, context))
    await say(update, context, _("When you have your number, type it here to go on."))


async def _evaluate(update: Update, context: HuihuiContext, member_id: int, claim: dict) -> bool:
    _ = context.gettext
    scratch(context).pop("claim", None)
    until = await context.services.onboarding.locked_until(member_id)
    if until is not None:
        await _locked(update, context, until)
        return False
    result = await context.services.onboarding.verify(
        member_id,
        Claim(
            claim["real_name"], claim["member_number"], claim["employer"], claim["phone"] or None
        ),
        claim["member_number"],
    )
    outcome = result.decision.outcome
    if outcome == Outcome.VERIFIED:
        await say(update, context, _("✅ Verified: you are on your union's roster."))
        return True
    if outcome == Outcome.PENDING:
        await say(
            update,
            context,
            _(
                "Your details are close to the roster's but not identical, so someone from your "
                "union will check them. I will tell you the result here."
            ),
        )
        return False
    reasons = "\n".join(f"• {reason_texts(_)[r]}" for r in result.decision.reasons)
    redo = parts_to_redo(result.decision.reasons)
    scratch(context)[KEPT] = {k: v for k, v in claim.items() if k not in redo}
    if result.attempts_left == 0:
        until = await context.services.onboarding.locked_until(member_id)
        await say(update, context, _("This did not match the roster:") + "\n" + reasons)
        await _locked(update, context, until)
        return False
    await say(
        update,
        context,
        _("This did not match the roster:")
        + "\n"
        + reasons
        + "\n\n"
        + _(
            "Please check and try again ({left} attempts left today). If you think the roster "
            "is wrong, ask your union to correct it: {contact}, or ask here with /ask.",
            left=result.attempts_left,
            contact=await context.services.onboarding.union_contact_of(update.effective_user.id),
        ),
        buttons([[(_("Try again"), RETRY)]]),
    )
    return False


async def _locked(update: Update, context: HuihuiContext, until: datetime | None) -> None:
    _ = context.gettext
    local = (until or context.services.clock.now()).astimezone(context.services.settings.tz)
    await say(
        update,
        context,
        _(
            "You have used today's {count} attempts. You can try again after {time}.",
            count=MAX_ATTEMPTS_PER_DAY,
            time=local.strftime("%Y-%m-%d %H:%M"),
        ),
    )
