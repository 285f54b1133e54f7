"""A member simulated in the sandbox: sends text, commands, photos, files and contacts, presses
buttons, and reads what 会会 sent (``texts()``, ``buttons()``, ``transcript()``)."""

from __future__ import annotations

import io
import itertools
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from bot.domain.clock import ManualClock
from bot.tools.sandbox.api import FakeBotAPI
from bot.tools.sandbox.chats import BOT_USERNAME, EVENTS, ChatEntry, sticker

_COMMAND = re.compile(rf"/[A-Za-z0-9_]{{1,32}}(@{BOT_USERNAME})?(?=\s|$)")


class World(Protocol):
    """What a simulated member needs of the sandbox."""

    api: FakeBotAPI
    clock: ManualClock

    async def deliver(self, update_json: dict[str, Any], *, settle: bool = True) -> None: ...


class ButtonNotFound(LookupError):
    """The member tried to press a button that is not on their screen."""


class SimulatedUser:
    """A Telegram user in a private chat with the bot."""

    def __init__(
        self,
        sandbox: World,
        *,
        user_id: int,
        first_name: str,
        language_code: str | None,
        username: str | None,
        phone: str,
    ) -> None:
        self.sandbox = sandbox
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.username = username
        self.phone = phone
        self._callback_ids = itertools.count(1)

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def log(self) -> list[ChatEntry]:
        return self.sandbox.api.chats[self.chat_id]

    def as_json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        if self.username:
            user["username"] = self.username
        return user

    # Actions
    async def send(self, text: str, entities: list[dict[str, Any]] | None = None) -> None:
        """Send text; ``entities`` are its Telegram formatting (bold, links...)."""
        message = self._message("text", text=text, entities=entities)
        message["text"] = text
        if command := _COMMAND.match(text):
            # Telegram marks a leading /command (Latin letters, digits, _) as a bot command.
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        elif entities:
            message["entities"] = entities
        await self.sandbox.deliver({"message": message})

    async def press(self, label: str) -> None:
        """Press a button of the latest bot message that has buttons (exact label, or a unique
        part of one)."""
        entry, button = self._find_button(label)
        await self._press(entry, button)

    async def press_on(self, entry: ChatEntry, label: str) -> None:
        """Press an inline button of this message (an earlier one, scrolled back to)."""
        found = [b for row in entry.inline_keyboard or [] for b in row if b["text"] == label]
        if not found:
            raise ButtonNotFound(f"button {label!r} is not on that message")
        await self._press(entry, found[0])

    async def _press(self, entry: ChatEntry, button: dict[str, Any]) -> None:
        if entry.inline_keyboard is not None:
            if "callback_data" not in button:
                raise ButtonNotFound(f"button {button['text']!r} is a link, not a callback")
            self.log.append(ChatEntry(0, False, "press", text=button["text"]))
            await self.sandbox.deliver({"callback_query": self._callback(entry, button)})
        elif button.get("request_contact"):
            await self.share_contact()
        else:
            await self.send(button["text"])

    async def double_tap(self, label: str) -> None:
        """Press an inline button twice before the screen changes, as a quick double tap does:
        the second press still shows the message as it was before the first was handled."""
        entry, button = self._find_button(label)
        if entry.inline_keyboard is None or "callback_data" not in button:
            raise ButtonNotFound(f"button {button['text']!r} is not an inline button")
        presses = [self._callback(entry, button) for _ in range(2)]
        for press in presses:
            self.log.append(ChatEntry(0, False, "press", text=button["text"]))
            await self.sandbox.deliver({"callback_query": press})

    async def forge_press(self, data: str, *, settle: bool = True) -> None:
        """Send a button press with arbitrary callback data, as a tampered client can: for
        testing that the bot re-checks rights instead of trusting its buttons. It comes from the
        latest message that has buttons, as a tampered client would send it. ``settle=False``:
        return once the press is handled, without waiting for the work it caused."""
        messages = self.bot_messages()
        with_buttons = [m for m in messages if m.inline_keyboard]
        entry = (with_buttons or messages or [ChatEntry(0, True, "text", text="")])[-1]
        await self.sandbox.deliver(
            {"callback_query": self._callback(entry, {"text": "?", "callback_data": data})},
            settle=settle,
        )

    async def share_contact(self, phone: str | None = None, user_id: int | None = None) -> None:
        """Share a contact: by default the member's own; ``phone``/``user_id`` fake another's."""
        contact = {
            "phone_number": phone or self.phone,
            "first_name": self.first_name,
            "user_id": user_id if user_id is not None else self.id,
        }
        message = self._message("contact", text=contact["phone_number"])
        message["contact"] = contact
        await self.sandbox.deliver({"message": message})

    async def send_photo(self, caption: str | None = None, content: bytes | None = None) -> None:
        """A photo, as Telegram gives it to the bot: ``content`` (a JPEG) or a tiny one, which
        the bot may download."""
        file_id = self.sandbox.api.store_file("photo.jpg", content or _TINY_JPEG)
        width, height = (800, 600)
        if content is not None:
            with Image.open(io.BytesIO(content)) as picture:
                width, height = picture.size
        message = self._message("photo", text=caption, file_id=file_id)
        message["photo"] = [
            {"file_id": file_id, "file_unique_id": file_id, "width": width, "height": height}
        ]
        if caption:
            message["caption"] = caption
        await self.sandbox.deliver({"message": message})

    async def send_sticker(self) -> None:
        file_id = self.sandbox.api.store_file("sticker.webp", b"RIFF\x00\x00\x00\x00WEBP")
        message = self._message("sticker", file_id=file_id)
        message["sticker"] = sticker(file_id)
        await self.sandbox.deliver({"message": message})

    async def send_document(self, path: str | Path, caption: str | None = None) -> None:
        path = Path(path)
        file_id = self.sandbox.api.store_file(path.name, path.read_bytes())
        message = self._message("document", text=caption, file_id=file_id, file_name=path.name)
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": path.name,
            "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            "file_size": path.stat().st_size,
        }
        if caption:
            message["caption"] = caption
        await self.sandbox.deliver({"message": message})

    # What the member sees
    def bot_messages(self) -> list[ChatEntry]:
        """Messages from the bot, in their current (possibly edited) form."""
        return [e for e in self.log if e.from_bot and not e.deleted and e.kind not in EVENTS]

    def last_text(self) -> str | None:
        """What the bot said last: its newest message, or the newest edit of an earlier one."""
        said = [
            e for e in self.log if e.from_bot and not e.deleted and e.kind not in {"alert", "rekey"}
        ]
        return said[-1].text if said else None

    def last_alert(self) -> str | None:
        """The latest pop-up the bot showed in answer to a button press."""
        alerts = [e for e in self.log if e.from_bot and e.kind == "alert"]
        return alerts[-1].text if alerts else None

    def texts(self) -> list[str]:
        """Text of every message from the bot, in order."""
        return [e.text or "" for e in self.bot_messages()]

    def buttons(self) -> list[str]:
        """Labels of the latest bot message that has buttons."""
        found = self._buttons_on_screen()
        return [button["text"] for button in _flatten(found[1])] if found else []

    def transcript(self, since: int = 0) -> str:
        """Both sides of the chat, readable; ``since`` skips the first entries of the log."""
        return "\n".join(self.lines_of(self.log[since:]))

    # Internals
    def _message(self, kind: str, **entry: Any) -> dict[str, Any]:
        message_id = self.sandbox.api.next_message_id(self.chat_id)
        self.log.append(ChatEntry(message_id, False, kind, **entry))
        return {
            "message_id": message_id,
            "date": int(self.sandbox.clock.now().timestamp()),
            "chat": {"id": self.chat_id, "type": "private", "first_name": self.first_name},
            "from": self.as_json(),
        }

    def _callback(self, entry: ChatEntry, button: dict[str, Any]) -> dict[str, Any]:
        # The message as Telegram shows it now: its current text, caption and buttons.
        message = self.sandbox.api.message_json(self.chat_id, entry)
        message["chat"] = {"id": self.chat_id, "type": "private", "first_name": self.first_name}
        query_id = f"{self.chat_id}:{next(self._callback_ids)}"
        self.sandbox.api.open_query(query_id)
        return {
            "id": query_id,
            "from": self.as_json(),
            "chat_instance": str(self.chat_id),
            "data": button["callback_data"],
            "message": message,
        }

    def _buttons_on_screen(self) -> tuple[ChatEntry, list[list[dict[str, Any]]]] | None:
        active_keyboard: ChatEntry | None = None
        for entry in self.bot_messages():
            if entry.reply_keyboard is not None:
                active_keyboard = entry
            elif entry.removes_keyboard:
                active_keyboard = None
        for entry in reversed(self.bot_messages()):
            if entry.inline_keyboard:
                return entry, entry.inline_keyboard
            if entry is active_keyboard:
                return entry, [
                    [b if isinstance(b, dict) else {"text": b} for b in row]
                    for row in entry.reply_keyboard["keyboard"]  # type: ignore[index]
                ]
        return None

    def _find_button(self, label: str) -> tuple[ChatEntry, dict[str, Any]]:
        found = self._buttons_on_screen()
        if found is None:
            raise ButtonNotFound(f"no buttons on screen (wanted {label!r})")
        entry, rows = found
        buttons = list(_flatten(rows))
        exact = [b for b in buttons if b["text"] == label]
        partial = [b for b in buttons if label in b["text"]]
        matches = exact or partial
        if len(matches) != 1:
            shown = ", ".join(repr(b["text"]) for b in buttons)
            problem = "is ambiguous" if matches else "is not on screen"
            raise ButtonNotFound(f"button {label!r} {problem}; buttons shown: {shown}")
        return entry, matches[0]

    def lines_of(self, entries: list[ChatEntry]) -> Iterator[str]:
        """These entries of the chat, readable."""
        for entry in entries:
            if entry.kind == "system":
                yield f"   ⟳ {entry.text}"
            elif entry.from_bot:
                yield from _bot_lines(entry)
            elif not entry.deleted:
                shown = {
                    "press": f"▸ pressed [{entry.text}]",
                    "contact": f"▸ shared contact {entry.text}",
                    "photo": f"▸ sent a photo {entry.text or ''}".rstrip(),
                    "sticker": "▸ sent a sticker",
                    "document": f"▸ sent {entry.file_name}",
                }.get(entry.kind, entry.text or "")
                yield _indent(f"👤 {self.first_name}: ", shown)


def _bot_lines(entry: ChatEntry) -> Iterator[str]:
    if entry.kind == "alert":
        yield f"🤖 会会 (pop-up): {entry.text}"
        return
    if entry.kind == "rekey":
        if entry.inline_keyboard:  # buttons that merely disappear are not worth a line
            yield "🤖 会会 (updates the buttons):"
            yield from _keyboard_lines(entry.inline_keyboard)
        return
    if entry.kind == "edit":
        prefix, body, keyboard = (
            "🤖 会会 (edits its message): ",
            entry.text or "",
            entry.inline_keyboard,
        )
    else:
        prefix, body = "🤖 会会: ", entry.original_text or ""
        keyboard = entry.original_keyboard or (entry.reply_keyboard or {}).get("keyboard")
        if entry.kind in {"photo", "document"}:
            label = f"{entry.kind}: {entry.file_name}" if entry.file_name else entry.kind
            body = f"[{label}] {body}".strip()
        elif entry.kind in {"contact", "sticker"}:
            body = f"[{entry.kind}] {body}".strip()
    yield _indent(prefix, body)
    yield from _keyboard_lines(keyboard or [])


def _keyboard_lines(rows: list[list[Any]]) -> Iterator[str]:
    for row in rows:
        yield "      " + "  ".join(f"[{b['text'] if isinstance(b, dict) else b}]" for b in row)


def _flatten(rows: list[list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield from row


def _indent(prefix: str, body: str) -> str:
    lines = body.splitlines() or [""]
    pad = " " * 6
    return "\n".join([prefix + lines[0], *(pad + line for line in lines[1:])])


# A valid 1×1 JPEG, so photos the bot downloads are real images.
_TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c19"
    "12130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b08"
    "0001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b51000"
    "02010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f0"
    "2433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768"
    "696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3"
    "c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fb"
    "d3ffd9"
)
