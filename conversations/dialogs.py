"""Short dialogs that wait for one typed answer (/feedback, a rejection's reason).

They run in their own handler group, before every other handler, so that while one is open the
typed answer goes to it and nowhere else (``ApplicationHandlerStop`` keeps the update from the
other groups). Any other command ends the dialog and then runs as usual: a member who opened
/feedback and changed their mind with /match is not surprised by their next text being taken
as feedback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from itertools import chain
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations.common import conversation
from conversations.context import ChatApplication, HuihuiContext

# Before the conversations' own group 0; after the language is remembered (group -2).
GROUP = -1

StateCallback = Callable[[Update, HuihuiContext], Coroutine[Any, Any, object]]


def add_dialog(
    application: ChatApplication,
    name: str,
    entry_points: list[BaseHandler[Update, HuihuiContext, Any]],
    states: dict[object, list[BaseHandler[Update, HuihuiContext, Any]]],
    cancel: StateCallback,
) -> None:
    """Register a persistent dialog whose updates reach no other handler; /cancel calls
    ``cancel``; any other command ends it and runs."""
    for handler in chain(entry_points, *states.values()):
        handler.callback = _keeping_the_update(handler.callback)
    private = filters.ChatType.PRIVATE
    dialog = conversation(
        entry_points=entry_points,
        states=states,
        fallbacks=[
            CommandHandler("cancel", _keeping_the_update(cancel), filters=private),
            MessageHandler(private & filters.COMMAND, _end_for_another_command),
        ],
        name=name,
        persistent=True,
        allow_reentry=True,  # the same command again starts it over, not ends it
    )
    application.add_handler(dialog, group=GROUP)


def _keeping_the_update(callback: StateCallback) -> StateCallback:
    @functools.wraps(callback)
    async def handled(update: Update, context: HuihuiContext) -> object:
        try:
            state = await callback(update, context)
        except Exception as error:  # noqa: BLE001 - reported as any handler's error is
            # Otherwise PTB would go on to the next group, which would answer the same text.
            await context.application.process_error(update, error)
            state = None  # the dialog stays where it was
        context.chat_application.after_update()  # the last group will not run
        raise ApplicationHandlerStop(state)

    return handled


async def _end_for_another_command(update: Update, context: HuihuiContext) -> int:
    return ConversationHandler.END
