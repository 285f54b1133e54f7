"""Whether this process serves the bot, for ``/readyz`` and ``huihui_leader``.

``Readiness.role`` says what the process is doing: ``starting`` (the web server answers, the
bot is not up yet), ``standby`` (another process serves; this one waits to take over),
``leader`` (serving) or ``stopping``. Whoever decides the role sets it (``bot.app.serve``;
the leader lock when there is one); ``check`` adds what a leader must also have: the database
answering at the newest migration, the Application running and the scheduled work (notices,
reminders, broadcasts) armed.
"""

from __future__ import annotations

import asyncio
import enum

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.application import HuihuiApplication
from bot.common.metrics import LEADER
from bot.delivery.scheduler import Scheduler
from bot.web.health import Verdict
from storage import migrate

# A database that has not answered within this long is as good as unreachable for members.
DATABASE_TIMEOUT = 5.0
# Where alembic keeps the migration the database is at.
REVISION_QUERY = "SELECT version_num FROM alembic_version"


class Role(enum.StrEnum):
    STARTING = "starting"
    STANDBY = "standby"
    LEADER = "leader"
    STOPPING = "stopping"


class Readiness:
    def __init__(self) -> None:
        self._role = Role.STARTING
        self._bot: tuple[HuihuiApplication, AsyncEngine] | None = None
        # Why a process still starting is not serving yet, or a standby could not take over,
        # once it knows (the database or Telegram cannot be reached).
        self._holding_up: str | None = None
        LEADER.set(0)

    @property
    def role(self) -> Role:
        return self._role

    @role.setter
    def role(self, role: Role) -> None:
        self._role = role
        self._holding_up = None  # said of the step before
        LEADER.set(1 if role is Role.LEADER else 0)

    def held_up(self, reason: str) -> None:
        """What keeps a starting process from serving (said by ``/readyz``)."""
        self._holding_up = reason

    def serving(self, application: HuihuiApplication, engine: AsyncEngine) -> None:
        """The bot runs (``application`` on ``engine``'s database): this process leads."""
        self._bot = (application, engine)
        self.role = Role.LEADER

    def stopping(self) -> None:
        self._bot = None
        self.role = Role.STOPPING

    async def check(self) -> Verdict:
        if self._role is Role.STANDBY:
            # A standby that cannot reach the database could not take over: it says so.
            reasons = {"reasons": [self._holding_up]} if self._holding_up else {}
            return Verdict(False, {"role": Role.STANDBY.value, **reasons})
        if self._role is Role.STARTING and self._holding_up is not None:
            return Verdict(False, {"role": self._role.value, "reasons": [self._holding_up]})
        if self._role is not Role.LEADER or self._bot is None:
            return Verdict(False, {"role": self._role.value, "reasons": [self._role.value]})
        application, engine = self._bot
        reasons = [*await _database_problems(engine), *_bot_problems(application)]
        body: dict[str, object] = {"role": Role.LEADER.value}
        if reasons:
            body["reasons"] = reasons
        return Verdict(not reasons, body)


async def _database_problems(engine: AsyncEngine) -> list[str]:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT), engine.connect() as connection:
            # Read as a plain row, not through alembic, which logs two lines each time it
            # looks: a probe every few seconds would fill the log.
            revision = await connection.scalar(text(REVISION_QUERY))
    except TimeoutError:
        return [f"the database did not answer within {DATABASE_TIMEOUT:.0f} s"]
    except (SQLAlchemyError, OSError) as error:
        return [f"the database cannot be reached ({type(error).__name__})"]
    if revision != migrate.head():
        return [f"the database is at migration {revision}, this version needs {migrate.head()}"]
    return []


def _bot_problems(application: HuihuiApplication) -> list[str]:
    if not application.running:
        return ["the bot is not running"]
    job_queue = application.job_queue
    if (
        job_queue is None
        or not job_queue.scheduler.running
        or not job_queue.get_jobs_by_name(Scheduler.POLL_JOB)
    ):
        return ["scheduled work (notices, reminders, broadcasts) is not running"]
    return []
