"""Receiving Telegram's updates over a webhook.

PTB's own webhook server answers a body that is not JSON with 500 and logs a body it cannot
parse whole, at CRITICAL. This one, on the same web server (tornado, from PTB's webhooks
extra), answers what it cannot use with 400 and logs that it happened, never what was sent:
updates carry members' messages. Requests without Telegram's secret token get 403.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

_LOGGER = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; anything far larger is not one of them.
MAX_UPDATE_BYTES = 1_000_000


class _Receiver(tornado.web.RequestHandler):
    def initialize(
        self, bot_application: Application[Any, Any, Any, Any, Any, Any], secret: str
    ) -> None:
        self._application = bot_application
        self._secret = secret

    async def post(self) -> None:
        sent = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode(), self._secret.encode()):
            _LOGGER.info("webhook request without the right secret token refused")
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if len(self.request.body) > MAX_UPDATE_BYTES:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict) or type(data.get("update_id")) is not int:
                raise ValueError("not an update")
            update = Update.de_json(data, self._application.bot)
        except Exception:  # noqa: BLE001 - whatever the body is, it is not an update
            _LOGGER.warning("webhook request that is not a Telegram update refused")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        if update is not None:
            await self._application.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, *_args: Any) -> None:
        """Tornado would log the request with its headers; the status says enough."""


class WebhookServer:
    def __init__(self, server: tornado.httpserver.HTTPServer) -> None:
        self._server = server

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()


def listen(
    application: Application[Any, Any, Any, Any, Any, Any],
    path: str,
    secret: str,
    host: str,
    port: int,
) -> WebhookServer:
    """Serve ``/path`` for Telegram's POSTs; updates go to the Application's queue."""
    app = tornado.web.Application(
        [(rf"/{path}/?", _Receiver, {"bot_application": application, "secret": secret})]
    )
    server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_UPDATE_BYTES)
    server.listen(port, address=host)
    return WebhookServer(server)
