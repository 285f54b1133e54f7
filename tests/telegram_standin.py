"""A stand-in for the Bot API over real HTTP, for tests that start ``huihui`` as a process.

Each process is pointed at its own prefix (``HUIHUI_BOT_API_URL=http://127.0.0.1:PORT/<name>``),
so what Telegram received can be told apart by sender. It answers what the bot asks at start,
long-polls ``getUpdates`` (returning updates the test queued: messages, documents, button
presses), serves files through ``getFile``, and records every message sent or edited. Like
Telegram it forgets an update once a ``getUpdates`` asks for a higher offset (so a process that
takes over never sees what its predecessor had already fetched), and answers a second
``getUpdates`` running at the same time with 409 Conflict — which a test counts as two
processes polling one token.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:STANDIN-token-not-real"
BOT = {
    "id": 123456,
    "is_bot": True,
    "first_name": "会会",
    "username": "huihui_standin_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
LATENCY = 0.02  # seconds each sendMessage takes, as over the Internet
LONG_POLL = 0.5  # seconds an empty getUpdates waits


@dataclass(frozen=True)
class Sent:
    sender: str
    chat_id: int
    text: str
    at: float
    message_id: int = 0
    # (label, callback_data) of each inline button, row by row.
    buttons: tuple[tuple[str, str], ...] = ()
    edited: bool = False


@dataclass
class StandIn:
    url: str
    sent: list[Sent] = field(default_factory=list)
    # (sender, time) of each getUpdates answered.
    polls: list[tuple[str, float]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _files: dict[str, Path] = field(default_factory=dict)
    _polling: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def base(self, sender: str) -> str:
        return f"{self.url}/{sender}"

    def queue_message(self, user_id: int, text: str) -> None:
        """A member writes to the bot (delivered by the next getUpdates)."""
        self._queue(user_id, {"text": text, "entities": _command(text)})

    def queue_document(self, user_id: int, path: Path) -> None:
        """A person sends a file; the bot fetches it with getFile and a download."""
        with self._lock:
            file_id = f"document-{len(self._files) + 1}"
            self._files[file_id] = path
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": path.name,
            "file_size": path.stat().st_size,
        }
        self._queue(user_id, {"document": document})

    def queue_press(self, user_id: int, sent: Sent, label: str) -> None:
        """A person presses the button ``label`` under a message the bot sent them."""
        data = dict(sent.buttons)[label]
        with self._lock:
            update_id = next(self._ids)
            self._updates.append(
                {
                    "update_id": update_id,
                    "callback_query": {
                        "id": str(update_id),
                        "from": _person(user_id),
                        "chat_instance": str(user_id),
                        "data": data,
                        "message": {
                            "message_id": sent.message_id,
                            "date": int(time.time()),
                            "chat": _chat(user_id),
                            "from": BOT,
                            "text": sent.text,
                        },
                    },
                }
            )

    def _queue(self, user_id: int, content: dict[str, Any]) -> None:
        with self._lock:
            update_id = next(self._ids)
            message = {
                "message_id": update_id,
                "date": int(time.time()),
                "chat": _chat(user_id),
                "from": _person(user_id),
            }
            self._updates.append({"update_id": update_id, "message": {**message, **content}})

    def file(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].read_bytes()

    def with_button(self, chat_id: int, label: str) -> Sent | None:
        """The latest message to this chat with a button labelled ``label``."""
        with self._lock:
            for sent in reversed(self.sent):
                if sent.chat_id == chat_id and label in dict(sent.buttons):
                    return sent
        return None

    def texts_to(self, chat_id: int) -> list[str]:
        with self._lock:
            return [sent.text for sent in self.sent if sent.chat_id == chat_id]

    def senders_of(self, wanted: Callable[[Sent], bool]) -> set[str]:
        with self._lock:
            return {sent.sender for sent in self.sent if wanted(sent)}

    def first_poll_by(self, sender: str) -> float | None:
        with self._lock:
            return next((at for who, at in self.polls if who == sender), None)

    # The server side.

    def answer(self, sender: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        method = method.lower()
        if method == "getme":
            return 200, BOT
        if method == "getupdates":
            return self._get_updates(sender, params)
        if method in ("sendmessage", "editmessagetext"):
            time.sleep(LATENCY)
            edited = method == "editmessagetext"
            with self._lock:
                message_id = int(params["message_id"]) if edited else next(self._ids)
                sent = Sent(
                    sender,
                    int(params["chat_id"]),
                    str(params["text"]),
                    time.monotonic(),
                    message_id,
                    _buttons(params.get("reply_markup")),
                    edited,
                )
                self.sent.append(sent)
            return 200, {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": _chat(sent.chat_id),
                "text": sent.text,
            }
        if method == "getfile":
            file_id = str(params["file_id"])
            return 200, {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.file(file_id)),
                "file_path": f"documents/{file_id}",
            }
        return 200, True  # setMyCommands, deleteWebhook, answerCallbackQuery, …

    def _get_updates(self, sender: str, params: dict[str, Any]) -> tuple[int, Any]:
        offset = int(params.get("offset") or 0)
        with self._lock:
            others = [who for who, count in self._polling.items() if count and who != sender]
            if others:
                self.conflicts.append(f"{sender} polled while {others[0]} did")
                return 409, "Conflict: terminated by other getUpdates request"
            self._polling[sender] = self._polling.get(sender, 0) + 1
            self.polls.append((sender, time.monotonic()))
            # Asking for a higher offset confirms the updates below it: Telegram forgets them.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        try:
            deadline = time.monotonic() + LONG_POLL
            while True:
                with self._lock:
                    ready = [u for u in self._updates if u["update_id"] >= offset]
                if ready or time.monotonic() >= deadline:
                    return 200, ready
                time.sleep(0.02)
        finally:
            with self._lock:
                self._polling[sender] -= 1


def _chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": "会员"}


def _person(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "会员"}


def _buttons(markup: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = (markup or {}).get("inline_keyboard", [])
    return tuple((b["text"], b.get("callback_data", "")) for row in rows for b in row)


def _command(text: str) -> list[dict[str, Any]]:
    """A command is marked as such, as Telegram does."""
    if not text.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]


def _params(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    kind = handler.headers.get("Content-Type", "")
    if "json" in kind:
        return json.loads(body or b"{}")
    return dict(parse_qsl(body.decode()))


@contextmanager
def telegram_standin(port: int = 0) -> Iterator[StandIn]:
    holder: dict[str, StandIn] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            # /<sender>/file/bot<token>/documents/<file_id>: a download after getFile
            body = holder["api"].file(self.path.rsplit("/", 1)[-1])
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            # /<sender>/bot<token>/<method>
            parts = self.path.strip("/").split("/")
            sender, method = parts[0], parts[-1]
            status, result = holder["api"].answer(sender, method, _params(self))
            body = json.dumps(
                {"ok": True, "result": result}
                if status == 200
                else {"ok": False, "error_code": status, "description": result}
            ).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the process asking was killed

        def log_message(self, *_args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    holder["api"] = StandIn(f"http://127.0.0.1:{server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield holder["api"]
    finally:
        server.shutdown()
        server.server_close()


class Huihui:
    """``huihui run`` as a process of its own, its log in a file."""

    def __init__(self, name: str, folder: Path, **env: str) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        clean = {k: v for k, v in os.environ.items() if not k.startswith("HUIHUI_")}
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=folder,
            env={**clean, "PYTHONPATH": str(ROOT), "HUIHUI_BOT_TOKEN": TOKEN, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_for(self, wanted: str, timeout: float = 30) -> float:
        """Wait until the log says ``wanted``; returns when (monotonic)."""
        deadline = time.monotonic() + timeout
        while wanted not in self.log():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited ({self.process.returncode}):\n{self.log()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} never said {wanted!r}:\n{self.log()}")
            time.sleep(0.05)
        return time.monotonic()

    def kill(self) -> float:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        return time.monotonic()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()


if __name__ == "__main__":
    # For `make image-test`: a stand-in on a given port until killed.
    with telegram_standin(int(sys.argv[1])) as api:
        print(f"Bot API stand-in on {api.url}", flush=True)
        threading.Event().wait()
