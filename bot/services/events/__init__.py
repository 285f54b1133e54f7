"""Events, by actor: organisers (``organising``), members (``attending``), the mutual choice
afterwards (``choice``); reminders and places are shared by them.

Scheduled work, all through the work queue (once, also across restarts): each registrant's
reminders (``reminders``), the announcement (a broadcast), and the mutual choice opening when
the event ends and closing a day later.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain.clock import Clock
from bot.services.administration import Administration
from bot.services.broadcasts import Broadcasts
from bot.services.events.attending import Attending
from bot.services.events.choice import MutualChoice
from bot.services.events.organising import Organising
from bot.services.events.passes import Passes
from bot.services.events.reminders import Reminders
from bot.services.work import TaskKind, WorkQueue


@dataclass
class Events:
    organising: Organising
    attending: Attending
    choice: MutualChoice
    passes: Passes

    @classmethod
    def create(
        cls,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        administration: Administration,
        work: WorkQueue,
        broadcasts: Broadcasts,
    ) -> Events:
        reminders = Reminders(clock, settings)
        choice = MutualChoice(db, clock, settings, work)
        return cls(
            organising=Organising(
                db, clock, settings, administration, work, broadcasts, reminders, choice
            ),
            attending=Attending(db, clock, settings, work, reminders),
            choice=choice,
            passes=Passes(db, clock, settings),
        )

    def task_kinds(self) -> dict[str, TaskKind]:
        return self.choice.task_kinds()
