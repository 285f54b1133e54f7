"""Events in chat. Organisers: /event_new (guided), /events (overview, QR poster, groups,
cancel), /event_edit. Members: the 报名 button or deep link, /my_events (withdraw),
/checkin CODE, and the mutual choice (互选). Every organiser step re-checks scope in
bot.events; members' buttons only name an event, whose rules are checked there."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import qrcode
from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import HuihuiContext
from bot.domain.audience import parse_age_range, pick_named
from bot.domain.events import Capacity, Conditions, Refusal
from bot.domain.when import parse_when
from bot.events import JOIN, PICK, EventSpec, event_card, signup_button
from bot.i18n import N_, translator
from bot.notifications import tell
from conversations.admin import refuse
from conversations.common import buttons, conversation, in_rows, say, scratch

if TYPE_CHECKING:
    from bot.app import HuihuiApplication
    from storage.models import Event

COMMANDS = [("my_events", N_("Events I signed up for"))]
ORGANISER_COMMANDS = [
    ("event_new", N_("Create an event")),
    ("events", N_("Your unions' events: sign-ups, check-in code, QR poster, groups")),
    ("event_edit", N_("Change an event's title, description, venue or start time")),
]
DRAFT = "event_draft"
UNIT, TITLE, DESCRIPTION, START, END, VENUE, CAPACITY = (
    "unit",
    "title",
    "description",
    "start",
    "end",
    "venue",
    "capacity",
)
AGES, DISTRICTS, INDUSTRIES, DEADLINE, ANNOUNCE, PREVIEW = (
    "ages",
    "districts",
    "industries",
    "deadline",
    "announce",
    "preview",
)
NEW = "evn:"
ADMIN, QR, GROUPS, CANCEL, CANCEL_YES = "eva:", "evq:", "evg:", "evx:", "evxy:"
LEAVE, CHOOSE, CHOSEN = "evl:", "evc:", "evd:"
ANY_WORDS = ("any", "不限", "无", "none")
NOW_WORDS = ("now", "现在", "立即")
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
EVENT_STATUS = {"published": N_("Published"), "cancelled": N_("Cancelled")}
_TYPED = re.compile(r"^\s*(\d+)(?:\s+(\d+)\s+(\d+))?\s*$")


def _draft(context: HuihuiContext) -> dict[str, Any]:
    return scratch(context).setdefault(DRAFT, {})


def _local(moment: datetime, context: HuihuiContext) -> str:
    return f"{moment.astimezone(context.services.settings.tz):%Y-%m-%d %H:%M}"


# Creating an event
async def new(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    choices = await context.services.administration.unit_choices(update.effective_user.id)
    if not choices:
        await refuse(update, context)
        return ConversationHandler.END
    scratch(context)[DRAFT] = {"unit_id": choices[0][0]}
    if len(choices) > 1:
        rows = in_rows([(name, f"{NEW}{unit_id}") for unit_id, name in choices[:30]], 2)
        await say(
            update,
            context,
            _(
                "Which union organises the event? Its members (and those "
                "of the unions below it) can sign up."
            ),
            buttons(rows),
        )
        return UNIT
    return await _ask_title(update, context)


async def unit_chosen(update: Update, context: HuihuiContext) -> str:
    await update.callback_query.answer()
    _draft(context)["unit_id"] = int(update.callback_query.data.removeprefix(NEW))
    return await _ask_title(update, context)


async def _ask_title(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    await say(update, context, _("New event. What is it called? (/cancel to stop)"))
    return TITLE


async def got_title(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    title = update.effective_message.text.strip()
    if len(title) > 100:
        await say(update, context, _("Please keep the title to 100 characters."))
        return TITLE
    _draft(context)["title"] = title
    await say(update, context, _("Describe it for members: what happens, what to bring."))
    return DESCRIPTION


async def got_description(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    _draft(context)["description"] = update.effective_message.text.strip()[:2000]
    await say(update, context, _("When does it start? For example 2026-12-05 14:00."))
    return START


async def _typed_time(update: Update, context: HuihuiContext) -> datetime | None:
    _ = context.gettext
    now = context.services.clock.now()
    moment = parse_when(update.effective_message.text, now, context.services.settings.tz)
    if moment is None or moment <= now:
        await say(
            update,
            context,
            _("Please type a future date and time such as {example}.", example="2026-12-05 14:00"),
        )
        return None
    return moment


async def got_start(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    moment = await _typed_time(update, context)
    if moment is None:
        return START
    _draft(context)["starts_at"] = moment.isoformat()
    await say(
        update,
        context,
        _(
            "When does it end? For example {example}.",
            example=f"{moment + timedelta(hours=3):%Y-%m-%d %H:%M}",
        ),
    )
    return END


async def got_end(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    moment = await _typed_time(update, context)
    if moment is None:
        return END
    if moment <= datetime.fromisoformat(_draft(context)["starts_at"]):
        await say(update, context, _("The end must come after the start. When does it end?"))
        return END
    _draft(context)["ends_at"] = moment.isoformat()
    await say(update, context, _('Where? Type the venue\'s address, or "online".'))
    return VENUE


async def got_venue(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    venue = update.effective_message.text.strip()
    _draft(context)["venue"] = None if venue.lower() in ("online", "线上") else venue[:200]
    await say(
        update,
        context,
        _(
            "How many places? Type a total (e.g. 40), a total with places for men and women "
            '(e.g. 40 20 20), or "any".'
        ),
    )
    return CAPACITY


async def got_capacity(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    text = update.effective_message.text.strip()
    found = _TYPED.match(text)
    if text.lower() in ANY_WORDS:
        _draft(context)["capacity"] = [None, None, None]
    elif found and (
        found.group(2) is None
        or int(found.group(2)) + int(found.group(3)) >= int(found.group(1)) > 0
    ):
        _draft(context)["capacity"] = [int(g) if g else None for g in found.groups()]
    else:
        await say(
            update,
            context,
            _(
                "Please type a number such as 40, or 40 20 20 (total, men, "
                'women; men and women adding up to the total), or "any".'
            ),
        )
        return CAPACITY
    await say(update, context, _('Which ages may sign up? Type a range such as 25-35, or "any".'))
    return AGES


async def got_ages(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    text = update.effective_message.text.strip()
    if text.lower() in ANY_WORDS:
        _draft(context)["ages"] = [None, None]
    else:
        ages = parse_age_range(text)
        if ages is None:
            await say(
                update,
                context,
                _('Please type two ages between 18 and 80, such as 25-35, or "any".'),
            )
            return AGES
        _draft(context)["ages"] = list(ages)
    await say(
        update,
        context,
        _('Only some districts? Type their names (e.g. 浦东新区、徐汇区), or "any".'),
    )
    return DISTRICTS


def _labels(context: HuihuiContext, question_key: str, keys: tuple[str, ...]) -> str:
    """Chosen option keys as words in the reader's language ("any" when none)."""
    _ = context.gettext
    question = next(q for q in context.services.onboarding.questionnaire if q.key == question_key)
    return "、".join(o.text(_, _.language) for o in question.options if o.key in keys) or _("any")


def _names(context: HuihuiContext, question_key: str) -> dict[str, set[str]]:
    question = next(q for q in context.services.onboarding.questionnaire if q.key == question_key)
    return {
        o.key: {o.key, o.text(translator("zh"), "zh"), o.text(translator("en"), "en")}
        for o in question.options
    }


async def _typed_options(
    update: Update, context: HuihuiContext, question_key: str
) -> tuple[str, ...] | None:
    _ = context.gettext
    text = update.effective_message.text.strip()
    if text.lower() in ANY_WORDS:
        return ()
    keys, unknown = pick_named(text, _names(context, question_key))
    if unknown:
        await say(
            update,
            context,
            _(
                'I do not know {words}. Please type the names again, or "any".',
                words="、".join(unknown),
            ),
        )
        return None
    return keys


async def got_districts(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    keys = await _typed_options(update, context, "district")
    if keys is None:
        return DISTRICTS
    _draft(context)["districts"] = list(keys)
    await say(update, context, _('Only some industries? Type them (e.g. 金融、教育), or "any".'))
    return INDUSTRIES


async def got_industries(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    keys = await _typed_options(update, context, "industry")
    if keys is None:
        return INDUSTRIES
    _draft(context)["industries"] = list(keys)
    start = datetime.fromisoformat(_draft(context)["starts_at"])
    await say(
        update,
        context,
        _(
            "Sign-up closes when? Type a date and time before the start, "
            'or "any" for one day before ({example}).',
            example=_local(start - timedelta(days=1), context),
        ),
    )
    return DEADLINE


async def got_deadline(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    draft = _draft(context)
    start = datetime.fromisoformat(draft["starts_at"])
    now = context.services.clock.now()
    if update.effective_message.text.strip().lower() in ANY_WORDS:
        deadline = max(start - timedelta(days=1), min(start, now + timedelta(hours=1)))
    else:
        deadline = await _typed_time(update, context)
        if deadline is None:
            return DEADLINE
        if deadline > start:
            await say(update, context, _("Sign-up must close before the event starts."))
            return DEADLINE
    draft["signup_deadline"] = deadline.isoformat()
    await say(
        update,
        context,
        _('When should members be told? Type a date and time before sign-up closes, or "now".'),
    )
    return ANNOUNCE


async def got_announce(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    draft = _draft(context)
    if update.effective_message.text.strip().lower() in NOW_WORDS:
        announce = context.services.clock.now()
    else:
        announce = await _typed_time(update, context)
        if announce is None:
            return ANNOUNCE
        if announce >= datetime.fromisoformat(draft["signup_deadline"]):
            await say(update, context, _("The announcement must come before sign-up closes."))
            return ANNOUNCE
    draft["announce_at"] = announce.isoformat()
    spec = _spec(draft)
    await say(
        update,
        context,
        _summary(spec, context),
        buttons([[(_("Publish"), f"{NEW}publish"), (_("Cancel"), f"{NEW}cancel")]]),
    )
    return PREVIEW


def _spec(draft: dict[str, Any]) -> EventSpec:
    total, men, women = draft["capacity"]
    low, high = draft["ages"]
    return EventSpec(
        unit_id=draft["unit_id"],
        title=draft["title"],
        description=draft["description"],
        starts_at=datetime.fromisoformat(draft["starts_at"]),
        ends_at=datetime.fromisoformat(draft["ends_at"]),
        venue=draft["venue"],
        capacity=Capacity(total, men, women),
        conditions=Conditions(low, high, tuple(draft["industries"]), tuple(draft["districts"])),
        signup_deadline=datetime.fromisoformat(draft["signup_deadline"]),
        announce_at=datetime.fromisoformat(draft["announce_at"]),
    )


def _summary(spec: EventSpec, context: HuihuiContext) -> str:
    _ = context.gettext
    capacity = spec.capacity
    places = _("any") if capacity.total is None else str(capacity.total)
    if capacity.by_gender:
        places = _(
            "{places} (men {men}, women {women})",
            places=places,
            men=capacity.male,
            women=capacity.female,
        )
    conditions = spec.conditions
    ages = f"{conditions.age_min}–{conditions.age_max}" if conditions.age_min else _("any")
    return _(
        "Preview:\n{title}\n{description}\nTime: {start} – {end}\nVenue: {venue}\nPlaces: "
        "{places}\nAges: {ages} · districts: {districts} · industries: {industries}\n"
        "Sign-up closes {deadline}; members are told {announce}.",
        title=spec.title,
        description=spec.description,
        start=_local(spec.starts_at, context),
        end=_local(spec.ends_at, context),
        venue=spec.venue or _("Online"),
        places=places,
        ages=ages,
        districts=_labels(context, "district", conditions.districts),
        industries=_labels(context, "industry", conditions.industries),
        deadline=_local(spec.signup_deadline, context),
        announce=_local(spec.announce_at, context),
    )


async def publish(update: Update, context: HuihuiContext) -> int:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    draft = scratch(context).pop(DRAFT, None)
    if query.data != f"{NEW}publish" or not draft or "announce_at" not in draft:
        await say(update, context, _("Cancelled. Nothing was published."))
        return ConversationHandler.END
    event_id = await context.services.events.create(update.effective_user.id, _spec(draft))
    if event_id is None:
        await refuse(update, context)
        return ConversationHandler.END
    await say(
        update,
        context,
        _(
            "Published as event #{id}. Members are told at {time}. /events shows sign-ups, the "
            "check-in code and the QR poster.",
            id=event_id,
            time=_local(datetime.fromisoformat(draft["announce_at"]), context),
        ),
    )
    return ConversationHandler.END


async def cancel_new(update: Update, context: HuihuiContext) -> int:
    _ = context.gettext
    scratch(context).pop(DRAFT, None)
    await say(update, context, _("Cancelled. Nothing was published."))
    return ConversationHandler.END


# Managing events
async def listing(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.events.listing(update.effective_user.id)
    if found is None:
        await refuse(update, context)
        return
    if not found:
        await say(update, context, _("No events yet. Send /event_new to create one."))
        return
    rows = [
        [(f"#{e.id} {e.title} · {_local(e.starts_at, context)}", f"{ADMIN}{e.id}")] for e in found
    ]
    await say(update, context, _("Your unions' events:"), buttons(rows))


async def overview(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event_id = int(query.data.removeprefix(ADMIN))
    found = await context.services.events.overview(update.effective_user.id, event_id)
    if found is None:
        await query.answer(_("Only organisers of this event's union can see it."), show_alert=True)
        return
    await query.answer()
    event = found.event
    text = _(
        "#{id} {title} ({status})\n{start}\nRegistered: {total} (men {men}, women {women}) · "
        "waitlist {waitlist} · checked in {checked_in}\nCheck-in code: {code}\nLink: {link}",
        id=event.id,
        title=event.title,
        status=_(EVENT_STATUS[event.status.value]),
        start=_local(event.starts_at, context),
        total=sum(found.registered.values()),
        men=found.registered["male"],
        women=found.registered["female"],
        waitlist=found.waitlisted,
        checked_in=found.checked_in,
        code=event.checkin_code,
        link=_deep_link(context, event.id),
    )
    if found.rate is not None:
        text += "\n" + _(
            "Mutual choice: {pairs} pair(s), pairing rate {rate}",
            pairs=found.pairs,
            rate=f"{found.rate:.0%}",
        )
    await say(
        update,
        context,
        text,
        buttons(
            [
                [
                    (_("QR poster"), f"{QR}{event.id}"),
                    (_("Groups of 6"), f"{GROUPS}{event.id}:6"),
                    (_("Groups of 8"), f"{GROUPS}{event.id}:8"),
                ],
                [(_("Cancel the event"), f"{CANCEL}{event.id}")],
            ]
        ),
    )


def _deep_link(context: HuihuiContext, event_id: int) -> str:
    return f"https://t.me/{context.bot.username}?start=event_{event_id}"


async def poster(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event = await context.services.events.managed(
        update.effective_user.id, int(query.data.removeprefix(QR))
    )
    if event is None:
        await query.answer(_("Only organisers of this event's union can see it."), show_alert=True)
        return
    await query.answer()
    image = io.BytesIO()
    qrcode.make(_deep_link(context, event.id), box_size=12, border=4).save(image, format="PNG")
    caption = _(
        "{title}\n{start}\nScan to sign up with 会会.",
        title=event.title,
        start=_local(event.starts_at, context),
    )
    await context.bot.send_photo(update.effective_chat.id, image.getvalue(), caption=caption)


async def groups(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event_id, size = (int(part) for part in query.data.removeprefix(GROUPS).split(":"))
    table = await context.services.events.groups(update.effective_user.id, event_id, size)
    if table is None:
        await query.answer(_("Only organisers of this event's union can do that."), show_alert=True)
        return
    await query.answer()
    if not table:
        await say(update, context, _("Nobody has signed up yet."))
        return
    lines = [
        _(
            "Group {number}: {people}",
            number=number,
            people="、".join(f"{p.nickname} #{p.badge}" for p in group),
        )
        for number, group in enumerate(table, start=1)
    ]
    await say(update, context, "\n".join(lines))
    for number, group in enumerate(table, start=1):
        for person in group:
            if person.telegram_id is None:
                continue
            others = "、".join(f"{p.nickname} #{p.badge}" for p in group if p is not person)
            _m = translator(await context.services.languages.resolve_id(person.telegram_id))
            await tell(
                context.bot,
                person.telegram_id,
                _m(
                    N_("You are in group {number} with {people}. Have fun!"),
                    number=number,
                    people=others,
                ),
            )


async def cancel_event(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event_id = int(query.data.removeprefix(CANCEL))
    if await context.services.events.managed(update.effective_user.id, event_id) is None:
        await query.answer(_("Only organisers of this event's union can do that."), show_alert=True)
        return
    await query.answer()
    await say(
        update,
        context,
        _("Cancel event #{id}? Everyone registered will be told.", id=event_id),
        buttons([[(_("Yes, cancel it"), f"{CANCEL_YES}{event_id}")]]),
    )


async def cancel_event_confirmed(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event_id = int(query.data.removeprefix(CANCEL_YES))
    told = await context.services.events.cancel(update.effective_user.id, event_id)
    if told is None:
        await query.answer(_("Only organisers of this event's union can do that."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await say(
        update,
        context,
        _("Event #{id} is cancelled; {count} member(s) are being told.", id=event_id, count=told),
    )


async def edit(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    usage = _("Usage: /event_edit ID title|description|venue NEW TEXT, or /event_edit ID start "
              "2026-12-05 14:00")  # fmt: skip
    parts = (update.effective_message.text or "").split(maxsplit=3)[1:]
    if len(parts) != 3 or not parts[0].isdigit():
        await say(update, context, usage)
        return
    services, actor, event_id = context.services, update.effective_user.id, int(parts[0])
    if parts[1] == "start":
        moment = parse_when(parts[2], services.clock.now(), services.settings.tz)
        result = (
            "past" if moment is None else await services.events.reschedule(actor, event_id, moment)
        )
    else:
        result = await services.events.edit(actor, event_id, parts[1], parts[2])
    await say(
        update,
        context,
        {
            "done": _("Saved."),
            "unknown_field": usage,
            "past": _(
                "Please type a future date and time such as {example}.", example="2026-12-05 14:00"
            ),
            "not_allowed": _("Only organisers of this event's union can do that."),
            "cancelled": _("This event was cancelled."),
        }[result],
    )


# Members
async def deep_link(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    event_id = int(context.args[0].removeprefix("event_"))
    event = await context.services.events.view(event_id)
    if event is None:
        await say(update, context, _("This event is no longer open. Send /my_events to see yours."))
        return
    await say(update, context, _card(event, context), signup_button(event.id, _))


def _card(event: Event, context: HuihuiContext) -> str:
    return event_card(event, context.services.settings, context.gettext)


async def join(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    event_id = int(query.data.removeprefix(JOIN))
    result = await context.services.events.sign_up(update.effective_user.id, event_id)
    text = {
        "registered": _(
            "You are signed up! Your badge number is #{badge}. You will get a "
            "reminder before it starts. /my_events to withdraw.",
            badge=result.badge,
        ),
        "waitlisted": _(
            "It is full for now: you are on the waitlist and will be told at once "
            "if a place frees up."
        ),
        "already": _("You are already signed up (badge #{badge}).", badge=result.badge),
        "unknown": _("This event is no longer open. Send /my_events to see yours."),
    }.get(result.status)
    if text is None:
        text = "\n".join(_(REFUSALS[r]) for r in result.refusals)
    await say(update, context, text)


async def my_events(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.events.my_events(update.effective_user.id)
    if not found:
        await say(update, context, _("You have not signed up for any upcoming event."))
        return
    for event, registration in found:
        status = (
            _("signed up, badge #{badge}", badge=registration.badge)
            if registration.status.value == "registered"
            else _("on the waitlist")
        )
        text = _card(event, context) + "\n" + _("You are {status}.", status=status)
        await say(update, context, text, buttons([[(_("Withdraw"), f"{LEAVE}{event.id}")]]))


async def leave(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    done, promoted = await context.services.events.withdraw(
        update.effective_user.id, int(query.data.removeprefix(LEAVE))
    )
    if not done:
        await say(update, context, _("You are not signed up for that event."))
        return
    await query.edit_message_reply_markup(None)
    await say(update, context, _("You have withdrawn. Thank you for letting us know."))
    if promoted is not None:
        _p = translator(await context.services.languages.resolve_id(promoted))
        await tell(
            context.bot,
            promoted,
            _p(N_("Good news: a place freed up and you are now signed up. /my_events shows it.")),
        )


async def check_in(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    if not context.args:
        await say(
            update,
            context,
            _("Send /checkin and the code shown at the venue, e.g. /checkin 123456."),
        )
        return
    status, event, badge = await context.services.events.check_in(
        update.effective_user.id, context.args[0]
    )
    await say(
        update,
        context,
        {
            "checked_in": _(
                "Checked in to “{title}”. Your badge is #{badge}. Enjoy!",
                title=event.title if event else "",
                badge=badge,
            ),
            "already": _("You are already checked in (badge #{badge}).", badge=badge),
            "wrong_code": _("That code is not right. Please check it with the organisers."),
            "not_registered": _("I find no event of yours starting soon. /my_events shows yours."),
        }[status],
    )


async def choose(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    data = query.data
    if data.startswith(CHOOSE):
        event_id, member_id = (int(p) for p in data.removeprefix(CHOOSE).split(":"))
        result = await context.services.events.toggle_choice(
            update.effective_user.id, event_id, member_id
        )
        if result in ("closed", "full"):
            await query.answer(
                {
                    "closed": _("The mutual choice is closed."),
                    "full": _("You have used all your picks; unpick someone first."),
                }[result],
                show_alert=True,
            )
            return
    else:
        event_id = int(data.removeprefix(PICK))
    options = await context.services.events.choice_options(update.effective_user.id, event_id)
    if options is None:
        await query.answer(_("The mutual choice is closed."), show_alert=True)
        return
    await query.answer()
    event, people, chosen = options
    rows = in_rows(
        [
            (
                ("✓ " if p.member_id in chosen else "") + f"{p.nickname} #{p.badge}",
                f"{CHOOSE}{event.id}:{p.member_id}",
            )
            for p in people
        ],
        2,
    )
    rows.append([(_("Done"), f"{CHOSEN}{event.id}")])
    text = _(
        "Pick up to {limit} people ({count} picked). Nobody sees your picks; only mutual "
        "ones are revealed when the choice closes.",
        limit=event.choice_limit,
        count=len(chosen),
    )
    if data.startswith(CHOOSE):
        await query.edit_message_text(text, reply_markup=buttons(rows))
    else:
        await say(update, context, text, buttons(rows))


async def choice_done(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    await say(update, context, _("Saved. You will hear from me if a pick is mutual."))


def register(application: HuihuiApplication) -> None:
    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    steps = {
        TITLE: got_title,
        DESCRIPTION: got_description,
        START: got_start,
        END: got_end,
        VENUE: got_venue,
        CAPACITY: got_capacity,
        AGES: got_ages,
        DISTRICTS: got_districts,
        INDUSTRIES: got_industries,
        DEADLINE: got_deadline,
        ANNOUNCE: got_announce,
    }
    states: dict[object, list[Any]] = {
        state: [MessageHandler(text, handler)] for state, handler in steps.items()
    }
    states[UNIT] = [CallbackQueryHandler(unit_chosen, pattern=rf"^{NEW}\d+$")]
    states[PREVIEW] = [CallbackQueryHandler(publish, pattern=rf"^{NEW}(publish|cancel)$")]
    application.add_handler(
        conversation(
            entry_points=[CommandHandler("event_new", new, filters=private)],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel_new, filters=private)],
            name="event_new",
            persistent=True,
        )
    )
    application.add_handler(
        CommandHandler("start", deep_link, filters=private & filters.Regex(r"^/start event_\d+$"))
    )
    for command, callback in (
        ("events", listing),
        ("event_edit", edit),
        ("my_events", my_events),
        ("checkin", check_in),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    for callback, pattern in (
        (overview, rf"^{ADMIN}\d+$"),
        (poster, rf"^{QR}\d+$"),
        (groups, rf"^{GROUPS}\d+:\d+$"),
        (cancel_event, rf"^{CANCEL}\d+$"),
        (cancel_event_confirmed, rf"^{CANCEL_YES}\d+$"),
        (join, rf"^{JOIN}\d+$"),
        (leave, rf"^{LEAVE}\d+$"),
        (choose, rf"^({PICK}\d+|{CHOOSE}\d+:\d+)$"),
        (choice_done, rf"^{CHOSEN}\d+$"),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
