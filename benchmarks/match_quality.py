"""Match quality on real outcomes: the speed-dating experiment (Fisman et al. 2006).

Every row is one person's decision about one partner after a four-minute date; ``match`` is a
mutual yes. Participants become engine profiles built from sign-up answers only (never from
anything rated during or after a date), and each participant's partners are ranked. Reported per
participant and averaged: ROC-AUC for ``match`` and precision@3, for

* ``cold`` — profiles only;
* ``warm`` — the viewer left out: each viewer's candidates are scored with one history, the
  event's decisions made neither by nor about the viewer (a live bot knows who liked whom so
  far, never the pair at hand, and the same for all of a viewer's candidates);
* ``warm_time_ordered`` — the night's first half is everyone's history, its second half scored;
* ``warm_5fold_biased`` — the old protocol (5-fold over pairs), kept to show its bias: each
  candidate had another fold's history, missing exactly that pair's decisions, so the viewer's
  yes-rate and popularity came out lower precisely when the answer was yes (0.634 → 0.701);
* baselines: ``random``, ``int_corr`` (the study's interest correlation), smallest age gap.

Targets on waves 1–10: cold ≥ 0.56, warm ≥ 0.62.

    python benchmarks/match_quality.py --data shared/data/speeddating/…csv [--json]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.matching import Decision, Profile, rank, rarity  # noqa: E402

TARGET_COLD, TARGET_WARM = 0.56, 0.62
# The project's shared data sits beside the repository.
DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared/data/speeddating/speed_dating_waves_01_10.csv"
)
FOLDS = 5
SEED = 2026
INTERESTS = (
    "sports",
    "tvsports",
    "exercise",
    "dining",
    "museums",
    "art",
    "hiking",
    "gaming",
    "clubbing",
    "reading",
    "tv",
    "theater",
    "movies",
    "concerts",
    "music",
    "shopping",
    "yoga",
)
Row = dict[str, str]


def number(row: Row, key: str) -> float | None:
    try:
        return float(row.get(key, ""))
    except ValueError:
        return None


def scaled(value: float | None, low: float, high: float) -> float:
    """A 1–N survey answer as −1 … 1 (0 when unanswered)."""
    if value is None:
        return 0.0
    return max(-1.0, min(1.0, (2 * value - low - high) / (high - low)))


def to_profile(row: Row) -> Profile:
    """A participant's sign-up answers as an engine profile."""
    gender = "male" if row["gender"] == "1" else "female"
    interests = {
        key: max(0.0, (value - 5) / 5)
        for key in INTERESTS
        if (value := number(row, key)) is not None
    }
    # go_out and date run from 1 (several times a week) to 7 (almost never).
    openness = mean(
        [
            -scaled(number(row, "go_out"), 1, 7),
            -scaled(number(row, "date"), 1, 7),
            scaled(number(row, "exphappy"), 1, 10),
            -scaled(number(row, "imprace"), 1, 10),
            -scaled(number(row, "imprelig"), 1, 10),
        ]
    )
    values = {
        key: row[key] for key in ("goal", "date", "go_out", "field_cd", "career_c") if row.get(key)
    }
    age = number(row, "age")
    imprace = number(row, "imprace")
    return Profile(
        id=int(row["iid"]),
        gender=gender,
        age=int(age) if age else None,
        seeks=frozenset({"female" if gender == "male" else "male"}),
        interests=interests,
        values=values,
        background=row.get("race") or None,
        background_weight=(imprace or 0) / 10,
        openness=openness,
    )


def auc(scored: list[tuple[float, int]]) -> float | None:
    positives = [s for s, y in scored if y]
    negatives = [s for s, y in scored if not y]
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def precision_at(scored: list[tuple[float, int]], k: int) -> float:
    top = sorted(scored, key=lambda item: -item[0])[:k]
    return sum(y for _s, y in top) / len(top)


def summarise(scores: dict[int, list[tuple[float, int]]]) -> dict[str, float]:
    """Per-participant AUC and precision@3, averaged over participants with a match and a miss."""
    usable = {person: s for person, s in scores.items() if auc(s) is not None}
    return {
        "auc": round(mean(auc(s) for s in usable.values()), 4),
        "precision_at_3": round(mean(precision_at(s, 3) for s in usable.values()), 4),
        "participants": len(usable),
    }


def baseline(rows: list[Row], score: Callable[[Row], float]) -> dict[str, float]:
    scores: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for row in rows:
        scores[int(row["iid"])].append((score(row), int(row["match"])))
    return summarise(scores)


def engine_scores(
    rows: list[Row], profiles: dict[int, Profile], history: Iterable[Decision]
) -> dict[tuple[int, int], float]:
    """Score the pairs of ``rows`` with the engine's ranking call, one viewer at a time."""
    decisions = list(history)
    idf = rarity(profiles.values())
    partners: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        partners[int(row["iid"])].append(int(row["pid"]))
    result: dict[tuple[int, int], float] = {}
    for viewer, ids in partners.items():
        ranked = rank(profiles[viewer], [profiles[i] for i in ids], decisions, idf=idf)
        result.update({(viewer, s.candidate.id): s.score for s in ranked})
    return result


def read_rows(path: Path) -> list[Row]:
    """The experiment's rows: UTF-8 as shared/data holds them (with or without a byte-order
    mark), or the Mac Roman the researchers published them in."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("mac_roman")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def participants(rows: list[Row]) -> tuple[list[Row], dict[int, Profile]]:
    """The dates whose both sides answered the sign-up survey, and everyone's profile."""
    rows = [r for r in rows if r.get("pid") and r.get("match") in ("0", "1")]
    people = {int(r["iid"]): r for r in rows}
    rows = [r for r in rows if int(r["pid"]) in people]
    return rows, {iid: to_profile(row) for iid, row in people.items()}


def decisions_of(rows: Iterable[Row]) -> list[Decision]:
    return [
        Decision(int(r["iid"]), int(r["pid"]), r["dec"] == "1")
        for r in rows
        if r.get("dec") in ("0", "1")
    ]


def viewer_left_out(
    event_rows: list[Row], profiles: dict[int, Profile]
) -> dict[tuple[int, int], float]:
    """Warm: each viewer's candidates scored with one history — the event's decisions made
    neither by nor about the viewer — so it never holds the pair at hand (either side's yes),
    and it is the same for all of the viewer's candidates."""
    decisions = decisions_of(event_rows)
    result: dict[tuple[int, int], float] = {}
    for viewer in sorted({int(r["iid"]) for r in event_rows}):
        mine = [r for r in event_rows if int(r["iid"]) == viewer]
        history = [d for d in decisions if viewer not in (d.viewer, d.candidate)]
        result.update(engine_scores(mine, profiles, history))
    return result


def time_ordered(
    event_rows: list[Row], profiles: dict[int, Profile]
) -> dict[tuple[int, int], float]:
    """Warm, as a live bot knows it: the decisions of the night's first half are the history
    of everyone, the dates of its second half are scored. A date's time is the later of the two
    people's date numbers."""
    order = {(int(r["iid"]), int(r["pid"])): int(r["order"]) for r in event_rows}
    when = {(i, j): max(t, order.get((j, i), t)) for (i, j), t in order.items()}
    cut = max(when.values()) // 2
    early = [r for r in event_rows if when[(int(r["iid"]), int(r["pid"]))] <= cut]
    late = [r for r in event_rows if when[(int(r["iid"]), int(r["pid"]))] > cut]
    return engine_scores(late, profiles, decisions_of(early))


def five_fold(
    event_rows: list[Row], profiles: dict[int, Profile], rng: random.Random
) -> dict[tuple[int, int], float]:
    """The old warm protocol, kept to show its bias: 5-fold over pairs gives each of a viewer's
    candidates another fold's history, each missing exactly that pair's decisions, so the
    viewer's own yes-rate and popularity come out lower precisely when the answer was yes."""
    pairs = sorted({tuple(sorted((int(r["iid"]), int(r["pid"])))) for r in event_rows})
    rng.shuffle(pairs)
    fold_of = {pair: index % FOLDS for index, pair in enumerate(pairs)}
    folds = [fold_of[tuple(sorted((int(r["iid"]), int(r["pid"]))))] for r in event_rows]
    result: dict[tuple[int, int], float] = {}
    for fold in range(FOLDS):
        hidden = [r for r, f in zip(event_rows, folds, strict=True) if f == fold]
        seen = [r for r, f in zip(event_rows, folds, strict=True) if f != fold]
        result.update(engine_scores(hidden, profiles, decisions_of(seen)))
    return result


NAMES = ("cold", "warm", "warm_time_ordered", "warm_5fold_biased", "random", "int_corr", "age_gap")


def evaluate(rows: list[Row]) -> dict[str, object]:
    rows, profiles = participants(rows)
    people = {int(r["iid"]): r for r in rows}

    cold = engine_scores(rows, profiles, ())
    by_event: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_event[row["wave"]].append(row)  # events group the pairs; never a feature
    warm: dict[tuple[int, int], float] = {}
    biased: dict[tuple[int, int], float] = {}
    timed: dict[tuple[int, int], float] = {}
    rng = random.Random(SEED)
    for event_rows in by_event.values():
        warm.update(viewer_left_out(event_rows, profiles))
        biased.update(five_fold(event_rows, profiles, rng))
        timed.update(time_ordered(event_rows, profiles))

    def collect(scores: dict[tuple[int, int], float]) -> dict[str, float]:
        per: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for row in rows:
            key = (int(row["iid"]), int(row["pid"]))
            per[key[0]].append((scores.get(key, 0.0), int(row["match"])))
        return summarise(per)

    def collect_some(scores: dict[tuple[int, int], float]) -> dict[str, float]:
        """Only the pairs scored (the time-ordered protocol scores the night's second half)."""
        per: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for row in rows:
            key = (int(row["iid"]), int(row["pid"]))
            if key in scores:
                per[key[0]].append((scores[key], int(row["match"])))
        return summarise(per)

    noise = random.Random(SEED)
    report: dict[str, object] = {
        "pairs": len(rows),
        "base_rate": round(mean(int(r["match"]) for r in rows), 4),
        "cold": collect(cold),
        "warm": collect(warm),
        "warm_time_ordered": collect_some(timed),
        "warm_5fold_biased": collect(biased),
        "random": baseline(rows, lambda r: noise.random()),
        "int_corr": baseline(rows, lambda r: number(r, "int_corr") or 0.0),
        "age_gap": baseline(
            rows,
            lambda r: -abs((number(r, "age") or 0) - (number(people[int(r["pid"])], "age") or 0)),
        ),
    }
    report["targets_met"] = (
        report["cold"]["auc"] >= TARGET_COLD and report["warm"]["auc"] >= TARGET_WARM  # type: ignore[index]
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.data.is_file():
        parser.error(f"no data at {args.data}: pass --data with the speed-dating CSV")
    report = evaluate(read_rows(args.data))
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{report['pairs']} directed dates, match base rate {report['base_rate']:.1%}")
        print(f"{'scorer':<18} {'AUC':>7} {'P@3':>7}")
        for name in NAMES:
            result = report[name]
            print(f"{name:<18} {result['auc']:>7.3f} {result['precision_at_3']:>7.3f}")
        print(f"targets (cold ≥ {TARGET_COLD}, warm ≥ {TARGET_WARM}) met: {report['targets_met']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
