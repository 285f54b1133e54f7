"""The lifecycle of one running bot: database, migrations, Application start and stop.

``huihui run``, ``huihui webhook``, the sandbox and the demo all go through ``Runtime``, so the
bot a test talks to is started exactly like the one members talk to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.error import InvalidToken, NetworkError
from telegram.ext import BaseUpdateProcessor
from telegram.request import BaseRequest

from bot.app.application import HuihuiApplication, build_application, on_start
from bot.app.instrument import label_handlers
from bot.common.config import Settings
from bot.domain.clock import Clock, SystemClock
from bot.services.container import Services
from storage import migrate
from storage.engine import create_engine, create_reports_engine, create_sessionmaker

_LOGGER = logging.getLogger("huihui")
# Seconds between attempts to reach Telegram at start: doubling up to a minute.
FIRST_RETRY, LONGEST_RETRY = 1.0, 60.0


class Runtime:
    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        request: BaseRequest | None = None,
        update_processor: BaseUpdateProcessor | None = None,
        setup: Callable[[HuihuiApplication], None] | None = None,
        on_unreachable: Callable[[str], None] | None = None,
        on_migrated: Callable[[], None] | None = None,
    ) -> None:
        """``setup`` may add handlers to each Application built, before it is initialised;
        ``on_unreachable`` is told why, each time Telegram cannot be reached at start;
        ``on_migrated`` is called once the database is at this version, before Telegram is
        reached (which may take long)."""
        self.settings = settings
        self.clock = clock or SystemClock()
        self._request = request
        self._update_processor = update_processor
        self._setup = setup
        self._on_unreachable = on_unreachable
        self._on_migrated = on_migrated
        self._application: HuihuiApplication | None = None
        self._engine: AsyncEngine | None = None
        self._reports_engine: AsyncEngine | None = None
        self._reports_db: async_sessionmaker[AsyncSession] | None = None

    @property
    def application(self) -> HuihuiApplication:
        if self._application is None:
            raise RuntimeError("the bot is not running")
        return self._application

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("the bot is not running")
        return self._engine

    @property
    def services(self) -> Services:
        return self.application.services

    @property
    def reports_db(self) -> async_sessionmaker[AsyncSession]:
        """Where long reads go without holding up members (SQLite's second connection)."""
        if self._reports_db is None:
            raise RuntimeError("the bot is not running")
        return self._reports_db

    async def start(self) -> HuihuiApplication:
        self._engine = create_engine(self.settings.database_url)
        await migrate.upgrade(self._engine)
        if self._on_migrated is not None:
            self._on_migrated()
        self._reports_engine = create_reports_engine(self.settings.database_url)
        db = create_sessionmaker(self._engine)
        reports_db = create_sessionmaker(self._reports_engine) if self._reports_engine else None
        self._reports_db = reports_db or db
        services = Services.create(self.settings, self.clock, db, reports_db)
        application = build_application(services, self._request, self._update_processor)
        if self._setup is not None:
            self._setup(application)
        await _initialise(application, self._on_unreachable)
        label_handlers(application)
        await application.start()
        await on_start(application)
        self._application = application
        return application

    async def stop(self, grace: float | None = None) -> None:
        """Stop taking updates, let handlers and deliveries in flight finish, close. With
        ``grace``, what has not finished by then is abandoned as a crash would abandon it
        (scheduled work left running is retried at the next start)."""
        application, self._application = self._application, None
        if application is not None:
            try:
                async with asyncio.timeout(grace):
                    await _stop(application)
            except TimeoutError:
                _LOGGER.warning(
                    "work still in progress after %.0f s was abandoned; it resumes at the "
                    "next start",
                    grace,
                )
        self._reports_db = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
        if self._reports_engine is not None:
            await self._reports_engine.dispose()
            self._reports_engine = None

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()


async def _stop(application: HuihuiApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    await application.delivery.stop()
    await application.stop()
    await application.shutdown()


async def _initialise(
    application: HuihuiApplication, on_unreachable: Callable[[str], None] | None
) -> None:
    """Initialise the Application, waiting for Telegram while it cannot be reached (a network
    down, a proxy not yet up): one line per attempt, no traceback. A token Telegram refuses is
    not retried (``InvalidToken``)."""
    delay = FIRST_RETRY
    while True:
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError as error:  # also TimedOut
            problem = f"Telegram cannot be reached ({type(error).__name__})"
            _LOGGER.warning("%s; trying again in %.0f s", problem, delay)
            if on_unreachable is not None:
                on_unreachable(problem)
        await asyncio.sleep(delay)
        delay = min(delay * 2, LONGEST_RETRY)
