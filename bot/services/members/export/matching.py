"""Export sections about matchmaking: likes and skips, matches, blocks and reports (counted, never
attributed), cards shown, matchmakers' proposals and reviews, check-in answers and contact
requests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from bot.common.i18n import N_
from bot.common.wording.moderation import REPORT_REASONS, REPORT_STATUSES
from bot.services.matching.follow_ups import OUTCOMES
from bot.services.members.export.exporter import Exporter
from storage.models import (
    Block,
    CardView,
    ContactRequest,
    DigestAnnounced,
    FollowUp,
    Match,
    MatchDecision,
    PlannedCard,
    Proposal,
    RelayMessage,
    Report,
    SuggestionReview,
)
from storage.models.matching import WechatId

PROPOSAL_STATUSES = {
    "open": N_("waiting for answers"),
    "matched": N_("you both accepted"),
    "declined": N_("declined"),
    "expired": N_("ended without both answers within a week"),
}
FOLLOW_UP_STAGES = {
    "3d": N_("three days after you matched"),
    "3w": N_("three weeks after you matched"),
    "3m": N_("three months after you matched"),
}


async def decisions(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(
        select(MatchDecision)
        .where(MatchDecision.viewer_id == x.member.id)
        .order_by(MatchDecision.created_at)
    )
    return [
        {
            _("member"): await x.nickname(d.candidate_id),
            _("decision"): _("liked") if d.liked else _("skipped"),
            _("time"): x.time(d.created_at),
        }
        for d in rows
    ]


async def decisions_received(x: Exporter) -> dict[str, int]:
    """What others decided about the member's card: counted, never attributed."""
    _ = x.translate
    rows = await x.session.execute(
        select(MatchDecision.liked, func.count())
        .where(MatchDecision.candidate_id == x.member.id)
        .group_by(MatchDecision.liked)
    )
    counted = {bool(liked): count for liked, count in rows.all()}
    return {_("liked you"): counted.get(True, 0), _("skipped you"): counted.get(False, 0)}


async def matches(x: Exporter) -> list[dict[str, Any]]:
    _, me = x.translate, x.member.id
    rows = await x.session.scalars(
        select(Match).where(or_(Match.member_a == me, Match.member_b == me)).order_by(Match.id)
    )
    sources = {
        "mutual_like": _("mutual likes"),
        "proposal": _("a matchmaker's proposal"),
        "event": _("an event's mutual choice"),
    }
    return [
        {
            _("member"): await x.nickname(m.member_b if m.member_a == me else m.member_a),
            _("how"): sources.get(m.source, m.source),
            _("time"): x.time(m.created_at),
        }
        for m in rows
    ]


async def blocks(x: Exporter) -> dict[str, Any]:
    _, me = x.translate, x.member.id
    made = await x.session.scalars(select(Block).where(Block.blocker_id == me))
    received = await x.session.scalar(select(func.count()).where(Block.blocked_id == me))
    return {
        _("you blocked"): [
            {_("member"): await x.nickname(b.blocked_id), _("time"): x.time(b.created_at)}
            for b in made
        ],
        _("members who blocked you"): received or 0,
    }


async def reports(x: Exporter) -> dict[str, Any]:
    _, me = x.translate, x.member.id
    made = await x.session.scalars(select(Report).where(Report.reporter_id == me))
    received = (
        await x.session.execute(
            select(Report.reason, Report.status, func.count())
            .where(Report.reported_id == me)
            .group_by(Report.reason, Report.status)
        )
    ).all()
    return {
        _("your reports"): [
            {
                _("member"): await x.nickname(r.reported_id),
                _("reason"): x.word(REPORT_REASONS, r.reason),
                _("status"): x.word(REPORT_STATUSES, r.status),
                _("time"): x.time(r.created_at),
            }
            for r in made
        ],
        _("reports about you"): [
            {
                _("reason"): x.word(REPORT_REASONS, reason),
                _("status"): x.word(REPORT_STATUSES, status),
                _("how many"): count,
            }
            for reason, status, count in received
        ],
    }


async def card_views(x: Exporter) -> dict[str, Any]:
    _, me = x.translate, x.member.id
    seen = await x.session.scalars(
        select(CardView).where(CardView.viewer_id == me).order_by(CardView.shown_at)
    )
    shown = await x.session.scalar(select(func.count()).where(CardView.candidate_id == me))
    return {
        _("cards you were shown"): [
            {_("member"): await x.nickname(v.candidate_id), _("time"): x.time(v.shown_at)}
            for v in seen
        ],
        _("times your card was shown"): shown or 0,
    }


async def proposals(x: Exporter) -> dict[str, Any]:
    """The matchmakers' proposals she was sent; pairs a matchmaker passed over were never
    proposed to either, so they are counted, not named."""
    _, me = x.translate, x.member.id
    rows = await x.session.scalars(
        select(Proposal).where(or_(Proposal.member_a == me, Proposal.member_b == me))
    )
    found, passed_over = [], 0
    for p in rows:
        if p.status == "skipped":
            passed_over += 1
            continue
        mine = p.a_accepts if p.member_a == me else p.b_accepts
        theirs = p.member_b if p.member_a == me else p.member_a
        found.append(
            {
                _("member"): await x.nickname(theirs),
                _("the matchmaker's note"): p.note,
                _("your answer"): x.yes(mine),
                _("status"): x.word(PROPOSAL_STATUSES, p.status),
                _("time"): x.time(p.created_at),
            }
        )
    return {
        _("proposed to you"): found,
        _("pairs with you a matchmaker looked at and did not propose"): passed_over,
    }


async def suggestion_reviews(x: Exporter) -> dict[str, Any]:
    """Suggestions for her that a matchmaker checked first: named once shown to her; those
    waiting or held back were never shown, so they are counted, not named."""
    _ = x.translate
    rows = await x.session.scalars(
        select(SuggestionReview).where(SuggestionReview.viewer_id == x.member.id)
    )
    shown, waiting, held_back = [], 0, 0
    for r in rows:
        if r.status == "approved":
            shown.append(
                {_("member"): await x.nickname(r.candidate_id), _("time"): x.time(r.created_at)}
            )
        elif r.status == "pending":
            waiting += 1
        else:
            held_back += 1
    return {
        _("approved and shown to you"): shown,
        _("waiting for the matchmaker"): waiting,
        _("not shown to you"): held_back,
    }


async def follow_ups(x: Exporter) -> list[dict[str, Any]]:
    _ = x.translate
    rows = await x.session.scalars(
        select(FollowUp).where(FollowUp.member_id == x.member.id).order_by(FollowUp.id)
    )
    return [
        {
            _("when"): x.word(FOLLOW_UP_STAGES, f.stage),
            _("answer"): x.word(OUTCOMES, f.outcome),
            _("time"): x.time(f.answered_at),
        }
        for f in rows
    ]


async def contact_requests(x: Exporter) -> list[dict[str, Any]]:
    _, me = x.translate, x.member.id
    rows = await x.session.scalars(
        select(ContactRequest).where(
            or_(ContactRequest.asked_id == me, ContactRequest.requester_id == me)
        )
    )
    return [
        {
            _("asked"): await x.nickname(c.asked_id) if c.asked_id != me else _("you"),
            _("by"): await x.nickname(c.requester_id) if c.requester_id != me else _("you"),
            _("time"): x.time(c.created_at),
            _("shared"): x.time(c.shared_at),
        }
        for c in rows
    ]


async def relayed(x: Exporter) -> list[dict[str, Any]]:
    """What the member and their matches wrote to each other through 会会 (kept until the
    retention after a conversation ends), her own drafts marked as not sent. Not a match's
    drafts (written, not yet sent: the match is still to choose whom they are for, and may
    send them elsewhere), and not the words of a message held for the member that she has not
    opened (held for her safety: it may be opened only while its sender may still write)."""
    _, me = x.translate, x.member.id
    mine = select(Match.id).where(or_(Match.member_a == me, Match.member_b == me))
    rows = await x.session.scalars(
        select(RelayMessage)
        .where(
            RelayMessage.match_id.in_(mine),
            or_(RelayMessage.sender_id == me, RelayMessage.draft.is_(False)),
        )
        .order_by(RelayMessage.id)
    )
    return [
        {
            _("time"): x.time(m.created_at),
            _("from"): _("you") if m.sender_id == me else await x.nickname(m.sender_id),
            _("text"): None if _unopened(m, me) else m.text,
            _("photo"): m.file_id is not None,
            _("held for you"): x.yes(m.held) if m.sender_id != me else None,
            # Her words offered to her matches that she never sent (a draft).
            _("not sent"): x.yes(m.draft) if m.sender_id == me else None,
        }
        for m in rows.all()
    ]


def _unopened(message: RelayMessage, me: int) -> bool:
    return message.sender_id != me and message.held and message.shown_at is None


async def wechat_id(x: Exporter) -> dict[str, Any] | None:
    """The WeChat id the member typed for exchanging contacts (given only to matches who both
    agreed)."""
    _ = x.translate
    row = await x.session.get(WechatId, x.member.id)
    return None if row is None else {_("WeChat id"): row.wechat, _("time"): x.time(row.created_at)}


async def planned_cards(x: Exporter) -> dict[str, Any]:
    """Today's plan of who is shown to whom: the member's own cards by name once she has been
    shown them, the rest as a count (a planned person who has skipped her is never shown to
    her: naming the planned people she was not shown would name who skipped her); how many
    other members' plans hold the member's card, as a count."""
    _, me = x.translate, x.member.id
    mine = (
        await x.session.scalars(
            select(PlannedCard).where(PlannedCard.viewer_id == me).order_by(PlannedCard.position)
        )
    ).all()
    shown = set(
        await x.session.scalars(
            select(CardView.candidate_id).where(
                CardView.viewer_id == me, CardView.candidate_id.in_([c.candidate_id for c in mine])
            )
        )
    )
    shown_to = await x.session.scalar(
        select(func.count()).select_from(PlannedCard).where(PlannedCard.candidate_id == me)
    )
    # A count like the digest's own words: whom it told of were planned people, not yet all
    # shown to her, so names would say who skipped her as above.
    told = await x.session.scalar(
        select(func.count()).select_from(DigestAnnounced).where(DigestAnnounced.member_id == me)
    )
    return {
        _("your cards planned"): [
            {_("day"): str(c.day), _("who"): await x.nickname(c.candidate_id)}
            for c in mine
            if c.candidate_id in shown
        ],
        _("your cards planned, not shown to you"): sum(c.candidate_id not in shown for c in mine),
        _("other members' plans holding your card"): shown_to or 0,
        _("planned people the daily digest told you of"): told or 0,
    }
