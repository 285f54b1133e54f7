"""Notices: what a state change tells someone, written in the same transaction as the change.

A notice is a row of the scheduled work (``scheduled_tasks``, kind ``notice``) with a key that
makes it once-only: it exists if and only if what it announces was committed, and the notice
sender (``bot.delivery.notices``) delivers it — with retries, in order per recipient, and at most
once more when Telegram's answer was lost. So a crash at any point leaves nobody untold, and a
retry of the change tells nobody twice.

The notice holds catalog msgids and values, not finished text: it is worded in the recipient's
language when it is sent. A value written as ``translated(msgid)`` is translated too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.i18n import Translator
from storage import tasks, units

KIND = "notice"
# Notices written before they were called so (one message, at most one button).
LEGACY_KIND = "notify_member"
# Every kind of task that carries a notice's words.
KINDS = (KIND, LEGACY_KIND)
# A line that stands for what the notice's renderer writes (a profile card), in its place.
RENDERED = "@rendered"


@dataclass(frozen=True)
class Line:
    """One line of a notice: a catalog msgid and its values."""

    message: str
    values: Mapping[str, Any] = field(default_factory=dict)


def line(message: str, **values: Any) -> Line:
    return Line(message, values)


def translated(message: str) -> dict[str, str]:
    """A value that is itself a msgid, worded in the recipient's language."""
    return {"msgid": message}


def render_values(values: Mapping[str, Any], _: Translator) -> dict[str, Any]:
    return {
        key: _(value["msgid"]) if isinstance(value, dict) and "msgid" in value else value
        for key, value in values.items()
    }


def wording(payload: Mapping[str, Any], _: Translator, rendered: str = "") -> str:
    """A stored notice's text in one language; ``rendered`` stands where its renderer writes
    (a profile card)."""
    return "\n".join(
        rendered if message == RENDERED else _(message, **render_values(values, _))
        for message, values in payload.get("lines", ())
    )


@dataclass(frozen=True)
class Button:
    """An inline button: its label (a msgid, with values) and its encoded callback data."""

    label: str
    data: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    """A notice to Telegram user ``to``. Its key makes it once-only: writing it again changes
    a notice not yet sent and never repeats a sent one.

    ``ask_contact`` puts Telegram's share-my-contact button under it; ``render`` names a
    renderer of the notice sender that adds to the text (a profile card) from ``data``.
    ``contact`` (phone_number, first_name) is sent as a contact card before the text;
    ``photo`` (a Telegram file id) is sent with the text as its caption; ``sticker`` (a file
    id) is sent before the text.
    ``member_id``: the member the notice is about, whose data erasure removes it.
    ``due_at``: when to send it (default: at once)."""

    to: int
    lines: Sequence[Line]
    key: str
    buttons: Sequence[Sequence[Button]] = ()
    ask_contact: bool = False
    member_id: int | None = None
    due_at: datetime | None = None
    expires_at: datetime | None = None
    render: str | None = None
    data: Mapping[str, Any] | None = None
    contact: Mapping[str, str] | None = None
    photo: str | None = None
    sticker: str | None = None

    def as_task(self, now: datetime) -> tasks.NewTask:
        payload: dict[str, Any] = {
            "to": self.to,
            "lines": [[item.message, dict(item.values)] for item in self.lines],
        }
        if self.buttons:
            payload["buttons"] = [
                [[button.label, button.data, dict(button.values)] for button in row]
                for row in self.buttons
            ]
        if self.ask_contact:
            payload["ask_contact"] = True
        if self.render is not None:
            payload["render"] = self.render
            payload["data"] = dict(self.data or {})
        if self.contact is not None:
            payload["contact"] = dict(self.contact)
        if self.photo is not None:
            payload["photo"] = self.photo
        if self.sticker is not None:
            payload["sticker"] = self.sticker
        return tasks.NewTask(
            KIND, payload, self.key, self.due_at or now, self.expires_at, self.member_id
        )


async def put(session: AsyncSession, *, now: datetime, **notice: Any) -> None:
    """Write ``Notice(**notice)`` in the caller's transaction."""
    await put_all(session, [Notice(**notice)], now)


async def to_organisers(
    session: AsyncSession,
    unit_id: int,
    now: datetime,
    lines: Sequence[Line],
    key: str,
    *,
    excluding: Collection[int] = (),
    member_id: int | None = None,
) -> None:
    """The same notice to each organiser closest above (or at) the unit, once each (``key``
    and their id), passing over those ``excluding`` (storage.units.organisers_for)."""
    found = await units.organisers_for(session, unit_id, excluding)
    await put_all(
        session,
        [Notice(to=o, lines=lines, key=f"{key}:{o}", member_id=member_id) for o in found],
        now,
    )


async def put_all(session: AsyncSession, notices: Sequence[Notice], now: datetime) -> None:
    """Write these notices in the caller's transaction, in bulk (an event's thousands of
    attendees told at once)."""
    await tasks.put_all(session, [notice.as_task(now) for notice in notices], now)


async def withdraw(session: AsyncSession, key: str) -> bool:
    """Cancel a notice not yet sent (a reminder of an event the member left)."""
    return await withdraw_all(session, [key]) > 0


async def withdraw_all(session: AsyncSession, keys: Sequence[str]) -> int:
    """Cancel the notices of these keys not yet sent, those being sent too (a backlog of
    reminders claimed when the event was cancelled: the sender looks again just before it
    sends, and a crash cannot put them back); how many there were."""
    return await tasks.cancel_all(session, keys, claimed=True)
