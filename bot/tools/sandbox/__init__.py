"""An offline Telegram for 会会: simulated members talk to the real Application.

::

    async with Sandbox() as sb:
        alice = sb.user("Alice", language="zh-hans")
        await alice.send("/start")
        await alice.press("同意")
        await sb.restart()
        await sb.advance(timedelta(hours=25))

Every call returns once the bot has finished handling it, so what the bot answered can be read
straight away with ``last_text()``, ``buttons()`` or ``transcript()``.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.app.application import HuihuiApplication
from bot.app.runtime import Runtime
from bot.common.config import Settings
from bot.domain.clock import ManualClock
from bot.tools.sandbox.api import FakeBotAPI
from bot.tools.sandbox.blank import blank_sqlite
from bot.tools.sandbox.chats import BOT_USERNAME, ChatEntry
from bot.tools.sandbox.users import ButtonNotFound, SimulatedUser

SANDBOX_TOKEN = "7000000001:SANDBOX-not-a-real-token"

__all__ = ["ButtonNotFound", "Sandbox", "SimulatedUser", "FakeBotAPI", "ChatEntry", "SANDBOX_TOKEN"]


class Sandbox:
    def __init__(
        self,
        database_url: str | None = None,
        api_latency: float = 0.0,
        *,
        start: datetime | None = None,
        update_processor: BaseUpdateProcessor | None = None,
        setup: Callable[[HuihuiApplication], None] | None = None,
        **settings: Any,
    ) -> None:
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if database_url is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="huihui-sandbox-")
            database_url = f"sqlite+aiosqlite:///{self._own_database()}"
        settings.setdefault("rate_limit", 1_000_000)
        settings.setdefault("broadcast_rate", 1_000)
        self.settings = Settings(
            _env_file=None, bot_token=SANDBOX_TOKEN, database_url=database_url, **settings
        )
        self.clock = ManualClock(start)
        self.api = FakeBotAPI(self.clock, latency=api_latency)
        self._update_processor = update_processor
        self._setup = setup
        self._runtime: Runtime | None = None
        self._update_ids = itertools.count(1)
        self._user_ids = itertools.count(100_001)
        self.users: list[SimulatedUser] = []

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()

    def _own_database(self) -> Path:
        assert self._tempdir is not None
        return Path(self._tempdir.name) / "sandbox.db"

    async def start(self) -> None:
        if self._tempdir is not None and not self._own_database().exists():
            await blank_sqlite(self._own_database())
        self._runtime = Runtime(
            self.settings,
            self.clock,
            request=self.api,
            update_processor=self._update_processor,
            setup=self._setup,
        )
        await self._runtime.start()

    async def stop(self) -> None:
        if self._runtime is not None:
            await self._runtime.stop()
            self._runtime = None

    async def crash(self) -> None:
        """Stop as a killed process would: broadcasts are abandoned mid-flight, with outcomes
        not yet written lost; then the rest shuts down."""
        if self._runtime is not None:
            await self._runtime.application.delivery.broadcasts.crash()
        await self.stop()

    async def settle(self) -> None:
        """Run what is due, and wait until it and broadcasts in progress are finished."""
        await self.app.delivery.settle()

    async def restart(self) -> None:
        """Stop the bot and build a new Application on the same database, as after a redeploy."""
        await self.stop()
        for user in self.users:
            user.log.append(ChatEntry(0, False, "system", text="会会 restarted"))
        await self.start()

    @property
    def app(self) -> HuihuiApplication:
        if self._runtime is None:
            raise RuntimeError("the sandbox is not running")
        return self._runtime.application

    @property
    def engine(self) -> AsyncEngine:
        """The running bot's database engine (tests hook SQL events on it)."""
        if self._runtime is None:
            raise RuntimeError("the sandbox is not running")
        return self._runtime.engine

    @property
    def bot_username(self) -> str:
        return BOT_USERNAME

    def user(
        self,
        name: str,
        language: str | None = "zh-hans",
        *,
        user_id: int | None = None,
        username: str | None = None,
        phone: str | None = None,
    ) -> SimulatedUser:
        user = SimulatedUser(
            self,
            user_id=user_id or next(self._user_ids),
            first_name=name,
            language_code=language,
            username=username,
            phone=phone or f"+86138{len(self.users) + 10000000:08d}",
        )
        self.users.append(user)
        return user

    async def deliver(self, update_json: dict[str, Any], *, settle: bool = True) -> None:
        """Hand one update to the bot exactly as the Application's update fetcher does. With
        ``settle``, also wait until the work it caused is done (notices sent), as tests want;
        without, return as production would (a crowd of members all waiting for every other
        member's work would measure the waiting, not the bot)."""
        update_json["update_id"] = next(self._update_ids)
        app = self.app
        update = Update.de_json(update_json, app.bot)
        await app.update_processor.process_update(update, app.process_update(update))
        if settle:
            # Notices the update caused go out at once, as they would a moment later in
            # production.
            await app.delivery.scheduler.wait_idle()

    async def advance(self, delta: timedelta) -> None:
        """Move the clock forward; scheduled work falling due on the way runs in due order."""
        target = self.clock.now() + delta
        scheduler = self.app.delivery.scheduler
        while (next_due := await scheduler.next_due_at()) is not None and next_due <= target:
            if next_due > self.clock.now():
                self.clock.set(next_due)
            await scheduler.run_due()
        self.clock.set(target)
        await self.settle()  # runs what is due at the target, and waits for broadcasts


__all__ = ["ButtonNotFound", "Sandbox", "SimulatedUser"]
