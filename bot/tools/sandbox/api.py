"""An in-process Telegram Bot API: a ``BaseRequest`` that answers PTB's calls from memory.

It keeps every chat's history (both sides) so simulated members can read what 会会 sent and press
its buttons. Nothing touches the network. It is as strict as Telegram: every call is checked
against the Bot API's rules (``bot.tools.sandbox.rules``) and a call Telegram would refuse is
refused with Telegram's status and words, and recorded in ``refusals`` so that a test can insist
there were none. Errors Telegram would send can be injected per chat, and outgoing calls for a chat
can be held at a gate to observe concurrency.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.domain.clock import Clock
from bot.tools.sandbox import rules
from bot.tools.sandbox.chats import (
    BOT_USER,
    EVENTS,
    TELEGRAM_ERRORS,
    ChatEntry,
    Refusal,
    error,
    message_json,
    ok,
)
from bot.tools.sandbox.rules import Refused, bad_request, decode

# Telegram's file ids (and unique ids) are the same file's wherever they are seen: the bot may
# keep what it read of a file by its unique id (conversations.photos). One count for every
# sandbox of the process, so two sandboxes' files never share an id.
_FILE_IDS = itertools.count(1)


@dataclass
class _Gate:
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class _Injected:
    error: str
    remaining: int | None
    retry_after: int = 1


class FakeBotAPI(BaseRequest):
    # Every sandbox Telegram alive, so a test suite can check each one kept to the rules.
    live: ClassVar[weakref.WeakSet[FakeBotAPI]] = weakref.WeakSet()

    def __init__(self, clock: Clock, latency: float = 0.0) -> None:
        FakeBotAPI.live.add(self)
        self.clock = clock
        self.latency = latency
        self.chats: dict[int, list[ChatEntry]] = defaultdict(list)
        self.calls: Counter[str] = Counter()
        # Published command menus by (scope as JSON, language code).
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] = {}
        # setChatMenuButton: chat id (0: the default for all chats) → the button.
        self.menu_buttons: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self.files: dict[str, tuple[str, bytes]] = {}
        self._injected: dict[int, _Injected] = {}
        self._gates: dict[int, _Gate] = {}
        # Every call refused for breaking Telegram's rules, in order.
        self.refusals: list[Refusal] = []
        # Callback queries pressed and not yet answered (each may be answered once).
        self._open_queries: set[str] = set()
        # Called with the method's name before each call is handled (a test's crash injector).
        self.before_call: Callable[[str], None] | None = None
        # (monotonic time, chat id) of every request about a chat, failed or not: what
        # Telegram's rate limits count. Off unless a benchmark asks for it.
        self.request_log: list[tuple[float, int]] | None = None

    # BaseRequest
    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.latency:
            await asyncio.sleep(self.latency)
        if "/file/bot" in url:
            stored = self.files.get(url.rsplit("/", 1)[-1])
            return (200, stored[1]) if stored else error(404, "Not Found")
        api_method = url.rsplit("/", 1)[-1]
        parameters = dict(request_data.parameters) if request_data else {}
        uploads = (
            request_data.multipart_data if request_data and request_data.contains_files else {}
        )
        if self.before_call is not None:
            self.before_call(api_method)
        self.calls[api_method] += 1
        chat_id = _int_or_none(parameters.get("chat_id"))
        if chat_id is not None:
            if self.request_log is not None:
                self.request_log.append((time.monotonic(), chat_id))
            if (gate := self._gates.get(chat_id)) is not None:
                gate.reached.set()
                await gate.released.wait()
            injected = self._injected.get(chat_id)
            if injected is not None and injected.error == "answer_lost":
                self._take_injected(chat_id)
                handler = getattr(self, "_" + _snake(api_method), None)
                if handler is not None:
                    handler(parameters, uploads)
                raise TimedOut("sandbox: the answer was lost")
            if (failure := self._take_injected(chat_id)) is not None:
                return failure
        handler = getattr(self, "_" + _snake(api_method), None)
        if handler is None:
            return error(400, f"Bad Request: method {api_method} is not simulated by the sandbox")
        try:
            return ok(handler(parameters, uploads))
        except Refused as refused:
            self.refusals.append(Refusal(api_method, refused.status, refused.description))
            return error(refused.status, refused.description)

    # Test controls
    def inject_error(
        self, chat_id: int, error: str, *, times: int | None = None, retry_after: int = 1
    ) -> None:
        """Make calls for a chat fail as Telegram would: ``blocked``, ``deactivated``,
        ``chat_not_found``, ``retry_after``, ``network`` or ``timeout``; ``answer_lost``: the
        call takes effect but its answer never comes (a timeout after the request left);
        ``times=None`` = always."""
        if error not in {*TELEGRAM_ERRORS, "retry_after", "network", "timeout", "answer_lost"}:
            raise ValueError(f"unknown error {error!r}")
        self._injected[chat_id] = _Injected(error, times, retry_after)

    def clear_error(self, chat_id: int) -> None:
        """Calls for the chat succeed again (e.g. the member unblocked the bot)."""
        self._injected.pop(chat_id, None)

    def hold(self, chat_id: int) -> _Gate:
        """Hold every outgoing call for a chat until ``release(chat_id)``."""
        gate = self._gates[chat_id] = _Gate()
        return gate

    def release(self, chat_id: int) -> None:
        if (gate := self._gates.pop(chat_id, None)) is not None:
            gate.released.set()

    def take_refusals(self) -> list[Refusal]:
        """The refusals so far, forgotten by the sandbox (for tests that provoke them)."""
        taken, self.refusals = self.refusals, []
        return taken

    def unanswered_queries(self) -> set[str]:
        """Button presses the bot never answered (the member's button keeps spinning)."""
        return set(self._open_queries)

    # Used by simulated members
    def open_query(self, query_id: str) -> None:
        self._open_queries.add(query_id)

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids[chat_id])

    def store_file(self, name: str, content: bytes) -> str:
        file_id = f"sandbox-file-{next(_FILE_IDS)}"
        self.files[file_id] = (name, content)
        return file_id

    # Simulated methods
    def _get_me(self, _p: dict[str, Any], _u: Any) -> dict[str, Any]:
        return BOT_USER

    def menu(self, scope: dict[str, Any] | None = None, language_code: str = "") -> dict[str, str]:
        """The command menu published for a scope and language: command → description."""
        key = _commands_key({"scope": scope, "language_code": language_code})
        return {c["command"]: c["description"] for c in self.commands.get(key, [])}

    def _set_my_commands(self, p: dict[str, Any], _u: Any) -> bool:
        self.commands[_commands_key(p)] = rules.check_commands(p.get("commands"))
        return True

    def _get_my_commands(self, p: dict[str, Any], _u: Any) -> list[dict[str, Any]]:
        return self.commands.get(_commands_key(p), [])

    def _delete_my_commands(self, p: dict[str, Any], _u: Any) -> bool:
        self.commands.pop(_commands_key(p), None)
        return True

    def _set_chat_menu_button(self, p: dict[str, Any], _u: Any) -> bool:
        button = rules.check_menu_button(p.get("menu_button"))
        self.menu_buttons[int(p["chat_id"]) if "chat_id" in p else 0] = button
        return True

    def _set_webhook(self, p: dict[str, Any], _u: Any) -> bool:
        self.webhook = dict(p)
        return True

    def _delete_webhook(self, _p: dict[str, Any], _u: Any) -> bool:
        self.webhook = {}
        return True

    def _get_webhook_info(self, _p: dict[str, Any], _u: Any) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _get_updates(self, _p: dict[str, Any], _u: Any) -> list[Any]:
        return []

    def _send_chat_action(self, _p: dict[str, Any], _u: Any) -> bool:
        return True

    def _send_message(self, p: dict[str, Any], _u: Any) -> dict[str, Any]:
        rules.check_message_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        entry = self._bot_entry(p, "text", text=p["text"], entities=decode(p.get("entities")))
        return self.message_json(p["chat_id"], entry)

    def _send_photo(self, p: dict[str, Any], uploads: Any) -> dict[str, Any]:
        rules.check_caption(p.get("caption"), p.get("parse_mode"), p.get("caption_entities"))
        file_id = self._file_param("photo", p, uploads, "photo.jpg")
        entry = self._bot_entry(
            p,
            "photo",
            text=p.get("caption"),
            file_id=file_id,
            entities=decode(p.get("caption_entities")),
        )
        return self.message_json(p["chat_id"], entry)

    def _send_sticker(self, p: dict[str, Any], uploads: Any) -> dict[str, Any]:
        """sendSticker: "Sticker to send. Pass a file_id as String to send a file that exists
        on the Telegram servers"; a sticker has no caption."""
        file_id = self._file_param("sticker", p, uploads, "sticker.webp")
        entry = self._bot_entry(p, "sticker", file_id=file_id)
        return self.message_json(p["chat_id"], entry)

    def _send_document(self, p: dict[str, Any], uploads: Any) -> dict[str, Any]:
        rules.check_caption(p.get("caption"), p.get("parse_mode"), p.get("caption_entities"))
        file_id = self._file_param("document", p, uploads, "document")
        entry = self._bot_entry(
            p, "document", text=p.get("caption"), file_id=file_id, file_name=self.files[file_id][0]
        )
        return self.message_json(p["chat_id"], entry)

    def _send_contact(self, p: dict[str, Any], _u: Any) -> dict[str, Any]:
        entry = self._bot_entry(p, "contact", text=f"{p['first_name']} {p['phone_number']}")
        message = self.message_json(p["chat_id"], entry)
        message["contact"] = {"phone_number": p["phone_number"], "first_name": p["first_name"]}
        return message

    def _edit_message_text(self, p: dict[str, Any], _u: Any) -> dict[str, Any]:
        entry = self._editable(p)
        if entry.kind != "text":
            raise bad_request("there is no text in the message to edit")
        rules.check_message_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        return self._edit(p, entry, p["text"], decode(p.get("entities")))

    def _edit_message_caption(self, p: dict[str, Any], _u: Any) -> dict[str, Any]:
        entry = self._editable(p)
        if entry.kind not in ("photo", "document"):
            raise bad_request("there is no caption in the message to edit")
        rules.check_caption(p.get("caption"), p.get("parse_mode"), p.get("caption_entities"))
        return self._edit(p, entry, p.get("caption"), decode(p.get("caption_entities")))

    def _edit_message_reply_markup(self, p: dict[str, Any], _u: Any) -> dict[str, Any]:
        entry = self._editable(p)
        return self._edit(p, entry, entry.text, entry.entities)

    def _delete_message(self, p: dict[str, Any], _u: Any) -> bool:
        entry = self._find(p)
        if entry is None:
            raise bad_request("message to delete not found")
        entry.deleted = True
        return True

    def _answer_callback_query(self, p: dict[str, Any], _u: Any) -> bool:
        # answerCallbackQuery: each query is answered once; an unknown or already answered
        # query id is refused.
        query_id = str(p.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        rules.check_callback_answer(p.get("text"))
        self._open_queries.discard(query_id)
        if p.get("text"):
            chat_id = int(query_id.split(":")[0])
            self.chats[chat_id].append(ChatEntry(0, True, "alert", text=p["text"]))
        return True

    def _get_file(self, p: dict[str, Any], _u: Any) -> dict[str, Any]:
        if p.get("file_id") not in self.files:
            raise bad_request("invalid file_id")
        name, content = self.files[p["file_id"]]
        rules.check_download(len(content))
        return {
            "file_id": p["file_id"],
            "file_unique_id": p["file_id"],
            "file_size": len(content),
            "file_path": p["file_id"],
        }

    # Helpers
    def _bot_entry(self, p: dict[str, Any], kind: str, **fields: Any) -> ChatEntry:
        chat_id = int(p["chat_id"])
        # Private chats have positive ids, groups negative ones.
        markup = rules.check_reply_markup(p.get("reply_markup"), private_chat=chat_id > 0)
        entry = ChatEntry(
            message_id=self.next_message_id(chat_id),
            from_bot=True,
            kind=kind,
            inline_keyboard=markup.get("inline_keyboard"),
            reply_keyboard=markup if "keyboard" in markup else None,
            removes_keyboard=bool(markup.get("remove_keyboard")),
            **fields,
        )
        self.chats[chat_id].append(entry)
        return entry

    def _edit(
        self, p: dict[str, Any], entry: ChatEntry, text: str | None, entities: Any
    ) -> dict[str, Any]:
        """Change a message in place and note the change, in order, in the chat's history."""
        chat_id = int(p["chat_id"])
        markup = rules.check_reply_markup(p.get("reply_markup"), private_chat=chat_id > 0)
        keyboard = markup.get("inline_keyboard")
        # Editing: an edit that changes neither the text, its entities nor the reply markup is
        # refused with "message is not modified".
        if (
            (text or "").strip() == (entry.text or "").strip()
            and (entities or []) == (entry.entities or [])
            and (keyboard or None) == (entry.inline_keyboard or None)
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        kind = "edit" if text != entry.text else "rekey"
        entry.text, entry.entities, entry.edited = text, entities, True
        entry.inline_keyboard = keyboard
        self.chats[chat_id].append(
            ChatEntry(
                entry.message_id, True, kind, text=text, inline_keyboard=entry.inline_keyboard
            )
        )
        return self.message_json(chat_id, entry)

    def _find(self, p: dict[str, Any]) -> ChatEntry | None:
        chat_id, message_id = int(p["chat_id"]), int(p["message_id"])
        for entry in self.chats[chat_id]:
            if entry.message_id == message_id and entry.kind not in EVENTS and not entry.deleted:
                return entry
        return None

    def _editable(self, p: dict[str, Any]) -> ChatEntry:
        """The message an edit names: it must exist, and only the bot's own can be edited."""
        entry = self._find(p)
        if entry is None:
            raise bad_request("message to edit not found")
        if not entry.from_bot:
            raise bad_request("message can't be edited")
        return entry

    def _file_param(
        self, field: str, p: dict[str, Any], uploads: dict[str, Any], default_name: str
    ) -> str:
        """A file sent as an upload (in the multipart body) or by the id of a known file."""
        value = p.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            field, value = value.removeprefix("attach://"), None
        if value is None and field in uploads:
            name, content, *_ = uploads[field]
            rules.check_upload(field, len(content))
            return self.store_file(name or default_name, content)
        if isinstance(value, str) and value in self.files:
            return value
        # Sending files: "Pass a file_id as String to send a file that exists on the Telegram
        # servers"; any other string is taken for a URL.
        raise bad_request("wrong file identifier/HTTP URL specified")

    def message_json(self, chat_id: Any, entry: ChatEntry) -> dict[str, Any]:
        """A message as the Bot API describes it (also inside a callback query)."""
        return message_json(chat_id, entry, int(self.clock.now().timestamp()))

    def _take_injected(self, chat_id: int) -> tuple[int, bytes] | None:
        injected = self._injected.get(chat_id)
        if injected is None:
            return None
        if injected.remaining is not None:
            injected.remaining -= 1
            if injected.remaining <= 0:
                del self._injected[chat_id]
        if injected.error == "answer_lost":
            return None  # the caller lets the call take effect, then loses its answer
        if injected.error == "network":
            raise NetworkError("sandbox: connection reset")
        if injected.error == "timeout":
            raise TimedOut("sandbox: timed out")
        if injected.error == "retry_after":
            return error(
                429,
                f"Too Many Requests: retry after {injected.retry_after}",
                {"retry_after": injected.retry_after},
            )
        return error(*TELEGRAM_ERRORS[injected.error])


def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


def _snake(method: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in method)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
