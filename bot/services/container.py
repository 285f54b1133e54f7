"""The services a running bot shares between front ends, scheduled work and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain.clock import Clock
from bot.domain.questions import build_questionnaire
from bot.services.activity import Activity
from bot.services.administration import Administration
from bot.services.audit_trail import AuditTrail
from bot.services.broadcasts import Broadcasts
from bot.services.events import Events
from bot.services.events.waitlist import Waitlist
from bot.services.inbox import Inbox
from bot.services.languages import LanguagePreferences
from bot.services.matching.browse import Browsing
from bot.services.matching.digest import Digest
from bot.services.matching.follow_ups import CheckIns
from bot.services.matching.plan import MarketPlans
from bot.services.matching.proposals import Proposals
from bot.services.matching.relay import Relay
from bot.services.matching.suggestions import Matchmaking
from bot.services.members.data import MemberData
from bot.services.moderation import ReportFiles
from bot.services.onboarding import Onboarding
from bot.services.people import People
from bot.services.photo_review import PhotoReviews
from bot.services.retention import Retention
from bot.services.roster_import import Rosters
from bot.services.screening import Screening
from bot.services.statistics import Statistics
from bot.services.work import TaskKind, WorkQueue


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: async_sessionmaker[AsyncSession]
    languages: LanguagePreferences
    work: WorkQueue
    onboarding: Onboarding
    member_data: MemberData
    matchmaking: Matchmaking
    proposals: Proposals
    administration: Administration
    people: People
    activity: Activity
    broadcasts: Broadcasts
    events: Events
    digest: Digest
    plans: MarketPlans
    check_ins: CheckIns
    rosters: Rosters
    statistics: Statistics
    inbox: Inbox
    relay: Relay
    photo_reviews: PhotoReviews
    screening: Screening
    retention: Retention
    browsing: Browsing
    waitlist: Waitlist
    report_files: ReportFiles
    audit_trail: AuditTrail

    @classmethod
    def create(
        cls,
        settings: Settings,
        clock: Clock,
        db: async_sessionmaker[AsyncSession],
        reports_db: async_sessionmaker[AsyncSession] | None = None,
    ) -> Services:
        """``reports_db``: where long read-only reports (statistics) read, if not ``db``."""
        work = WorkQueue(db, clock)
        languages = LanguagePreferences(db, clock, settings.default_language)
        administration = Administration(db, clock, settings, work)
        questionnaire = build_questionnaire(settings.districts)
        broadcasts = Broadcasts(db, clock, settings, administration, work)
        matchmaking = Matchmaking(db, clock, settings, work)
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            languages=languages,
            work=work,
            onboarding=Onboarding(db, clock, settings.superadmins, questionnaire, work),
            member_data=MemberData(db, clock, settings, questionnaire),
            matchmaking=matchmaking,
            proposals=Proposals(db, clock, settings, work),
            administration=administration,
            people=People(db, administration, clock),
            activity=Activity(db, clock),
            broadcasts=broadcasts,
            events=Events.create(db, clock, settings, administration, work, broadcasts),
            digest=Digest(db, clock, settings, work, matchmaking),
            plans=MarketPlans(db, clock, settings, work),
            check_ins=CheckIns(db, clock, work),
            rosters=Rosters(db, clock, administration, work),
            statistics=Statistics(reports_db or db, clock, settings, administration),
            inbox=Inbox(db, clock, work, settings.superadmins),
            relay=Relay(db, clock, settings, work),
            photo_reviews=PhotoReviews(db, clock, administration, work),
            screening=Screening(db),
            retention=Retention(db, clock, settings, work),
            browsing=Browsing(db, clock, settings, matchmaking, questionnaire, work),
            waitlist=Waitlist(db),
            report_files=ReportFiles(db, administration),
            audit_trail=AuditTrail(db, settings, administration),
        )

    def task_kinds(self) -> dict[str, TaskKind]:
        """The scheduled work the services leave and run themselves (writing notices)."""
        return {
            **self.events.task_kinds(),
            **self.digest.task_kinds(),
            **self.plans.task_kinds(),
            **self.check_ins.task_kinds(),
            **self.proposals.task_kinds(),
            **self.inbox.task_kinds(),
            **self.relay.task_kinds(),
            **self.retention.task_kinds(),
        }
