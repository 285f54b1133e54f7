"""Smart groups for activity events: groups of a chosen size, each with men and women as even
as the attendance allows, colleagues of the same employer apart, and as many shared interests
inside each group as a local search finds. Two people who must be kept apart (one blocked or
reported the other) never share a group.

Dealing men and women round-robin gives the balance; swaps between two people of the same
gender keep it while the score improves (shared interests, minus a large penalty per pair of
colleagues in one group, and a far larger one per pair who must be kept apart). A pair the
search leaves together is then parted by a swap across genders or a move into a smaller group
(being apart comes before the balance); if even that fails in the groups the size asks for, it
groups again with one more group, until it can (everyone alone at worst): a pair who must be
kept apart is never seated together.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

COLLEAGUE_PENALTY = 100
# Per pair seated together who must be kept apart: more than any group's shared interests
# and colleagues together, so the search gives up everything else before seating them so.
APART_PENALTY = 1_000_000
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
    attendees: Sequence[Attendee],
    size: int,
    *,
    seed: int = 0,
    rounds: int = 30,
    apart: Collection[tuple[int, int]] = (),
    rather_apart: Collection[tuple[int, int]] = (),
) -> list[list[Attendee]]:
    """Groups of ``size`` (sizes differ by at most one). Small events are grouped from
    several starting points and the best kept (the search is fast enough to afford it:
    a local search ends where its start leads); a fair of thousands from one, within the time
    budget. The same seed gives the same groups.

    ``apart``: pairs of attendee ids never seated in one group; if the groups the size asks
    for cannot hold them apart, there are more (and smaller) groups, as few more as found
    (``together`` of the result is always empty). ``rather_apart``: pairs kept apart as
    colleagues are, when the search can. Pairs naming someone not attending are ignored."""
    if size < 2:
        raise ValueError("groups need at least two people")
    if not attendees:
        return []
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    present = {a.id for a in attendees}
    weights: dict[tuple[int, int], float] = {}
    for pairs, weight in ((rather_apart, COLLEAGUE_PENALTY), (apart, APART_PENALTY)):
        for x, y in pairs:
            if x != y and x in present and y in present:
                key = (min(x, y), max(x, y))
                weights[key] = max(weights.get(key, 0), weight)
    hard = {pair for pair, weight in weights.items() if weight >= APART_PENALTY}
    count = max(1, math.ceil(len(attendees) / size))
    while True:
        best: list[list[Attendee]] = []
        best_score = -math.inf
        for start in range(max(1, min(MAX_STARTS, STARTS_PER_PEOPLE // len(attendees)))):
            if start and time.monotonic() > deadline:
                break
            chooser = random.Random(f"{seed}:{start}")
            groups = _dealt(attendees, count, chooser)
            _improve(groups, chooser, rounds, deadline, weights)
            score = (
                shared_interests(groups)
                - COLLEAGUE_PENALTY * colleague_pairs(groups)
                - sum(weights[pair] for pair in _pairs_together(groups, weights))
            )
            if score > best_score:
                best, best_score = groups, score
        if hard and _pairs_together(best, hard):
            _keep_apart(best, hard)
        if count >= len(attendees) or not _pairs_together(best, hard):
            return best
        count += 1


def together(
    groups: Sequence[Sequence[Attendee]], apart: Collection[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The pairs of ``apart`` (attendee ids, either order) seated in one group."""
    wanted = {(min(x, y), max(x, y)) for x, y in apart if x != y}
    return sorted(_pairs_together(groups, wanted))


def _pairs_together(
    groups: Sequence[Sequence[Attendee]], pairs: Collection[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Of ``pairs`` (low id, high id), those seated in one group."""
    if not pairs:
        return []
    group_of = {a.id: n for n, group in enumerate(groups) for a in group}
    return [
        (x, y) for x, y in pairs if x in group_of and y in group_of and group_of[x] == group_of[y]
    ]


def _keep_apart(groups: list[list[Attendee]], apart: set[tuple[int, int]]) -> None:
    """Seat apart the pairs the search left together, if a person can change group: each
    step the one swap of two people (of either gender, the same preferred) or move of one
    (into a smaller group, so sizes still differ by at most one) that leaves fewest pairs
    together. Runs only when pairs were left together: few, so a pass over everyone is cheap."""
    partners: dict[int, set[int]] = {}
    for x, y in apart:
        partners.setdefault(x, set()).add(y)
        partners.setdefault(y, set()).add(x)
    group_of = {a.id: n for n, group in enumerate(groups) for a in group}

    def clashes(person: Attendee, group: int, leaving: Attendee | None = None) -> int:
        """The person's pairs in ``group`` (without ``leaving``, who would go)."""
        return sum(
            1
            for other in partners.get(person.id, ())
            if group_of.get(other) == group and (leaving is None or other != leaving.id)
        )

    for _ in range(4 * len(apart) + 4):
        stuck = [a for group in groups for a in group if clashes(a, group_of[a.id])]
        if not stuck:
            return
        best: tuple[int, int, Attendee, Attendee | None, int] | None = None
        for a in stuck:
            g1 = group_of[a.id]
            now_a = clashes(a, g1)
            for g2, group in enumerate(groups):
                if g2 == g1:
                    continue
                if len(group) < len(groups[g1]):  # a moves alone
                    gain = now_a - clashes(a, g2)
                    if best is None or (gain, 1) > best[:2]:
                        best = (gain, 1, a, None, g2)
                for b in group:
                    gain = (
                        now_a
                        + clashes(b, g2)
                        - clashes(a, g2, leaving=b)
                        - clashes(b, g1, leaving=a)
                    )
                    same = int(a.gender == b.gender)
                    if best is None or (gain, same) > best[:2]:
                        best = (gain, same, a, b, g2)
        if best is None or best[0] <= 0:
            return
        _gain, _same, mover, swapped, g2 = best
        g1 = group_of[mover.id]
        groups[g1].remove(mover)
        groups[g2].append(mover)
        group_of[mover.id] = g2
        if swapped is not None:
            groups[g2].remove(swapped)
            groups[g1].append(swapped)
            group_of[swapped.id] = g1


def _dealt(
    attendees: Sequence[Attendee], count: int, chooser: random.Random
) -> list[list[Attendee]]:
    """Each gender dealt in turn across ``count`` groups, continuing where the last one
    stopped, so group sizes differ by at most one, each gender is spread evenly and colleagues
    apart."""
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
    groups: list[list[Attendee]],
    chooser: random.Random,
    rounds: int,
    deadline: float,
    apart: dict[tuple[int, int], float],
) -> None:
    """Swap people of the same gender between groups while it helps: each person in turn is
    swapped with whoever gains most, every candidate weighed at once. A table of what each
    person shares with each group, kept up to date as people move, makes a swap's gain a few
    look-ups rather than a pass over both groups, so 3,000 people are grouped in seconds.
    Pairs to keep apart (ids → penalty) are a like table, of what each person's pairs in each
    group cost, moved with their few pairs (none kept when no pair is given).
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
    # Pairs to keep apart: each person's (other person, penalty), and person × group: what
    # the pairs the person has in that group cost.
    row_of = {person.id: row for row, person in enumerate(people)}
    pairs: list[list[tuple[int, float]]] = [[] for _ in people]
    for (x, y), penalty in apart.items():
        if x in row_of and y in row_of:
            pairs[row_of[x]].append((row_of[y], penalty))
            pairs[row_of[y]].append((row_of[x], penalty))
    paired = any(pairs)
    conflicts = np.zeros((len(people), len(groups)) if paired else (1, 1))
    penalty_with = np.zeros(len(people))  # set for one person's pairs at a time
    if paired:
        for row, seat_group_of_row in enumerate(seat_group.tolist()):
            for other, penalty in pairs[row]:
                conflicts[other, seat_group_of_row] += penalty

    def worth(who: Any, group: Any) -> Any:
        """What ``who`` adds to ``group`` as it is (counting themselves if they sit there);
        either may be one index or an array of them."""
        value = shares[who, group] - COLLEAGUE_PENALTY * colleagues[group, employer[who]]
        return value - conflicts[who, group] if paired else value

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
            if paired and pairs[a]:
                for partner, penalty in pairs[a]:
                    penalty_with[partner] = penalty
                together = together - penalty_with[bs]
                for partner, _penalty in pairs[a]:
                    penalty_with[partner] = 0
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
            for mover, left, joined in ((a, g1, g2), (b, g2, g1)):
                for partner, penalty in pairs[mover]:
                    conflicts[partner, left] -= penalty
                    conflicts[partner, joined] += penalty
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
