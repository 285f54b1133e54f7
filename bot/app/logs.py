"""Logging set-up: the level asked for, and never members' data or secrets, at any level.

Our own log lines name what happened and where, never what members wrote (bot.app.errors). Libraries
are more talkative at DEBUG: SQLAlchemy logs statements with their parameters (names, phones,
answers), PTB logs every request with its text, httpx every URL (which holds the bot token). So
they stay at INFO or WARNING whatever the level, and every line is stripped of the bot token and
the proxy's credentials in case one slips through.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

# Loggers that write members' data or secrets below this level.
QUIETED = {
    "sqlalchemy": logging.WARNING,  # statements and their parameters
    "aiosqlite": logging.WARNING,  # every call, with its arguments
    "httpx": logging.WARNING,  # request URLs, which contain the bot token
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,  # requests with their text, updates with their content
    "apscheduler": logging.WARNING,
    "tornado.access": logging.WARNING,  # webhook requests
    "asyncio": logging.WARNING,
}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redact(logging.Filter):
    """Replaces secrets in every line, whoever wrote it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[redacted]")
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def configure_logging(
    level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Log at ``level`` to ``stream`` (standard error by default); returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    for name, quietest in QUIETED.items():
        logging.getLogger(name).setLevel(max(quietest, root.level))
    return handler
