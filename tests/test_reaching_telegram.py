"""``huihui run`` where Telegram is hard to reach: down, behind a proxy, or refusing the token.

Each test starts the real command against servers on this machine's loopback only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token-not-real"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_huihui(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUIHUI_")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "HUIHUI_BOT_TOKEN": TOKEN,
            # Its own port: tests running side by side on the default one refused each other.
            "HUIHUI_HTTP_PORT": str(free_port()),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_until(process: subprocess.Popen[str], wanted: str, count: int, timeout: float) -> str:
    """The process's log once it printed ``wanted`` ``count`` times (then it is stopped)."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stderr is not None
    os.set_blocking(process.stderr.fileno(), False)
    while time.monotonic() < deadline and sum(wanted in line for line in lines) < count:
        line = process.stderr.readline()
        if line:
            lines.append(line)
        else:
            time.sleep(0.05)
    process.terminate()
    process.wait(timeout=10)
    return "".join(lines)


@pytest.fixture
def telegram_refusing_the_token() -> Iterator[str]:
    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def proxy_that_records() -> Iterator[tuple[str, list[str]]]:
    """An HTTP proxy that notes each request line and cannot reach anything (502)."""
    seen: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_CONNECT(self) -> None:  # noqa: N802 - the http.server API
            seen.append(self.requestline)
            self.send_response(502)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_an_unreachable_telegram_is_one_line_per_attempt_with_growing_waits(
    tmp_path: Path,
) -> None:
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    process = start_huihui(tmp_path, HUIHUI_BOT_API_URL=nobody_listens)
    log = read_until(process, "Telegram cannot be reached", count=2, timeout=30)
    attempts = [line for line in log.splitlines() if "Telegram cannot be reached" in line]
    assert len(attempts) == 2, log
    assert "trying again in 1 s" in attempts[0] and "trying again in 2 s" in attempts[1]
    assert "Traceback" not in log and TOKEN not in log


def test_a_token_telegram_refuses_exits_2_with_one_line(
    tmp_path: Path, telegram_refusing_the_token: str
) -> None:
    process = start_huihui(tmp_path, HUIHUI_BOT_API_URL=telegram_refusing_the_token)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    said = [line for line in err.splitlines() if line.startswith("huihui:")]
    assert said == ["huihui: Telegram refused HUIHUI_BOT_TOKEN — check it with @BotFather"]
    assert "Traceback" not in err and TOKEN not in err


def test_telegram_is_reached_through_the_configured_proxy(
    tmp_path: Path, proxy_that_records: tuple[str, list[str]]
) -> None:
    proxy, seen = proxy_that_records
    process = start_huihui(tmp_path, HUIHUI_PROXY=proxy)
    log = read_until(process, "Telegram cannot be reached", count=1, timeout=30)
    assert seen and seen[0].startswith("CONNECT api.telegram.org:443"), (seen, log)
    assert "Traceback" not in log


def test_a_socks5_proxy_is_accepted(tmp_path: Path) -> None:
    process = start_huihui(tmp_path, HUIHUI_PROXY=f"socks5://127.0.0.1:{free_port()}")
    log = read_until(process, "Telegram cannot be reached", count=1, timeout=30)
    assert "Telegram cannot be reached" in log and "Traceback" not in log


def test_while_telegram_cannot_be_reached_readyz_says_so_and_sigterm_stops_it(
    tmp_path: Path,
) -> None:
    port = free_port()
    process = start_huihui(
        tmp_path,
        HUIHUI_BOT_API_URL=f"http://127.0.0.1:{free_port()}",
        HUIHUI_HTTP_PORT=str(port),
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        while "Telegram cannot be reached" not in process.stderr.readline():
            assert time.monotonic() < deadline and process.poll() is None, "never tried"
        answer = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert answer.status_code == 503
        assert answer.json() == {
            "role": "starting",
            "reasons": ["Telegram cannot be reached (NetworkError)"],
        }
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.communicate()


def test_the_daily_backup_is_taken_while_telegram_cannot_be_reached(tmp_path: Path) -> None:
    """A restart during a proxy outage took no backup until Telegram answered again."""
    backups = tmp_path / "backups"
    process = start_huihui(
        tmp_path,
        HUIHUI_BOT_API_URL=f"http://127.0.0.1:{free_port()}",
        HUIHUI_BACKUP_DIR=str(backups),
    )
    try:
        deadline = time.monotonic() + 60
        while not list(backups.glob("huihui-*.sqlite")):
            assert time.monotonic() < deadline and process.poll() is None, "no backup was taken"
            time.sleep(0.1)
        log = read_until(process, "Telegram cannot be reached", count=1, timeout=30)
        assert "Telegram cannot be reached" in log  # it was still starting
    finally:
        process.kill()
        process.communicate()
