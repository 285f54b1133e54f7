"""/broadcast: an organiser composes a message (text with formatting, or a photo with a
caption), chooses its audience, sees its size and a preview, and sends it now or at a chosen
time. /broadcasts lists recent ones and cancels. Rights are checked by
``bot.services.broadcasts`` on every step that reads or sends anything; the buttons only say
what was asked for."""

from __future__ import annotations

from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.constants import MessageLimit
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common.i18n import N_
from bot.domain.audience import Audience, parse_age_range
from bot.domain.broadcasts import BroadcastStatus, DeliveryStatus
from bot.domain.buttons import (
    AudienceAction,
    AudienceEvent,
    AudienceToggle,
    AudienceUnit,
    CancelBroadcast,
    parse,
)
from bot.domain.free_text import utf16_length
from bot.domain.when import parse_when
from bot.services.broadcasts import Cancellation, Draft, Summary
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

ORGANISER_COMMANDS = [
    ("broadcast", N_("Send a message to members")),
    ("broadcasts", N_("Recent broadcasts: progress, results, cancel")),
]
COMPOSE, AUDIENCE, TYPING, CONFIRM, WHEN = "compose", "audience", "typing", "confirm", "when"
DRAFT = "broadcast"
STATUS_WORDS = {
    BroadcastStatus.SCHEDULED: N_("Scheduled"),
    BroadcastStatus.SENDING: N_("Sending"),
    BroadcastStatus.DONE: N_("Finished"),
    BroadcastStatus.CANCELLED: N_("Cancelled"),
}


def _draft(context: HuihuiContext) -> dict[str, Any]:
    return scratch(context).setdefault(DRAFT, {})


def _audience(context: HuihuiContext) -> Audience:
    return Audience.from_json(_draft(context)["audience"])


def _set_audience(context: HuihuiContext, audience: Audience) -> None:
    _draft(context)["audience"] = audience.to_json()


async def start(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    choices = await context.services.administration.unit_choices(update.effective_user.id)
    if not choices:
        await refuse(update, context)
        return ConversationHandler.END
    scratch(context)[DRAFT] = {"audience": Audience(choices[0][0]).to_json()}
    await say(update, context, _(
        "Send the message to broadcast: text (bold, italics and links are kept) or a photo "
        "with a caption. Send /cancel to stop."
    ))  # fmt: skip
    return COMPOSE


async def composed(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    message = update.effective_message
    if message.photo and utf16_length(message.caption or "") > MessageLimit.CAPTION_LENGTH:
        # Telegram Premium lets people write longer captions than a bot may send.
        await say(update, context, _(
            "A caption under a photo can have at most {maximum} characters, and this one has "
            "{length}. Please send the photo with a shorter caption, or the text on its own.",
            maximum=int(MessageLimit.CAPTION_LENGTH), length=utf16_length(message.caption or ""),
        ))  # fmt: skip
        return COMPOSE
    draft = _draft(context)
    if message.photo:
        draft["photo"] = message.photo[-1].file_id
        draft["text"] = message.caption or ""
        entities = message.caption_entities
    else:
        draft["photo"] = None
        draft["text"] = message.text
        entities = message.entities
    draft["entities"] = [e.to_dict() for e in entities or ()]
    return await show_audience(update, context)


async def not_a_message(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    await say(update, context, _("Please send text or a photo, or /cancel to stop."))
    return COMPOSE


async def show_audience(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    services = context.services
    audience = _audience(context)
    size = await services.broadcasts.audience_size(update.effective_user.id, audience)
    if size is None:
        await _outside_scope(update, context)
        return AUDIENCE
    unit = await services.administration.unit_name(audience.unit_id)
    text = _describe(audience, unit, context) + "\n" + _("→ {count} member(s)", count=size)
    tick = "✓" if audience.verified_only else "✗"
    step = AudienceAction
    await say(update, context, text, buttons([
        [(_("Union"), step("unit")), (_("Gender"), step("gender"))],
        [(_("Age"), step("age")), (_("District"), step("district")),
         (_("Industry"), step("industry"))],
        [(_("Verified only {tick}", tick=tick), step("verified")),
         (_("Event registrants"), step("events"))],
        [(_("Preview ▸"), step("preview")), (_("Cancel"), step("cancel"))],
    ]))  # fmt: skip
    return AUDIENCE


async def _outside_scope(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await say(update, context, _("You may only broadcast to members of your own unions."))


def _describe(audience: Audience, unit: str, context: HuihuiContext) -> str:
    _ = context.gettext
    everyone = _("any")
    gender = {"male": _("men"), "female": _("women")}.get(audience.gender or "", everyone)
    ages = f"{audience.age_min}–{audience.age_max}" if audience.age_min is not None else everyone

    text = _(
        "Audience: members of {unit} · gender: {gender} · age: {ages} · districts: {districts} "
        "· industries: {industries} · verified only: {verified}",
        unit=unit,
        gender=gender,
        ages=ages,
        districts=chosen_options(context, "district", audience.districts),
        industries=chosen_options(context, "industry", audience.industries),
        verified=_("yes") if audience.verified_only else _("no"),
    )
    if audience.event_id is not None:
        text += " · " + _("registered for event #{id}", id=audience.event_id)
    return text


async def audience_button(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    button = parse(query.data)
    action = button.step if isinstance(button, AudienceAction) else None
    audience = _audience(context)
    if isinstance(button, AudienceEvent):
        # Scope is checked when the size is shown and again when the broadcast is created.
        _set_audience(context, audience.with_(event_id=button.event or None))
    elif isinstance(button, AudienceUnit):
        # Scope is checked when the size is shown and again when the broadcast is created.
        _set_audience(context, audience.with_(unit_id=button.unit))
    elif isinstance(button, AudienceToggle):
        _toggle(context, button.field, button.option)
        return await _show_options(update, context, button.field, edit=True)
    elif action == "cancel":
        return await cancel(update, context)
    if action == "gender":
        cycle = {None: "female", "female": "male", "male": None}
        _set_audience(context, audience.with_(gender=cycle[audience.gender]))
    elif action == "verified":
        _set_audience(context, audience.with_(verified_only=not audience.verified_only))
    elif action == "unit":
        choices = await context.services.administration.unit_choices(update.effective_user.id)
        rows = in_rows([(name, AudienceUnit(unit_id)) for unit_id, name in choices[:30]], 2)
        await say(update, context, _("Which union's members?"), buttons(rows))
        return AUDIENCE
    elif action == "events":
        found = await context.services.events.organising.listing(update.effective_user.id) or []
        rows = [[(f"#{e.id} {e.title}", AudienceEvent(e.id))] for e in found]
        rows.append([(_("Not limited to an event"), AudienceEvent(0))])
        await say(update, context, _("Only the people registered for which event?"), buttons(rows))
        return AUDIENCE
    elif action == "age":
        _draft(context)["asking"] = "age"
        await say(update, context, _('Type an age range such as 25-35, or "any".'))
        return TYPING
    elif action in ("district", "industry"):
        return await _show_options(update, context, action)
    elif action == "preview":
        return await preview(update, context)
    return await show_audience(update, context)


async def _show_options(
    update: Update, context: HuihuiContext, key: str, *, edit: bool = False
) -> str:
    """Districts or industries as toggles; "done" goes back to the audience."""
    _ = context.gettext
    chosen = getattr(_audience(context), _FIELDS[key])
    options = question(context, key).options
    labels = [("✓ " if o.key in chosen else "") + o.text(_, _.language) for o in options]
    rows = in_rows([(label, AudienceToggle(key, i)) for i, label in enumerate(labels)], 3)  # type: ignore[arg-type]
    markup = buttons([*rows, [(_("Done"), AudienceAction("done"))]])
    if edit:
        await update.callback_query.edit_message_reply_markup(markup)
    else:
        prompt = _("Choose districts (none chosen = any).") if key == "district" else _(
            "Choose industries (none chosen = any).")  # fmt: skip
        await say(update, context, prompt, markup)
    return AUDIENCE


_FIELDS = {"district": "districts", "industry": "industries"}


def _toggle(context: HuihuiContext, key: str, index: int) -> None:
    options = question(context, key).options
    if not 0 <= index < len(options):
        return
    audience = _audience(context)
    chosen = list(getattr(audience, _FIELDS[key]))
    option = options[index].key
    chosen = [c for c in chosen if c != option] if option in chosen else [*chosen, option]
    _set_audience(context, audience.with_(**{_FIELDS[key]: tuple(chosen)}))


async def typed(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    text = update.effective_message.text.strip()
    audience = _audience(context)
    if text.lower() in ("any", "不限", "全部"):
        _set_audience(context, audience.with_(age_min=None, age_max=None))
    else:
        ages = parse_age_range(text)
        if ages is None:
            await say(update, context, _(
                "Please type two ages between 18 and 80, such as 25-35, or \"any\"."))  # fmt: skip
            return TYPING
        _set_audience(context, audience.with_(age_min=ages[0], age_max=ages[1]))
    _draft(context).pop("asking", None)
    return await show_audience(update, context)


async def preview(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    audience = _audience(context)
    size = await context.services.broadcasts.audience_size(update.effective_user.id, audience)
    if size is None:
        await _outside_scope(update, context)
        return AUDIENCE
    await say(update, context, _("This is how members will see it:"))
    await _send_draft(context, update.effective_chat.id, _draft(context))
    step = AudienceAction
    await say(update, context, _("It goes to {count} member(s).", count=size), buttons([
        [(_("Send now"), step("now")), (_("Schedule…"), step("later"))],
        [(_("Change audience"), step("back")), (_("Cancel"), step("cancel"))],
    ]))  # fmt: skip
    return CONFIRM


async def _send_draft(context: HuihuiContext, chat_id: int, draft: dict[str, Any]) -> Message:
    entities = [MessageEntity.de_json(e, None) for e in draft["entities"]]
    if draft.get("photo"):
        return await context.bot.send_photo(
            chat_id, draft["photo"], caption=draft["text"] or None, caption_entities=entities
        )
    return await context.bot.send_message(chat_id, draft["text"], entities=entities)


async def confirm_button(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    query = update.callback_query
    await query.answer()
    action = pressed(update, AudienceAction).step
    if action == "now":
        return await _create(update, context, None)
    if action == "later":
        await say(update, context, _(
            "When should it be sent? Type a date and time such as 2026-12-01 09:30 "
            "(Beijing time)."))  # fmt: skip
        return WHEN
    if action == "back":
        return await show_audience(update, context)
    return await cancel(update, context)


async def when_typed(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    services = context.services
    now = services.clock.now()
    moment = parse_when(update.effective_message.text, now, services.settings.tz)
    if moment is None or moment <= now:
        example = "2026-12-01 09:30"
        await say(
            update,
            context,
            _("Please type a future date and time such as {example}, or /cancel.", example=example),
        )
        return WHEN
    return await _create(update, context, moment)


async def _create(update: Update, context: HuihuiContext, send_at: Any) -> str | int:
    _ = context.gettext
    draft = scratch(context).pop(DRAFT, None)
    if not draft or "text" not in draft:
        await say(update, context, _("That broadcast is no longer open. Send /broadcast."))
        return ConversationHandler.END
    broadcast_id = await context.services.broadcasts.create(
        update.effective_user.id,
        Draft(draft["text"], tuple(draft["entities"]), draft.get("photo")),
        Audience.from_json(draft["audience"]),
        send_at,
    )
    if broadcast_id is None:
        await _outside_scope(update, context)
    elif send_at is None:
        await say(update, context, _("Broadcast #{id} is starting; progress follows here.",
                                     id=broadcast_id))  # fmt: skip
    else:
        local = send_at.astimezone(context.services.settings.tz)
        await say(update, context, _(
            "Broadcast #{id} is scheduled for {time}. /broadcasts lists it, with a button "
            "to cancel it.", id=broadcast_id, time=f"{local:%Y-%m-%d %H:%M}"))  # fmt: skip
    return ConversationHandler.END


async def cancel(update: Update, context: HuihuiContext) -> int:
    _ = context.gettext
    scratch(context).pop(DRAFT, None)
    await say(update, context, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END


async def listing(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.broadcasts.listing(update.effective_user.id)
    if found is None:
        await refuse(update, context)
        return
    if not found:
        await say(update, context, _("No broadcasts yet. Send /broadcast to write one."))
        return
    for broadcast in reversed(found):  # the newest last, nearest the reply box
        markup = None
        if broadcast.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
            markup = buttons([[(_("Cancel #{id}", id=broadcast.id),
                                CancelBroadcast(broadcast.id))]])  # fmt: skip
        await say(update, context, _summary(broadcast, context), markup)


def _summary(broadcast: Summary, context: HuihuiContext) -> str:
    _ = context.gettext
    tz = context.services.settings.tz
    preview = broadcast.text if len(broadcast.text) <= 60 else broadcast.text[:60] + "…"
    status = _(STATUS_WORDS[broadcast.status])
    when = f"{broadcast.send_at.astimezone(tz):%Y-%m-%d %H:%M}"
    if broadcast.status == BroadcastStatus.SCHEDULED:
        return _("#{id} · {status} · {time}\n{preview}", id=broadcast.id, status=status,
                 time=when, preview=preview)  # fmt: skip
    return _(
        "#{id} · {status} · {time}\n{preview}\nSent {sent} / {total} · failed {failed} · "
        "unreachable {unreachable}",
        id=broadcast.id,
        status=status,
        time=when,
        preview=preview,
        sent=broadcast.tally[DeliveryStatus.SENT],
        total=broadcast.total,
        failed=broadcast.tally[DeliveryStatus.FAILED],
        unreachable=broadcast.tally[DeliveryStatus.UNREACHABLE],
    )


async def cancel_sent(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    broadcast_id = pressed(update, CancelBroadcast).broadcast
    result = await context.services.broadcasts.cancel(update.effective_user.id, broadcast_id)
    if result == Cancellation.NOT_ALLOWED:
        await query.answer(_("Only organisers of this broadcast's union can cancel it."),
                           show_alert=True)  # fmt: skip
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await say(update, context, {
        Cancellation.CANCELLED: _("Broadcast #{id} is cancelled; nobody else will receive it.",
                                  id=broadcast_id),
        Cancellation.FINISHED: _("Broadcast #{id} has already finished.", id=broadcast_id),
    }[result])  # fmt: skip


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
