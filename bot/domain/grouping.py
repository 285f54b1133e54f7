"""Smart groups for activity events: groups of a chosen size, each with men and women as even
as the attendance allows, colleagues of the same employer apart, and as many shared interests
inside each group as a local search finds.

Dealing men and women round-robin gives the balance; swaps between two people of the same
gender keep it while the score improves (shared interests, minus a large penalty per pair of
colleagues in one group).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

COLLEAGUE_PENALTY = 100.0
SWAP_TRIES = 60


@dataclass(frozen=True)
class Attendee:
    id: int
    gender: str | None
    interests: frozenset[str]
    employer: str | None


def affinity(a: Attendee, b: Attendee) -> float:
    """What putting ``a`` and ``b`` in one group is worth."""
    colleagues = a.employer is not None and a.employer == b.employer
    return len(a.interests & b.interests) - (COLLEAGUE_PENALTY if colleagues else 0.0)


def make_groups(
    attendees: Sequence[Attendee], size: int, *, seed: int = 0, rounds: int = 30
) -> list[list[Attendee]]:
    if size < 2:
        raise ValueError("groups need at least two people")
    if not attendees:
        return []
    chooser = random.Random(seed)
    count = max(1, math.ceil(len(attendees) / size))
    groups: list[list[Attendee]] = [[] for _ in range(count)]
    # Deal each gender in turn across the groups, continuing where the last one stopped, so
    # group sizes differ by at most one, each gender is spread evenly and colleagues apart.
    slot = 0
    for gender in ("female", "male", None):
        people = [
            a for a in attendees if (a.gender if a.gender in ("female", "male") else None) == gender
        ]
        for person in _colleagues_together(people, chooser):
            groups[slot % count].append(person)
            slot += 1
    _improve(groups, chooser, rounds)
    return groups


def _colleagues_together(people: list[Attendee], chooser: random.Random) -> list[Attendee]:
    """People in an order that keeps colleagues next to each other, the largest employer
    first: dealt round-robin, consecutive colleagues land in different groups."""
    by_employer: dict[str | None, list[Attendee]] = {}
    for person in chooser.sample(people, len(people)):
        by_employer.setdefault(person.employer, []).append(person)
    blocks = sorted(by_employer.items(), key=lambda item: (item[0] is None, -len(item[1])))
    return [person for _, block in blocks for person in block]


def _improve(groups: list[list[Attendee]], chooser: random.Random, rounds: int) -> None:
    """Swap people of the same gender between groups while it helps. Someone sitting with a
    colleague tries every partner; others at most SWAP_TRIES a round, so a 3,000-person event
    stays quick."""
    for _ in range(rounds):
        improved = False
        seats = [(g, i) for g, group in enumerate(groups) for i in range(len(group))]
        chooser.shuffle(seats)
        for g1, i1 in seats:
            gender = groups[g1][i1].gender
            partners = [
                (g2, i2) for g2, i2 in seats if g2 != g1 and groups[g2][i2].gender == gender
            ]
            if not _has_colleague(groups[g1], i1):  # conflicts get every partner tried
                partners = chooser.sample(partners, min(SWAP_TRIES, len(partners)))
            for g2, i2 in partners:
                if _swap_gain(groups, g1, i1, g2, i2) > 1e-9:
                    groups[g1][i1], groups[g2][i2] = groups[g2][i2], groups[g1][i1]
                    improved = True
        if not improved:
            return


def _has_colleague(group: list[Attendee], index: int) -> bool:
    employer = group[index].employer
    return employer is not None and any(
        o.employer == employer for j, o in enumerate(group) if j != index
    )


def _swap_gain(groups: list[list[Attendee]], g1: int, i1: int, g2: int, i2: int) -> float:
    a, b = groups[g1][i1], groups[g2][i2]
    stay_a = sum(affinity(a, o) for j, o in enumerate(groups[g1]) if j != i1)
    stay_b = sum(affinity(b, o) for j, o in enumerate(groups[g2]) if j != i2)
    move_a = sum(affinity(a, o) for j, o in enumerate(groups[g2]) if j != i2)
    move_b = sum(affinity(b, o) for j, o in enumerate(groups[g1]) if j != i1)
    return move_a + move_b - stay_a - stay_b


def colleague_pairs(groups: Sequence[Sequence[Attendee]]) -> int:
    return sum(
        1
        for group in groups
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if a.employer is not None and a.employer == b.employer
    )


def shared_interests(groups: Sequence[Sequence[Attendee]]) -> int:
    return sum(
        len(a.interests & b.interests)
        for group in groups
        for i, a in enumerate(group)
        for b in group[i + 1 :]
    )
