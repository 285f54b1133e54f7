"""What a new match tells both members, and the contact hand-off between members without a
Telegram username — all written as notices in the caller's transaction, so whoever made the match
(mutual likes, a matchmaker's proposal) cannot commit it without them.

Each side hears of the match with the way to talk through 会会 (``relay``) and to exchange
contacts; contacts are exchanged only when both agree, and a side without a username is then
asked to share a contact card, told plainly that it shows their phone number.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import N_
from bot.domain.buttons import ExchangeContacts, RelayTo
from bot.services import notices
from bot.services.notices import line
from storage import matching, profiles
from storage.models import ContactRequest, Match, Member

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


async def contact_of(session: AsyncSession, member_id: int) -> Contact | None:
    member = await session.get(Member, member_id)
    if member is None or member.telegram_id is None:
        return None
    answers = await profiles.answers(session, member_id)
    nickname = answers["nickname"].value if "nickname" in answers else "?"
    return Contact(member_id, member.telegram_id, nickname, member.username)


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
    """The member agrees to exchange contacts; once both have, each gets the other's: a
    t.me link, or a request to share a contact card (which says it shows the phone number)."""
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
            )
        ]
        if another.username:
            lines.append(line(N_("Say hello: https://t.me/{username}"), username=another.username))
        else:
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
        if not asked.username:
            await ask_for_contact(session, asked, requester, now)
    return Exchange.DONE


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
    session: AsyncSession, asked: Contact, requester: Contact, now: datetime
) -> None:
    """Ask ``asked`` to share their contact with ``requester`` (once while the ask is open)."""
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
        ask_contact=True,
        lines=[
            line(
                N_(
                    "{nickname} would like to reach you. Tap the button below to send them "
                    "your contact card; it shows your phone number."
                ),
                nickname=requester.nickname,
            )
        ],
        key=f"contact_request:{request.id}:{now.isoformat()}",
        member_id=asked.member_id,
    )


async def share_contact(
    session: AsyncSession, me: Member, phone_number: str, name: str, now: datetime
) -> int:
    """Send the member's contact to every match who asked for it and is still a match (not
    blocked, not deleted); how many it went to."""
    requests = (
        await session.scalars(
            select(ContactRequest).where(
                ContactRequest.asked_id == me.id, ContactRequest.shared_at.is_(None)
            )
        )
    ).all()
    shared = 0
    for request in requests:
        request.shared_at = now
        requester = await contact_of(session, request.requester_id)
        if requester is None or not await _still_matched(session, me.id, requester.member_id):
            continue
        await notices.put(
            session,
            to=requester.telegram_id,
            now=now,
            lines=[line(N_("{nickname} shared their contact with you."), nickname=name)],
            contact={"phone_number": phone_number, "first_name": name},
            key=f"contact_shared:{request.id}:{now.isoformat()}",
            member_id=me.id,
        )
        shared += 1
    return shared


async def _still_matched(session: AsyncSession, a: int, b: int) -> bool:
    return await matching.matched(session, a, b) and not await matching.blocked(session, a, b)
