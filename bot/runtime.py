"""The lifecycle of one running bot: database, migrations, Application start and stop.

``huihui run``, ``huihui webhook``, the sandbox and the demo all go through ``Runtime``, so the
bot a test talks to is started exactly like the one members talk to.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram.ext import BaseUpdateProcessor
from telegram.request import BaseRequest

from bot.app import HuihuiApplication, build_application, on_start
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.services import Services
from storage import migrate
from storage.engine import create_engine, create_sessionmaker


class Runtime:
    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        request: BaseRequest | None = None,
        update_processor: BaseUpdateProcessor | None = None,
        setup: Callable[[HuihuiApplication], None] | None = None,
    ) -> None:
        """``setup`` may add handlers to each Application built, before it is initialised."""
        self.settings = settings
        self.clock = clock or SystemClock()
        self._request = request
        self._update_processor = update_processor
        self._setup = setup
        self._application: HuihuiApplication | None = None
        self._engine = None

    @property
    def application(self) -> HuihuiApplication:
        if self._application is None:
            raise RuntimeError("the bot is not running")
        return self._application

    @property
    def services(self) -> Services:
        return self.application.services

    async def start(self) -> HuihuiApplication:
        self._engine = create_engine(self.settings.database_url)
        await migrate.upgrade(self._engine)
        services = Services.create(self.settings, self.clock, create_sessionmaker(self._engine))
        application = build_application(services, self._request, self._update_processor)
        if self._setup is not None:
            self._setup(application)
        await application.initialize()
        await application.start()
        await on_start(application)
        self._application = application
        return application

    async def stop(self) -> None:
        application, self._application = self._application, None
        if application is not None:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.services.broadcasts.stop()
            await application.services.scheduler.wait_idle()
            await application.stop()
            application.services.scheduler.stop()
            await application.shutdown()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()
