"""The benchmarks still run and check their own results (figures come from `make bench`)."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import database_url_of, drop_database

ROOT = Path(__file__).resolve().parent.parent


def benchmark(script: str, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_throughput_benchmark_runs_and_loses_nothing() -> None:
    report = benchmark(
        "throughput.py",
        "--members",
        "4",
        "--messages",
        "10",
        "--sequential-members",
        "2",
        "--latency",
        "0",
    )
    for key in ("sequential_updates_per_s", "concurrent_updates_per_s", "echo_updates_per_s"):
        assert report[key] > 0
    assert report["unanswered"] == report["feedback_missing"] == 0
    assert report["persisted_state_missing"] == 0
    # The real sign-up: everyone through, and the statements it took counted.
    assert report["not_signed_up"] == 0 and report["onboarding_concurrent_updates_per_s"] > 0
    assert 0 < report["statements_per_answering_update"] <= 5


def test_roster_import_benchmark_runs_and_stores_every_row() -> None:
    report = benchmark("roster_import.py", "--rows", "300")
    assert report["stored"] == report["parsed"] == 300
    assert report["added_then_updated"] == [300, 300]


def test_fair_benchmark_runs_and_keeps_every_rule() -> None:
    report = benchmark(
        "fair.py",
        "--attendees",
        "120",
        "--rate",
        "200",
        "--choosers",
        "4",
        "--rush-seconds",
        "1",
        "--group-sizes",
        "120",
        "--baseline-groups-up-to",
        "120",
    )
    assert report["rush_quota_kept"] and report["rush_one_reply_each"]
    assert report["rush_everyone_placed_or_waiting"]
    assert report["choice_most_buttons"] <= 100
    assert report["burst_reminders"] == 119
    assert report["groups_120"]["colleague_pairs"] == 0


def test_union_benchmark_runs() -> None:
    report = benchmark("union.py", "--members", "500", "--roster", "800", "--talked", "250")
    assert report["members"] == 500
    assert report["stats"]["seconds"] > 0 and report["export_stats_xlsx"]["seconds"] > 0
    assert report["start"]["seconds_to_first_answer"] > 0


SPEED_DATING = ROOT.parent / "shared/data/speeddating/speed_dating_waves_01_10.csv"


@pytest.mark.skipif(
    not SPEED_DATING.is_file(), reason=f"speed-dating data not found at {SPEED_DATING}"
)
def test_match_quality_on_real_outcomes_meets_its_targets() -> None:
    report = benchmark("match_quality.py", "--data", str(SPEED_DATING))
    assert report["cold"]["auc"] >= 0.56 and report["warm"]["auc"] >= 0.62
    for baseline in ("random", "int_corr", "age_gap"):
        assert report[baseline]["auc"] < report["cold"]["auc"]
    assert report["cold"]["participants"] > 150


def test_match_latency_benchmark_serves_cards_end_to_end(tmp_path: Path) -> None:
    """Loaded in one run and measured in the next, as at a million profiles."""
    database = ["--profiles", "400", "--database-url", f"sqlite+aiosqlite:///{tmp_path}/m.db"]
    loaded = benchmark("match_latency.py", *database, "--load-only")
    assert loaded["load_seconds"] > 0
    report = benchmark(
        "match_latency.py",
        *database,
        "--loaded",
        "--viewers",
        "3",
        "--requests",
        "3",
        "--naive-viewers",
        "1",
    )
    assert report["cards_shown"] == report["requests"] == 9
    assert report["p95_ms"] > 0 and report["naive_p50_ms"] > 0
    assert report["nobody_left_p95_ms"] > 0


def test_broadcast_benchmark_misses_nobody_through_a_crash() -> None:
    report = benchmark("broadcast.py", "--recipients", "400", "--rate", "200", "--naive", "5")
    assert report["missed"] == 0
    assert report["duplicates"] <= report["in_flight_bound"]
    assert report["unreachable_marked"] == report["blocked_injected"] == 2
    assert report["requests_per_s"] > report["naive_sequential_per_s"]


def test_import_beside_bot_benchmark_serves_members_during_both_imports() -> None:
    report = benchmark("import_beside_bot.py", "--rows", "3000", "--members", "300")
    for way in ("chunked", "one_transaction_baseline"):
        assert report[way]["match_requests"] >= 1 and report[way]["match_p50_ms"] > 0
    assert report["idle_match_p95_ms"] > 0
    assert report["chunked"]["errors_seen"] == 0  # nobody told "something went wrong"


def test_digest_benchmark_writes_digests_beside_its_baseline() -> None:
    report = benchmark(
        "digest.py",
        "--members",
        "600",
        "--new",
        "20",
        "--first-time",
        "10",
        "--baseline-members",
        "100",
        "--idle-requests",
        "5",
    )
    assert 0 < report["digests_written"] <= 600 and report["seconds"] > 0
    assert report["baseline_with_news"] > 0 and report["idle_match_p95_ms"] > 0
    assert report["match_during_digest_requests"] >= 1
    assert 0 < report["cpu_seconds"] and 0 < report["longest_step_cpu_ms"]


def test_busy_match_benchmark_sends_in_bulk_while_members_ask() -> None:
    report = benchmark(
        "busy_match.py",
        "--members",
        "400",
        "--reminders",
        "100",
        "--seconds",
        "2",
        "--idle-requests",
        "5",
        "--latency",
        "0",
    )
    assert report["messages_sent_meanwhile"] > 0 and report["match_during_bulk_requests"] >= 1
    assert report["idle_match_p95_ms"] > 0
    # Idle holds both kinds of request, each compared with its own kind meanwhile.
    assert report["during_bulk_match_requests"][0] >= 1
    assert report["during_bulk_next_requests"][0] >= 1


def postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not postgres_reachable(), reason="PostgreSQL is not reachable")
def test_one_process_benchmark_serves_cards_on_postgres() -> None:
    # A name of its own, dropped afterwards: a fixed one was left on the test server and would
    # be shared by two suites running at once.
    name = f"huihui_test_one_process_{uuid.uuid4().hex[:12]}"
    common = ["--profiles", "500", "--database-url", database_url_of(name)]
    try:
        assert benchmark("one_process.py", *common, "--load-only")["load_seconds"] > 0
        report = benchmark(
            "one_process.py",
            *common,
            "--loaded",
            "--members",
            "5",
            "--sequential-members",
            "2",
            "--presses",
            "2",
            "--latency",
            "0",
        )
    finally:
        asyncio.run(drop_database(name))
    assert report["cards_shown"] > 0 and report["updates_per_s"] > 0
    assert report["statements_per_update"] > 0
