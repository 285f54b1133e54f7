"""The services a running bot shares between handlers, scheduled tasks and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.delivery.scheduler import Scheduler
from bot.domain.clock import Clock
from bot.domain.questions import build_questionnaire
from bot.services.activity import Activity
from bot.services.administration import Administration
from bot.services.broadcasts import Broadcasts
from bot.services.events.service import Events
from bot.services.languages import LanguagePreferences
from bot.services.matching.proposals import Proposals
from bot.services.matching.suggestions import Matchmaking
from bot.services.members.data import MemberData
from bot.services.onboarding import Onboarding


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: async_sessionmaker[AsyncSession]
    languages: LanguagePreferences
    scheduler: Scheduler
    onboarding: Onboarding
    member_data: MemberData
    matchmaking: Matchmaking
    proposals: Proposals
    administration: Administration
    activity: Activity
    broadcasts: Broadcasts
    events: Events

    @classmethod
    def create(
        cls, settings: Settings, clock: Clock, db: async_sessionmaker[AsyncSession]
    ) -> Services:
        scheduler = Scheduler(db, clock)
        languages = LanguagePreferences(db, clock, settings.default_language)
        administration = Administration(db, clock, settings, scheduler)
        questionnaire = build_questionnaire(settings.districts)
        broadcasts = Broadcasts(db, clock, settings, administration, scheduler, languages)
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            languages=languages,
            scheduler=scheduler,
            onboarding=Onboarding(
                db,
                clock,
                settings.superadmins,
                questionnaire,
                scheduler,
            ),
            member_data=MemberData(db, clock, settings, questionnaire),
            matchmaking=Matchmaking(db, clock, settings, scheduler),
            proposals=Proposals(db, clock, settings, scheduler),
            administration=administration,
            activity=Activity(db, clock),
            broadcasts=broadcasts,
            events=Events(db, clock, settings, administration, scheduler, broadcasts, languages),
        )
