"""What each update was, who took it and how it ended, for the metrics and the JSON log; and
the Bot API's refusals, counted where every call passes.

PTB says neither which handler took an update nor whether it raised (its error handler is
told, the update processor is not). So once the Application is initialised, each top-level
handler notes, on the update's record (``current_update``), the name of the conversation it
belongs to and whether its callback raised (``label_handlers``). Labels are module names
(``matching``, ``events.attending``): a few dozen values, never an id.
"""

from __future__ import annotations

import functools
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler, ConversationHandler
from telegram.request import BaseRequest

from bot.common.metrics import TELEGRAM_ERRORS

CONVERSATIONS_PACKAGE = "conversations."
# Updates no conversation took (only the handlers every update passes).
NO_HANDLER = "none"


@dataclass
class UpdateRecord:
    update_id: int | None
    kind: str
    handler: str | None = None
    outcome: str = "ok"
    started: float = field(default_factory=time.perf_counter)


current_update: ContextVar[UpdateRecord | None] = ContextVar("current_update", default=None)


def record_for(update: object) -> UpdateRecord:
    if not isinstance(update, Update):
        return UpdateRecord(None, type(update).__name__.lower())
    return UpdateRecord(update.update_id, update_kind(update))


def update_kind(update: Update) -> str:
    """The field the update carries (``message``, ``callback_query``, ...): Telegram's own
    closed list (``Update.ALL_TYPES``)."""
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def label_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Label every top-level handler (after ``initialize``: PTB finds the persistent
    conversations among the handlers then). Each handler becomes an instance of a subclass of
    its own class that only adds the noting, so it stays what it was to everyone else: the
    same object, still a ``ConversationHandler`` to code that looks for those."""
    for handlers in application.handlers.values():
        for handler in handlers:
            if not hasattr(handler, "huihui_label"):
                handler.__class__ = _labelled(type(handler), label_of(handler))


@functools.cache
def _labelled(cls: type[BaseHandler[Any, Any, Any]], label: str | None) -> type:
    async def handle_update(
        self: BaseHandler[Any, Any, Any],
        update: Any,
        application: Any,
        check_result: Any,
        context: Any,
    ) -> Any:
        record = current_update.get()
        if record is not None and record.handler is None and label is not None:
            record.handler = label
        try:
            return await cls.handle_update(self, update, application, check_result, context)
        except ApplicationHandlerStop:
            raise
        except Exception:
            if record is not None:
                record.outcome = "error"
            raise

    # No slots of its own: the same layout, so an instance can take this class.
    namespace = {"__slots__": (), "huihui_label": label, "handle_update": handle_update}
    return type(cls.__name__, (cls,), namespace)


def label_of(handler: BaseHandler[Any, Any, Any]) -> str | None:
    """The conversation module a handler belongs to; None for the composition root's own
    handlers that every update passes."""
    if isinstance(handler, ConversationHandler):
        handler = handler.entry_points[0]
    callback = getattr(handler, "callback", None)
    while isinstance(callback, functools.partial):
        callback = callback.func
    module = getattr(callback, "__module__", None) or ""
    if not module.startswith(CONVERSATIONS_PACKAGE):
        return None
    return module.removeprefix(CONVERSATIONS_PACKAGE)


class CountedRequest(BaseRequest):
    """``inner``, counting the calls Telegram refused or that never got an answer, by the
    error's class (``huihui_telegram_errors_total``)."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def post(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await self.inner.post(*args, **kwargs)
        except TelegramError as error:
            TELEGRAM_ERRORS.labels(type(error).__name__).inc()
            raise

    async def retrieve(self, *args: Any, **kwargs: Any) -> bytes:
        return await self.inner.retrieve(*args, **kwargs)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        return await self.inner.do_request(*args, **kwargs)
