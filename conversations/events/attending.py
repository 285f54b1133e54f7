"""Members and events: the 报名 button or deep link (with the reason when they may not sign
up), /my_events (withdraw; the waitlist moves up) and /checkin CODE at the venue. Buttons only
name an event; its rules are checked in ``bot.services.events.attending``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from bot.common.wording.events import SIGN_UP_LABEL, Event, event_card
from bot.domain.buttons import JoinEvent, LeaveEvent
from bot.domain.events import Refusal, RegistrationStatus
from bot.services.events.results import CheckInStatus, SignUpStatus
from conversations.common import buttons, on_press, pressed, say
from conversations.context import ChatApplication, HuihuiContext

COMMANDS = [("my_events", N_("Events I signed up for"))]
REFUSALS = {
    Refusal.NOT_VERIFIED: N_("Only verified union members can sign up: send /start first."),
    Refusal.OUTSIDE_UNION: N_("This event is for members of another union."),
    Refusal.AGE: N_("This event is for another age range."),
    Refusal.INDUSTRY: N_("This event is for members of other industries."),
    Refusal.DISTRICT: N_("This event is for members of other districts."),
    Refusal.NO_GENDER: N_("Places are kept by gender: please complete your profile first."),
    Refusal.DEADLINE: N_("Sign-up for this event has closed."),
    Refusal.CANCELLED: N_("This event was cancelled."),
}


async def deep_link(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    event_id = int(context.args[0].removeprefix("event_"))
    event = await context.services.events.attending.view(event_id)
    if event is None:
        await say(update, context, _("This event is no longer open. Send /my_events to see yours."))
        return
    sign_up = buttons([[(_(SIGN_UP_LABEL), JoinEvent(event_id))]])
    await say(update, context, _card(event, context), sign_up)


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
        text = "\n".join(_(REFUSALS[r]) for r in result.refusals)
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
    _ = context.gettext
    if not context.args:
        await say(
            update,
            context,
            _("Send /checkin and the code shown at the venue, e.g. /checkin 123456."),
        )
        return
    result = await context.services.events.attending.check_in(
        update.effective_user.id, context.args[0]
    )
    badge = result.badge
    await say(
        update,
        context,
        {
            CheckInStatus.CHECKED_IN: _(
                "Checked in to “{title}”. Your badge is #{badge}. Enjoy!",
                title=result.event.title if result.event else "",
                badge=badge,
            ),
            CheckInStatus.ALREADY: _("You are already checked in (badge #{badge}).", badge=badge),
            CheckInStatus.WRONG_CODE: _(
                "That code is not right. Please check it with the organisers."
            ),
            CheckInStatus.TOO_MANY: _(
                "Too many wrong codes. Please check the code with the organisers and try again "
                "in an hour."
            ),
            CheckInStatus.NOT_REGISTERED: _(
                "I find no event of yours starting soon. /my_events shows yours."
            ),
        }[result.status],
    )


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(
        CommandHandler("start", deep_link, filters=private & filters.Regex(r"^/start event_\d+$"))
    )
    for command, callback in (("my_events", my_events), ("checkin", check_in)):
        application.add_handler(CommandHandler(command, callback, filters=private))
    application.add_handler(on_press(join, JoinEvent))
    application.add_handler(on_press(leave, LeaveEvent))
