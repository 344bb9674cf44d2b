"""The cluster benchmark's figures from its measured runs (no stack)."""

from __future__ import annotations

import io
import json

import pytest

from bench import cluster_bench


def _run(seconds, stages, applications=()):
    return {"lines": 1000, "seconds": seconds, "wall_s": seconds + 1, "cpu_s": 1.0,
            "stage_seconds": stages, "rows": {}, "rate": 1000 / seconds, "input_bytes": 10,
            "upload_s": 2.5, "applications": list(applications)}


def _app(elapsed, status="SUCCEEDED"):
    return {"name": "streamjob.jar", "state": "FINISHED", "final_status": status,
            "elapsed_s": elapsed, "started_ms": 0}


def test_the_figure_is_yarn_against_the_local_runner_on_the_same_day():
    local = _run(100.0, {"validate": 60.0, "roll_up": 25.0, "summarize": 15.0})
    yarn = _run(250.0, {"validate": 150.0, "roll_up": 60.0, "summarize": 40.0}, [_app(90), _app(80)])
    tiny = _run(60.0, {"validate": 20.0}, [_app(18.0), _app(22.0), _app(20.0), _app(99.0, "FAILED")])
    result = cluster_bench.result(1_000_000, 24, local, yarn, tiny, 120.0)
    day, step = result["figures"]
    assert day["value"] == 250.0 and day["yardstick_value"] == 100.0
    assert day["ratio"] == pytest.approx(2.5)
    assert "2 YARN applications" in day["note"]
    # The median of the tiny run's successful applications: failed ones say nothing of overhead.
    assert step["value"] == pytest.approx(20.0)


def test_no_successful_application_means_no_overhead_figure():
    assert cluster_bench.per_step_overhead([_app(5.0, "FAILED")]) is None


def test_applications_are_read_from_the_resourcemanager_in_start_order(tmp_settings, monkeypatch):
    body = {"apps": {"app": [
        {"name": "b", "state": "FINISHED", "finalStatus": "SUCCEEDED", "elapsedTime": 2500, "startedTime": 20},
        {"name": "a", "state": "FINISHED", "finalStatus": "SUCCEEDED", "elapsedTime": 1000, "startedTime": 10},
    ]}}
    seen = {}

    def fake_urlopen(request, timeout):
        seen["url"] = request.full_url
        return io.BytesIO(json.dumps(body).encode())

    monkeypatch.setattr("bench.cluster_bench.urllib.request.urlopen", fake_urlopen)
    apps = cluster_bench.yarn_applications(tmp_settings.replace(yarn_web_port=18088), 5)
    assert seen["url"] == "http://127.0.0.1:18088/ws/v1/cluster/apps?startedTimeBegin=5"
    assert [(app["name"], app["elapsed_s"]) for app in apps] == [("a", 1.0), ("b", 2.5)]
