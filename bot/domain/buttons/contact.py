"""Buttons of a safe first conversation: which conversation a message is for, the ways of
giving a match one's contact, and a report's optional detail."""

from __future__ import annotations

from bot.domain.buttons.codec import Button, button


@button("rh")
class ChooseConversation(Button):
    """Send this draft (a message written while another match's waited) to this match."""

    draft: int
    match: int


@button("xk")
class ShareCard(Button):
    """Send my contact card (it shows my phone number) to the other of this match."""

    match: int


@button("xw")
class GiveWechat(Button):
    """Give the other of this match my WeChat id (typed once)."""

    match: int


@button("rk")
class SkipReportDetail(Button):
    """Nothing to add to this report."""

    report: int
