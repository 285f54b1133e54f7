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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import tasks

KIND = "notice"
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


@dataclass(frozen=True)
class Button:
    """An inline button: its label (a msgid, with values) and its encoded callback data."""

    label: str
    data: str
    values: Mapping[str, Any] = field(default_factory=dict)


async def put(
    session: AsyncSession,
    *,
    to: int,
    lines: Sequence[Line],
    now: datetime,
    key: str,
    buttons: Sequence[Sequence[Button]] = (),
    ask_contact: bool = False,
    member_id: int | None = None,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    render: str | None = None,
    data: Mapping[str, Any] | None = None,
    contact: Mapping[str, str] | None = None,
    photo: str | None = None,
    sticker: str | None = None,
) -> None:
    """Write a notice to Telegram user ``to`` in the caller's transaction. The key makes it
    once-only: writing it again changes a notice not yet sent and never repeats a sent one.

    ``ask_contact`` puts Telegram's share-my-contact button under it; ``render`` names a
    renderer of the notice sender that adds to the text (a profile card) from ``data``.
    ``contact`` (phone_number, first_name) is sent as a contact card before the text;
    ``photo`` (a Telegram file id) is sent with the text as its caption; ``sticker`` (a file
    id) is sent before the text.
    ``member_id``: the member the notice is about, whose data erasure removes it."""
    payload: dict[str, Any] = {
        "to": to,
        "lines": [[item.message, dict(item.values)] for item in lines],
    }
    if buttons:
        payload["buttons"] = [
            [[button.label, button.data, dict(button.values)] for button in row] for row in buttons
        ]
    if ask_contact:
        payload["ask_contact"] = True
    if render is not None:
        payload["render"] = render
        payload["data"] = dict(data or {})
    if contact is not None:
        payload["contact"] = dict(contact)
    if photo is not None:
        payload["photo"] = photo
    if sticker is not None:
        payload["sticker"] = sticker
    await tasks.put(
        session,
        kind=KIND,
        due_at=due_at or now,
        payload=payload,
        key=key,
        expires_at=expires_at,
        now=now,
        member_id=member_id,
    )


async def withdraw(session: AsyncSession, key: str) -> bool:
    """Cancel a notice not yet sent (a reminder of an event the member left)."""
    return await tasks.cancel(session, key)
