"""会会传话: after a match, the two write to each other through the bot (text, photos and
stickers) without either learning the other's username or phone number.

Every message passes the romance-scam screen (``bot.domain.scams``): a message with signals
reaches the recipient with a short safety note and is listed for the union's moderators in
/reports; a link or a request for money from someone matched less than two days ago is held
until the recipient chooses to see it. Either side may end the conversation; its messages are
then kept ``relay_retention_days`` and erased (and always with a member's /delete_me).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.domain.buttons import Block, EndRelay, RelayTo, Report, ShowRelayed
from bot.domain.clock import Clock
from bot.domain.scams import HELD, scam_signals
from bot.services import notices
from bot.services.matching.notices import contact_of
from bot.services.notices import line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import matching, members
from storage.models import Match, Member, RelayMessage

PURGE = "relay_purge"
# A link or a request for money this soon after the match is held for the recipient.
HOLD_WITHIN = timedelta(hours=48)
SAFETY_NOTE = N_(
    "⚠️ 会会 noticed a link, or talk of money, investment or moving elsewhere, in this message. "
    "Do not install apps from links, and never transfer or invest at the request of someone "
    "you met here; press 举报 if it feels wrong."
)


class RelayStatus(enum.StrEnum):
    SENT = "sent"
    HELD = "held"  # delivered as "a message is waiting" the recipient may open
    ENDED = "ended"  # not a match (any more), blocked, or the conversation was ended


@dataclass(frozen=True)
class Shown:
    """A held message, opened by its recipient."""

    sender: str
    kind: str
    text: str | None
    file_id: str | None


class Relay:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._work = work

    def task_kinds(self) -> dict[str, TaskKind]:
        return {PURGE: TaskKind(self._purge)}

    async def partner(self, telegram_id: int, match_id: int) -> str | None:
        """The nickname of the one the member may write to in this match, or None."""
        async with self._db() as session:
            found = await self._open_match(session, telegram_id, match_id)
            if found is None:
                return None
            other = await contact_of(session, found[2])
            return other.nickname if other else None

    async def send(
        self,
        telegram_id: int,
        match_id: int,
        text: str | None,
        photo: str | None = None,
        sticker: str | None = None,
    ) -> RelayStatus:
        now = self._clock.now()
        async with self._db.begin() as session:
            found = await self._open_match(session, telegram_id, match_id)
            if found is None:
                return RelayStatus.ENDED
            match, me, other_id = found
            member = await session.get(Member, me)
            if member is None or member.suspended:  # a suspended member writes to nobody
                return RelayStatus.ENDED
            sender, recipient = await contact_of(session, me), await contact_of(session, other_id)
            if sender is None or recipient is None:
                return RelayStatus.ENDED
            signals = scam_signals(text or "")
            held = bool(signals & HELD) and now - match.created_at < HOLD_WITHIN
            message = RelayMessage(
                match_id=match.id,
                sender_id=me,
                kind="photo" if photo else "sticker" if sticker else "text",
                text=text,
                file_id=photo or sticker,
                signals=sorted(signals),
                held=held,
                created_at=now,
            )
            session.add(message)
            await session.flush()
            answer = [
                [
                    notices.Button(N_("Reply"), RelayTo(match.id).encode()),
                    notices.Button(N_("End the conversation"), EndRelay(match.id).encode()),
                ],
                [
                    notices.Button(N_("Report"), Report(me).encode()),
                    notices.Button(N_("Block"), Block(me).encode()),
                ],
            ]
            if held:
                lines = [
                    line(
                        N_(
                            "{nickname} sent a message with a link or a request for money. "
                            "You matched less than two days ago, so I have kept it aside: "
                            "open it only if you feel safe."
                        ),
                        nickname=sender.nickname,
                    )
                ]
                buttons = [[notices.Button(N_("Show it"), ShowRelayed(message.id).encode())]]
                photo = sticker = None
            else:
                said = text or ""
                lines = [
                    line(N_("{nickname}: {text}"), nickname=sender.nickname, text=said)
                    if not sticker
                    else line(N_("{nickname} sent a sticker."), nickname=sender.nickname)
                ]
                if signals:
                    lines.append(line(SAFETY_NOTE))
                buttons = answer
            await notices.put(
                session,
                to=recipient.telegram_id,
                now=now,
                lines=lines,
                buttons=buttons,
                photo=photo,
                sticker=sticker,
                key=f"relay:{message.id}",
                member_id=me,  # the sender's words go with the sender's data
            )
        self._work.wake()
        return RelayStatus.HELD if held else RelayStatus.SENT

    async def show(self, telegram_id: int, message_id: int) -> Shown | None:
        """A held message, for its recipient only."""
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            message = await session.get(RelayMessage, message_id)
            if me is None or message is None or not message.held:
                return None
            match = await session.get(Match, message.match_id)
            if match is None or me.id not in (match.member_a, match.member_b):
                return None
            if me.id == message.sender_id:
                return None
            message.shown_at = message.shown_at or self._clock.now()
            sender = await contact_of(session, message.sender_id)
            nickname = sender.nickname if sender else "?"
            return Shown(nickname, message.kind, message.text, message.file_id)

    async def end(self, telegram_id: int, match_id: int) -> bool:
        """End the conversation for both; its messages are erased after the retention."""
        now = self._clock.now()
        async with self._db.begin() as session:
            found = await self._open_match(session, telegram_id, match_id)
            if found is None:
                return False
            match, me, other_id = found
            match.relay_ended_at = now
            await self._work.put(
                session,
                PURGE,
                now + timedelta(days=self._settings.relay_retention_days),
                {"match_id": match.id},
                key=f"{PURGE}:{match.id}",
            )
            sender, other = await contact_of(session, me), await contact_of(session, other_id)
            if sender is not None and other is not None:
                await notices.put(
                    session,
                    to=other.telegram_id,
                    now=now,
                    lines=[
                        line(N_("{nickname} ended the conversation."), nickname=sender.nickname)
                    ],
                    key=f"relay_ended:{match.id}",
                    member_id=other_id,
                )
        self._work.wake()
        return True

    async def _open_match(
        self, session: AsyncSession, telegram_id: int, match_id: int
    ) -> tuple[Match, int, int] | None:
        """The match if the member is in it, it was not ended, and neither blocked the other:
        (match, the member's id, the other's id)."""
        me = await members.get_by_telegram_id(session, telegram_id)
        match = await session.get(Match, match_id)
        if me is None or match is None or me.id not in (match.member_a, match.member_b):
            return None
        other = match.member_b if me.id == match.member_a else match.member_a
        if match.relay_ended_at is not None or await matching.blocked(session, me.id, other):
            return None
        return match, me.id, other

    async def _purge(self, task: DueTask) -> None:
        async with self._db.begin() as session:
            await session.execute(
                delete(RelayMessage).where(RelayMessage.match_id == int(task.payload["match_id"]))
            )
