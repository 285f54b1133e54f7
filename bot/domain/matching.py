"""The matching engine: reciprocal suggestions from profiles and like/skip history.

Plain Python (no Telegram, no SQL), so it is tested and benchmarked on plain data.

API
---
* ``Profile`` — what the engine knows of a member (sign-up answers only).
* ``Decision`` — one member's like or skip of another (the history).
* ``rank(viewer, candidates, history, ...)`` — candidates the viewer may be shown, best first,
  each with a score in (0, 1) and the reasons behind it.

How a pair is scored
--------------------
A suggestion is good only if both are likely to want it, so the engine estimates two directed
probabilities — the viewer likes the candidate, the candidate likes the viewer — and multiplies
them. Each is a logistic model of:

* **hard constraints**, both ways: gender sought, age range and other must-haves (height,
  marital status, children, hukou, housing — each as the member set it: a must, nice to have,
  or not important), blocks; a pair failing any is never suggested;
* **compatibility** from the liker's point of view: nice-to-have preferences met, the age gap,
  hobbies in common weighted by rarity (two people who both love calligraphy share more than two
  who both like films), agreement on values;
* **openness**: a sign-up estimate of how readily a person says yes (the strongest pre-date
  signal in the speed-dating data: people who go out and date often, and care less about a
  partner's background, reciprocate more);
* **behaviour**, once history exists: how selective the liker is (share of yes), how often the
  liked person is liked by others, and whether people with the liker's taste (who liked the same
  people) liked this person.

Finally an **exposure cap** lowers the scores of candidates already shown many times, so popular
members are not flooded and quiet ones are still seen.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

# Weights of the logistic model; see the module docstring. Tuned on speed-dating waves 1–10 only.
W_OPENNESS = 1.0
W_AGE_GAP = 0.06
W_SHARED_INTERESTS = 0.35
W_VALUES = 0.4
W_NICE_TO_HAVE = 0.3
W_BACKGROUND = 0.25
W_SELECTIVITY = 1.0
W_POPULARITY = 1.0
W_TASTE = 0.5
BASE_RATE = 0.4  # prior share of yes, before anything is known
PRIOR_WEIGHT = 4.0  # how many decisions the prior counts as
EXPOSURE_PENALTY = 0.5  # score multiplier per cap exceeded


@dataclass(frozen=True)
class Condition:
    """A wish about one of the other person's facts: its value is one of ``allowed``; a must
    excludes everyone else (and those whose fact is unknown), nice to have ranks them lower."""

    fact: str  # marital, children, hukou, housing
    allowed: frozenset[str]
    must: bool


@dataclass(frozen=True)
class Profile:
    id: int
    gender: str
    age: int | None = None
    # Genders this person wants to meet; empty means either.
    seeks: frozenset[str] = frozenset()
    age_range: tuple[int, int] | None = None
    age_range_must: bool = True
    # Hobby tag → enthusiasm in 0..1.
    interests: Mapping[str, float] = field(default_factory=dict)
    # Values question → answer key.
    values: Mapping[str, str] = field(default_factory=dict)
    district: str | None = None
    districts_sought: frozenset[str] = frozenset()
    districts_must: bool = False
    education: int | None = None  # a rank: higher is more
    min_education: int | None = None
    education_must: bool = False
    # Cultural or ethnic background, and how much a shared one matters (0..1).
    background: str | None = None
    background_weight: float = 0.0
    employer: str | None = None
    avoid_own_employer: bool = False
    # How readily this person says yes, estimated from sign-up answers: −1 (very choosy) … 1.
    openness: float = 0.0
    height: int | None = None
    height_range: tuple[int, int] | None = None
    height_must: bool = False
    # Facts others may set conditions on (fact → value key), and this person's own conditions.
    facts: Mapping[str, str] = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Decision:
    viewer: int
    candidate: int
    liked: bool
    at: float = 0.0


@dataclass(frozen=True)
class Reason:
    """Why a pair was suggested; the bot turns these into words."""

    kind: str  # shared_interests, same_district, shared_values, liked_you
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    candidate: Profile
    score: float
    reasons: tuple[Reason, ...]


def acceptable(a: Profile, b: Profile) -> bool:
    """Whether ``a``'s must-haves allow ``b`` (one direction of the hard constraints)."""
    if a.id == b.id:
        return False
    if a.seeks and b.gender not in a.seeks:
        return False
    if a.age_range and a.age_range_must and b.age is not None:
        low, high = a.age_range
        if not low <= b.age <= high:
            return False
    if a.districts_must and a.districts_sought and b.district not in a.districts_sought:
        return False
    if a.education_must and a.min_education is not None:
        if b.education is None or b.education < a.min_education:
            return False
    if a.avoid_own_employer and a.employer and a.employer == b.employer:
        return False
    if a.height_range and a.height_must:
        if b.height is None or not a.height_range[0] <= b.height <= a.height_range[1]:
            return False
    for condition in a.conditions:
        if condition.must and b.facts.get(condition.fact) not in condition.allowed:
            return False
    return True


def compatible(a: Profile, b: Profile) -> bool:
    """Hard constraints both ways."""
    return acceptable(a, b) and acceptable(b, a)


class History:
    """Behavioural signals from like/skip decisions.

    Built from raw decisions (``History(decisions)``, as the benchmark does) or from counts a
    database aggregated (``History.from_counts``, as the bot does for one viewer)."""

    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self.given: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # yes, total
        self.received: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.likers: dict[int, set[int]] = defaultdict(set)  # candidate → who liked them
        self.liked: dict[int, set[int]] = defaultdict(set)  # viewer → whom they liked
        self.decided: set[tuple[int, int]] = set()
        self._taste: dict[tuple[int, int], float] | None = None
        for d in decisions:
            self.decided.add((d.viewer, d.candidate))
            self.given[d.viewer][1] += 1
            self.received[d.candidate][1] += 1
            if d.liked:
                self.given[d.viewer][0] += 1
                self.received[d.candidate][0] += 1
                self.likers[d.candidate].add(d.viewer)
                self.liked[d.viewer].add(d.candidate)

    @classmethod
    def from_counts(
        cls,
        given: Mapping[int, tuple[int, int]],
        received: Mapping[int, tuple[int, int]],
        likers: Mapping[int, Iterable[int]],
        taste: Mapping[tuple[int, int], float],
    ) -> History:
        """``given``/``received``: person → (likes, decisions) made / about them;
        ``likers``: person → who liked them; ``taste``: (viewer, candidate) → share of the
        viewer's peers (who liked what the viewer liked) who liked the candidate."""
        history = cls()
        history.given.update({k: list(v) for k, v in given.items()})
        history.received.update({k: list(v) for k, v in received.items()})
        history.likers.update({k: set(v) for k, v in likers.items()})
        history._taste = dict(taste)
        return history

    def yes_rate(self, person: int) -> float:
        yes, total = self.given.get(person, (0, 0))
        return (yes + BASE_RATE * PRIOR_WEIGHT) / (total + PRIOR_WEIGHT)

    def liked_rate(self, person: int) -> float:
        yes, total = self.received.get(person, (0, 0))
        return (yes + BASE_RATE * PRIOR_WEIGHT) / (total + PRIOR_WEIGHT)

    def taste(self, viewer: int, candidate: int) -> float:
        """How much people who liked what the viewer liked also liked the candidate, above how
        much everyone did (0 when nothing is known)."""
        if self._taste is not None:
            share = self._taste.get((viewer, candidate))
            return 0.0 if share is None else share - self.liked_rate(candidate)
        peers: dict[int, float] = {}
        for liked in self.liked.get(viewer, ()):
            for peer in self.likers.get(liked, ()):
                if peer != viewer:
                    peers[peer] = peers.get(peer, 0.0) + 1.0
        deciding = sum(w for peer, w in peers.items() if (peer, candidate) in self.decided)
        if deciding == 0:
            return 0.0
        agreeing = sum(w for peer, w in peers.items() if candidate in self.liked.get(peer, ()))
        return agreeing / deciding - self.liked_rate(candidate)


def rarity(profiles: Iterable[Profile]) -> dict[str, float]:
    """Inverse document frequency of each hobby among the profiles."""
    counts: dict[str, int] = defaultdict(int)
    population = 0
    for profile in profiles:
        population += 1
        for tag, strength in profile.interests.items():
            if strength > 0:
                counts[tag] += 1
    return {tag: math.log((1 + population) / (1 + count)) + 1 for tag, count in counts.items()}


def shared_interests(a: Profile, b: Profile, idf: Mapping[str, float]) -> list[tuple[str, float]]:
    common = [
        (tag, min(strength, b.interests[tag]) * idf.get(tag, 1.0))
        for tag, strength in a.interests.items()
        if strength > 0 and b.interests.get(tag, 0) > 0
    ]
    return sorted(common, key=lambda item: -item[1])


def _shared_weight(a: Profile, b: Profile, idf: Mapping[str, float]) -> float:
    """The sum of shared_interests' weights, without listing and sorting them: ranking asks
    it twice per candidate, and only the card's reason needs the list."""
    theirs = b.interests
    return sum(
        min(strength, theirs[tag]) * idf.get(tag, 1.0)
        for tag, strength in a.interests.items()
        if strength > 0 and theirs.get(tag, 0) > 0
    )


def likes_logit(a: Profile, b: Profile, idf: Mapping[str, float], history: History | None) -> float:
    """Log-odds that ``a`` likes ``b``."""
    logit = W_OPENNESS * a.openness
    if a.age is not None and b.age is not None:
        logit -= W_AGE_GAP * abs(a.age - b.age)
    if a.age_range and not a.age_range_must and b.age is not None:
        low, high = a.age_range
        logit -= W_NICE_TO_HAVE * (max(0, low - b.age) + max(0, b.age - high)) / 5
    logit += W_SHARED_INTERESTS * math.log1p(_shared_weight(a, b, idf))
    common = [key for key in a.values if key in b.values]
    if common:
        agreement = sum(a.values[k] == b.values[k] for k in common) / len(common)
        logit += W_VALUES * (agreement - 0.5)
    if a.districts_sought and not a.districts_must and b.district in a.districts_sought:
        logit += W_NICE_TO_HAVE
    if a.min_education is not None and not a.education_must and b.education is not None:
        logit += W_NICE_TO_HAVE if b.education >= a.min_education else -W_NICE_TO_HAVE
    if a.height_range and not a.height_must and b.height is not None:
        low, high = a.height_range
        logit += W_NICE_TO_HAVE if low <= b.height <= high else -W_NICE_TO_HAVE
    for condition in a.conditions:
        if not condition.must and (fact := b.facts.get(condition.fact)) is not None:
            logit += W_NICE_TO_HAVE if fact in condition.allowed else -W_NICE_TO_HAVE
    if a.background is not None and a.background == b.background:
        logit += W_BACKGROUND * a.background_weight
    if history is not None:
        logit += W_SELECTIVITY * _logit(history.yes_rate(a.id))
        logit += W_POPULARITY * _logit(history.liked_rate(b.id))
        logit += W_TASTE * history.taste(a.id, b.id)
    return logit


def pair_score(
    viewer: Profile, candidate: Profile, idf: Mapping[str, float], history: History | None
) -> float:
    """Estimated probability that both like each other."""
    return _sigmoid(likes_logit(viewer, candidate, idf, history)) * _sigmoid(
        likes_logit(candidate, viewer, idf, history)
    )


def reasons(
    viewer: Profile, candidate: Profile, idf: Mapping[str, float], history: History | None
) -> tuple[Reason, ...]:
    found: list[Reason] = []
    if history is not None and candidate.id in history.likers.get(viewer.id, ()):
        found.append(Reason("liked_you"))
    shared = [tag for tag, _weight in shared_interests(viewer, candidate, idf)][:3]
    if shared:
        found.append(Reason("shared_interests", tuple(shared)))
    if viewer.district and viewer.district == candidate.district:
        found.append(Reason("same_district", (viewer.district,)))
    agreed = tuple(k for k in viewer.values if candidate.values.get(k) == viewer.values[k])
    if len(agreed) >= 2:
        found.append(Reason("shared_values", agreed[:3]))
    return tuple(found)


def without_who_liked(suggestions: list[Suggestion], likes_visible: str) -> list[Suggestion]:
    """The suggestions as the member's union lets them be told: where it shows members only
    how many liked them (``likes_visible`` "count"), a card does not say that this person
    liked them (they still come first: the order says nothing a member can read off)."""
    if likes_visible == "cards":
        return suggestions
    return [
        replace(s, reasons=tuple(r for r in s.reasons if r.kind != "liked_you"))
        if any(r.kind == "liked_you" for r in s.reasons)
        else s
        for s in suggestions
    ]


def rank(
    viewer: Profile,
    candidates: Sequence[Profile],
    history: Iterable[Decision] | History = (),
    *,
    exposure: Mapping[int, int] | None = None,
    exposure_cap: int | None = None,
    limit: int | None = None,
    idf: Mapping[str, float] | None = None,
) -> list[Suggestion]:
    """Candidates the viewer may be shown, best first.

    ``exposure`` counts how often each candidate was shown recently; past ``exposure_cap``
    their score is halved for every cap exceeded. ``idf`` may be passed when ranking many
    viewers against the same pool.
    """
    if isinstance(history, History):
        known: History | None = history
    else:
        decisions = list(history)
        known = History(decisions) if decisions else None
    weights = idf if idf is not None else rarity([viewer, *candidates])
    suggestions = []
    for candidate in candidates:
        if not compatible(viewer, candidate):
            continue
        score = pair_score(viewer, candidate, weights, known)
        if exposure and exposure_cap:
            shown = exposure.get(candidate.id, 0)
            score *= EXPOSURE_PENALTY ** (shown // exposure_cap)
        suggestions.append(Suggestion(candidate, score, reasons(viewer, candidate, weights, known)))
    suggestions.sort(key=lambda s: (-s.score, s.candidate.id))
    return suggestions[:limit] if limit is not None else suggestions


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
