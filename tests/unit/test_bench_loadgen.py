"""bench.loadgen: pacing, merging and loopback-only targets (no network)."""

from __future__ import annotations

import random

import pytest

from bench import loadgen


def test_closed_loop_has_no_schedule():
    assert loadgen.thread_schedule(None, 4, 0) is None


def test_paced_threads_are_staggered_and_add_up_to_the_rate():
    schedules = [loadgen.thread_schedule(100.0, 4, i) for i in range(4)]
    assert [interval for _, interval in schedules] == pytest.approx([0.04] * 4)
    assert [offset for offset, _ in schedules] == pytest.approx([0.0, 0.01, 0.02, 0.03])
    assert sum(1 / interval for _, interval in schedules) == pytest.approx(100.0)


@pytest.mark.parametrize("threads,index", [(0, 0), (4, 4), (4, -1)])
def test_schedule_rejects_bad_threads(threads, index):
    with pytest.raises(ValueError):
        loadgen.thread_schedule(10.0, threads, index)


def test_merge_adds_processes_over_the_window():
    merged = loadgen.merge([
        {"requests": 100, "errors": 1, "error_samples": ["HTTP 503"], "latencies_ms": [1.0, 2.0]},
        {"requests": 50, "errors": 0, "latencies_ms": [3.0]},
    ], 10.0)
    assert merged["requests"] == 150
    assert merged["errors"] == 1
    assert merged["rps"] == 15.0
    assert sorted(merged["latencies_ms"]) == [1.0, 2.0, 3.0]
    assert merged["error_samples"] == ["HTTP 503"]


def test_choose_ids_is_distinct_and_bounded():
    ids = ["m-%d" % i for i in range(30)]
    chosen = loadgen.choose_ids(ids, random.Random(1), 20)
    assert len(chosen) == len(set(chosen)) == 20
    assert loadgen.choose_ids(ids[:3], random.Random(1), 20) != []
    assert len(loadgen.choose_ids(ids[:3], random.Random(1), 20)) == 3


def test_refuses_a_non_loopback_target():
    spec = {"op": "member", "threads": 1, "ids": ["m-1"], "start_at": 0, "duration_s": 1,
            "http": {"host": "192.0.2.10", "port": 80, "api_key": "k"}}
    with pytest.raises(ValueError, match="loopback"):
        loadgen.run(spec)


def test_unknown_op_is_an_error():
    spec = {"op": "delete", "threads": 1, "ids": ["m-1"], "start_at": 0, "duration_s": 1}
    with pytest.raises(ValueError, match="unknown op"):
        loadgen.run(spec)
