"""The services a running bot shares between handlers, scheduled tasks and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.languages import LanguagePreferences
from bot.scheduler import Scheduler


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: async_sessionmaker[AsyncSession]
    languages: LanguagePreferences
    scheduler: Scheduler

    @classmethod
    def create(
        cls, settings: Settings, clock: Clock, db: async_sessionmaker[AsyncSession]
    ) -> Services:
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            languages=LanguagePreferences(db, clock, settings.default_language),
            scheduler=Scheduler(db, clock),
        )
