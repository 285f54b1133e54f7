"""/event_new, what and when: the organising union, title, description, start and end, venue
and places."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update

from bot.domain import free_text
from bot.domain.buttons import NewEventUnit
from bot.domain.events import parse_capacity
from bot.domain.free_text import Invalid
from conversations.common import (
    pressed,
    say,
)
from conversations.context import HuihuiContext
from conversations.events.new.draft import (
    AGES,
    CAPACITY,
    DESCRIPTION,
    END,
    START,
    TITLE,
    VENUE,
    draft_of,
    typed_time,
)


async def unit_chosen(update: Update, context: HuihuiContext) -> str:
    await update.callback_query.answer()
    draft_of(context)["unit_id"] = pressed(update, NewEventUnit).unit
    return await ask_title(update, context)


async def ask_title(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    await say(update, context, _("New event. What is it called? (/cancel to stop)"))
    return TITLE


async def got_title(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    title = free_text.check(update.effective_message.text, free_text.EVENT_TITLE)
    if isinstance(title, Invalid):
        await say(update, context, _(title.reason, **title.values))
        return TITLE
    draft_of(context)["title"] = title
    await say(update, context, _("Describe it for members: what happens, what to bring."))
    return DESCRIPTION


async def got_description(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    description = free_text.check(update.effective_message.text, free_text.EVENT_DESCRIPTION)
    if isinstance(description, Invalid):
        await say(update, context, _(description.reason, **description.values))
        return DESCRIPTION
    draft_of(context)["description"] = description
    await say(update, context, _("When does it start? For example 2026-12-05 14:00."))
    return START


async def got_start(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    moment = await typed_time(update, context)
    if moment is None:
        return START
    draft_of(context)["starts_at"] = moment.isoformat()
    await say(
        update,
        context,
        _(
            "When does it end? For example {example}, or just the time.",
            example=f"{moment + timedelta(hours=3):%Y-%m-%d %H:%M}",
        ),
    )
    return END


async def got_end(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    start = datetime.fromisoformat(draft_of(context)["starts_at"])
    moment = await typed_time(update, context, after=start)  # "四点半": on the start's day
    if moment is None:
        return END
    if moment <= start:
        await say(update, context, _("The end must come after the start. When does it end?"))
        return END
    draft_of(context)["ends_at"] = moment.isoformat()
    await say(update, context, _('Where? Type the venue\'s address, or "online".'))
    return VENUE


async def got_venue(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    venue = free_text.check(update.effective_message.text, free_text.EVENT_VENUE)
    if isinstance(venue, Invalid):
        await say(update, context, _(venue.reason, **venue.values))
        return VENUE
    draft_of(context)["venue"] = None if venue.lower() in ("online", "线上") else venue
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
        draft_of(context)["capacity"] = [capacity.total, capacity.male, capacity.female]
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
