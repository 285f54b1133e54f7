"""Where the people who liked a member come among her new cards, as her union shows likes.

A liker's card is a match at one more like, so likers come early. Where the union shows them
(``likes_visible = "cards"``) they simply come first. Where it shows only how many liked her
("count"), first would tell her who they are: "2 people like you" and then exactly the first
two cards. There a liker takes a card's turn on about every other card, by a coin keyed with a
secret of the bot's, so that the order cannot be replayed from this code: she learns that
likers are among her next cards, not which ones."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

T = TypeVar("T")


def liker_turn(likes_visible: str, key: bytes, viewer: int, day: date, card: int) -> bool:
    """Whether the viewer's ``card``-th new card of ``day`` (from 0) goes to a liker."""
    if likes_visible == "cards":
        return True
    coin = hashlib.blake2b(
        f"{viewer}:{day.isoformat()}:{card}".encode(), key=key[:64], digest_size=1
    ).digest()[0]
    return coin % 2 == 0


def mixed(
    likers: Sequence[T],
    others: Sequence[T],
    likes_visible: str,
    key: bytes,
    viewer: int,
    day: date,
    first_card: int,
) -> list[T]:
    """Both lists, each in its own order, as the viewer's new cards from her ``first_card``-th
    of the day: a liker wherever ``liker_turn`` says so, and whichever list is left once the
    other runs out."""
    order: list[T] = []
    li = oi = 0
    while li < len(likers) or oi < len(others):
        turn = liker_turn(likes_visible, key, viewer, day, first_card + len(order))
        if li < len(likers) and (turn or oi == len(others)):
            order.append(likers[li])
            li += 1
        else:
            order.append(others[oi])
            oi += 1
    return order
