"""The desk benchmark (``benchmarks/desk.py``, in ``make bench``) still asks for every desk
screen as the Mini App does and gets each one (figures come from ``make bench``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENS = {
    "overview",
    "overview_months_and_units",
    "monthly_report_xlsx",
    "units_tree",
    "roster_replace_preview",
    "review_queue",
    "reports_list",
    "audit_one_week",
    "events_list",
    "event_detail_registrants",
    "event_sign_in_xlsx",
    "broadcasts_count_narrow",
    "people_find_number",
    "matchmaker_proposals",
    "matchmaker_inbox",
}


def test_the_desk_benchmark_gets_every_screen() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/desk.py",
            *("--members", "2400", "--audit-entries", "2000", "--repeat", "1", "--json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    timed = {name for name, figures in report.items() if isinstance(figures, dict)}
    assert SCREENS <= timed and report["screens"] == len(timed) >= 33
    assert all(report[name]["goal_ms"] == 300 for name in timed)
