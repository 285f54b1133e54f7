"""What the sandbox's Telegram knows and says: the bot's own identity, each chat's entries as a
member's screen shows them, the calls it refused, and messages and answers in the Bot API's
JSON."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

BOT_ID = 7_000_000_001
BOT_USERNAME = "huihui_sandbox_bot"
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "会会",
    "username": BOT_USERNAME,
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# Telegram's own wording, so error mapping in the bot is exercised as in production.
TELEGRAM_ERRORS: dict[str, tuple[int, str]] = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "chat_not_found": (400, "Bad Request: chat not found"),
}


# Every entry in every chat is numbered in the order it happened (a transcript across chats
# is told in that order).
_SEQUENCE = itertools.count(1)

# Entries that record something happening to the chat rather than a message in it.
EVENTS = frozenset({"alert", "edit", "rekey", "system"})


@dataclass
class ChatEntry:
    """One message in a chat, as a member's screen would show it."""

    message_id: int
    from_bot: bool
    # text, photo, document, contact, press, alert, system; edit / rekey: a later change of an
    # earlier message's text / of its buttons only.
    kind: str
    text: str | None = None
    inline_keyboard: list[list[dict[str, Any]]] | None = None
    reply_keyboard: dict[str, Any] | None = None
    removes_keyboard: bool = False
    file_id: str | None = None
    file_name: str | None = None
    # Telegram formatting of the text (MessageEntity dicts), as sent.
    entities: list[dict[str, Any]] | None = None
    edited: bool = False
    deleted: bool = False
    # What the message looked like when it was sent, before any edit.
    original_text: str | None = None
    original_keyboard: list[list[dict[str, Any]]] | None = None
    sequence: int = field(default_factory=lambda: next(_SEQUENCE))

    def __post_init__(self) -> None:
        self.original_text = self.text
        self.original_keyboard = self.inline_keyboard


@dataclass(frozen=True)
class Refusal:
    """A call the sandbox refused, as Telegram would have."""

    method: str
    status: int
    description: str


def message_json(chat_id: Any, entry: ChatEntry, date: int) -> dict[str, Any]:
    """A message as the Bot API describes it (also inside a callback query)."""
    message: dict[str, Any] = {
        "message_id": entry.message_id,
        "date": date,
        "chat": {"id": int(chat_id), "type": "private"},
        "from": BOT_USER,
    }
    if entry.edited:
        message["edit_date"] = message["date"]
    if entry.kind == "text":
        message["text"] = entry.text
        if entry.entities:
            message["entities"] = entry.entities
    elif entry.text is not None and entry.kind != "contact":
        message["caption"] = entry.text
        if entry.entities:
            message["caption_entities"] = entry.entities
    if entry.kind == "photo":
        message["photo"] = [photo_size(entry.file_id)]
    if entry.kind == "sticker":
        message["sticker"] = sticker(entry.file_id)
    if entry.kind == "document":
        message["document"] = {
            "file_id": entry.file_id,
            "file_unique_id": entry.file_id,
            "file_name": entry.file_name,
        }
    if entry.inline_keyboard:
        message["reply_markup"] = {"inline_keyboard": entry.inline_keyboard}
    return message


def sticker(file_id: str | None) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "file_unique_id": file_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }


def photo_size(file_id: str | None) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}


def ok(result: Any) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}).encode()


def error(
    code: int, description: str, parameters: dict[str, Any] | None = None
) -> tuple[int, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, json.dumps(body).encode()
