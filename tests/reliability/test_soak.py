"""A short concurrency soak (bench.soak, bounded in time): many clients at once, then the
stored state is checked independently of the service."""

from __future__ import annotations

import pytest

from bench import soak


@pytest.mark.slow
def test_a_short_soak_leaves_consistent_state_and_flat_memory() -> None:
    figures = soak.run(soak.parse(["--seconds", "10", "--steady-seconds", "12"]))
    assert figures["server_alive"]
    assert figures["unexpected_statuses"] == {}
    assert {
        "submit",
        "submit (retry)",
        "submit (replay)",
        "cancel",
        "list",
        "telemetry stream",
    } <= set(figures["calls_by_kind"])
    assert figures["acknowledged"] > 100
    assert figures["acknowledged_missing"] == []  # cancelled ones included, as CANCELLED
    assert figures["replays_differing"] == 0
    assert figures["conflicting_pairs"] == []
    assert figures["events_watched"] > 0 and figures["states_sent"] > 0
    growth_kib = figures["rss_end_kib"] - figures["rss_steady_start_kib"]
    assert growth_kib < 8 * 1024, f"memory grew by {growth_kib} KiB with nothing new stored"
