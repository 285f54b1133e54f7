"""Cases for the web demo's Review and Reports tabs, which the chat demo's journeys leave empty
(its near miss is approved in the chat): a member whose name was typed one character off the
roster, waiting for review, and a member another reported as not single, in the reporter's own
words. Written straight to the database from the synthetic roster of 浦东."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.tools import demo
from bot.tools.sandbox import Sandbox
from storage import units
from storage.models import Member, ProfileAnswer, Report, RosterEntry, VerificationAttempt

WORDS = "他在资料里写未婚，可活动上他的同事说他已经结婚好几年了，孩子都上小学了。"


async def add(sb: Sandbox) -> None:
    now = sb.clock.now()
    async with sb.app.services.db.begin() as session:
        pudong = await units.by_name(session, demo.PUDONG)
        assert pudong is not None
        free = (
            await session.scalars(
                select(RosterEntry)
                .where(RosterEntry.unit_id == pudong.id, RosterEntry.member_id.is_(None))
                .order_by(RosterEntry.id)
                .limit(2)
            )
        ).all()
        waiting, reported = free
        claimant = Member(
            telegram_id=sb.user("小周").id, created_at=now, last_seen_at=now, consented_at=now
        )
        someone = Member(
            telegram_id=sb.user("大刘").id,
            created_at=now - timedelta(days=60),
            last_seen_at=now,
            consented_at=now - timedelta(days=60),
            verified_at=now - timedelta(days=60),
            unit_id=pudong.id,
        )
        session.add_all([claimant, someone])
        await session.flush()
        reported.member_id = someone.id
        session.add(
            VerificationAttempt(
                member_id=claimant.id,
                created_at=now - timedelta(hours=2),
                real_name=_typo(waiting.real_name),
                member_number=waiting.member_number,
                employer=waiting.employer,
                phone=waiting.phone,
                roster_entry_id=waiting.id,
                outcome="pending",
                reasons=["name_close"],
            )
        )
        answers = {"nickname": "大刘", "birth_year": 1988, "height": 178, "hometown": "安徽芜湖"}
        session.add_all(
            ProfileAnswer(member_id=someone.id, question=key, value=value, answered_at=now)
            for key, value in answers.items()
        )
        reporter = await session.scalar(
            select(Member.id).where(Member.unit_id == pudong.id, Member.id != someone.id).limit(1)
        )
        assert reporter is not None
        session.add(
            Report(
                reporter_id=reporter,
                reported_id=someone.id,
                reason="not_single",
                status="pending",
                created_at=now - timedelta(hours=5),
                detail=WORDS,
            )
        )


def _typo(name: str) -> str:
    """The name with its last character mistyped, as a near miss looks."""
    return name[:-1] + ("明" if name[-1] != "明" else "敏")
