"""Organisers' events: /events (sign-ups, waitlist, check-in code, deep link, QR poster, smart
groups, cancel) and /event_edit. Every button re-checks scope in
``bot.services.events.organising``."""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from bot.common.poster import event_poster_of, poster_lines, sign_up_link
from bot.common.wording.events import local_time
from bot.common.wording.sign_in import sign_in_sheet as sign_in_sheet_of
from bot.domain.buttons import (
    CancelEvent,
    CancelEventConfirmed,
    EventGroups,
    EventGroupsSend,
    EventOverview,
    EventPoster,
    EventSheet,
)
from bot.domain.events import EventStatus, parse_capacity
from bot.domain.free_text import Invalid, in_parts, parse_id
from bot.services.events.organising import STALE
from bot.services.events.results import Change
from conversations.common import buttons, future_moment, on_press, pressed, say
from conversations.context import ChatApplication, HuihuiContext
from conversations.events import attending

ORGANISER_COMMANDS = [
    ("event_new", N_("Create an event")),
    ("events", N_("Your unions' events: sign-ups, check-in code, QR poster, groups")),
    ("event_edit", N_("Change an event's title, description, venue, start time or places")),
]
EVENT_STATUS = {EventStatus.PUBLISHED: N_("Published"), EventStatus.CANCELLED: N_("Cancelled")}
# What /event_edit changes, as organisers name it in Chinese or English.
EDIT_WORDS = {
    **{word: "title" for word in ("title", "标题", "名称", "活动名称")},
    **{word: "description" for word in ("description", "介绍", "简介", "描述", "说明", "内容")},
    **{word: "venue" for word in ("venue", "地点", "场地", "地址")},
    **{word: "start" for word in ("start", "时间", "开始时间", "开始")},
    **{word: "places" for word in ("places", "名额", "人数")},
}


def _local(moment: datetime, context: HuihuiContext) -> str:
    return local_time(moment, context.services.settings)


async def listing(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.events.organising.listing(update.effective_user.id)
    if found is None:  # a member, not an organiser: the events they may sign up for
        await attending.open_events(update, context)
        return
    if not found:
        await say(update, context, _("No events yet. Send /event_new to create one."))
        return
    rows = [
        [(f"#{e.id} {e.title} · {_local(e.starts_at, context)}", EventOverview(e.id))]
        for e in found
    ]
    await say(update, context, _("Your unions' events:"), buttons(rows))


async def overview(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event_id = pressed(update, EventOverview).event
    found = await context.services.events.organising.overview(update.effective_user.id, event_id)
    if found is None:
        await query.answer(_("Only organisers of this event's union can see it."), show_alert=True)
        return
    await query.answer()
    event, funnel = found.event, found.funnel
    text = _(
        "#{id} {title} ({status})\n{start}\nRegistered: {total} (men {men}, women {women}) · "
        "waitlist {waitlist} · checked in {checked_in}\nCheck-in code: {code}\nLink: {link}",
        id=event.id,
        title=event.title,
        status=_(EVENT_STATUS[event.status]),
        start=_local(event.starts_at, context),
        total=funnel.registered,
        men=funnel.held["male"],
        women=funnel.held["female"],
        waitlist=funnel.waitlisted,
        checked_in=funnel.checked_in,
        code=event.checkin_code,
        link=_deep_link(context, event.id),
    )
    if funnel.pairing_rate is not None:
        text += "\n" + _(
            "Mutual choice: {pairs} pair(s), pairing rate {rate}",
            pairs=funnel.pairs,
            rate=f"{funnel.pairing_rate:.0%}",
        )
    await say(
        update,
        context,
        text,
        buttons(
            [
                [
                    (_("QR poster"), EventPoster(event.id)),
                    (_("Groups of 6"), EventGroups(event.id, 6)),
                    (_("Groups of 8"), EventGroups(event.id, 8)),
                ],
                [(_("Sign-in sheet"), EventSheet(event.id))],
                *(
                    [[(_("Cancel the event"), CancelEvent(event.id))]]
                    if context.services.events.organising.cancellable(event)
                    else []
                ),
            ]
        ),
    )


async def sign_in_sheet(update: Update, context: HuihuiContext) -> None:
    """The door list as a workbook to print: title, time and venue, then by badge each
    person's verified name, employer and phone, place or waitlist, arrival, and room to sign."""
    _ = context.gettext
    query = update.callback_query
    found = await context.services.events.organising.sheet(
        update.effective_user.id, pressed(update, EventSheet).event
    )
    if found is None:
        await query.answer(_("Only organisers of this event's union can see it."), show_alert=True)
        return
    await query.answer()
    event, rows = found
    host = await context.services.administration.unit_name(event.unit_id)
    services = context.services
    made = sign_in_sheet_of(_, event, rows, host, services.settings, services.clock.now())
    data = await asyncio.to_thread(made.workbook)
    await context.bot.send_document(
        update.effective_chat.id,
        data,
        filename=f"event-{event.id}-sign-in.xlsx",
        caption=_("Sign-in sheet of “{title}”: {count} people", title=event.title, count=len(rows)),
    )


def _deep_link(context: HuihuiContext, event_id: int) -> str:
    return sign_up_link(context.bot.username, event_id)


async def poster(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event = await context.services.events.organising.managed(
        update.effective_user.id, pressed(update, EventPoster).event
    )
    if event is None:
        await query.answer(_("Only organisers of this event's union can see it."), show_alert=True)
        return
    await query.answer()
    host = await context.services.administration.unit_name(event.unit_id)
    settings = context.services.settings
    image = await asyncio.to_thread(  # drawing takes a moment: not on the event loop
        event_poster_of, event, _deep_link(context, event.id), host, settings, _
    )
    caption = "\n".join((event.title, *poster_lines(event, settings, _)))
    await context.bot.send_photo(update.effective_chat.id, image, caption=caption)


async def groups(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, EventGroups)
    event_id, size = button.event, button.size
    if size not in (6, 8):
        await query.answer(
            _("This button no longer works. Send /help to start again."), show_alert=True
        )
        return
    draft = await context.services.events.organising.groups(
        update.effective_user.id, event_id, size
    )
    if draft is None:
        await query.answer(_("Only organisers of this event's union can do that."), show_alert=True)
        return
    await query.answer()
    if not draft.groups:
        await say(
            update,
            context,
            _(
                "Groups are made from the people who have checked in, once at least two have: "
                "{count} so far. Members check in with the event's code.",
                count=draft.arrived,
            ),
        )
        return
    lines = [
        _(
            "Group {number}: {people}",
            number=number,
            people="、".join(f"{p.nickname} #{p.badge}" for p in group),
        )
        for number, group in enumerate(draft.groups, start=1)
    ]
    heading = _("Draft groups of the {count} people checked in:", count=draft.arrived)
    if draft.extra:
        heading += "\n" + _(
            "To keep apart members who may not share a group, {count} more group(s) than the "
            "size gives were made.",
            count=draft.extra,
        )
    footer = _(
        "Nobody has been told yet. Someone arrived late? Once they have checked in, press "
        "the groups button again."
    )
    parts = in_parts([heading, *lines, "", footer], MessageLimit.MAX_TEXT_LENGTH)
    for part in parts[:-1]:  # a fair's groups fill several messages
        await say(update, context, part)
    await say(
        update,
        context,
        parts[-1],
        buttons([[(_("Send each member their group"), EventGroupsSend(event_id, draft.version))]]),
    )


async def send_groups(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, EventGroupsSend)
    told = await context.services.events.organising.send_groups(
        update.effective_user.id, button.event, button.version
    )
    if told is None:
        await query.answer(_("Only organisers of this event's union can do that."), show_alert=True)
        return
    if told == STALE:
        await query.answer(
            _("These groups have been made again since: confirm the newest draft."),
            show_alert=True,
        )
        return
    await query.answer()
    await say(update, context, _("Sent: {count} members have their group.", count=told))


async def cancel_event(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event_id = pressed(update, CancelEvent).event
    if await context.services.events.organising.managed(update.effective_user.id, event_id) is None:
        await query.answer(_("Only organisers of this event's union can do that."), show_alert=True)
        return
    await query.answer()
    await say(
        update,
        context,
        _("Cancel event #{id}? Everyone registered will be told.", id=event_id),
        buttons([[(_("Yes, cancel it"), CancelEventConfirmed(event_id))]]),
    )


async def cancel_event_confirmed(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    event_id = pressed(update, CancelEventConfirmed).event
    told = await context.services.events.organising.cancel(update.effective_user.id, event_id)
    if told == Change.PAST:
        await query.answer(
            _("This event has begun, so it can no longer be cancelled."), show_alert=True
        )
        return
    if told == Change.CANCELLED:
        await query.answer(_("This event was cancelled."), show_alert=True)
        return
    if isinstance(told, Change):
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
    usage = _(
        "Usage: /event_edit ID title|description|venue NEW TEXT, /event_edit ID start "
        "2026-12-05 14:00, or /event_edit ID places 40 20 20"
    )
    parts = (update.effective_message.text or "").split(maxsplit=3)[1:]
    event_id = parse_id(parts[0]) if parts else None
    if len(parts) != 3 or event_id is None or parts[1].lower() not in EDIT_WORDS:
        await say(update, context, usage)
        return
    parts[1] = EDIT_WORDS[parts[1].lower()]
    services, actor = context.services, update.effective_user.id
    past = _("{time} has already passed. Please give a time in the future.", time=parts[2])
    if parts[1] == "start":
        moment = await future_moment(update, context, parts[2])
        if moment is None:
            return
        result = await services.events.organising.reschedule(actor, event_id, moment)
    elif parts[1] == "places":
        capacity = parse_capacity(parts[2])
        if capacity is None:
            await say(
                update,
                context,
                _(
                    "Please type a number such as 40, or 40 20 20 (total, men, women; men and "
                    'women adding up to the total), or "any".'
                ),
            )
            return
        result = await services.events.organising.set_places(actor, event_id, capacity)
    else:
        result = await services.events.organising.edit(actor, event_id, parts[1], parts[2])
    if isinstance(result, Invalid):
        await say(update, context, _(result.reason, **result.values))
        return
    await say(
        update,
        context,
        {
            Change.DONE: _("Saved."),
            Change.UNKNOWN_FIELD: usage,
            Change.PAST: past,
            Change.NOT_ALLOWED: _("Only organisers of this event's union can do that."),
            Change.CANCELLED: _("This event was cancelled."),
            Change.SIGN_UP_PASSED: _(
                "Moved to {time}, sign-up would already have closed. Change the start and the "
                "sign-up deadline together in the admin desk.",
                time=parts[2],
            ),
            Change.ANNOUNCE_LATE: _(
                "Moved to {time}, sign-up would close before members are told of the event. "
                "Change the start and the announcement time together in the admin desk.",
                time=parts[2],
            ),
        }[result],
    )


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    for command, callback in (("events", listing), ("event_edit", edit)):
        application.add_handler(CommandHandler(command, callback, filters=private))
    for callback, kind in (
        (overview, EventOverview),
        (poster, EventPoster),
        (sign_in_sheet, EventSheet),
        (groups, EventGroups),
        (send_groups, EventGroupsSend),
        (cancel_event, CancelEvent),
        (cancel_event_confirmed, CancelEventConfirmed),
    ):
        application.add_handler(on_press(callback, kind))
