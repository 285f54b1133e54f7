"""The broadcast being composed in /broadcast: the dialog's steps, the draft kept in the
organiser's scratch data, and cancelling."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.domain.audience import Audience
from conversations.common import (
    say,
    scratch,
)
from conversations.context import HuihuiContext

COMPOSE, AUDIENCE, TYPING, CONFIRM, WHEN = "compose", "audience", "typing", "confirm", "when"


DRAFT = "broadcast"


def draft_of(context: HuihuiContext) -> dict[str, Any]:
    return scratch(context).setdefault(DRAFT, {})


def audience_of(context: HuihuiContext) -> Audience:
    return Audience.from_json(draft_of(context)["audience"])


def set_audience(context: HuihuiContext, audience: Audience) -> None:
    draft_of(context)["audience"] = audience.to_json()


async def outside_scope(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await say(update, context, _("You may only broadcast to members of your own unions."))


async def cancel(update: Update, context: HuihuiContext) -> int:
    _ = context.gettext
    scratch(context).pop(DRAFT, None)
    await say(update, context, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END
