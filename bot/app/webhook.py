"""Receiving Telegram's updates over a webhook, on the bot's web server (``bot.web``).

Requests without Telegram's secret token (compared in constant time) get 403. A body that is
not a Telegram update gets 400, one larger than any update 413; what was sent is never logged:
updates carry members' messages. An accepted update goes to the Application's queue, as PTB's
own webhook and its custom-webhook example do; while the bot is not running (still starting,
a standby, stopping) Telegram gets 503 and sends the update again later.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import Update
from telegram.ext import Application

_LOGGER = logging.getLogger(__name__)
PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; anything far larger is not one of them.
MAX_UPDATE_BYTES = 1_000_000


class _TooLarge(Exception):
    pass


def routes(
    application: Application[Any, Any, Any, Any, Any, Any] | None, secret: str
) -> list[BaseRoute]:
    """The webhook's route; without ``application`` (a process not serving yet) it answers 503
    to requests that carry the secret."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        sent = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(sent, expected):
            _LOGGER.info("webhook request without the right secret token refused")
            return Response(status_code=HTTPStatus.FORBIDDEN)
        if application is None:
            return Response(status_code=HTTPStatus.SERVICE_UNAVAILABLE)
        try:
            body = await _body(request)
        except _TooLarge:
            _LOGGER.warning("webhook request larger than any update refused")
            return Response(status_code=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        except ClientDisconnect:
            return Response(status_code=HTTPStatus.BAD_REQUEST)
        update = _update(body, application)
        if update is None:
            _LOGGER.warning("webhook request that is not a Telegram update refused")
            return Response(status_code=HTTPStatus.BAD_REQUEST)
        if not application.running:
            return Response(status_code=HTTPStatus.SERVICE_UNAVAILABLE)
        await application.update_queue.put(update)
        return Response(status_code=HTTPStatus.OK)

    return [Route(PATH, receive, methods=["POST"])]


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPDATE_BYTES:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_UPDATE_BYTES:
            raise _TooLarge
    return bytes(body)


def _update(body: bytes, application: Application[Any, Any, Any, Any, Any, Any]) -> Update | None:
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            return None
        return Update.de_json(data, application.bot)
    except Exception:  # noqa: BLE001 - whatever the body is, it is not an update
        return None
