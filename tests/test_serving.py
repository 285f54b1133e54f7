"""``huihui run`` as a process manager runs it: its web server answers, and SIGTERM stops it
cleanly, letting a reply in flight finish, within 10 seconds, with status 0.

The process is the real command against a stand-in for the Bot API on this machine's loopback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.test_reaching_telegram import TOKEN, free_port

ROOT = Path(__file__).resolve().parent.parent
MEMBER = 100_001
BOT = {"id": 123456, "is_bot": True, "first_name": "会会", "username": "huihui_test_bot"}


@dataclass
class StandIn:
    """A Bot API that hands out one /help and holds the bot's reply ``hold`` seconds, or
    with ``flood`` tells it to wait ``hold`` seconds before sending again (HTTP 429)."""

    url: str = ""
    hold: float = 3.0
    flood: bool = False
    reply_arrived: threading.Event = field(default_factory=threading.Event)
    reply_answered: threading.Event = field(default_factory=threading.Event)
    methods: list[str] = field(default_factory=list)
    help_sent: bool = False


@pytest.fixture
def telegram() -> Iterator[StandIn]:
    stand_in = StandIn()

    class BotAPI(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            method = self.path.rsplit("/", 1)[-1]
            stand_in.methods.append(method)
            result: object = True
            if method == "sendMessage" and stand_in.flood:
                stand_in.reply_arrived.set()
                return self._answer(
                    429,
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {stand_in.hold:.0f}",
                        "parameters": {"retry_after": int(stand_in.hold)},
                    },
                )
            if method == "getMe":
                result = BOT
            elif method == "getUpdates":
                result = self._updates()
            elif method == "sendMessage":
                stand_in.reply_arrived.set()
                time.sleep(stand_in.hold)
                result = {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": MEMBER, "type": "private"},
                    "from": BOT,
                    "text": "…",
                }
            if self._answer(200, {"ok": True, "result": result}) and method == "sendMessage":
                stand_in.reply_answered.set()

        def _answer(self, status: int, answer: dict) -> bool:
            body = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                return False  # the bot gave up on the request
            return True

        def _updates(self) -> list[dict]:
            if stand_in.help_sent:
                time.sleep(0.5)
                return []
            stand_in.help_sent = True
            member = {
                "id": MEMBER,
                "is_bot": False,
                "first_name": "小王",
                "language_code": "zh-hans",
            }
            return [
                {
                    "update_id": 1,
                    "message": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "chat": {"id": MEMBER, "type": "private"},
                        "from": member,
                        "text": "/help",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                    },
                }
            ]

        def log_message(self, *_args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), BotAPI)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield stand_in
    server.shutdown()


def start(
    tmp_path: Path, telegram: StandIn, port: int, command: str = "run", **env: str
) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUIHUI_")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", command],
        cwd=tmp_path,
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "HUIHUI_BOT_TOKEN": TOKEN,
            "HUIHUI_BOT_API_URL": telegram.url,
            "HUIHUI_HTTP_PORT": str(port),
            "HUIHUI_LOG_FORMAT": "json",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ready(port: int, process: subprocess.Popen[str], timeout: float = 90) -> httpx.Response:
    """``/readyz`` once it says 200 (the process is up and serving)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            if answer.status_code == 200:
                return answer
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"never ready: {process.communicate()[1][-3000:]}")


def stop_during_reply(process: subprocess.Popen[str], telegram: StandIn) -> tuple[float, str]:
    """SIGTERM while the reply to /help is in flight; how long the exit took, and the log."""
    assert telegram.reply_arrived.wait(60), "the bot never answered /help"
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    return time.monotonic() - signalled, err


def test_sigterm_lets_the_reply_in_flight_finish_and_exits_0(
    tmp_path: Path, telegram: StandIn
) -> None:
    port = free_port()
    process = start(tmp_path, telegram, port)
    answer = ready(port, process)
    assert answer.json() == {"role": "leader"}
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    assert "huihui_leader 1.0" in metrics

    took, log = stop_during_reply(process, telegram)
    assert process.returncode == 0, log
    assert took < 10, took
    assert telegram.reply_answered.is_set(), "the reply in flight was cut off"
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert len(lines) == len(log.splitlines()), log  # every line is a JSON object
    handled = [line for line in lines if line["logger"] == "huihui.updates"]
    assert [(h["update_id"], h["handler"], h["outcome"]) for h in handled] == [
        (1, "help_menu", "ok")
    ]
    assert handled[0]["duration"] >= telegram.hold * 0.9
    assert "Traceback" not in log and TOKEN not in log and str(MEMBER) not in log
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_a_reply_stuck_past_the_grace_is_abandoned_and_the_exit_is_still_0(
    tmp_path: Path, telegram: StandIn
) -> None:
    # Telegram's flood control: PTB's limiter waits a minute before sending the reply again.
    telegram.flood, telegram.hold = True, 60
    port = free_port()
    process = start(tmp_path, telegram, port)
    ready(port, process)
    took, log = stop_during_reply(process, telegram)
    assert process.returncode == 0, log
    # The handler's 60 s wait is abandoned: the process is gone within the 10 s a container
    # engine waits before SIGKILL (it took 10.3 s when the handlers alone had 10 s).
    assert took < 10, took
    assert "abandoned" in log and "Traceback" not in log


def test_huihui_webhook_takes_telegrams_posts_on_the_same_server(
    tmp_path: Path, telegram: StandIn
) -> None:
    telegram.help_sent = True  # nothing to poll: updates come as POSTs
    telegram.hold = 0
    port, secret = free_port(), "s3cret_" + "x" * 20
    process = start(
        tmp_path,
        telegram,
        port,
        "webhook",
        HUIHUI_WEBHOOK_URL="https://bot.example.org",
        HUIHUI_WEBHOOK_SECRET=secret,
    )
    ready(port, process)
    assert "setWebhook" in telegram.methods and "getUpdates" not in telegram.methods
    update = {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": MEMBER, "type": "private"},
            "from": {"id": MEMBER, "is_bot": False, "first_name": "小王"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    url = f"http://127.0.0.1:{port}/telegram"
    assert httpx.post(url, json=update).status_code == 403
    assert not telegram.reply_arrived.wait(1)
    accepted = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
    assert accepted.status_code == 200
    assert telegram.reply_arrived.wait(30)
    process.send_signal(signal.SIGTERM)
    try:
        _out, log = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, log
    assert secret not in log and "Traceback" not in log
