"""How well the romance-scam screen (bot/domain/scams.py) separates scam-like messages from
ordinary first conversations, per corpus set:

* ``tuned`` — scam_messages.txt and first_conversations.txt, which the patterns were written
  against (optimistic);
* ``heldout`` — written before a second round of patterns, then used for it once (the first
  measurement on it is recorded in the module docstring of tests/test_scam_screen.py);
* ``fresh`` — written after the last change and never used to tune: the honest estimate.

Reports recall (scam-like messages with a signal) and false alarms (ordinary messages with one).

    python benchmarks/scam_screen.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.scams import scam_signals  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
SETS = {
    "tuned": ("scam_messages.txt", "first_conversations.txt"),
    "heldout": ("scam_messages_heldout.txt", "first_conversations_heldout.txt"),
    "fresh": ("scam_messages_fresh.txt", "first_conversations_fresh.txt"),
}
MAX_FALSE_ALARMS = 0.03


def lines(name: str) -> list[str]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def measure() -> dict[str, dict[str, float | int]]:
    report: dict[str, dict[str, float | int]] = {}
    for label, (scams, ordinary) in SETS.items():
        scam_lines, ordinary_lines = lines(scams), lines(ordinary)
        caught = sum(1 for text in scam_lines if scam_signals(text))
        alarms = sum(1 for text in ordinary_lines if scam_signals(text))
        report[label] = {
            "scam_messages": len(scam_lines),
            "caught": caught,
            "recall": round(caught / len(scam_lines), 3),
            "ordinary_messages": len(ordinary_lines),
            "false_alarms": alarms,
            "false_alarm_rate": round(alarms / len(ordinary_lines), 3),
        }
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure()
    if args.json:
        print(json.dumps(report))
    else:
        for label, figures in report.items():
            print(
                f"{label:>8}: recall {figures['caught']}/{figures['scam_messages']} "
                f"({figures['recall']:.0%}), false alarms {figures['false_alarms']}/"
                f"{figures['ordinary_messages']} ({figures['false_alarm_rate']:.1%})"
            )
    ordinary = sum(int(f["ordinary_messages"]) for f in report.values())
    alarms = sum(int(f["false_alarms"]) for f in report.values())
    return 0 if alarms / ordinary <= MAX_FALSE_ALARMS else 1


if __name__ == "__main__":
    sys.exit(main())
