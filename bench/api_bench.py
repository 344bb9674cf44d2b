"""Lookup API: requests/s and latency at fixed concurrency, against raw happybase reads.

The API runs under gunicorn (``kickback api serve``: the configured number
of gevent workers, connections kept alive) on a free loopback port,
reading the bench tables the HBase benchmark loaded (loaded here if it has
not run). Load comes from separate processes (``bench.loadgen``: 2
processes x 4 threads = 8 concurrent clients, one kept-alive connection
each). For each endpoint:

- peak: closed loop at concurrency 8 for a fixed time;
- yardstick: the same processes and threads doing, with raw happybase, the
  read the endpoint does (``table.row()`` for a member, the bounded daily
  scan for a daily page, ``table.rows()`` of 20 keys for a batchGet);
- half peak: the API again, paced at half its measured peak rate, latency
  taken from each request's scheduled send time.
"""

from __future__ import annotations

import json
import logging
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import api_server, data, goals, hbase_bench, hbase_setup, loadgen, stats
from bench.child import python_env
from bench.report import figure
from bench.workspace import API_KEY, TABLE_PREFIX, Workspace, bench_settings
from kickback.commands.api import WORKER_CLASS, gunicorn_options
from kickback.config import Settings
from mapreduce import tsv
from warehouse import layout
from warehouse.catalog import Catalog
from warehouse.storage import Storage

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

CONCURRENCY = 8
PROCESSES = 2
WARMUP_S = 3.0
MAX_IDS = 2000
BATCH_IDS = 20
ENDPOINTS = (
    # name, API op, raw op, raw description
    ("GET /v1/members/{id}", "member", "row", "happybase table.row()"),
    ("GET /v1/members/{id}/daily", "daily", "scan", "happybase daily scan (limit 31)"),
    ("POST /v1/members:batchGet (20 ids)", "batch", "rows", "happybase table.rows() of 20"),
)
THROUGHPUT_GOAL = goals.at_least(0.6, "API/raw happybase req/s")
P99_GOAL = goals.at_most(25.0, "p99 at half peak")
SPAWN_MARGIN_S = 4.0


def run(settings: Settings, workspace: Workspace, scale: int, seconds: float, say: Say) -> dict[str, Any]:
    """Measure each endpoint at peak, its raw-HBase yardstick and half peak; return the result."""
    label, events = hbase_bench.data_label(scale)
    settings = bench_settings(settings, workspace, label)
    _ensure_tables(settings, workspace, label, events, say)
    ids = member_ids(workspace.warehouse(label), MAX_IDS)
    port = api_server.free_port()
    env = {"KICKBACK_API_KEYS": API_KEY, "KICKBACK_HBASE_TABLE_PREFIX": TABLE_PREFIX}
    say("starting the API (gunicorn, %d %s workers) on 127.0.0.1:%d" % (settings.api_workers, WORKER_CLASS, port))
    server = api_server.start(port, settings.api_workers, env, workspace.logs / "api.log")
    measured = {}
    try:
        for name, api_op, raw_op, _ in ENDPOINTS:
            common = {"ids": ids, "batch_size": BATCH_IDS, "max_requests": 1_000_000}
            http = {**common, "op": api_op,
                    "http": {"host": api_server.HOST, "port": port, "api_key": API_KEY, "timeout_s": 10}}
            raw = {**common, "op": raw_op, "hbase": {
                "host": settings.hbase_host, "port": settings.hbase_thrift_port, "table_prefix": TABLE_PREFIX,
                "timeout_ms": settings.hbase_timeout_ms, "buckets": settings.hbase_buckets}}
            cpu_before = api_server.tree_cpu_seconds(server.pid)
            peak = measure(http, seconds, workspace)
            # Includes the warm-up, so it is a slight overestimate per request.
            peak["server_cpu_ms_per_request"] = 1000.0 * (
                api_server.tree_cpu_seconds(server.pid) - cpu_before) / max(1, peak["requests"])
            yard = measure(raw, seconds, workspace)
            half = measure(http, seconds, workspace, rate_per_s=max(1.0, peak["rps"] / 2))
            measured[api_op] = {"peak": peak, "raw": yard, "half": half}
            say("  %s: %.0f req/s (p99 %.1f ms, %d connections), raw %.0f req/s; at %.0f req/s p99 %.1f ms" % (
                name, peak["rps"], peak["latency"].get("p99_ms", 0), peak["connections"], yard["rps"],
                half["target_rps"], half["latency"].get("p99_ms", 0)))
    finally:
        api_server.stop(server)
    measured["floor"] = _measure_floor(settings, workspace, ids, seconds, say)
    return _result(settings, label, len(ids), seconds, measured)


def _measure_floor(settings: Settings, workspace: Workspace, ids: list[str], seconds: float,
                   say: Say) -> dict[str, Any]:
    """The member GET on ``bench.floor_app``: the same worker model without the API's code."""
    port = api_server.free_port()
    options = gunicorn_options(settings, api_server.HOST, port, settings.api_workers)
    env = {"FLOOR_HBASE_HOST": settings.hbase_host, "FLOOR_HBASE_PORT": str(settings.hbase_thrift_port),
           "FLOOR_TABLE_PREFIX": TABLE_PREFIX, "FLOOR_BUCKETS": str(settings.hbase_buckets),
           "FLOOR_POOL_SIZE": str(settings.hbase_pool_size), "FLOOR_TIMEOUT_MS": str(settings.hbase_timeout_ms)}
    say("starting the floor app (bare WSGI, %d %s workers) on 127.0.0.1:%d"
        % (settings.api_workers, WORKER_CLASS, port))
    server = api_server.start_floor(port, options, env, workspace.logs / "floor.log")
    try:
        floor = measure({"ids": ids, "batch_size": BATCH_IDS, "max_requests": 1_000_000, "op": "member",
                         "http": {"host": api_server.HOST, "port": port, "api_key": API_KEY, "timeout_s": 10}},
                        seconds, workspace)
    finally:
        api_server.stop(server)
    say("  floor GET /v1/members/{id}: %.0f req/s (p99 %.1f ms)" % (floor["rps"], floor["latency"].get("p99_ms", 0)))
    return floor


def measure(spec: dict[str, Any], seconds: float, workspace: Workspace,
            rate_per_s: float | None = None) -> dict[str, Any]:
    """One measurement: ``PROCESSES`` load generator processes, ``CONCURRENCY`` threads in all."""
    threads = CONCURRENCY // PROCESSES
    start_at = time.time() + SPAWN_MARGIN_S + WARMUP_S
    procs = []
    for number in range(PROCESSES):
        child_spec = {**spec, "threads": threads, "duration_s": seconds, "start_at": start_at,
                      "seed": number + 1,
                      "rate_per_s": None if rate_per_s is None else rate_per_s / PROCESSES}
        # Results go to a file: a pipe would fill up while we wait for the child.
        out = tempfile.TemporaryFile()
        with open(workspace.logs / "loadgen.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "bench.loadgen"], stdin=subprocess.PIPE,
                                    stdout=out, stderr=log, env=python_env())
        proc.stdin.write(json.dumps(child_spec).encode())
        proc.stdin.close()
        procs.append((proc, out))
    results = []
    deadline = start_at + seconds + 90
    for proc, out in procs:
        try:
            proc.wait(timeout=max(1.0, deadline - time.time()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.seek(0)
        text = out.read().decode()
        out.close()
        if proc.returncode != 0 or not text.strip():
            raise RuntimeError("load generator failed (exit %s); see %s"
                               % (proc.returncode, workspace.logs / "loadgen.log"))
        results.append(json.loads(text.strip().splitlines()[-1]))
    merged = loadgen.merge(results, seconds)
    latencies = merged.pop("latencies_ms")
    merged["latency"] = stats.latency_summary(latencies)
    merged["target_rps"] = rate_per_s
    return merged


def member_ids(warehouse: Path, limit: int) -> list[str]:
    """Up to ``limit`` member ids that have a summary (a seeded sample)."""
    storage = Storage(str(warehouse))
    partition = layout.partition("member_summary", data.DAY)
    ids = []
    for rel in Catalog(storage).data_files(partition):
        with open(storage.local_path(rel), encoding="utf-8") as rows:
            ids += [tsv.split_row(line.rstrip("\n"))[0] for line in rows if line.strip()]
    if not ids:
        raise FileNotFoundError("no member ids in %s" % storage.display(partition.path))
    return random.Random(7).sample(ids, min(limit, len(ids)))


def _ensure_tables(settings: Settings, workspace: Workspace, label: str, events: int, say: Say) -> None:
    marker = hbase_setup.loaded(workspace.root)
    if marker and marker.get("label") == label and marker.get("prefix") == TABLE_PREFIX:
        return
    say("the bench tables do not hold %s: loading member_summary and member_daily" % label)
    warehouse = data.ensure_warehouse(workspace, label, events, say=say)
    pool = hbase_setup.make_pool(settings, TABLE_PREFIX)
    datasets = ("member_summary", "member_daily")
    hbase_setup.recreate_tables(settings, pool, datasets, hbase_setup.java_tools(settings))
    rows = {d: hbase_setup.load_dataset(settings, pool, warehouse, d).total_written for d in datasets}
    hbase_setup.mark_loaded(workspace.root, {"label": label, "prefix": TABLE_PREFIX, "rows": rows})


def _result(settings: Settings, label: str, id_count: int, seconds: float,
            measured: dict[str, Any]) -> dict[str, Any]:
    figures = []
    floor, member = measured["floor"], measured["member"]
    figures.append(figure(
        "floor: bare WSGI member GET req/s at concurrency %d" % CONCURRENCY, floor["rps"], "req/s",
        yardstick="happybase table.row()", yardstick_value=member["raw"]["rps"],
        note="bench.floor_app on the same gunicorn workers: the ceiling of any Python app on this "
             "worker model here; p50 %.1f ms, p99 %.1f ms, errors %d" % (
                 floor["latency"].get("p50_ms", 0), floor["latency"].get("p99_ms", 0), floor["errors"])))
    figures.append(figure(
        "GET /v1/members/{id} req/s against the floor", member["peak"]["rps"], "req/s",
        yardstick="floor: bare WSGI member GET", yardstick_value=floor["rps"],
        note="what Flask, the schemas, auth and the access log cost"))
    for name, api_op, _, raw_name in ENDPOINTS:
        m = measured[api_op]
        peak, raw, half = m["peak"], m["raw"], m["half"]
        figures.append(figure(
            "%s req/s at concurrency %d" % (name, CONCURRENCY), peak["rps"], "req/s",
            yardstick=raw_name, yardstick_value=raw["rps"], goal=THROUGHPUT_GOAL,
            note="API p50 %.1f ms, p99 %.1f ms at peak; raw p50 %.1f ms, p99 %.1f ms; errors %d/%d; "
                 "gunicorn CPU %.1f ms per request (warm-up included); %d HTTP connections opened "
                 "for %d requests" % (
                peak["latency"].get("p50_ms", 0), peak["latency"].get("p99_ms", 0),
                raw["latency"].get("p50_ms", 0), raw["latency"].get("p99_ms", 0),
                peak["errors"], raw["errors"], peak["server_cpu_ms_per_request"],
                peak["connections"], peak["requests"])))
        figures.append(figure(
            "%s p99 at half peak (%.0f req/s)" % (name, half["target_rps"]),
            half["latency"].get("p99_ms"), "ms", goal=P99_GOAL, goal_on="value",
            note="achieved %.0f req/s, p50 %.1f ms, errors %d" % (
                half["rps"], half["latency"].get("p50_ms", 0), half["errors"])))
    return {
        "benchmark": "api",
        "params": {"data": label, "concurrency": CONCURRENCY, "processes": PROCESSES,
                   "seconds": seconds, "warmup_s": WARMUP_S, "ids": id_count,
                   "gunicorn_workers": settings.api_workers, "gunicorn_worker_class": WORKER_CLASS,
                   "api_keepalive_s": settings.api_keepalive_s,
                   "api_worker_connections": settings.api_worker_connections,
                   "hbase_pool_size": settings.hbase_pool_size},
        "measured": measured,
        "figures": figures,
        "notes": [
            "Load: %d load generator processes x %d threads (http.client, one kept-alive connection "
            "per thread), %d random member "
            "ids with a summary, %.0f s per measurement after %.0f s of warm-up; the raw yardstick "
            "uses the same processes and threads, one happybase connection per thread." % (
                PROCESSES, CONCURRENCY // PROCESSES, id_count, seconds, WARMUP_S),
            "gunicorn runs %d %s workers (api_workers; keep-alive %d s) with an HBase pool of %d "
            "each; load generator, API, Thrift server and HBase share the machine's cores." % (
                settings.api_workers, WORKER_CLASS, settings.api_keepalive_s, settings.hbase_pool_size),
        ],
    }
