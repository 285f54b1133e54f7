"""/event_new: an organiser creates an event step by step, sees a preview and publishes it.
Every step checks what was typed and asks again, kindly, until it can be used; /cancel stops
at any step and nothing is kept. Scope is checked again when publishing
(``bot.services.events.organising``).

```mermaid
stateDiagram-v2
    [*] --> UNIT: /event_new (organiser of several unions)
    [*] --> TITLE: /event_new (one union)
    UNIT --> TITLE: union chosen
    TITLE --> DESCRIPTION
    DESCRIPTION --> START
    START --> END: a future time
    END --> VENUE: after the start
    VENUE --> CAPACITY: address or "online"
    CAPACITY --> AGES: total, or total men women, or "any"
    AGES --> DISTRICTS
    DISTRICTS --> INDUSTRIES
    INDUSTRIES --> DEADLINE
    DEADLINE --> ANNOUNCE: before the start
    ANNOUNCE --> PREVIEW: before sign-up closes, or "now"
    PREVIEW --> [*]: Publish (scope checked) or Cancel
    TITLE --> [*]: /cancel (from any step)
```
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.buttons import NewEventDecision, NewEventUnit
from conversations.admin import refuse
from conversations.common import buttons, conversation, in_rows, on_press, say, scratch
from conversations.context import ChatApplication, HuihuiContext
from conversations.events.new.audience import (
    got_ages,
    got_districts,
    got_industries,
)
from conversations.events.new.details import (
    ask_title,
    got_capacity,
    got_description,
    got_end,
    got_start,
    got_title,
    got_venue,
    unit_chosen,
)
from conversations.events.new.draft import (
    AGES,
    ANNOUNCE,
    CAPACITY,
    DEADLINE,
    DESCRIPTION,
    DISTRICTS,
    DRAFT,
    END,
    INDUSTRIES,
    PREVIEW,
    START,
    TITLE,
    UNIT,
    VENUE,
)
from conversations.events.new.publishing import got_announce, got_deadline, publish


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
    return await ask_title(update, context)


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
