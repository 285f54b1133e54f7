"""Export sections about events and messages: registrations, mutual choices, announcements received,
messages waiting, organiser actions, events organised and broadcasts written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from bot.common.i18n import N_
from bot.domain.broadcasts import DeliveryStatus
from bot.services import notices
from bot.services.members.export.exporter import Exporter
from storage.models import (
    AuditEntry,
    Broadcast,
    BroadcastDelivery,
    Event,
    EventChoice,
    Registration,
    ScheduledTask,
    TaskStatus,
)

# How an announcement of the union reached her.
DELIVERY_STATUSES = {
    DeliveryStatus.PENDING: N_("waiting to be sent"),
    DeliveryStatus.SENDING: N_("being sent"),
    DeliveryStatus.SENT: N_("sent"),
    DeliveryStatus.FAILED: N_("could not be sent"),
    DeliveryStatus.UNREACHABLE: N_("could not reach you (the bot was blocked)"),
    DeliveryStatus.UNCERTAIN: N_("may have arrived (Telegram did not answer)"),
    DeliveryStatus.CANCELLED: N_("cancelled before it reached you"),
}


async def registrations(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.execute(
        select(Registration, Event.title)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.member_id == x.member.id)
        .order_by(Registration.id)
    )
    statuses = {
        "registered": _("signed up"),
        "waitlisted": _("on the waitlist"),
        "cancelled": _("withdrew"),
    }
    return [
        {
            _("event"): title,
            _("status"): statuses.get(r.status.value, r.status.value),
            _("badge"): r.badge,
            _("signed up"): x.time(r.registered_at),
            _("checked in"): x.time(r.checked_in_at),
            _("group"): r.group_no,
        }
        for r, title in rows.all()
    ]


async def choices(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.execute(
        select(EventChoice, Event.title)
        .join(Event, Event.id == EventChoice.event_id)
        .where(EventChoice.chooser_id == x.member.id)
    )
    return [
        {_("event"): title, _("you picked"): await x.nickname(c.chosen_id)}
        for c, title in rows.all()
    ]


async def deliveries(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.execute(
        select(BroadcastDelivery, Broadcast.text)
        .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
        .where(BroadcastDelivery.member_id == x.member.id)
        .order_by(BroadcastDelivery.id)
    )
    return [
        {
            _("announcement"): text[:80],
            _("status"): x.word(DELIVERY_STATUSES, d.status),
            _("time"): x.time(d.sent_at),
        }
        for d, text in rows.all()
    ]


async def waiting(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(
        select(ScheduledTask).where(
            ScheduledTask.member_id == x.member.id, ScheduledTask.status == "pending"
        )
    )
    return [{_("kind"): t.kind, _("due"): x.time(t.due_at)} for t in rows]


async def notices_received(x: Exporter) -> list[dict[str, Any]]:
    """The notices 会会 sent the member, in their language, as long as their words are kept
    (``bot.services.retention``); a profile card in one stands as its title."""
    _ = x.translate
    rows = await x.session.scalars(
        select(ScheduledTask)
        .where(
            ScheduledTask.kind.in_(notices.KINDS),
            ScheduledTask.status == TaskStatus.DONE,
            ScheduledTask.payload["to"].as_integer() == x.member.telegram_id,
        )
        .order_by(ScheduledTask.finished_at, ScheduledTask.id)
    )
    card = "[" + _("profile card") + "]"
    return [
        {_("time"): x.time(t.finished_at), _("text"): notices.wording(t.payload, _, card)}
        for t in rows
    ]


async def audit(x: Exporter) -> list[dict[str, Any]]:
    _, member = x.translate, x.member
    rows = await x.session.scalars(
        select(AuditEntry).where(
            or_(
                AuditEntry.detail["member"].as_integer() == member.id,
                AuditEntry.detail["target"].as_integer() == member.telegram_id,
                AuditEntry.actor_telegram_id == member.telegram_id,
            )
        )
    )
    return [{_("action"): e.action, _("time"): x.time(e.created_at)} for e in rows]


async def events(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(select(Event).where(Event.created_by == x.member.telegram_id))
    return [{_("event"): e.title, _("starts"): x.time(e.starts_at)} for e in rows]


async def broadcasts(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(
        select(Broadcast).where(Broadcast.author_telegram_id == x.member.telegram_id)
    )
    return [{_("text"): b.text[:80], _("time"): x.time(b.send_at)} for b in rows]
