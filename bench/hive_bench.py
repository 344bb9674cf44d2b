"""Hive: registration time, partition pruning (one day against seven) and columnar against text.

Data: seven landing days of x1 events each (label ``hive7d``), run through
the pipeline day by day (inline runner: the data is a fixture here, its
making is not timed). The bench's own database is dropped and made again
with ``hive.apply_ddl`` (timed apart), then the seven days are registered
one after another with ``hive.register_run``, as ``kickback hive register``
does after each run: partitions, then the Parquet ``events_dedup``
rebuild of the event days each day touched (that figure has a goal: under
60 s; the Spark Thrift Server took 253 s). The same aggregate then runs on
one event day and on seven, and one full-table aggregate runs on
``events_dedup`` (Parquet, by event day) and on the text ``events`` staging
table (by landing hour), both holding the same events. Each query: one
warm-up, then the median of ``RUNS`` timed runs on the stack's HiveServer2
(Apache Hive 4.0.1, MapReduce in its JVM). Pruning is read from Hive's own
plan: ``EXPLAIN DEPENDENCY`` lists the partitions a query reads.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hive
from bench import data, stats
from bench.goals import at_most
from bench.report import figure
from bench.workspace import HIVE_DATABASE, Workspace, bench_settings
from kickback.config import Settings
from warehouse.catalog import Catalog
from warehouse.storage import Storage

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

RUNS = 3
DAYS = tuple(data.DAY - dt.timedelta(days=n) for n in range(6, -1, -1))
ONE_DAY = DAYS[3]
REGISTER_GOAL = at_most(60, "register 7 landing days in under 60 s (253 s on the Spark Thrift Server)")
PRUNE_SQL = ("SELECT event_type, count(*) AS events, sum(amount_cents) AS cents "
             "FROM events_dedup WHERE event_dt BETWEEN %(start)s AND %(end)s GROUP BY event_type")
# Table names are constants of this module, never input.
FORMAT_SQL = ("SELECT event_type, count(*) AS events, count(DISTINCT device_id) AS devices, "
              "sum(amount_cents) AS cents FROM {table} GROUP BY event_type")
FORMAT_TABLES = ("events_dedup", "events")


def run(settings: Settings, workspace: Workspace, scale: int, say: Say) -> dict[str, Any]:
    """Time registration, the pruning and the format comparisons; return the result."""
    label = "hive7d"
    warehouse = data.ensure_warehouse(workspace, label, scale, days=DAYS, runner="inline", say=say)
    settings = bench_settings(settings, workspace, label)
    uri = Storage(str(warehouse)).uri()
    say("creating Hive database %s, then registering %d landing days" % (HIVE_DATABASE, len(DAYS)))
    init_s = _init(settings, uri)
    per_day = _register(settings)
    register_s = sum(per_day)
    say("  init %.1f s; registration %.1f s (%s)" % (init_s, register_s, ", ".join("%.1f" % s for s in per_day)))
    connection = hive.connect(settings.hive_host, settings.hive_port, settings.hive_username,
                              settings.hive_auth, database=HIVE_DATABASE)
    try:
        cursor = connection.cursor()
        one_params = {"start": ONE_DAY.isoformat(), "end": ONE_DAY.isoformat()}
        seven_params = {"start": DAYS[0].isoformat(), "end": DAYS[-1].isoformat()}
        one = timed(cursor, PRUNE_SQL, one_params)
        seven = timed(cursor, PRUNE_SQL, seven_params)
        say("  one day: %.2f s over %d rows; seven days: %.2f s over %d rows"
            % (one["median_s"], one["rows_scanned"], seven["median_s"], seven["rows_scanned"]))
        formats = {table: timed(cursor, FORMAT_SQL.format(table=table), None) for table in FORMAT_TABLES}
        for table, result in formats.items():
            say("  %s: %.2f s over %d rows" % (table, result["median_s"], result["rows_scanned"]))
        pruning = {"one_day": input_partitions(cursor, PRUNE_SQL, one_params),
                   "seven_days": input_partitions(cursor, PRUNE_SQL, seven_params)}
        say("  EXPLAIN DEPENDENCY: one day reads %s; seven days read %d partitions"
            % (", ".join(pruning["one_day"]), len(pruning["seven_days"])))
    finally:
        connection.close()
    files = {table: _data_files(warehouse / table) for table in FORMAT_TABLES}
    return _result(label, scale, init_s, per_day, one, seven, formats, files, pruning)


def input_partitions(cursor: Any, sql: str, params: dict[str, str] | None) -> list[str]:
    """The partitions Hive's plan says ``sql`` reads (``EXPLAIN DEPENDENCY``'s input_partitions)."""
    cursor.execute("EXPLAIN DEPENDENCY " + sql, params)
    plan = json.loads("".join(str(row[0]) for row in cursor.fetchall()))
    return [item["partitionName"] for item in plan.get("input_partitions", [])]


def _data_files(root: Path) -> int:
    """Data files (not markers) under a table's folder."""
    return sum(1 for path in root.rglob("*") if path.is_file() and not path.name.startswith(("_", ".")))


def _init(settings: Settings, uri: str) -> float:
    """A clean database each run; return the seconds DROP + DDL took."""
    started = time.monotonic()
    connection = hive.connect(settings.hive_host, settings.hive_port, settings.hive_username,
                              settings.hive_auth)
    try:
        cursor = connection.cursor()
        # Every table is EXTERNAL without purge, so no data is deleted.
        cursor.execute("DROP DATABASE IF EXISTS %s CASCADE" % HIVE_DATABASE)
        hive.apply_ddl(cursor, HIVE_DATABASE, uri)
    finally:
        connection.close()
    return time.monotonic() - started


def _register(settings: Settings) -> list[float]:
    """Register each landing day in order; return the seconds each took."""
    seconds = []
    connection = hive.connect(settings.hive_host, settings.hive_port, settings.hive_username,
                              settings.hive_auth, database=HIVE_DATABASE)
    try:
        cursor = connection.cursor()
        catalog = Catalog(Storage(settings.warehouse_dir))
        for day in DAYS:
            started = time.monotonic()
            hive.register_run(cursor, catalog, day.isoformat())
            seconds.append(time.monotonic() - started)
    finally:
        connection.close()
    return seconds


def timed(cursor: Any, sql: str, params: dict[str, str] | None) -> dict[str, Any]:
    """One warm-up, then ``RUNS`` timed runs of ``sql``; median seconds and rows it counted."""
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        seconds.append(time.perf_counter() - started)
    scanned = sum(int(row[1]) for row in rows)
    median = statistics.median(seconds)
    return {"seconds": seconds, "median_s": median, "rows_scanned": scanned,
            "rows_per_s": stats.rate(scanned, median), "groups": len(rows)}


def _result(label: str, scale: int, init_s: float, per_day: list[float], one: dict, seven: dict,
            formats: dict, files: dict[str, int], pruning: dict[str, list[str]]) -> dict[str, Any]:
    parquet, text = formats["events_dedup"], formats["events"]
    register_s = sum(per_day)
    pruned = len(pruning["one_day"]) == 1 and len(pruning["seven_days"]) == len(DAYS)
    figures = [
        figure("registering %d landing days (partitions + events_dedup rebuilds)" % len(DAYS), register_s, "s",
               goal=REGISTER_GOAL, goal_on="value",
               note="per day %s s; DROP DATABASE + DDL before it %.1f s (not counted)"
                    % (", ".join("%.1f" % s for s in per_day), init_s)),
        figure("one-day query time (event_dt = %s)" % ONE_DAY, one["median_s"], "s",
               yardstick="same query over 7 days", yardstick_value=seven["median_s"],
               note="rows: %d of %d (%.2f of the seven-day scan); a ratio near that share means "
                    "time scales with the partitions read, near 1 means fixed costs dominate" % (
                        one["rows_scanned"], seven["rows_scanned"],
                        stats.ratio(one["rows_scanned"], seven["rows_scanned"]) or 0)),
        figure("events_dedup (Parquet) full aggregate time", parquet["median_s"], "s",
               yardstick="same query on text events", yardstick_value=text["median_s"],
               note="rows: %d Parquet in %d files (by event day) vs %d text in %d files (by landing "
                    "hour)" % (
                   parquet["rows_scanned"], files["events_dedup"], text["rows_scanned"], files["events"])),
    ]
    return {
        "benchmark": "hive",
        "params": {"data": label, "events_per_day": scale, "days": [d.isoformat() for d in DAYS],
                   "runs": RUNS, "one_day": ONE_DAY.isoformat()},
        "init_s": init_s, "register_s": register_s, "register_per_day_s": per_day,
        "data_files": files, "one_day": one, "seven_days": seven, "formats": formats,
        "input_partitions": pruning, "pruned": pruned,
        "figures": figures,
        "notes": [
            "Median of %d runs after one warm-up; the endpoint is the stack's Apache Hive 4.0.1 "
            "HiveServer2 with MapReduce in its JVM (local profile), every aggregate one MapReduce job. "
            "Ratios below 1 mean the first query is faster." % RUNS,
            "EXPLAIN DEPENDENCY of the one-day query reads %s; of the seven-day query %d partitions: %s." % (
                ", ".join(pruning["one_day"]) or "nothing", len(pruning["seven_days"]),
                "partitions are pruned" if pruned else "NOT pruned as expected"),
            "Registration runs one events_dedup statement per landing day (a multi-insert over the "
            "event days it touched), so it costs one MapReduce job per day.",
        ],
    }
