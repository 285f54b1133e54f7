"""The bot's web front end: one ASGI application (Starlette), served by uvicorn inside the bot
process (``bot.app.serve``), beside the chat front end (``conversations``).

It holds route groups: health and metrics from the start, Telegram's webhook once the bot runs,
and later the Mini Apps under ``/app/``. Like the conversations it calls services and never the
database; what needs the running bot is mounted once the bot is up (``mount``), so health
answers while the bot is still starting or waits as standby.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from bot.web import health, metrics
from bot.web.health import ReadinessCheck


def create_web_app(readiness: ReadinessCheck, routes: Sequence[BaseRoute] = ()) -> Starlette:
    """Health (``/healthz``, ``/readyz``), metrics (``/metrics``) and ``routes``."""
    return Starlette(routes=[*health.routes(readiness), *metrics.routes(), *routes])


def mount(app: Starlette, routes: Sequence[BaseRoute]) -> None:
    """Add route groups to a web app that may already serve (requests route per call). They
    come before those mounted earlier, so the bot's own route replaces a stand-in for the
    same path (the webhook's 503 while a process is not serving)."""
    app.router.routes[:0] = routes
