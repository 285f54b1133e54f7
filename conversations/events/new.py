"""/event_new: an organiser creates an event step by step (title, description, start and end,
venue or online, places in all and per gender, ages, districts, industries, sign-up deadline,
announcement time), sees a preview and publishes it. Scope is checked by bot.services.events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common.i18n import translator
from bot.common.wording.events import local_time
from bot.domain import free_text
from bot.domain.audience import parse_age_range, pick_named
from bot.domain.buttons import NewEventDecision, NewEventUnit
from bot.domain.events import ANY_WORDS, Capacity, Conditions, parse_capacity
from bot.domain.free_text import Invalid
from bot.domain.when import parse_when
from bot.services.events.results import EventSpec
from conversations.admin import refuse
from conversations.common import (
    buttons,
    chosen_options,
    conversation,
    in_rows,
    on_press,
    pressed,
    question,
    say,
    scratch,
)
from conversations.context import ChatApplication, HuihuiContext

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
NOW_WORDS = ("now", "现在", "立即")


def _draft(context: HuihuiContext) -> dict[str, Any]:
    return scratch(context).setdefault(DRAFT, {})


def _local(moment: datetime, context: HuihuiContext) -> str:
    return local_time(moment, context.services.settings)


async def new(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    choices = await context.services.administration.unit_choices(update.effective_user.id)
    if not choices:
        await refuse(update, context)
        return ConversationHandler.END
    scratch(context)[DRAFT] = {"unit_id": choices[0][0]}
    if len(choices) > 1:
        rows = in_rows([(name, NewEventUnit(unit_id)) for unit_id, name in choices[:30]], 2)
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
    _draft(context)["unit_id"] = pressed(update, NewEventUnit).unit
    return await _ask_title(update, context)


async def _ask_title(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    await say(update, context, _("New event. What is it called? (/cancel to stop)"))
    return TITLE


async def got_title(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    title = free_text.check(update.effective_message.text, free_text.EVENT_TITLE)
    if isinstance(title, Invalid):
        await say(update, context, _(title.reason, **title.values))
        return TITLE
    _draft(context)["title"] = title
    await say(update, context, _("Describe it for members: what happens, what to bring."))
    return DESCRIPTION


async def got_description(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    description = free_text.check(update.effective_message.text, free_text.EVENT_DESCRIPTION)
    if isinstance(description, Invalid):
        await say(update, context, _(description.reason, **description.values))
        return DESCRIPTION
    _draft(context)["description"] = description
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
    venue = free_text.check(update.effective_message.text, free_text.EVENT_VENUE)
    if isinstance(venue, Invalid):
        await say(update, context, _(venue.reason, **venue.values))
        return VENUE
    _draft(context)["venue"] = None if venue.lower() in ("online", "线上") else venue
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
    capacity = parse_capacity(update.effective_message.text)
    if capacity is not None:
        _draft(context)["capacity"] = [capacity.total, capacity.male, capacity.female]
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


def _names(context: HuihuiContext, question_key: str) -> dict[str, set[str]]:
    return {
        o.key: {o.key, o.text(translator("zh"), "zh"), o.text(translator("en"), "en")}
        for o in question(context, question_key).options
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
        buttons(
            [
                [
                    (_("Publish"), NewEventDecision(publish=True)),
                    (_("Cancel"), NewEventDecision(publish=False)),
                ]
            ]
        ),
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
        districts=chosen_options(context, "district", conditions.districts),
        industries=chosen_options(context, "industry", conditions.industries),
        deadline=_local(spec.signup_deadline, context),
        announce=_local(spec.announce_at, context),
    )


async def publish(update: Update, context: HuihuiContext) -> int:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    draft = scratch(context).pop(DRAFT, None)
    if not pressed(update, NewEventDecision).publish or not draft or "announce_at" not in draft:
        await say(update, context, _("Cancelled. Nothing was published."))
        return ConversationHandler.END
    event_id = await context.services.events.organising.create(
        update.effective_user.id, _spec(draft)
    )
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


def register(application: ChatApplication) -> None:
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
    states[UNIT] = [on_press(unit_chosen, NewEventUnit)]
    states[PREVIEW] = [on_press(publish, NewEventDecision)]
    application.add_handler(
        conversation(
            entry_points=[CommandHandler("event_new", new, filters=private)],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel_new, filters=private)],
            name="event_new",
            persistent=True,
        )
    )
