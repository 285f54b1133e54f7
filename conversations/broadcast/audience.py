"""/broadcast, choosing the audience: union, gender, ages, districts, industries, verified
only, an event's registrants; its size, and a preview of the message as members will see it."""

from __future__ import annotations

from typing import Any

from telegram import Message, MessageEntity, Update

from bot.common.wording.broadcasts import signed
from bot.domain.audience import Audience, parse_age_range
from bot.domain.buttons import (
    AudienceAction,
    AudienceEvent,
    AudienceToggle,
    AudienceUnit,
    parse,
)
from conversations.broadcast.draft import (
    AUDIENCE,
    CONFIRM,
    TYPING,
    audience_of,
    cancel,
    draft_of,
    outside_scope,
    set_audience,
)
from conversations.common import (
    buttons,
    chosen_options,
    in_rows,
    question,
    say,
)
from conversations.context import HuihuiContext


async def show_audience(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    services = context.services
    audience = audience_of(context)
    size = await services.broadcasts.audience_size(update.effective_user.id, audience)
    if size is None:
        await outside_scope(update, context)
        return AUDIENCE
    unit = await services.administration.unit_name(audience.unit_id)
    text = _describe(audience, unit, context) + "\n" + _("→ {count} member(s)", count=size)
    tick = "✓" if audience.verified_only else "✗"
    step = AudienceAction
    await say(
        update,
        context,
        text,
        buttons(
            [
                [(_("Union"), step("unit")), (_("Gender"), step("gender"))],
                [
                    (_("Age"), step("age")),
                    (_("District"), step("district")),
                    (_("Industry"), step("industry")),
                ],
                [
                    (_("Verified only {tick}", tick=tick), step("verified")),
                    (_("Event registrants"), step("events")),
                ],
                [(_("Preview ▸"), step("preview")), (_("Cancel"), step("cancel"))],
            ]
        ),
    )
    return AUDIENCE


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
    audience = audience_of(context)
    if isinstance(button, AudienceEvent):
        # Scope is checked when the size is shown and again when the broadcast is created.
        set_audience(context, audience.with_(event_id=button.event or None))
    elif isinstance(button, AudienceUnit):
        # Scope is checked when the size is shown and again when the broadcast is created.
        set_audience(context, audience.with_(unit_id=button.unit))
    elif isinstance(button, AudienceToggle):
        _toggle(context, button.field, button.option)
        return await _show_options(update, context, button.field, edit=True)
    elif action == "cancel":
        return await cancel(update, context)
    if action == "gender":
        cycle = {None: "female", "female": "male", "male": None}
        set_audience(context, audience.with_(gender=cycle[audience.gender]))
    elif action == "verified":
        set_audience(context, audience.with_(verified_only=not audience.verified_only))
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
        draft_of(context)["asking"] = "age"
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
    chosen = getattr(audience_of(context), _FIELDS[key])
    options = question(context, key).options
    labels = [("✓ " if o.key in chosen else "") + o.text(_, _.language) for o in options]
    rows = in_rows([(label, AudienceToggle(key, i)) for i, label in enumerate(labels)], 3)  # type: ignore[arg-type]
    markup = buttons([*rows, [(_("Done"), AudienceAction("done"))]])
    if edit:
        await update.callback_query.edit_message_reply_markup(markup)
    else:
        prompt = (
            _("Choose districts (none chosen = any).")
            if key == "district"
            else _("Choose industries (none chosen = any).")
        )
        await say(update, context, prompt, markup)
    return AUDIENCE


_FIELDS = {"district": "districts", "industry": "industries"}


def _toggle(context: HuihuiContext, key: str, index: int) -> None:
    options = question(context, key).options
    if not 0 <= index < len(options):
        return
    audience = audience_of(context)
    chosen = list(getattr(audience, _FIELDS[key]))
    option = options[index].key
    chosen = [c for c in chosen if c != option] if option in chosen else [*chosen, option]
    set_audience(context, audience.with_(**{_FIELDS[key]: tuple(chosen)}))


async def typed(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    text = update.effective_message.text.strip()
    audience = audience_of(context)
    if text.lower() in ("any", "不限", "全部"):
        set_audience(context, audience.with_(age_min=None, age_max=None))
    else:
        ages = parse_age_range(text)
        if ages is None:
            await say(
                update,
                context,
                _('Please type two ages between 18 and 80, such as 25-35, or "any".'),
            )
            return TYPING
        set_audience(context, audience.with_(age_min=ages[0], age_max=ages[1]))
    draft_of(context).pop("asking", None)
    return await show_audience(update, context)


async def preview(update: Update, context: HuihuiContext) -> str:
    _ = context.gettext
    audience = audience_of(context)
    size = await context.services.broadcasts.audience_size(update.effective_user.id, audience)
    if size is None:
        await outside_scope(update, context)
        return AUDIENCE
    await say(update, context, _("This is how members will see it:"))
    unit = await context.services.administration.unit_name(audience.unit_id)
    await _send_draft(context, update.effective_chat.id, draft_of(context), unit)
    step = AudienceAction
    await say(
        update,
        context,
        _("It goes to {count} member(s).", count=size),
        buttons(
            [
                [(_("Send now"), step("now")), (_("Schedule…"), step("later"))],
                [(_("Change audience"), step("back")), (_("Cancel"), step("cancel"))],
            ]
        ),
    )
    return CONFIRM


async def _send_draft(
    context: HuihuiContext, chat_id: int, draft: dict[str, Any], unit: str
) -> Message:
    entities = [MessageEntity.de_json(e, None) for e in draft["entities"]]
    text = signed(draft["text"], unit, context.gettext)
    if draft.get("photo"):
        return await context.bot.send_photo(
            chat_id, draft["photo"], caption=text, caption_entities=entities
        )
    return await context.bot.send_message(chat_id, text, entities=entities)
