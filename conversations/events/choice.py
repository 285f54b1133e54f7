"""The mutual choice (互选) after an event, from the attendee's side: pick people to meet again,
unpick, done. Only mutual picks are ever revealed (``bot.services.events.choice``)."""

from __future__ import annotations

from telegram import Update

from bot.domain.buttons import ChoiceDone, ChoosePerson, OpenChoice, parse
from bot.services.events.results import Pick
from conversations.common import buttons, in_rows, on_press, pressed, rewrite, say
from conversations.context import ChatApplication, HuihuiContext


async def choose(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = parse(query.data)
    if isinstance(button, ChoosePerson):
        event_id = button.event
        result = await context.services.events.choice.toggle(
            update.effective_user.id, event_id, button.member
        )
        if result in (Pick.CLOSED, Pick.FULL):
            await query.answer(
                {
                    Pick.CLOSED: _("The mutual choice is closed."),
                    Pick.FULL: _("You have used all your picks; unpick someone first."),
                }[result],
                show_alert=True,
            )
            return
    else:
        event_id = pressed(update, OpenChoice).event
    options = await context.services.events.choice.options(update.effective_user.id, event_id)
    if options is None:
        await query.answer(_("The mutual choice is closed."), show_alert=True)
        return
    await query.answer()
    event, people, chosen = options
    rows = in_rows(
        [
            (
                ("✓ " if p.member_id in chosen else "") + f"{p.nickname} #{p.badge}",
                ChoosePerson(event.id, p.member_id),
            )
            for p in people
        ],
        2,
    )
    rows.append([(_("Done"), ChoiceDone(event.id))])
    text = _(
        "Pick up to {limit} people ({count} picked). Nobody sees your picks; only mutual "
        "ones are revealed when the choice closes.",
        limit=event.choice_limit,
        count=len(chosen),
    )
    if isinstance(button, ChoosePerson):
        await rewrite(update, context, text, buttons(rows))
    else:
        await say(update, context, text, buttons(rows))


async def choice_done(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    await say(update, context, _("Saved. You will hear from me if a pick is mutual."))


def register(application: ChatApplication) -> None:
    application.add_handler(on_press(choose, OpenChoice, ChoosePerson))
    application.add_handler(on_press(choice_done, ChoiceDone))
