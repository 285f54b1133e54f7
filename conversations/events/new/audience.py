"""/event_new, who may sign up: ages, districts and industries ("any" for no limit)."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update

from bot.common.i18n import translator
from bot.domain.audience import parse_age_range, pick_named
from bot.domain.events import ANY_WORDS
from conversations.common import (
    question,
    say,
)
from conversations.context import HuihuiContext
from conversations.events.new.draft import AGES, DEADLINE, DISTRICTS, INDUSTRIES, draft_of, local


async def got_ages(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    text = update.effective_message.text.strip()
    if text.lower() in ANY_WORDS:
        draft_of(context)["ages"] = [None, None]
    else:
        ages = parse_age_range(text)
        if ages is None:
            await say(
                update,
                context,
                _('Please type two ages between 18 and 80, such as 25-35, or "any".'),
            )
            return AGES
        draft_of(context)["ages"] = list(ages)
    await say(
        update,
        context,
        _('Only some districts? Type their names (e.g. 浦东新区、徐汇区), or "any".'),
    )
    return DISTRICTS


def _names(context: HuihuiContext, question_key: str) -> dict[str, set[str]]:
    return {
        o.key: {o.key, o.text(translator("zh"), "zh"), o.text(translator("en"), "en"), *o.aliases}
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
                'I do not know {words}. Please type names from this list, or "any":\n{choices}',
                words="、".join(unknown),
                choices="、".join(
                    o.text(_, _.language) for o in question(context, question_key).options
                ),
            ),
        )
        return None
    return keys


async def got_districts(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    keys = await _typed_options(update, context, "district")
    if keys is None:
        return DISTRICTS
    draft_of(context)["districts"] = list(keys)
    await say(update, context, _('Only some industries? Type them (e.g. 金融、教育), or "any".'))
    return INDUSTRIES


async def got_industries(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    keys = await _typed_options(update, context, "industry")
    if keys is None:
        return INDUSTRIES
    draft_of(context)["industries"] = list(keys)
    start = datetime.fromisoformat(draft_of(context)["starts_at"])
    await say(
        update,
        context,
        _(
            "Sign-up closes when? Type a date and time before the start, "
            'or "any" for one day before ({example}).',
            example=local(start - timedelta(days=1), context),
        ),
    )
    return DEADLINE
