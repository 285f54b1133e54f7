"""The backlog benchmark (issue 23 §5) still runs on a small backlog and checks what it must:
the bot answers a member while overdue notices wait, SIGTERM ends it with status 0 while they
are being sent, and no notice reached anyone twice. Figures come from `make bench`."""

from __future__ import annotations

from tests.test_benchmarks import benchmark


def test_backlog_benchmark_answers_stops_and_repeats_nothing() -> None:
    report = benchmark("backlog.py", "--members", "50", "--overdue", "2000", "--send-for", "0.5")
    assert report["empty_exit_status"] == report["backlog_exit_status"] == 0
    assert report["notices_sent_twice"] == 0
    # A stop gives back what it claimed and did not send: nothing is left half-run.
    assert report["notices_left_running"] == 0
    assert report["notices_marked_done"] >= report["notices_sent_before_stop"] > 0
    assert report["notices_marked_done"] + report["notices_still_pending"] == 2000
