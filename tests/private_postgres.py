"""A PostgreSQL server of a test's own, on another port, that the test may stop and start again
(the shared server at 5432 is never touched). Removed with everything in it afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT_USER = os.geteuid() == 0


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def available() -> str | None:
    """Why a private server cannot be made here, or None when it can."""
    if _binaries() is None:
        return "PostgreSQL's server binaries are not installed"
    if ROOT_USER and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as its own user"
    return None


class PrivateServer:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *args: str) -> None:
        binaries = _binaries()
        assert binaries is not None
        command = [str(binaries / args[0]), *args[1:]]
        if ROOT_USER:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-w",
            "-l",
            str(self.folder / "log"),
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
            "start",
        )

    def stop(self) -> None:
        """As abruptly as a crash or a pulled cable: connections are cut, nothing is flushed
        politely."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")


@contextmanager
def private_postgres() -> Iterator[PrivateServer]:
    folder = Path(tempfile.mkdtemp(prefix="huihui-pg-"))
    if ROOT_USER:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = PrivateServer(folder, port)
    try:
        server._run("initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust")
        server.start()
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(folder, ignore_errors=True)
