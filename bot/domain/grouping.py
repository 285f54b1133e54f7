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
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

COLLEAGUE_PENALTY = 100
# The local search stops after this long: the first rounds find nearly all of the gain, and
# an organiser waiting for 3,000 people to be grouped should not wait much longer.
TIME_BUDGET_SECONDS = 2.5
# Starting points tried: up to eight for a small event, one for 2,400 people or more.
MAX_STARTS = 8
STARTS_PER_PEOPLE = 2_400


@dataclass(frozen=True)
class Attendee:
    id: int
    gender: str | None
    interests: frozenset[str]
    employer: str | None


def make_groups(
    attendees: Sequence[Attendee], size: int, *, seed: int = 0, rounds: int = 30
) -> list[list[Attendee]]:
    """Groups of ``size`` (sizes differ by at most one). Small events are grouped from
    several starting points and the best kept (the search is fast enough to afford it:
    a local search ends where its start leads); a fair of thousands from one, within the time
    budget. The same seed gives the same groups."""
    if size < 2:
        raise ValueError("groups need at least two people")
    if not attendees:
        return []
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    best: list[list[Attendee]] = []
    best_score = -math.inf
    for start in range(max(1, min(MAX_STARTS, STARTS_PER_PEOPLE // len(attendees)))):
        if start and time.monotonic() > deadline:
            break
        chooser = random.Random(f"{seed}:{start}")
        groups = _dealt(attendees, size, chooser)
        _improve(groups, chooser, rounds, deadline)
        score = shared_interests(groups) - COLLEAGUE_PENALTY * colleague_pairs(groups)
        if score > best_score:
            best, best_score = groups, score
    return best


def _dealt(
    attendees: Sequence[Attendee], size: int, chooser: random.Random
) -> list[list[Attendee]]:
    """Each gender dealt in turn across the groups, continuing where the last one stopped, so
    group sizes differ by at most one, each gender is spread evenly and colleagues apart."""
    count = max(1, math.ceil(len(attendees) / size))
    groups: list[list[Attendee]] = [[] for _ in range(count)]
    slot = 0
    for gender in ("female", "male", None):
        people = [
            a for a in attendees if (a.gender if a.gender in ("female", "male") else None) == gender
        ]
        for person in _colleagues_together(people, chooser):
            groups[slot % count].append(person)
            slot += 1
    return groups


def _colleagues_together(people: list[Attendee], chooser: random.Random) -> list[Attendee]:
    """People in an order that keeps colleagues next to each other, the largest employer
    first: dealt round-robin, consecutive colleagues land in different groups."""
    by_employer: dict[str | None, list[Attendee]] = {}
    for person in chooser.sample(people, len(people)):
        by_employer.setdefault(person.employer, []).append(person)
    blocks = sorted(by_employer.items(), key=lambda item: (item[0] is None, -len(item[1])))
    return [person for _, block in blocks for person in block]


def _improve(
    groups: list[list[Attendee]], chooser: random.Random, rounds: int, deadline: float
) -> None:
    """Swap people of the same gender between groups while it helps: each person in turn is
    swapped with whoever gains most, every candidate weighed at once. A table of what each
    person shares with each group, kept up to date as people move, makes a swap's gain a few
    look-ups rather than a pass over both groups, so 3,000 people are grouped in seconds.
    Stops when a round finds nothing better, after ``rounds``, or past a time budget."""
    if len(groups) < 2:
        return
    seats = [(g, i) for g, group in enumerate(groups) for i in range(len(group))]
    people = [groups[g][i] for g, i in seats]
    tags = sorted({tag for person in people for tag in person.interests})
    column = {tag: n for n, tag in enumerate(tags)}
    interests = np.zeros((len(people), max(1, len(tags))))
    for row, person in enumerate(people):
        interests[row, [column[tag] for tag in person.interests]] = 1
    employer_no: dict[str, int] = {}  # 0: no employer given, never anyone's colleague
    employer = np.array(
        [
            employer_no.setdefault(p.employer, len(employer_no) + 1) if p.employer else 0
            for p in people
        ]
    )
    seat_group = np.array([g for g, _i in seats])
    at = np.arange(len(people))  # who sits in each seat; a seat keeps its group and gender
    group_interests = np.zeros((len(groups), interests.shape[1]))
    np.add.at(group_interests, seat_group, interests)
    shares = interests @ group_interests.T  # person × group: interests shared with its members
    colleagues = np.zeros((len(groups), len(employer_no) + 1))
    np.add.at(colleagues, (seat_group, employer), 1)
    colleagues[:, 0] = 0

    def worth(who: Any, group: Any) -> Any:
        """What ``who`` adds to ``group`` as it is (counting themselves if they sit there);
        either may be one index or an array of them."""
        return shares[who, group] - COLLEAGUE_PENALTY * colleagues[group, employer[who]]

    alone = interests.sum(axis=1) - COLLEAGUE_PENALTY * (employer > 0)  # one's worth to oneself
    genders = [person.gender for person in people]
    same_gender = {
        gender: np.array([s for s, g in enumerate(genders) if g == gender])
        for gender in set(genders)
    }
    order = list(range(len(people)))
    for _ in range(rounds):
        improved = False
        chooser.shuffle(order)
        for seat in order:
            candidates = same_gender[genders[seat]]
            g1 = seat_group[seat]
            candidates = candidates[seat_group[candidates] != g1]
            if not len(candidates):
                continue
            a, bs, g2 = at[seat], at[candidates], seat_group[candidates]
            together = interests[bs] @ interests[a] - COLLEAGUE_PENALTY * (
                (employer[bs] == employer[a]) & (employer[a] > 0)
            )
            gain = (
                worth(a, g2)
                + worth(bs, g1)
                - 2 * together
                - (worth(a, g1) - alone[a])
                - (worth(bs, g2) - alone[bs])
            )
            best = int(np.argmax(gain))
            if gain[best] <= 1e-9:
                continue
            b, other, g2 = bs[best], candidates[best], g2[best]
            change = interests[b] - interests[a]
            shares[:, g1] += interests @ change
            shares[:, g2] -= interests @ change
            colleagues[g1, employer[a]] -= 1
            colleagues[g2, employer[b]] -= 1
            colleagues[g1, employer[b]] += 1
            colleagues[g2, employer[a]] += 1
            colleagues[:, 0] = 0
            at[seat], at[other] = b, a
            improved = True
        if not improved or time.monotonic() > deadline:
            break
    for (g, i), seated in zip(seats, at.tolist(), strict=True):
        groups[g][i] = people[seated]


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
