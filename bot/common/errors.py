"""Describing a failure for the log without what members wrote."""

from __future__ import annotations

import traceback
from pathlib import Path

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_OUR_CODE = tuple(_PROJECT_ROOT / package for package in ("bot", "conversations", "storage"))


def describe(error: BaseException | None) -> str:
    """The exception's type and where it was raised, without its message.

    Messages of database and Telegram errors can quote member input (names, phone numbers), so
    they never reach the log; the stack frames are enough to find the fault.
    """
    if error is None:
        return "unknown error"
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if _is_ours(frame.filename)] or frames
    shown = ours[-5:]
    # The layers under a handler (sending, rate limits, metrics) can fill the last five frames:
    # the handler or service the failure happened in is named too.
    handlers = [f for f in ours[:-5] if _label(f).startswith(_HANDLER_CODE)]
    where = " <- ".join(_label(frame) for frame in reversed(handlers[-1:] + shown))
    return f"{type(error).__module__}.{type(error).__qualname__} at {where or '?'}"


# Where the work a member asked for is done.
_HANDLER_CODE = ("conversations/", "bot/services/", "bot/web/")


def _is_ours(filename: str) -> bool:
    path = Path(filename).resolve()
    return any(path.is_relative_to(package) for package in _OUR_CODE)


def _label(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename).resolve()
    shown = path.relative_to(_PROJECT_ROOT) if _is_ours(frame.filename) else path.name
    return f"{shown}:{frame.lineno} in {frame.name}"
