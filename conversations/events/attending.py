"""Members and events: the 报名 button or deep link (with the reason when they may not sign
up), /my_events (withdraw; the waitlist moves up) and /checkin CODE at the venue. Buttons only
name an event; its rules are checked in ``bot.services.events.attending``."""

from __future__ import annotations

import re
import unicodedata

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.common.i18n import N_
from bot.common.wording.events import (
    SIGN_UP_LABEL,
    Event,
    ages_text,
    event_card,
    local_time,
    who_may_sign_up,
)
from bot.domain.buttons import JoinEvent, LeaveEvent
from bot.domain.events import Conditions, Refusal, RegistrationStatus
from bot.services.events.results import CheckInStatus, Offer, SignUpStatus
from bot.services.roster_import import LEFT_NOTICE
from conversations.common import Markup, buttons, chosen_options, on_press, pressed, say
from conversations.context import ChatApplication, HuihuiContext

COMMANDS = [
    ("events", N_("Events you can sign up for")),
    ("my_events", N_("Events I signed up for")),
]
# "926628", "签到 926628", "签到码：９２６６２８" (\d takes full-width digits too).
TYPED_CODE = re.compile(r"^\s*(?:签到码?\s*[:：]?\s*)?(?P<code>\d{6})\s*$")
REFUSALS = {
    Refusal.NOT_VERIFIED: N_("Only verified union members can sign up: send /start first."),
    Refusal.OUTSIDE_UNION: N_("This event is for members of another union."),
    Refusal.NO_GENDER: N_("Places are kept by gender: please complete your profile first."),
    Refusal.DEADLINE: N_("Sign-up for this event has closed."),
    Refusal.CANCELLED: N_("This event was cancelled."),
}


def refusal_text(refusal: Refusal, conditions: Conditions, context: HuihuiContext) -> str:
    """Why the member may not sign up, saying exactly whom the event is for."""
    _ = context.gettext
    match refusal:
        case Refusal.AGE:
            ages = ages_text(conditions.age_min, conditions.age_max, _)
            return _("This event is for members aged {ages}.", ages=ages)
        case Refusal.DISTRICT:
            districts = chosen_options(context, "district", conditions.districts)
            return _("This event is for members in {districts}.", districts=districts)
        case Refusal.INDUSTRY:
            industries = chosen_options(context, "industry", conditions.industries)
            return _("This event is for members working in {industries}.", industries=industries)
    return _(REFUSALS[refusal])


def offer_text(offer: Offer, context: HuihuiContext) -> str:
    """An event as a member reads it: what, when, where, for whom, places left, sign-up
    deadline, and their own place or why they may not sign up."""
    _ = context.gettext
    event = offer.event
    settings = context.services.settings
    conditions = Conditions.from_json(event.conditions)
    lines = [event_card(event, settings, _)]
    who = who_may_sign_up(conditions, context.services.onboarding.questionnaire, _)
    if who:
        lines.append(_("👥 For members {who}", who=" · ".join(who)))
    if offer.places_left is None:
        lines.append(_("🎟 Places: no limit"))
    elif offer.places_left:
        lines.append(_("🎟 Places left: {count}", count=offer.places_left))
    else:
        lines.append(_("🎟 Full: sign up to join the waitlist"))
    lines.append(_("⏳ Sign-up closes {time}", time=local_time(event.signup_deadline, settings)))
    if offer.registration == RegistrationStatus.REGISTERED:
        lines.append(_("✅ You are signed up. /my_events to withdraw."))
    elif offer.registration == RegistrationStatus.WAITLISTED:
        lines.append(_("⏳ You are on the waitlist."))
    else:
        lines += ["⚠️ " + refusal_text(r, conditions, context) for r in offer.refusals]
    return "\n".join(lines)


def _sign_up_button(offer: Offer, context: HuihuiContext) -> Markup:
    if offer.registration is not None or offer.refusals:
        return None
    return buttons([[(context.gettext(SIGN_UP_LABEL), JoinEvent(offer.event.id))]])


async def deep_link(update: Update, context: HuihuiContext, event_id: int) -> None:
    """An event's deep link (/start event_N) opened by a verified member; routed here by
    ``conversations.onboarding``, which takes newcomers through signing up first."""
    _ = context.gettext
    offer = await context.services.events.attending.offer(update.effective_user.id, event_id)
    if offer is None:
        await say(
            update, context, _("This event is no longer open. Send /events to see the others.")
        )
        return
    await show_offer(update, context, offer)


async def show_offer(update: Update, context: HuihuiContext, offer: Offer) -> None:
    """The event's card, with the sign-up button if the member may sign up."""
    await say(update, context, offer_text(offer, context), _sign_up_button(offer, context))


async def open_events(update: Update, context: HuihuiContext) -> None:
    """/events for members: the events they may sign up for, each with its button."""
    _ = context.gettext
    found = await context.services.events.attending.open_events(update.effective_user.id)
    if found is None:
        if await context.services.matchmaking.left_union(update.effective_user.id):
            contact = await context.services.matchmaking.union_contact(update.effective_user.id)
            await say(update, context, _(LEFT_NOTICE, contact=contact))
            return
        await say(update, context, _("Events are for verified union members: send /start first."))
        return
    if not found:
        await say(
            update,
            context,
            _(
                "No events are open for sign-up right now. Announcements come here as soon as "
                "there are."
            ),
        )
        return
    open_to_me = [o for o in found if o.registration is not None or not o.refusals]
    not_for_me = [o for o in found if o.registration is None and o.refusals]
    if open_to_me:
        await say(update, context, _("Events you can sign up for:"))
        for offer in open_to_me:
            await say(update, context, offer_text(offer, context), _sign_up_button(offer, context))
    else:
        await say(update, context, _("None of the open events is one you can sign up for yet."))
    if not_for_me:
        await say(update, context, _("Events you cannot sign up for, and why:"))
        for offer in not_for_me:
            await say(update, context, offer_text(offer, context))


def _card(event: Event, context: HuihuiContext) -> str:
    return event_card(event, context.services.settings, context.gettext)


async def join(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    event_id = pressed(update, JoinEvent).event
    result = await context.services.events.attending.sign_up(update.effective_user.id, event_id)
    text = {
        SignUpStatus.REGISTERED: _(
            "You are signed up! Your badge number is #{badge}. You will get a "
            "reminder before it starts. /my_events to withdraw.",
            badge=result.badge,
        ),
        SignUpStatus.WAITLISTED: _(
            "It is full for now: you are on the waitlist and will be told at once "
            "if a place frees up."
        ),
        SignUpStatus.ALREADY: _("You are already signed up (badge #{badge}).", badge=result.badge),
        SignUpStatus.STILL_WAITING: _(
            "You are already on the waitlist; you will be told if a place frees up."
        ),
        SignUpStatus.UNKNOWN: _("This event is no longer open. Send /my_events to see yours."),
    }.get(result.status)
    if text is None:
        text = "\n".join(refusal_text(r, result.conditions, context) for r in result.refusals)
    await say(update, context, text)


async def my_events(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.events.attending.mine(update.effective_user.id)
    if not found:
        await say(update, context, _("You have not signed up for any upcoming event."))
        return
    for event, registration in found:
        status = (
            _("signed up, badge #{badge}", badge=registration.badge)
            if registration.status == RegistrationStatus.REGISTERED
            else _("on the waitlist")
        )
        text = _card(event, context) + "\n" + _("You are {status}.", status=status)
        await say(update, context, text, buttons([[(_("Withdraw"), LeaveEvent(event.id))]]))


async def leave(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    done = await context.services.events.attending.withdraw(
        update.effective_user.id, pressed(update, LeaveEvent).event
    )
    if not done:
        await say(update, context, _("You are not signed up for that event."))
        return
    await query.edit_message_reply_markup(None)
    await say(update, context, _("You have withdrawn. Thank you for letting us know."))


async def check_in(update: Update, context: HuihuiContext) -> None:
    """/checkin CODE."""
    _ = context.gettext
    if not context.args:
        await say(
            update,
            context,
            _("Send /checkin and the code shown at the venue, e.g. /checkin 123456."),
        )
        return
    await _check_in(update, context, context.args[0])


async def typed_code(update: Update, context: HuihuiContext) -> None:
    """The code alone, or after 签到, as people send it at the door."""
    found = TYPED_CODE.match(update.effective_message.text or "")
    if found is not None:
        await _check_in(update, context, found["code"])


async def _check_in(update: Update, context: HuihuiContext, code: str) -> None:
    _ = context.gettext
    result = await context.services.events.attending.check_in(
        update.effective_user.id, unicodedata.normalize("NFKC", code)
    )
    title = result.event.title if result.event else ""
    match result.status:
        case CheckInStatus.CHECKED_IN:
            text = _(
                "Checked in to “{title}”. Your badge is #{badge}. Enjoy!",
                title=title,
                badge=result.badge,
            )
        case CheckInStatus.ALREADY:
            text = _("You are already checked in (badge #{badge}).", badge=result.badge)
        case CheckInStatus.TOO_EARLY:
            assert result.opens_at is not None
            text = _(
                "That is the code of “{title}”. Check-in opens at {time}: send it again then.",
                title=title,
                time=local_time(result.opens_at, context.services.settings),
            )
        case CheckInStatus.WRONG_CODE:
            text = _("That check-in code is not right. Please check it with the organisers.")
        case CheckInStatus.TOO_MANY:
            text = _(
                "Too many wrong codes. Please check the code with the organisers and try again "
                "in an hour."
            )
        case CheckInStatus.NOT_REGISTERED:
            text = _("You are not signed up for an event to come. /events shows the open ones.")
    await say(update, context, text)


def typed_code_handler() -> MessageHandler[HuihuiContext, None]:
    """A check-in code sent alone. Registered by ``conversations.fallback``, after every
    dialog: a member number typed during verification is that, not a code."""
    code = filters.Regex(TYPED_CODE)
    return MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & code, typed_code)


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    for command, callback in (("my_events", my_events), ("checkin", check_in)):
        application.add_handler(CommandHandler(command, callback, filters=private))

    application.add_handler(on_press(join, JoinEvent))
    application.add_handler(on_press(leave, LeaveEvent))
