"""Gentle check-ins 3 days, 3 weeks and 3 months after a mutual match ("还在联系吗？").

Every match, however it was made (mutual likes, a matchmaker's proposal, an event's mutual
choice), goes through ``record_match`` so each gets its check-ins. A member can turn them off
with one press; answering is the member's choice, and only answers feed the statistics.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.i18n import N_
from bot.domain.buttons import CheckInAnswer, FollowUpAnswer, StopFollowUps
from bot.domain.clock import Clock
from bot.services import notices
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import matching, profiles, tasks
from storage.models import FollowUp, Match, Member

KIND = "match_follow_up"
STAGES = {"3d": timedelta(days=3), "3w": timedelta(weeks=3), "3m": timedelta(days=91)}
OUTCOMES: dict[CheckInAnswer, str] = {
    "talking": N_("Still in touch"),
    "met": N_("We have met"),
    "together": N_("We are together"),
    "ended": N_("Not in touch"),
}
QUESTIONS = {
    "3d": N_("It has been three days since you and {name} matched. How is it going?"),
    "3w": N_("Three weeks since you and {name} matched: are you still in touch?"),
    "3m": N_("Three months since you and {name} matched. Would you tell us how it went?"),
}


async def record_match(
    session: AsyncSession, a: int, b: int, source: str, now: datetime
) -> Match | None:
    """Record a match (once per pair) and plan both members' check-ins."""
    match = await matching.create_match(session, a, b, source, now)
    if match is None:
        return None
    for member_id in (a, b):
        for stage, delay in STAGES.items():
            await tasks.put(
                session,
                kind=KIND,
                due_at=now + delay,
                payload={"match_id": match.id, "stage": stage, "member_id": member_id},
                key=f"{KIND}:{match.id}:{member_id}:{stage}",
                expires_at=None,
                now=now,
                member_id=member_id,
            )
    return match


class CheckIns:
    """Each check-in, when it falls due, becomes a notice with the answers as buttons."""

    def __init__(self, db: async_sessionmaker[AsyncSession], clock: Clock, work: WorkQueue) -> None:
        self._db = db
        self._clock = clock
        self._work = work

    def task_kinds(self) -> dict[str, TaskKind]:
        return {KIND: TaskKind(self._due)}

    async def _due(self, task: DueTask) -> None:
        match_id, stage = int(task.payload["match_id"]), task.payload["stage"]
        async with self._db.begin() as session:
            match = await session.get(Match, match_id)
            member = await session.get(Member, int(task.payload["member_id"]))
            if match is None or member is None or not member.follow_ups:
                return  # unmatched, deleted, or the member asked for no more check-ins
            if member.telegram_id is None:
                return
            # Named by their nickname (what the member knows them by); the answer is never
            # shown to them.
            other = match.member_b if member.id == match.member_a else match.member_a
            name = (await profiles.answers(session, other)).get("nickname")
            buttons = [
                [notices.Button(label, FollowUpAnswer(match_id, stage, outcome).encode())]
                for outcome, label in OUTCOMES.items()
            ]
            buttons.append([notices.Button(N_("No more check-ins"), StopFollowUps().encode())])
            await notices.put(
                session,
                to=member.telegram_id,
                lines=[
                    line(
                        QUESTIONS[stage],
                        name=name.value if name else notices.translated(N_("your match")),
                    ),
                    line(
                        N_(
                            "Answering is optional. It helps your union improve its matchmaking "
                            "and is never shown to the other person."
                        )
                    ),
                ],
                buttons=buttons,
                now=self._clock.now(),
                key=f"{KIND}:{match_id}:{member.id}:{stage}:asked",
                member_id=member.id,
            )
        self._work.wake()

    async def answer(self, telegram_id: int, match_id: int, stage: str, outcome: str) -> bool:
        """Store a member's answer; False if the match is not theirs or the answer is unknown."""
        async with self._db.begin() as session:
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            match = await session.get(Match, match_id)
            if (
                member is None
                or match is None
                or member.id not in (match.member_a, match.member_b)
                or stage not in STAGES
                or outcome not in OUTCOMES
            ):
                return False
            existing = await session.scalar(
                select(FollowUp).where(
                    FollowUp.match_id == match_id,
                    FollowUp.member_id == member.id,
                    FollowUp.stage == stage,
                )
            )
            now = self._clock.now()
            if existing is None:
                session.add(
                    FollowUp(
                        match_id=match_id,
                        member_id=member.id,
                        stage=stage,
                        outcome=outcome,
                        answered_at=now,
                    )
                )
            else:
                existing.outcome, existing.answered_at = outcome, now
            return True

    async def stop(self, telegram_id: int) -> None:
        """The member wants no more check-ins."""
        async with self._db.begin() as session:
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            if member is not None:
                member.follow_ups = False
