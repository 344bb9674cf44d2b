"""bench.loadgen: pacing, merging, loopback-only targets and connection reuse (loopback only)."""

from __future__ import annotations

import http.server
import random
import threading
import time

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


class _Handler(http.server.BaseHTTPRequestHandler):
    """200 to every GET; keeps the connection alive unless the server says close."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.server.close_each:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(params=[False, True], ids=["keep-alive", "close-each"])
def loopback_server(request):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.close_each = request.param
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_http_threads_reuse_their_connection_unless_the_server_closes_it(loopback_server):
    spec = {"op": "member", "threads": 2, "ids": ["m-1", "m-2"], "start_at": time.time() + 0.2,
            "duration_s": 0.5, "max_requests": 200,
            "http": {"host": "127.0.0.1", "port": loopback_server.server_address[1], "api_key": "k"}}
    result = loadgen.run(spec)
    assert result["errors"] == 0
    assert result["requests"] > 2
    if loopback_server.close_each:
        assert result["connections"] >= result["requests"]
    else:
        assert result["connections"] == 2


def test_merge_adds_connections():
    merged = loadgen.merge([{"requests": 1, "errors": 0, "latencies_ms": [1.0], "connections": 4},
                            {"requests": 1, "errors": 0, "latencies_ms": [1.0], "connections": 4}], 1.0)
    assert merged["connections"] == 8
