"""Buttons of matchmaking: suggestions (/match), mutual matches, check-ins after a match and
matchmakers' proposals and reviews."""

from __future__ import annotations

from typing import Literal

from bot.domain.buttons.codec import Button, button


# /match and mutual matches.
@button("ml")
class Like(Button):
    member: int


@button("mp")
class Pass(Button):
    member: int


@button("mr")
class Report(Button):
    member: int


ReportReason = Literal["fake", "harassment", "not_single", "other"]


@button("mw")
class ReportBecause(Button):
    member: int
    reason: ReportReason


@button("mv")
class RevisitSkipped(Button):
    """Show the people the member skipped again, before their cooling-off ends."""


@button("mb")
class Block(Button):
    member: int


@button("ma")
class AskForContact(Button):
    member: int


# Check-ins after a match.
Stage = Literal["3d", "3w", "3m"]
CheckInAnswer = Literal["talking", "met", "together", "ended"]


@button("fa")
class FollowUpAnswer(Button):
    match: int
    stage: Stage
    outcome: CheckInAnswer


@button("fs")
class StopFollowUps(Button):
    pass


# Matchmakers.
@button("pp")
class ProposePair(Button):
    a: int
    b: int


@button("pa")
class AnswerProposal(Button):
    proposal: int
    accept: bool


@button("sr")
class ReviewSuggestion(Button):
    review: int
    approve: bool


# 会会传话 between matched members.
@button("rl")
class RelayTo(Button):
    match: int


@button("re")
class EndRelay(Button):
    match: int


@button("rs")
class ShowRelayed(Button):
    message: int


@button("xc")
class ExchangeContacts(Button):
    match: int
