"""Serving real Telegram: long polling or a webhook, with the web server (``bot.web``), until
SIGINT or SIGTERM.

The web server starts first, so ``/healthz`` answers and ``/readyz`` says why not ready while
the database migrates or Telegram cannot be reached yet. On PostgreSQL a second process waits
as standby until it holds the leader lock (``bot.app.leadership``); on SQLite it is refused.
A signal stops taking updates (the webhook route, then polling), lets handlers in flight finish
while they can, and returns within ``GRACE`` seconds, so that the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Literal

import uvicorn
from starlette.applications import Starlette
from telegram import Update

from bot.app import webhook
from bot.app.application import HuihuiApplication
from bot.app.backups import keep_daily
from bot.app.health import Readiness, Role
from bot.app.leadership import Leadership, exit_when_lost, for_database
from bot.app.runtime import Runtime
from bot.common import workers
from bot.common.config import Settings
from bot.common.metrics import DB_POOL_IN_USE
from bot.services.monitoring import Monitoring
from bot.web import create_web_app, miniapp, mount
from bot.web.metrics import DatabaseGauges, LoopLag
from conversations import charts

_LOGGER = logging.getLogger("huihui")
# Seconds from a stop signal to the exit (``docker stop`` waits 10 s before SIGKILL).
GRACE = 10.0
# Of which the web server's open requests may take this much, and closing (the database, the
# leader lock, the drawing worker) is left this much: handlers and deliveries in flight get
# the rest.
WEB_GRACE = 3.0
CLOSING = 1.0

Mode = Literal["polling", "webhook"]


async def serve(settings: Settings, mode: Mode, leadership: Leadership | None = None) -> None:
    """Serve until SIGINT or SIGTERM (also while still starting or waiting as standby), as
    the leader of ``leadership`` (by default: of the configured database)."""
    leadership = leadership or for_database(settings.database_url)
    if not leadership.standby:
        await leadership.acquire()  # SQLite: a second process is refused before anything starts
    readiness = Readiness()
    web_app = create_web_app(readiness)
    if mode == "webhook" and settings.webhook_secret is not None:
        # Telegram may post to a standby (a proxy in front of both): 503, sent again later.
        mount(web_app, webhook.routes(None, settings.webhook_secret.get_secret_value()))
    with _stop_signals() as stopped:
        web = WebServer(web_app, settings.http_host, settings.http_port)
        await web.start()
        lag = LoopLag()
        lag.start()
        leading: list[asyncio.Future[None]] = []
        runtime = Runtime(
            settings,
            on_unreachable=readiness.held_up,
            on_migrated=_backing_up(settings, leading),
        )
        gauges: DatabaseGauges | None = None
        try:
            if await _led(leadership, readiness, stopped):
                # From the moment it leads, not once it serves: starting may wait long for
                # Telegram (a proxy outage), and meanwhile a lost lock must end it.
                leading.append(exit_when_lost(leadership))
                if await _unless_stopped(runtime.start(), stopped):
                    gauges = await _serving(runtime, readiness, web_app, mode)
                    await stopped.wait()
        finally:
            deadline = time.monotonic() + GRACE - CLOSING
            for task in leading:
                task.cancel()
            readiness.stopping()
            await lag.stop()
            if gauges is not None:
                await gauges.stop()
            await web.stop()
            await runtime.stop(grace=max(0.0, deadline - time.monotonic()))
            await leadership.release()  # only now may a standby start sending
            workers.stop()
    _LOGGER.info("stopped")


async def _unless_stopped(work: Awaitable[None], stopped: asyncio.Event) -> bool:
    """Do ``work`` unless a signal comes first (starting may wait long for Telegram, a standby
    for the leader); True when it was done."""
    working = asyncio.ensure_future(work)
    signalled = asyncio.ensure_future(stopped.wait())
    await asyncio.wait({working, signalled}, return_when=asyncio.FIRST_COMPLETED)
    signalled.cancel()
    if not working.done():
        working.cancel()
        await asyncio.gather(working, return_exceptions=True)
        return False
    working.result()  # a token Telegram refuses, a database that cannot migrate: raised
    return True


async def _led(leadership: Leadership, readiness: Readiness, stopped: asyncio.Event) -> bool:
    """Wait to be the leader (as standby while another process is), unless a signal comes."""

    def standby() -> None:
        readiness.role = Role.STANDBY

    led = await _unless_stopped(
        leadership.acquire(on_wait=standby, on_problem=readiness.held_up), stopped
    )
    readiness.role = Role.STARTING
    return led


def _backing_up(settings: Settings, leading: list[asyncio.Future[None]]) -> Callable[[], None]:
    """What starts the daily backup (only the leader runs it) once the database is migrated,
    before Telegram is reached: a restart during a proxy outage still takes it."""

    def start() -> None:
        if settings.backup_dir is not None:
            leading.append(
                asyncio.ensure_future(
                    keep_daily(settings.database_url, settings.backup_dir, settings.backup_keep)
                )
            )

    return start


async def _serving(
    runtime: Runtime, readiness: Readiness, web_app: Starlette, mode: Mode
) -> DatabaseGauges:
    application, settings = runtime.application, runtime.settings
    mount(web_app, miniapp.routes(application.services, application.bot))
    if mode == "webhook":
        await start_webhook(application, settings, web_app)
    else:
        updater = application.updater
        assert updater is not None
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)
    gauges = DatabaseGauges(Monitoring(runtime.reports_db, runtime.clock, settings.tz))
    gauges.start()
    DB_POOL_IN_USE.set_function(lambda: _checked_out(runtime))
    readiness.serving(application, runtime.engine)
    now_serving(application)
    return gauges


def _checked_out(runtime: Runtime) -> float:
    try:
        checkedout = getattr(runtime.engine.pool, "checkedout", None)
    except RuntimeError:  # stopped
        return 0.0
    return float(checkedout()) if checkedout is not None else 0.0


async def start_webhook(
    application: HuihuiApplication, settings: Settings, web_app: Starlette
) -> None:
    """Take Telegram's POSTs on the web server (``bot.app.webhook``) and register the webhook
    with Telegram."""
    if settings.webhook_secret is None or settings.webhook_url is None:
        raise ValueError("HUIHUI_WEBHOOK_URL and HUIHUI_WEBHOOK_SECRET must be set")
    secret = settings.webhook_secret.get_secret_value()
    mount(web_app, webhook.routes(application, secret))
    await application.bot.set_webhook(
        settings.webhook_url.rstrip("/") + webhook.PATH,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )


def now_serving(application: HuihuiApplication) -> None:
    """Once the bot is up and taking updates: what started is kept out of the garbage
    collector's scans, and the drawing worker starts in the background so the first /stats
    does not wait for it (only when serving: a short run such as the demo would wait for the
    worker at exit)."""
    keep_what_started()
    application.create_task(charts.warm_up(), name="warm-up-drawing")


def keep_what_started() -> None:
    """Everything alive once the bot is up (modules, catalogs, the questionnaire, the
    Application) lives as long as the process: moved out of the garbage collector's sight, so
    a full collection scans only what was made since. Without this, each one paused the bot
    for a tenth of a second or more, several times a minute under load."""
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def _stop_signals() -> Iterator[asyncio.Event]:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        yield stop
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


class _Server(uvicorn.Server):
    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        """Signals are the bot's to handle (``serve``): the web server stops when told."""
        return contextlib.nullcontext()


class WebServer:
    """uvicorn serving ``app`` on this event loop. The socket is bound before uvicorn starts,
    so an address in use is an ``OSError`` the command reports in one line."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port bound (the one asked for, or the one chosen for port 0)."""
        assert self._server is not None
        return int(self._server.servers[0].sockets[0].getsockname()[1])

    async def start(self) -> None:
        listening = _bound(self._host, self._port)
        config = uvicorn.Config(
            self._app,
            log_config=None,
            # Request lines may carry what members sent (a Mini App's query string).
            access_log=False,
            server_header=False,
            lifespan="off",
            timeout_graceful_shutdown=WEB_GRACE,
        )
        self._server = _Server(config)
        self._task = asyncio.ensure_future(self._server.serve(sockets=[listening]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("the web server stopped while starting")
            await asyncio.sleep(0.01)
        _LOGGER.info("web server on http://%s:%d", self._host, self.port)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        self._server = self._task = None


def _bound(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
    except OSError:
        listening.close()
        raise
    listening.set_inheritable(True)
    return listening
