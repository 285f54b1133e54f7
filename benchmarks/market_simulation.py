"""A synthetic union over 30 days: mutual matches and exposure under the old order and the
market plan, when members' likes follow a hidden two-sided preference model.

Members (half women, half men, each seeking the other) have a hidden attractiveness, a hidden
readiness to say yes, an age and hobbies. Member i likes j with probability
σ(base + readiness_i + attractiveness_j + shared hobbies − age gap): both sides' traits count,
and what the engine can see of them is partial (hobbies and ages exactly, readiness through a
noisy sign-up estimate, attractiveness not at all, only through the likes it receives).

Each day every member looks at up to ``--cards`` cards (the daily card limit) and likes or
skips each by the hidden model; a like returned is a match. Two policies run on the same union
from the same seed:

* ``old_order`` — as /match ordered cards before the plan: members who liked the viewer first,
  else a sample of ``--pool`` suggestible members, best first by the engine's two-way score with
  its exposure cap (bot.services.matching.suggestions);
* ``plan`` — members who liked the viewer first, then the morning's market plan
  (bot.domain.market, as bot.services.matching.plan makes it: its stages and candidates per
  member) leaving out planned people who have already skipped the viewer (storage.plan), then
  the old order.

Reported: mutual matches per 100 members, the Gini coefficient of how often each member was
shown, and the share of members never shown.

    python benchmarks/market_simulation.py [--members 10000] [--days 30] [--cards 5]
        [--stages 3,5] [--sample 24] [--seed 26] [--json]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from market import gini  # noqa: E402  (benchmarks/market.py)
from report import emit  # noqa: E402

from bot.domain import market  # noqa: E402
from bot.domain.matching import (  # noqa: E402
    EXPOSURE_PENALTY,
    History,
    Profile,
    compatible,
    pair_score,
    rarity,
)
from bot.services.matching.plan import SAMPLE, STAGES  # noqa: E402
from bot.services.matching.suggestions import EXPOSURE_CAP  # noqa: E402

HOBBIES = (
    "hiking",
    "films",
    "photography",
    "badminton",
    "cooking",
    "reading",
    "travel",
    "music",
    "games",
    "calligraphy",
    "running",
    "board_games",
)
BASE = -2.2  # the hidden model's intercept: about one like in five overall
SEED = 26


@dataclass
class Person:
    profile: Profile
    attractiveness: float
    readiness: float


@dataclass
class Union:
    people: dict[int, Person]
    likes: dict[tuple[int, int], float]  # hidden P(i likes j), computed on demand
    rng: random.Random
    idf: dict[str, float] = field(default_factory=dict)

    def p_like(self, i: int, j: int) -> float:
        key = (i, j)
        found = self.likes.get(key)
        if found is None:
            a, b = self.people[i], self.people[j]
            shared = sum(
                min(v, b.profile.interests.get(k, 0.0)) for k, v in a.profile.interests.items()
            )
            age_gap = abs((a.profile.age or 30) - (b.profile.age or 30))
            logit = BASE + a.readiness + b.attractiveness + 0.6 * shared - 0.08 * age_gap
            found = self.likes[key] = 1 / (1 + math.exp(-logit))
        return found


def make_union(members: int, seed: int) -> Union:
    rng = random.Random(seed)
    people = {}
    for member_id in range(1, members + 1):
        gender = "female" if member_id % 2 else "male"
        readiness = rng.gauss(0, 0.8)
        interests = {h: round(rng.random(), 2) for h in rng.sample(HOBBIES, rng.randint(2, 5))}
        # The sign-up estimate of readiness (bot.domain.match_profile.openness) is noisy.
        openness = max(-1.0, min(1.0, 0.5 * readiness + rng.gauss(0, 0.4)))
        profile = Profile(
            id=member_id,
            gender=gender,
            age=rng.randint(24, 40),
            seeks=frozenset({"male" if gender == "female" else "female"}),
            interests=interests,
            openness=openness,
        )
        people[member_id] = Person(profile, rng.gauss(0, 1.0), readiness)
    union = Union(people, {}, rng)
    union.idf = rarity(p.profile for p in people.values())
    return union


@dataclass
class State:
    decided: set[tuple[int, int]] = field(default_factory=set)
    liked: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # j → likers
    given: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    received: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    shown: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    shown_by_day: list[dict[int, int]] = field(default_factory=list)
    matches: set[tuple[int, int]] = field(default_factory=set)

    def history(self) -> History | None:
        if not self.given:
            return None
        return History.from_counts(
            {k: (v[0], v[1]) for k, v in self.given.items()},
            {k: (v[0], v[1]) for k, v in self.received.items()},
            {},
            {},
        )

    def shown_lately(self, days: int = 7) -> dict[int, int]:
        total: dict[int, int] = defaultdict(int)
        for day in self.shown_by_day[-days:]:
            for member, count in day.items():
                total[member] += count
        return total


def decide(union: Union, state: State, today: dict[int, int], viewer: int, other: int) -> None:
    state.decided.add((viewer, other))
    state.shown[other] += 1
    today[other] += 1
    liked = union.rng.random() < union.p_like(viewer, other)
    state.given[viewer][1] += 1
    state.received[other][1] += 1
    if liked:
        state.given[viewer][0] += 1
        state.received[other][0] += 1
        state.liked[other].add(viewer)
        if other in state.liked[viewer]:  # the other had liked the viewer: mutual
            state.matches.add((min(viewer, other), max(viewer, other)))


def old_order(
    union: Union,
    state: State,
    viewer: int,
    wanted: int,
    pool: int,
    history: History | None,
    exposure: dict[int, int],
    by_gender: dict[str, list[int]],
) -> list[int]:
    """The cards /match showed before the plan: likers first, else a ranked sample."""
    me = union.people[viewer].profile
    likers = [m for m in state.liked[viewer] if (viewer, m) not in state.decided]
    if likers:
        candidates = likers
    else:
        people = by_gender[next(iter(me.seeks))]
        candidates = [
            m
            for m in (people[union.rng.randrange(len(people))] for _ in range(pool))
            if (viewer, m) not in state.decided
        ]
    scored = []
    for m in set(candidates):
        other = union.people[m].profile
        if not compatible(me, other):
            continue
        score = pair_score(me, other, union.idf, history)
        score *= EXPOSURE_PENALTY ** (exposure.get(m, 0) // EXPOSURE_CAP)
        scored.append((-score, m))
    scored.sort()
    return [m for _s, m in scored[:wanted]]


def declined(state: State, viewer: int, other: int) -> bool:
    """``other`` already skipped ``viewer``: a card of them can never become a match."""
    return (other, viewer) in state.decided and other not in state.liked[viewer]


def simulate(
    union: Union,
    policy: str,
    days: int,
    cards: int,
    pool: int,
    stages: tuple[int, ...] = STAGES,
    sample: int = SAMPLE,
    seed: int = SEED,
) -> dict[str, Any]:
    state = State()
    union.rng.seed(seed)
    by_gender: dict[str, list[int]] = defaultdict(list)
    for member_id, person in union.people.items():
        by_gender[person.profile.gender].append(member_id)
    profiles = [p.profile for p in union.people.values()]
    planning = 0.0
    for day in range(days):
        history = state.history()
        exposure = state.shown_lately()
        today: dict[int, int] = defaultdict(int)
        planned: dict[int, list[int]] = {}
        if policy == "plan":
            started = time.perf_counter()
            settled = (
                market.pair_keys(np.array(sorted(state.decided), np.int64))
                if state.decided
                else None
            )
            graph = market.candidate_graph(
                profiles, history=history, sample=sample, seed=day, excluded=settled
            )
            for viewer, _position, other in market.cards(
                market.plan_arrays(*graph, stages, shown_lately=exposure)
            ).tolist():
                planned.setdefault(viewer, []).append(other)
            planning += time.perf_counter() - started
        viewers = list(union.people)
        union.rng.shuffle(viewers)
        for viewer in viewers:
            seen = 0
            # As /match: who liked the viewer first, then today's plan, then the ordinary order.
            likers = sorted(m for m in state.liked[viewer] if (viewer, m) not in state.decided)
            for other in [*likers[:cards], *planned.get(viewer, [])]:
                if (
                    seen < cards
                    and (viewer, other) not in state.decided
                    and not declined(state, viewer, other)
                ):
                    decide(union, state, today, viewer, other)
                    seen += 1
            if seen < cards:
                for other in old_order(
                    union, state, viewer, cards - seen, pool, history, exposure, by_gender
                ):
                    decide(union, state, today, viewer, other)
        state.shown_by_day.append(today)
    members = len(union.people)
    counts = [state.shown.get(m, 0) for m in union.people]
    return {
        "matches_per_100": round(100 * len(state.matches) / members, 1),
        "exposure_gini": round(gini(counts), 3),
        "never_shown": round(sum(c == 0 for c in counts) / members, 3),
        "planning_seconds_per_day": round(planning / days, 2) if planning else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--cards", type=int, default=5, help="cards each member looks at a day")
    parser.add_argument("--pool", type=int, default=30, help="the old order's sample per card")
    parser.add_argument(
        "--stages", default=",".join(map(str, STAGES)), help="the plan's stages, e.g. 3,5"
    )
    parser.add_argument("--sample", type=int, default=SAMPLE, help="candidates drawn a member")
    parser.add_argument("--seed", type=int, default=SEED, help="another union and other days")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    stages = tuple(int(n) for n in args.stages.split(","))
    union = make_union(args.members, args.seed)
    result: dict[str, Any] = {
        "members": args.members,
        "days": args.days,
        "cards": args.cards,
        "stages": list(stages),
        "sample": args.sample,
        "seed": args.seed,
    }
    for policy in ("old_order", "plan"):
        started = time.perf_counter()
        result[policy] = simulate(
            union, policy, args.days, args.cards, args.pool, stages, args.sample, args.seed
        )
        result[policy]["seconds"] = round(time.perf_counter() - started, 1)
    old, new = result["old_order"]["matches_per_100"], result["plan"]["matches_per_100"]
    result["plan_to_old_matches"] = round(new / old, 2) if old else None
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
