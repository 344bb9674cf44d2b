"""A small load generator: threads with keep-alive connections, one process.

``python -m bench.loadgen`` reads a JSON spec on stdin and prints one JSON
result line. Each thread owns one connection (``http.client`` to the API,
kept alive across requests and reopened only when the server closes it,
or a ``happybase.Connection`` for the raw-HBase yardstick) and runs one
operation in a loop: warm up until ``start_at`` (a wall-clock time shared
by every process of a measurement), then measure for ``duration_s``. A
request counts when it finishes inside the window. Closed loop by default
(each thread sends as soon as its last answer came); with ``rate_per_s``
each thread sends on a fixed schedule and latency is measured from the
scheduled send time, so a slow server is not hidden by late sending.
Bounded in time (the window) and count (``max_requests``); traffic only to
the spec's host, which the benchmark sets to 127.0.0.1. The result counts
the connections opened (warm-up included): with keep-alive that is one
per thread, with a server that closes after every response one per request.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

logger = logging.getLogger(__name__)

HTTP_OPS = ("member", "daily", "batch")
HBASE_OPS = ("row", "scan", "rows")
MAX_ERROR_SAMPLES = 5
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def thread_schedule(rate_per_s: float | None, threads: int, index: int) -> tuple[float, float] | None:
    """(first send offset, interval) in seconds of thread ``index``, or None for closed loop."""
    if threads < 1 or not 0 <= index < threads:
        raise ValueError("bad thread index %r of %r" % (index, threads))
    if not rate_per_s:
        return None
    if rate_per_s < 0:
        raise ValueError("rate must be positive")
    interval = threads / rate_per_s
    return index * interval / threads, interval


def merge(results: Sequence[dict[str, Any]], duration_s: float) -> dict[str, Any]:
    """Combine the results of several processes of one measurement."""
    latencies = [lat for result in results for lat in result["latencies_ms"]]
    requests = sum(result["requests"] for result in results)
    errors = sum(result["errors"] for result in results)
    samples = [s for result in results for s in result.get("error_samples", [])][:MAX_ERROR_SAMPLES]
    connections = sum(result.get("connections", 0) for result in results)
    return {"requests": requests, "errors": errors, "error_samples": samples,
            "duration_s": duration_s, "rps": requests / duration_s if duration_s > 0 else 0.0,
            "connections": connections, "latencies_ms": latencies}


def choose_ids(ids: Sequence[str], rng: random.Random, count: int) -> list[str]:
    """``count`` distinct ids (fewer if there are fewer)."""
    return rng.sample(list(ids), min(count, len(ids)))


class _CountingConnection(http.client.HTTPConnection):
    """An ``HTTPConnection`` that counts how often it opened a socket."""

    opened = 0

    def connect(self) -> None:
        """Open the socket, and count it."""
        self.opened += 1
        super().connect()


class _HttpClient:
    """One keep-alive connection to the API (reconnected after a close or error)."""

    def __init__(self, spec: dict[str, Any]):
        http_spec = spec["http"]
        self._connection = _CountingConnection(http_spec["host"], http_spec["port"],
                                               timeout=http_spec.get("timeout_s", 10))
        self._headers = {"Authorization": "Bearer %s" % http_spec["api_key"]}
        self._op = spec["op"]
        self._batch = spec.get("batch_size", 20)

    def request(self, ids: Sequence[str], rng: random.Random) -> str | None:
        """Send one request; None when it succeeded, else what went wrong."""
        headers = dict(self._headers)
        body = None
        if self._op == "member":
            method, path = "GET", "/v1/members/%s" % quote(rng.choice(ids), safe="")
        elif self._op == "daily":
            method, path = "GET", "/v1/members/%s/daily" % quote(rng.choice(ids), safe="")
        else:
            method, path = "POST", "/v1/members:batchGet"
            body = json.dumps({"ids": choose_ids(ids, rng, self._batch)}).encode()
            headers["Content-Type"] = "application/json"
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._connection.close()
            return "%s: %s" % (type(exc).__name__, exc)
        if response.status >= 400:
            return "HTTP %d on %s %s" % (response.status, method, path.split("/")[1])
        return None

    @property
    def connections(self) -> int:
        """Connections opened so far."""
        return self._connection.opened

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


class _HBaseClient:
    """One happybase connection doing what the API does for one request, raw."""

    def __init__(self, spec: dict[str, Any]):
        import happybase

        from hbase_schema import keys

        hbase_spec = spec["hbase"]
        self._keys = keys
        self._buckets = hbase_spec["buckets"]
        self._connection = happybase.Connection(
            hbase_spec["host"], hbase_spec["port"], table_prefix=hbase_spec["table_prefix"],
            timeout=hbase_spec["timeout_ms"])
        self._op = spec["op"]
        self._batch = spec.get("batch_size", 20)
        self._page = spec.get("page_size", 30)
        self._summary = self._connection.table("member_summary")
        self._daily = self._connection.table("member_daily")
        self.connections = 1

    def request(self, ids: Sequence[str], rng: random.Random) -> str | None:
        """One raw read; None when it succeeded, else what went wrong."""
        from thriftpy2.thrift import TException

        try:
            if self._op == "row":
                key = self._keys.summary_key(rng.choice(ids), self._buckets)
                if not self._summary.row(key, columns=[b"s"]):
                    return "no row"
            elif self._op == "scan":
                start, stop = self._keys.daily_range(rng.choice(ids), None, None, self._buckets)
                list(self._daily.scan(row_start=start, row_stop=stop, columns=[b"r"], limit=self._page + 1))
            else:
                wanted = [self._keys.summary_key(i, self._buckets) for i in choose_ids(ids, rng, self._batch)]
                self._summary.rows(wanted, columns=[b"s"])
        except (OSError, TException) as exc:
            return "%s: %s" % (type(exc).__name__, exc)
        return None

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


def _client_factory(spec: dict[str, Any]) -> Callable[[], Any]:
    """A constructor of the op's client; ValueError for an unknown op or a non-loopback host."""
    if spec["op"] in HTTP_OPS:
        target, make = spec["http"]["host"], lambda: _HttpClient(spec)
    elif spec["op"] in HBASE_OPS:
        target, make = spec["hbase"]["host"], lambda: _HBaseClient(spec)
    else:
        raise ValueError("unknown op %r (choose from %s)" % (spec["op"], ", ".join(HTTP_OPS + HBASE_OPS)))
    if target not in LOOPBACK:
        raise ValueError("the load generator only targets loopback, not %r" % target)
    return make


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in this process as ``spec`` says; return its result."""
    factory = _client_factory(spec)
    threads = int(spec["threads"])
    ids = list(spec["ids"])
    if not ids:
        raise ValueError("no ids to request")
    start_at = float(spec["start_at"])
    end_at = start_at + float(spec["duration_s"])
    max_requests = int(spec.get("max_requests", 1_000_000))
    lock = threading.Lock()
    totals = {"requests": 0, "errors": 0, "error_samples": [], "latencies_ms": [], "connections": 0}

    def worker(index: int) -> None:
        rng = random.Random(int(spec.get("seed", 1)) * 1000 + index)
        client = factory()
        latencies: list[float] = []
        errors: list[str] = []
        try:
            while time.time() < start_at:  # warm-up: connections, caches, JIT of the server
                client.request(ids, rng)
            schedule = thread_schedule(spec.get("rate_per_s"), threads, index)
            next_send = start_at + schedule[0] if schedule else None
            while len(latencies) * threads < max_requests:
                if next_send is not None:
                    delay = next_send - time.time()
                    if delay > 0:
                        time.sleep(delay)
                began = next_send if next_send is not None else time.time()
                if began >= end_at:
                    break
                error = client.request(ids, rng)
                finished = time.time()
                if finished > end_at:
                    break
                if error is None:
                    latencies.append(round((finished - began) * 1000.0, 3))
                else:
                    errors.append(error)
                if next_send is not None:
                    next_send += schedule[1]
        finally:
            client.close()
        with lock:
            totals["connections"] += client.connections
            totals["requests"] += len(latencies)
            totals["errors"] += len(errors)
            totals["error_samples"] += errors[:MAX_ERROR_SAMPLES]
            totals["latencies_ms"] += latencies

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=max(0.0, end_at - time.time()) + 60)
    totals["error_samples"] = totals["error_samples"][:MAX_ERROR_SAMPLES]
    return totals


def main() -> int:
    """Entry point: spec on stdin, result on stdout."""
    spec = json.loads(sys.stdin.read())
    sys.stdout.write(json.dumps(run(spec)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
