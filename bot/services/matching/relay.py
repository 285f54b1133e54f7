"""会会传话: after a match, the two write to each other through the bot (text, photos — an
album as one — and stickers) without either learning the other's username or phone number.

Every message passes the screens, also together with the sender's last few messages so that
splitting a number or an id over several messages does not help:

* contact details (a phone number, a WeChat/QQ id, an e-mail address, a link) are held until
  both pressed 交换联系方式 — the recipient opens them knowingly, with a safety note;
* the romance-scam screen (``bot.domain.scams``) adds a safety note and lists the message for
  the union's moderators in /reports; a link or a request for money from someone matched less
  than two days ago is held;
* a photo without words, or a sticker whose set is named after an id, in the first two days is
  held likewise.

Every confirmation names the recipient. A member relaying to one match while another match's
message arrives is asked which conversation the next message is for. Edits are relayed as
edits (screened again, marked 已编辑), never as new messages. A member sends a burst of
``PACE.burst`` messages, then one every few seconds. Either side may end the conversation;
its messages are then kept ``relay_retention_days`` and erased (and always with a member's
/delete_me). Who may write at all is ``bot.services.matching.contact``.
"""

from __future__ import annotations

import enum
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.common.i18n import N_
from bot.domain import free_text
from bot.domain.buttons import Block, EndRelay, RelayTo, Report, ShowRelayed
from bot.domain.clock import Clock
from bot.domain.free_text import Invalid
from bot.domain.pace import Pace, allows
from bot.domain.scams import HELD, ScamSignal, scam_signals
from bot.domain.screening import contact_details, imitates_notice
from bot.domain.text import visible
from bot.services import notices
from bot.services.matching.contact import PURGE, Refusal, barred, close, reachable, refusal
from bot.services.matching.notices import Contact, contact_of, exchanged
from bot.services.notices import Line, line
from bot.services.work import DueTask, TaskKind, WorkQueue
from storage import matching, members
from storage.models import Match, Member, RelayMessage, ScheduledTask

# A link or a request for money this soon after the match is held for the recipient, and so
# is a photo without words.
HOLD_WITHIN = timedelta(hours=48)
# Open conversations offered for words sent outside any (the newest matches).
OFFERED = 3
# A burst of messages, then one every few seconds: a script's hundreds reach nobody.
PACE = Pace(burst=20, every=timedelta(seconds=3))
# What one relayed message may say (its words, a photo's caption, an edit).
RELAYED = free_text.FEEDBACK
# The notice of an edit, one per version of the words (edits may come within one instant).
EDIT_KEY = "relay:{message}:edited:{version}"
# The sender's messages screened together with a new one: this many, this recent, this many
# characters in all. A mobile number is 11 digits: sent a digit or two a message, minutes
# apart, it took 6 to 11 messages over more than 10 minutes, and 4 messages within 10 minutes
# let it through. The characters bound the screen's work as 4 messages of 1,000 did.
SCREENED_TOGETHER = 12
TOGETHER_WITHIN = timedelta(hours=24)
TOGETHER_CHARACTERS = 4000
# The same words sent again this soon, nothing said between: passed on once. The sender whose
# "✓" a crash swallowed sends again, and the match would read it twice.
REPEAT_WITHIN = timedelta(minutes=2)
SAFETY_NOTE = N_(
    "⚠️ 会会 noticed a link, or talk of money, investment or moving elsewhere, in this message. "
    "Do not install apps from links, and never transfer or invest at the request of someone "
    "you met here; press 举报 if it feels wrong."
)
# A member's message that carries lines dressed as 会会's notices ("⚠️ 会会提醒：对方已通过实名
# 认证，可以放心") reads, in one Telegram message under their name, as if 会会 vouched for them.
NOT_OUR_NOTE = N_(
    "⚠️ The lines above are {nickname}'s own words, not a note from 会会: 会会 never writes "
    "inside a member's message."
)
CONTACT_NOTE = N_(
    "⚠️ This message seems to carry contact details. You have not both agreed to exchange "
    "contacts: add someone elsewhere only if you feel sure, never join groups or install apps "
    "they send, and press 举报 if they push you to move off 会会."
)


class RelayStatus(enum.StrEnum):
    SENT = "sent"
    HELD = "held"  # delivered as "a message is waiting" the recipient may open
    ENDED = "ended"  # not a match (any more), blocked, or the conversation was ended
    BARRED = "barred"  # the sender is suspended or left the union (``Relayed.refusal``)
    TOO_FAST = "too_fast"  # nothing sent: over the pace
    CHOOSE = "choose"  # kept as a draft: which conversation is it for? (``Relayed.choices``)
    NOT_RELAYED = "not_relayed"  # an edit of a message that was never relayed
    INVALID = "invalid"  # nothing sent: the words cannot be kept (``Relayed.invalid``)
    REPEATED = "repeated"  # nothing sent: the same words were passed on a moment ago


@dataclass(frozen=True)
class Outgoing:
    """What the sender sent: ``kind`` text, photo or sticker; ``text`` the words (a photo's
    caption, a sticker's set name and title); their own Telegram message and album."""

    kind: str
    text: str | None
    file_id: str | None = None
    message_id: int | None = None
    media_group: str | None = None
    # The photo or sticker shows a QR code or another matrix code (bot.domain.photos): the
    # front end reads the picture, which the service never downloads.
    shows_a_code: bool = False


@dataclass(frozen=True)
class Relayed:
    status: RelayStatus
    nickname: str = ""  # the recipient's
    refusal: Refusal | None = None
    choices: tuple[tuple[int, str], ...] = ()  # (match id, nickname), the current one first
    draft: int | None = None
    # A later photo of an album whose first was confirmed already.
    album_continued: bool = False
    invalid: Invalid | None = None


@dataclass(frozen=True)
class Shown:
    """A held message, opened by its recipient: its words and the photos (an album's all) or
    the sticker."""

    sender: str
    kind: str
    text: str | None
    file_ids: tuple[str, ...]
    contact: bool  # it carried contact details


class Hold(enum.StrEnum):
    CONTACT = "contact"
    SCAM = "scam"
    PHOTO = "photo"


HELD_WORDS = {
    Hold.CONTACT: N_(
        "{nickname} sent a message that seems to carry contact details (a phone number, an "
        "id, an e-mail address, a link or a QR code). You have not both agreed to exchange "
        "contacts, so I have kept it aside: open it only if you feel safe."
    ),
    Hold.SCAM: N_(
        "{nickname} sent a message with a link or a request for money. "
        "You matched less than two days ago, so I have kept it aside: "
        "open it only if you feel safe."
    ),
    Hold.PHOTO: N_(
        "{nickname} sent a photo without a word. You matched less than two days ago, so I "
        "have kept it aside: open it if you would like to see it."
    ),
}


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

    def _retention(self) -> timedelta:
        return timedelta(days=self._settings.relay_retention_days)

    async def partner(self, telegram_id: int, match_id: int) -> str | Refusal | None:
        """The nickname of the one the member may write to in this match; why not, when the
        member may write to nobody; None when the conversation is over."""
        async with self._db() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return None
            if (barred := await refusal(session, me)) is not None:
                return barred
            found = await self._open_match(session, me, match_id)
            if found is None:
                return None
            other = await contact_of(session, found[1])
            return other.nickname if other else None

    async def newest_to(self, telegram_id: int) -> int:
        """The newest message relayed to the member (0: none): what they have seen when they
        choose a conversation. Ids, not times: two messages may share an instant."""
        async with self._db() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return 0
            newest = await session.scalar(
                select(func.max(RelayMessage.id))
                .join(Match, Match.id == RelayMessage.match_id)
                .where(
                    or_(Match.member_a == me.id, Match.member_b == me.id),
                    RelayMessage.sender_id != me.id,
                    RelayMessage.draft.is_(False),
                )
            )
            return int(newest or 0)

    async def send(
        self, telegram_id: int, match_id: int, outgoing: Outgoing, seen: int | None = None
    ) -> Relayed:
        """Relay a message to the other of the match. ``seen``: the newest message to the
        sender when they last chose this conversation (``newest_to``); a message another
        match sent them after it makes this one a draft they are asked about."""
        now = self._clock.now()
        words = relayed_words(outgoing.text, outgoing.kind)
        if isinstance(words, Invalid):
            return Relayed(RelayStatus.INVALID, invalid=words)
        outgoing = replace(outgoing, text=words)
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return Relayed(RelayStatus.ENDED)
            if (barred := await refusal(session, me)) is not None:
                return Relayed(RelayStatus.BARRED, refusal=barred)
            found = await self._open_match(session, me, match_id)
            if found is None:
                return Relayed(RelayStatus.ENDED)
            match, other_id = found
            if not await self._keeps_pace(session, me.id, now):
                return Relayed(RelayStatus.TOO_FAST)
            if await self._repeated(session, match.id, me.id, outgoing, now):
                recipient = await contact_of(session, other_id)
                return Relayed(RelayStatus.REPEATED, recipient.nickname if recipient else "")
            message = RelayMessage(
                match_id=match.id,
                sender_id=me.id,
                kind=outgoing.kind,
                text=outgoing.text,
                file_id=outgoing.file_id,
                signals=[ScamSignal.CODE] if outgoing.shows_a_code else [],
                held=False,
                created_at=now,
                source_message_id=outgoing.message_id,
                media_group=outgoing.media_group,
            )
            album = await self._album_start(session, message)
            if album is None and seen is not None:
                waiting = await self._waiting_elsewhere(session, me.id, match.id, seen)
                if waiting:
                    message.draft = True
                    session.add(message)
                    await session.flush()
                    choices = [(match.id, other_id), *waiting]
                    named = [
                        (choice, contact.nickname)
                        for choice, member_id in choices
                        if (contact := await contact_of(session, member_id)) is not None
                    ]
                    return Relayed(RelayStatus.CHOOSE, choices=tuple(named), draft=message.id)
            return await self._deliver(session, match, me, other_id, message, album, now)

    async def unaddressed(self, telegram_id: int, outgoing: Outgoing) -> Relayed:
        """Words a member sent outside any conversation while conversations are open to them
        (typed straight after a match notice or a relayed message, as in any chat app): kept
        as a draft, and the member is asked whom it is for (CHOOSE, the newest match first);
        BARRED if they may not relay; NOT_RELAYED, and nothing kept, when there is no open
        conversation, the words cannot be kept, or they send over the pace."""
        now = self._clock.now()
        words = relayed_words(outgoing.text, outgoing.kind)
        if isinstance(words, Invalid) or words is None:
            return Relayed(RelayStatus.NOT_RELAYED)
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return Relayed(RelayStatus.NOT_RELAYED)
            conversations = await self._open_conversations(session, me)
            if not conversations:
                return Relayed(RelayStatus.NOT_RELAYED)
            if (barred := await refusal(session, me)) is not None:
                return Relayed(RelayStatus.BARRED, refusal=barred)
            if not await self._keeps_pace(session, me.id, now):
                return Relayed(RelayStatus.NOT_RELAYED)
            named = [
                (match_id, contact.nickname)
                for match_id, member_id in conversations
                if (contact := await contact_of(session, member_id)) is not None
            ]
            if not named:
                return Relayed(RelayStatus.NOT_RELAYED)
            message = RelayMessage(
                match_id=named[0][0],
                sender_id=me.id,
                kind=outgoing.kind,
                text=words,
                signals=[],
                held=False,
                draft=True,
                created_at=now,
                source_message_id=outgoing.message_id,
            )
            session.add(message)
            await session.flush()
            return Relayed(RelayStatus.CHOOSE, choices=tuple(named), draft=message.id)

    async def _open_conversations(self, session: AsyncSession, me: Member) -> list[tuple[int, int]]:
        """(match id, the other's member id) of the member's conversations still open, the
        newest match first, at most ``OFFERED`` of them."""
        rows = await session.execute(
            select(Match.id, Match.member_a, Match.member_b)
            .where(
                or_(Match.member_a == me.id, Match.member_b == me.id),
                Match.relay_ended_at.is_(None),
            )
            .order_by(Match.id.desc())
        )
        found = []
        for match_id, a, b in rows.all():
            if await self._open_match(session, me, match_id) is not None:
                found.append((match_id, b if a == me.id else a))
                if len(found) == OFFERED:
                    break
        return found

    async def send_draft(self, telegram_id: int, draft_id: int, match_id: int) -> Relayed:
        """The sender chose the conversation a draft is for: it goes there now."""
        now = self._clock.now()
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            draft = await session.get(RelayMessage, draft_id)
            if me is None or draft is None or draft.sender_id != me.id or not draft.draft:
                return Relayed(RelayStatus.ENDED)
            if (barred := await refusal(session, me)) is not None:
                return Relayed(RelayStatus.BARRED, refusal=barred)
            found = await self._open_match(session, me, match_id)
            if found is None:
                return Relayed(RelayStatus.ENDED)
            match, other_id = found
            if not await self._keeps_pace(session, me.id, now):
                return Relayed(RelayStatus.TOO_FAST)  # still a draft: the choice may be made again
            draft.match_id, draft.draft, draft.created_at = match.id, False, now
            return await self._deliver(session, match, me, other_id, draft, None, now)

    async def edit(self, telegram_id: int, message_id: int, text: str | None) -> Relayed:
        """The sender edited a message they had relayed: the new words are screened again and
        relayed marked as an edit (a photo is not sent again)."""
        now = self._clock.now()
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return Relayed(RelayStatus.NOT_RELAYED)
            message = await session.scalar(
                select(RelayMessage)
                .where(
                    RelayMessage.sender_id == me.id, RelayMessage.source_message_id == message_id
                )
                .order_by(RelayMessage.id.desc())
                .limit(1)
            )
            if message is None or message.kind == "sticker":
                return Relayed(RelayStatus.NOT_RELAYED)
            # An edit is bounded and cleaned as a new message is: a member may edit a message
            # up to Telegram's 4,096 characters, with NUL bytes PostgreSQL refuses.
            words = relayed_words(text, message.kind)
            if isinstance(words, Invalid):
                return Relayed(RelayStatus.INVALID, invalid=words)
            text = words
            if (barred := await refusal(session, me)) is not None:
                return Relayed(RelayStatus.BARRED, refusal=barred)
            if message.draft:  # not sent yet: it goes as edited, once its sender chooses
                message.text = text
                return Relayed(RelayStatus.SENT)
            found = await self._open_match(session, me, message.match_id)
            if found is None:
                return Relayed(RelayStatus.ENDED)
            match, other_id = found
            if not await self._keeps_pace(session, me.id, now):
                return Relayed(RelayStatus.TOO_FAST)
            sender, recipient = (
                await contact_of(session, me.id),
                await contact_of(session, other_id),
            )
            if sender is None or recipient is None:
                return Relayed(RelayStatus.ENDED)
            message.text, message.edited_at = text, now
            hold, signals = await self._screen(session, match, message, now, sender.nickname)
            message.signals = sorted(signals)
            if hold is not None:
                message.held, message.shown_at = True, None
                lines, buttons = self._held_notice(sender, message, hold)
            else:
                said = line(N_("{nickname} (edited): {text}"), nickname=sender.nickname, text=text)
                lines = [said, *_notes(sender, text, signals)]
                buttons = _answer_buttons(match, me.id)
            await notices.put(
                session,
                to=recipient.telegram_id,
                now=now,
                lines=lines,
                buttons=buttons,
                key=EDIT_KEY.format(message=message.id, version=zlib.crc32((text or "").encode())),
                member_id=me.id,
            )
        self._work.wake()
        return Relayed(
            RelayStatus.HELD if hold is not None else RelayStatus.SENT, recipient.nickname
        )

    async def _repeated(
        self,
        session: AsyncSession,
        match_id: int,
        sender_id: int,
        outgoing: Outgoing,
        now: datetime,
    ) -> bool:
        """The conversation's last message is the sender's, these very words, a moment ago."""
        if outgoing.kind != "text":
            return False
        last = await session.scalar(
            select(RelayMessage)
            .where(RelayMessage.match_id == match_id, RelayMessage.draft.is_(False))
            .order_by(RelayMessage.id.desc())
            .limit(1)
        )
        return (
            last is not None
            and last.sender_id == sender_id
            and last.kind == "text"
            and last.text == outgoing.text
            and now - last.created_at <= REPEAT_WITHIN
        )

    async def _deliver(
        self,
        session: AsyncSession,
        match: Match,
        me: Member,
        other_id: int,
        message: RelayMessage,
        album: RelayMessage | None,
        now: datetime,
    ) -> Relayed:
        sender, recipient = await contact_of(session, me.id), await contact_of(session, other_id)
        if sender is None or recipient is None or not await reachable(session, other_id):
            return Relayed(RelayStatus.ENDED)
        hold, signals = await self._screen(session, match, message, now, sender.nickname, album)
        if album is not None and album.held:
            hold = hold or Hold.PHOTO  # an album is opened as one
        message.signals, message.held = sorted(signals), hold is not None
        session.add(message)
        await session.flush()
        if album is not None and album.held:
            pass  # its notice is the album's first: 查看 opens every photo
        elif hold is not None:
            lines, buttons = self._held_notice(sender, message, hold)
            await notices.put(
                session,
                to=recipient.telegram_id,
                now=now,
                lines=lines,
                buttons=buttons,
                key=f"relay:{message.id}",
                member_id=me.id,  # the sender's words go with the sender's data
            )
        else:
            await notices.put(
                session,
                to=recipient.telegram_id,
                now=now,
                lines=self._plain_lines(sender, message, signals, album),
                buttons=[] if album is not None else _answer_buttons(match, me.id),
                photo=message.file_id if message.kind == "photo" else None,
                sticker=message.file_id if message.kind == "sticker" else None,
                key=f"relay:{message.id}",
                member_id=me.id,
            )
        self._work.wake()
        return Relayed(
            RelayStatus.HELD if message.held else RelayStatus.SENT,
            recipient.nickname,
            album_continued=album is not None,
        )

    @staticmethod
    def _plain_lines(
        sender: Contact,
        message: RelayMessage,
        signals: frozenset[str],
        album: RelayMessage | None,
    ) -> list[Line]:
        if message.kind == "sticker":
            return [line(N_("{nickname} sent a sticker."), nickname=sender.nickname)]
        if album is not None and not message.text:
            return []  # a further photo of an album: its first said who sent it
        said = line(N_("{nickname}: {text}"), nickname=sender.nickname, text=message.text or "")
        return [said, *_notes(sender, message.text, signals)]

    @staticmethod
    def _held_notice(
        sender: Contact, message: RelayMessage, hold: Hold
    ) -> tuple[list[Line], list[list[notices.Button]]]:
        return (
            [line(HELD_WORDS[hold], nickname=sender.nickname)],
            [[notices.Button(N_("Show it"), ShowRelayed(message.id).encode())]],
        )

    async def _screen(
        self,
        session: AsyncSession,
        match: Match,
        message: RelayMessage,
        now: datetime,
        nickname: str,
        album: RelayMessage | None = None,
    ) -> tuple[Hold | None, frozenset[str]]:
        """Why the message is held (None: it is not), and its scam signals. The sender's last
        few messages are screened with it: what only the whole shows counts for this one. A
        further photo of an album goes as its first did, unless its own words hold it. The
        sender's nickname is read with the words, as the recipient reads "阿明138：1234 5678"."""
        text = message.text or ""
        earlier = await self._earlier_words(session, message, now)
        # The picture's code stays found when its caption is edited; words are read again.
        signals = scam_signals(text) | (frozenset(message.signals) & {ScamSignal.CODE})
        contact = carries_contact(message)
        before, together = "\n".join([nickname, *earlier]), "\n".join([nickname, *earlier, text])
        if earlier:
            signals |= scam_signals("\n".join([*earlier, text])) - scam_signals("\n".join(earlier))
        contact = contact or (
            contact_details(together) is not None and contact_details(before) is None
        )
        early = now - match.created_at < HOLD_WITHIN
        if contact and not exchanged(match):
            return Hold.CONTACT, signals
        if early and signals & HELD:
            return Hold.SCAM, signals
        if early and message.kind == "photo" and not text.strip() and album is None:
            return Hold.PHOTO, signals
        return None, signals

    async def _earlier_words(
        self, session: AsyncSession, message: RelayMessage, now: datetime
    ) -> list[str]:
        """The words of the sender's latest messages in this conversation that were passed
        on, oldest first, as many as fit in ``TOGETHER_CHARACTERS``. A held message is left
        out: it is aside already, and counted in it would hide whatever came after it (a
        held "微信 abc12345" let "138", "0013", "8000" through, as found "before")."""
        rows = await session.scalars(
            select(RelayMessage.text)
            .where(
                RelayMessage.match_id == message.match_id,
                RelayMessage.sender_id == message.sender_id,
                RelayMessage.draft.is_(False),
                RelayMessage.held.is_(False),
                RelayMessage.kind != "sticker",
                RelayMessage.created_at >= now - TOGETHER_WITHIN,
                *([RelayMessage.id != message.id] if message.id is not None else []),
            )
            .order_by(RelayMessage.id.desc())
            .limit(SCREENED_TOGETHER)
        )
        kept: list[str] = []
        room = TOGETHER_CHARACTERS
        for text in rows.all():  # newest first
            if not text:
                continue
            room -= len(text)
            if room < 0:
                break
            kept.append(text)
        return kept[::-1]

    async def _keeps_pace(self, session: AsyncSession, sender_id: int, now: datetime) -> bool:
        """Messages, drafts and edits share one pace: an edit reaches the recipient as a
        notice of its own, so editing one message over and over (60 edits, 60 notices) is a
        flood like any other, and so is writing on while asked which conversation a message
        is for (100 messages kept 100 drafts, each answered with the question). An edit's
        moment is its notice's."""
        sent = await session.scalars(
            select(RelayMessage.created_at)
            .where(RelayMessage.sender_id == sender_id)
            .order_by(RelayMessage.id.desc())
            .limit(PACE.remembered)
        )
        edits = await session.scalars(
            select(ScheduledTask.created_at)
            .where(
                ScheduledTask.member_id == sender_id,
                ScheduledTask.key.like(EDIT_KEY.format(message="%", version="%")),
            )
            .order_by(ScheduledTask.id.desc())
            .limit(PACE.remembered)
        )
        latest = sorted([*sent.all(), *edits.all()], reverse=True)[: PACE.remembered]
        return allows(PACE, latest, now)

    async def _album_start(
        self, session: AsyncSession, message: RelayMessage
    ) -> RelayMessage | None:
        """The first relayed photo of the album this one belongs to, if it is not the first."""
        if message.media_group is None:
            return None
        return await session.scalar(
            select(RelayMessage)
            .where(
                RelayMessage.sender_id == message.sender_id,
                RelayMessage.media_group == message.media_group,
                RelayMessage.draft.is_(False),
            )
            .order_by(RelayMessage.id)
            .limit(1)
        )

    async def _waiting_elsewhere(
        self, session: AsyncSession, me: int, match_id: int, seen: int
    ) -> list[tuple[int, int]]:
        """(match id, the other's member id) of the member's other open conversations with a
        message to them newer than ``seen``."""
        rows = await session.execute(
            select(Match.id, Match.member_a, Match.member_b)
            .join(RelayMessage, RelayMessage.match_id == Match.id)
            .where(
                or_(Match.member_a == me, Match.member_b == me),
                Match.id != match_id,
                Match.relay_ended_at.is_(None),
                RelayMessage.sender_id != me,
                RelayMessage.draft.is_(False),
                RelayMessage.id > seen,
            )
            .distinct()
            .order_by(Match.id)
        )
        return [(found, b if a == me else a) for found, a, b in rows.all()]

    async def show(self, telegram_id: int, message_id: int) -> Shown | None:
        """A held message, for its recipient only, while neither blocked or reported the
        other and neither is suspended or off the union's roster (an album: all its held
        photos). A scammer suspended after his held link or money request was set aside
        passes nothing on through it, as he passes on nothing new."""
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            message = await session.get(RelayMessage, message_id)
            if me is None or message is None or not message.held or message.draft:
                return None
            match = await session.get(Match, message.match_id)
            if match is None or me.id not in (match.member_a, match.member_b):
                return None
            if me.id == message.sender_id or await matching.blocked(
                session, me.id, message.sender_id
            ):
                return None
            sender_member = await session.get(Member, message.sender_id)
            if sender_member is None or barred(sender_member) or barred(me):
                return None
            group = [message]
            if message.media_group is not None:
                group = list(
                    (
                        await session.scalars(
                            select(RelayMessage)
                            .where(
                                RelayMessage.match_id == match.id,
                                RelayMessage.sender_id == message.sender_id,
                                RelayMessage.media_group == message.media_group,
                                RelayMessage.held.is_(True),
                            )
                            .order_by(RelayMessage.id)
                        )
                    ).all()
                )
            for held in group:
                held.shown_at = held.shown_at or self._clock.now()
            sender = await contact_of(session, message.sender_id)
            words = " ".join(held.text for held in group if held.text and held.kind != "sticker")
            return Shown(
                sender.nickname if sender else "?",
                message.kind,
                words or None,
                tuple(held.file_id for held in group if held.file_id),
                any(carries_contact(held) for held in group),
            )

    async def end(self, telegram_id: int, match_id: int) -> bool:
        """End the conversation for both; its messages are erased after the retention."""
        now = self._clock.now()
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            found = await self._open_match(session, me, match_id) if me else None
            if me is None or found is None:
                return False
            match, other_id = found
            await close(session, self._work, match, now, self._retention())
            sender, other = await contact_of(session, me.id), await contact_of(session, other_id)
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
        self, session: AsyncSession, me: Member, match_id: int
    ) -> tuple[Match, int] | None:
        """The match if the member is in it, it was not ended, and neither blocked the other:
        (match, the other's member id)."""
        match = await session.get(Match, match_id)
        if match is None or me.id not in (match.member_a, match.member_b):
            return None
        other = match.member_b if me.id == match.member_a else match.member_a
        if match.relay_ended_at is not None or await matching.blocked(session, me.id, other):
            return None
        return match, other

    async def _purge(self, task: DueTask) -> None:
        async with self._db.begin() as session:
            await session.execute(
                delete(RelayMessage).where(RelayMessage.match_id == int(task.payload["match_id"]))
            )


def carries_contact(message: RelayMessage) -> bool:
    """Whether the message's words carry contact details, or its photo shows a code (a WeChat
    QR code is an id by another road)."""
    return contact_details(message.text or "") is not None or ScamSignal.CODE in message.signals


def _notes(sender: Contact, text: str | None, signals: frozenset[str]) -> list[Line]:
    """What 会会 adds under a message it passes on: the safety note for scam signals, and a
    word that lines dressed as 会会's own notes are the sender's."""
    notes = [line(SAFETY_NOTE)] if signals else []
    if text and imitates_notice(text):
        notes.append(line(NOT_OUR_NOTE, nickname=sender.nickname))
    return notes


def relayed_words(text: str | None, kind: str) -> str | None | Invalid:
    """The words as they are kept and passed on: without what no database or reader wants
    (NUL, control characters) and what the recipient would not see (zero-width characters),
    within a message's bound; a photo or a sticker may come without any."""
    shown = visible(free_text.clean(text or ""))
    if not shown:
        return None if kind != "text" else Invalid(N_("Please write an answer."))
    return free_text.check(shown, RELAYED)


def _answer_buttons(match: Match, sender_id: int) -> list[list[notices.Button]]:
    """Under a relayed message: answer, end, report or block its sender."""
    return [
        [
            notices.Button(N_("Reply"), RelayTo(match.id).encode()),
            notices.Button(N_("End the conversation"), EndRelay(match.id).encode()),
        ],
        [
            notices.Button(N_("Report"), Report(sender_id).encode()),
            notices.Button(N_("Block"), Block(sender_id).encode()),
        ],
    ]
