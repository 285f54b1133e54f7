"""What a new match tells both members, and the contact hand-off between members without a
Telegram username — all written as notices in the caller's transaction, so whoever made the match
(mutual likes, a matchmaker's proposal) cannot commit it without them.

Each side hears of the match with the way to talk through 会会 (``relay``) and to exchange
contacts; contacts are exchanged only when both agree: each gets the other's t.me link and
WeChat id (typed once), and a side with neither is asked to give one — a contact card (told
plainly that it shows their phone number) or a WeChat id — to that match alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import N_
from bot.domain.buttons import ExchangeContacts, RelayTo
from bot.domain.buttons.contact import GiveWechat, ShareCard
from bot.services import notices
from bot.services.notices import line
from storage import matching, profiles
from storage.models import ContactRequest, Match, Member
from storage.models.matching import WechatId

EXCHANGE_OFFER = N_(
    "When you would like to exchange contacts, press 交换联系方式: they are exchanged only when "
    "you both have."
)
RELAY_OFFER = N_(
    "You can also talk here first: whatever you send after pressing the button goes to "
    "{nickname} through 会会, without your username or phone number."
)
# With every match: how romance scams begin, and the first meeting.
SAFETY_TIPS = N_(
    "🛡 Safety first: meet in a public place the first time and tell a friend where you go. "
    "Never transfer money, lend money or invest because someone you met here suggests it; "
    "if anyone asks, press 举报 or tell us with /ask."
)


@dataclass(frozen=True)
class Contact:
    member_id: int
    telegram_id: int
    nickname: str
    username: str | None
    wechat: str | None = None


async def contact_of(session: AsyncSession, member_id: int) -> Contact | None:
    member = await session.get(Member, member_id)
    if member is None or member.telegram_id is None:
        return None
    answers = await profiles.answers(session, member_id)
    nickname = answers["nickname"].value if "nickname" in answers else "?"
    wechat = await session.get(WechatId, member_id)
    return Contact(
        member_id, member.telegram_id, nickname, member.username, wechat.wechat if wechat else None
    )


async def tell_match(session: AsyncSession, match: Match, now: datetime) -> None:
    """Notices of a new match to both members: talk through 会会 first; contacts are exchanged
    only when both press 交换联系方式 (``exchange``)."""
    a = await contact_of(session, match.member_a)
    b = await contact_of(session, match.member_b)
    if a is None or b is None:
        return
    for me, other in ((a, b), (b, a)):
        await notices.put(
            session,
            to=me.telegram_id,
            lines=[
                line(N_("🎉 You and {nickname} like each other!"), nickname=other.nickname),
                line(RELAY_OFFER, nickname=other.nickname),
                line(EXCHANGE_OFFER),
                line(SAFETY_TIPS),
            ],
            buttons=match_buttons(match, other.nickname),
            now=now,
            key=f"match:{match.id}:{me.member_id}",
            member_id=me.member_id,
        )


class Exchange(enum.StrEnum):
    WAITING = "waiting"  # the other has not agreed yet (and was asked)
    DONE = "done"  # both agreed: contacts are on their way
    ALREADY = "already"  # this member had agreed before


async def exchange(session: AsyncSession, match: Match, me_id: int, now: datetime) -> Exchange:
    """The member agrees to exchange contacts (the caller checked that the conversation is
    open and both may); once both have, each gets the other's t.me link and WeChat id, or
    the one with neither is asked to give one to this match."""
    mine, theirs = (
        ("exchange_a_at", "exchange_b_at")
        if me_id == match.member_a
        else ("exchange_b_at", "exchange_a_at")
    )
    if getattr(match, mine) is not None:
        return Exchange.ALREADY
    setattr(match, mine, now)
    me = await contact_of(session, me_id)
    other = await contact_of(session, match.member_b if me_id == match.member_a else match.member_a)
    if me is None or other is None:
        return Exchange.WAITING
    if getattr(match, theirs) is None:
        await notices.put(
            session,
            to=other.telegram_id,
            now=now,
            lines=[
                line(
                    N_(
                        "{nickname} would like to exchange contacts with you. Contacts are "
                        "exchanged only when you agree too."
                    ),
                    nickname=me.nickname,
                )
            ],
            buttons=[
                [notices.Button(N_("🤝 Exchange contacts"), ExchangeContacts(match.id).encode())]
            ],
            key=f"exchange_asked:{match.id}:{other.member_id}",
            member_id=other.member_id,
        )
        return Exchange.WAITING
    for one, another in ((me, other), (other, me)):
        lines = [
            line(
                N_("🤝 You and {nickname} agreed to exchange contacts."), nickname=another.nickname
            ),
            *contact_lines(another),
        ]
        if not (another.username or another.wechat):
            asking = N_(
                "{nickname} has no Telegram username, so I have asked them to share their "
                "contact with you here."
            )
            lines.append(line(asking, nickname=another.nickname))
        await notices.put(
            session,
            to=one.telegram_id,
            lines=lines,
            now=now,
            key=f"exchanged:{match.id}:{one.member_id}",
            member_id=one.member_id,
        )
    for asked, requester in ((other, me), (me, other)):
        if not (asked.username or asked.wechat):
            await ask_for_contact(session, match, asked, requester, now)
    return Exchange.DONE


def contact_lines(contact: Contact) -> list[notices.Line]:
    """How to reach a member whose contacts were exchanged: their t.me link, their WeChat id."""
    lines = []
    if contact.username:
        lines.append(line(N_("Say hello: https://t.me/{username}"), username=contact.username))
    if contact.wechat:
        lines.append(
            line(
                N_("{nickname}'s WeChat id: {wechat}"),
                nickname=contact.nickname,
                wechat=contact.wechat,
            )
        )
    return lines


def exchanged(match: Match) -> bool:
    return match.exchange_a_at is not None and match.exchange_b_at is not None


def match_buttons(match: Match, nickname: str) -> list[list[notices.Button]]:
    """Under every match: write through 会会, or agree to exchange contacts."""
    return [
        [
            notices.Button(
                N_("✉️ Write to {nickname}"),
                RelayTo(match.id).encode(),
                {"nickname": nickname},
            )
        ],
        [notices.Button(N_("🤝 Exchange contacts"), ExchangeContacts(match.id).encode())],
    ]


async def ask_for_contact(
    session: AsyncSession, match: Match, asked: Contact, requester: Contact, now: datetime
) -> None:
    """Ask ``asked`` to give ``requester`` a contact — a contact card or a WeChat id, for this
    match alone (once while the ask is open)."""
    request = await session.scalar(
        select(ContactRequest).where(
            ContactRequest.asked_id == asked.member_id,
            ContactRequest.requester_id == requester.member_id,
        )
    )
    if request is None:
        request = ContactRequest(
            asked_id=asked.member_id, requester_id=requester.member_id, created_at=now
        )
        session.add(request)
    elif request.shared_at is None:
        return  # already asked, not answered yet
    request.created_at, request.shared_at = now, None
    await session.flush()
    await notices.put(
        session,
        to=asked.telegram_id,
        now=now,
        lines=[
            line(
                N_(
                    "{nickname} would like to reach you. Send them your contact card (it shows "
                    "your phone number) or your WeChat id: only {nickname} gets it."
                ),
                nickname=requester.nickname,
            )
        ],
        buttons=[
            [notices.Button(N_("📇 Send my contact card"), ShareCard(match.id).encode())],
            [notices.Button(N_("Give my WeChat id"), GiveWechat(match.id).encode())],
        ],
        key=f"contact_request:{request.id}:{now.isoformat()}",
        member_id=asked.member_id,
    )


async def open_request(session: AsyncSession, match: Match, asked_id: int) -> ContactRequest | None:
    """The other's request for the member's contact in this match, while it may be answered:
    both agreed to exchange, and it was not answered yet."""
    if not exchanged(match):
        return None
    requester = match.member_b if asked_id == match.member_a else match.member_a
    return await session.scalar(
        select(ContactRequest).where(
            ContactRequest.asked_id == asked_id,
            ContactRequest.requester_id == requester,
            ContactRequest.shared_at.is_(None),
        )
    )


async def answer_request(
    session: AsyncSession,
    request: ContactRequest,
    me: Contact,
    now: datetime,
    *,
    card: dict[str, str] | None = None,
) -> bool:
    """Give the requester what the member chose to share: their contact card, or (without
    ``card``) their WeChat id. False if the requester can no longer be reached."""
    requester = await contact_of(session, request.requester_id)
    if requester is None:
        return False
    request.shared_at = now
    lines = [line(N_("{nickname} shared their contact with you."), nickname=me.nickname)]
    if card is None:
        lines += contact_lines(me)
    await notices.put(
        session,
        to=requester.telegram_id,
        now=now,
        lines=lines,
        contact=card,
        key=f"contact_shared:{request.id}:{now.isoformat()}",
        member_id=me.member_id,
    )
    return True


async def still_matched(session: AsyncSession, a: int, b: int) -> bool:
    return await matching.matched(session, a, b) and not await matching.blocked(session, a, b)
