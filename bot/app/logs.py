"""Logging set-up: the level asked for, and never members' data or secrets, at any level.

Our own log lines name what happened and where, never what members wrote (bot.app.errors). Libraries
are more talkative at DEBUG: SQLAlchemy logs statements with their parameters (names, phones,
answers), PTB logs every request with its text, httpx every URL (which holds the bot token). So
they stay at INFO or WARNING whatever the level, and every line is stripped of the bot token and
the proxy's credentials in case one slips through. A library's traceback keeps the exception's
type and where it was raised, not its message (``WithoutExceptionText``).

``HUIHUI_LOG_FORMAT=json`` writes one JSON object a line for a log collector: time, level,
logger, message, and for lines written while an update was handled its id, the conversation
that took it, and (on the line that ends it, ``huihui.updates``) its duration and outcome.
Those per-update lines are left out of the text format, which people read.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal, TextIO

from bot.app.instrument import current_update
from bot.app.processor import UPDATES_LOG
from bot.common.errors import describe

# Loggers that write members' data or secrets below this level.
QUIETED = {
    "sqlalchemy": logging.WARNING,  # statements and their parameters
    "aiosqlite": logging.WARNING,  # every call, with its arguments
    "httpx": logging.WARNING,  # request URLs, which contain the bot token
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,  # requests with their text, updates with their content
    "apscheduler": logging.WARNING,
    "uvicorn.access": logging.WARNING,  # request lines (a Mini App's query string)
    "asyncio": logging.WARNING,
}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Fields a line about an update carries in the JSON format.
UPDATE_FIELDS = ("update_id", "handler", "duration", "outcome")


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


class WithoutExceptionText(logging.Filter):
    """A traceback logged by a library (uvicorn's "Exception in ASGI application" for a Mini
    App request that failed, asyncio's, the scheduler's) ends in the exception's message,
    which may quote what members sent (a database error quotes its parameters): it is replaced
    by the exception's type and where it was raised, as our own error lines say it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage().rstrip()}: {describe(record.exc_info[1])}"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        update = current_update.get()
        if update is not None:
            entry["update_id"] = update.update_id
            entry["handler"] = update.handler
        for name in UPDATE_FIELDS:
            if (value := getattr(record, name, None)) is not None:
                entry[name] = value
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str = "INFO",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
    log_format: Literal["text", "json"] = "text",
) -> logging.Handler:
    """Log at ``level`` to ``stream`` (standard error by default); returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if log_format == "json" else logging.Formatter(FORMAT))
    handler.addFilter(WithoutExceptionText())
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    for name, quietest in QUIETED.items():
        logging.getLogger(name).setLevel(max(quietest, root.level))
    # uvicorn's own logging setup (a uvicorn started with its default log_config, in this
    # process before) gives its loggers a handler of their own that prints an exception's
    # message, a database error's parameters with it: its lines go through this handler only.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
    per_update = root.level if log_format == "json" else max(logging.WARNING, root.level)
    UPDATES_LOG.setLevel(per_update)
    return handler
