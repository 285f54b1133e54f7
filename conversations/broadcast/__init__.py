"""/broadcast: an organiser composes a message (text with formatting, or a photo with a
caption), chooses its audience, sees its size and a preview, and sends it now or at a chosen
time. /broadcasts lists recent ones and cancels. Rights are checked by
``bot.services.broadcasts`` on every step that reads or sends anything; the buttons only say
what was asked for.

```mermaid
stateDiagram-v2
    [*] --> COMPOSE: /broadcast (organisers)
    COMPOSE --> COMPOSE: not text or photo, or a caption too long
    COMPOSE --> AUDIENCE: text or photo
    AUDIENCE --> AUDIENCE: union, gender, districts, industries, verified, event
    AUDIENCE --> TYPING: Age
    TYPING --> AUDIENCE: a range or "any"
    AUDIENCE --> CONFIRM: Preview (size and scope checked)
    CONFIRM --> AUDIENCE: Change audience
    CONFIRM --> [*]: Send now
    CONFIRM --> WHEN: Schedule…
    WHEN --> [*]: a future time
    AUDIENCE --> [*]: Cancel, or /cancel from any step
```
"""

from __future__ import annotations

from telegram.ext import CommandHandler, MessageHandler, filters

from bot.common.i18n import N_
from bot.domain.buttons import (
    AudienceAction,
    AudienceEvent,
    AudienceToggle,
    AudienceUnit,
    CancelBroadcast,
)
from conversations.broadcast.audience import audience_button, typed
from conversations.broadcast.compose import composed, not_a_message, start
from conversations.broadcast.draft import AUDIENCE, COMPOSE, CONFIRM, TYPING, WHEN, cancel
from conversations.broadcast.listing import cancel_sent, listing
from conversations.broadcast.sending import confirm_button, when_typed
from conversations.common import conversation, on_press
from conversations.context import ChatApplication

ORGANISER_COMMANDS = [
    ("broadcast", N_("Send a message to members")),
    ("broadcasts", N_("Recent broadcasts: progress, results, cancel")),
]


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    application.add_handler(
        conversation(
            entry_points=[CommandHandler("broadcast", start, filters=private)],
            states={
                COMPOSE: [
                    MessageHandler(text | (private & filters.PHOTO), composed),
                    MessageHandler(private & ~filters.COMMAND, not_a_message),
                ],
                AUDIENCE: [
                    on_press(
                        audience_button, AudienceAction, AudienceUnit, AudienceEvent, AudienceToggle
                    )
                ],
                TYPING: [MessageHandler(text, typed)],
                CONFIRM: [on_press(confirm_button, AudienceAction)],
                WHEN: [MessageHandler(text, when_typed)],
            },
            fallbacks=[CommandHandler("cancel", cancel, filters=private)],
            name="broadcast",
            persistent=True,
        )
    )
    application.add_handler(CommandHandler("broadcasts", listing, filters=private))
    application.add_handler(on_press(cancel_sent, CancelBroadcast))
