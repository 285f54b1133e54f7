"""Everything besides the conversations that talks to Telegram: the runner of scheduled work,
the notice sender and the broadcast senders. See ``Delivery``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Bot
from telegram.ext import JobQueue

from bot.delivery.broadcasts import BroadcastRuns
from bot.delivery.notices import NoticeSender
from bot.delivery.roster_imports import RosterImports
from bot.delivery.scheduler import Scheduler
from bot.services.container import Services
from bot.services.work import TaskKind


@dataclass
class Delivery:
    scheduler: Scheduler
    notices: NoticeSender
    broadcasts: BroadcastRuns

    @classmethod
    def create(cls, services: Services, bot: Bot) -> Delivery:
        notices = NoticeSender(services, bot)
        broadcasts = BroadcastRuns(
            services.broadcasts,
            services.languages,
            services.db,
            services.clock,
            services.settings,
            bot,
        )
        imports = RosterImports(services.rosters, services.languages, bot)
        kinds: dict[str, TaskKind] = {}
        parts = (services, notices, broadcasts, imports)
        for part in (each.task_kinds() for each in parts):
            if twice := kinds.keys() & part.keys():
                raise ValueError(f"task kinds handled twice: {sorted(twice)}")
            kinds.update(part)
        scheduler = Scheduler(services.db, services.clock, services.work, kinds)
        return cls(scheduler=scheduler, notices=notices, broadcasts=broadcasts)

    async def start(self, job_queue: JobQueue[Any]) -> None:
        await self.broadcasts.start()
        await self.scheduler.start(job_queue)

    async def stop(self) -> None:
        """Broadcast senders finish their requests in flight, then scheduled runs finish."""
        await self.broadcasts.stop()
        self.scheduler.stop()
        await self.scheduler.wait_idle()

    async def settle(self) -> None:
        """Run what is due, and wait until it and broadcasts in progress are finished."""
        await self.scheduler.run_due()
        await self.scheduler.wait_idle()
        await self.broadcasts.wait_idle()
