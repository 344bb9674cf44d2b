"""Hive: partition pruning (one day against seven) and columnar against text.

Data: seven landing days of x1 events each (label ``hive7d``), run through
the pipeline day by day (inline runner: the data is a fixture here, its
making is not timed), registered in the bench's own database with
``hive.apply_ddl`` and ``hive.register_run`` (which also builds the Parquet
``events_dedup``). The same aggregate runs on one event day and on seven;
and one full-table aggregate runs on ``events_dedup`` (Parquet, by event
day) and on the text ``events`` staging table (by landing hour), both
holding the same events. Each query: one warm-up, then the median of
``RUNS`` timed runs on the HiveServer2 endpoint (the local Spark Thrift
Server).
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hive
from bench import data, stats
from bench.report import figure
from bench.workspace import HIVE_DATABASE, Workspace, bench_settings
from kickback.config import Settings

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

RUNS = 3
DAYS = tuple(data.DAY - dt.timedelta(days=n) for n in range(6, -1, -1))
ONE_DAY = DAYS[3]
PRUNE_SQL = ("SELECT event_type, count(*) AS events, sum(amount_cents) AS cents "
             "FROM events_dedup WHERE event_dt BETWEEN %(start)s AND %(end)s GROUP BY event_type")
# Table names are constants of this module, never input.
FORMAT_SQL = ("SELECT event_type, count(*) AS events, count(DISTINCT device_id) AS devices, "
              "sum(amount_cents) AS cents FROM {table} GROUP BY event_type")
FORMAT_TABLES = ("events_dedup", "events")


def run(settings: Settings, workspace: Workspace, scale: int, say: Say) -> dict[str, Any]:
    """Time the pruning and format comparisons; return the result."""
    label = "hive7d"
    warehouse = data.ensure_warehouse(workspace, label, scale, days=DAYS, runner="inline", say=say)
    settings = bench_settings(settings, workspace, label)
    uri = hive.warehouse_uri(warehouse)
    say("registering %d landing days in Hive database %s" % (len(DAYS), HIVE_DATABASE))
    started = time.monotonic()
    _register(settings, uri)
    register_s = time.monotonic() - started
    connection = hive.connect(settings.hive_host, settings.hive_port, settings.hive_username,
                              settings.hive_auth, database=HIVE_DATABASE)
    try:
        cursor = connection.cursor()
        one = timed(cursor, PRUNE_SQL, {"start": ONE_DAY.isoformat(), "end": ONE_DAY.isoformat()})
        seven = timed(cursor, PRUNE_SQL, {"start": DAYS[0].isoformat(), "end": DAYS[-1].isoformat()})
        say("  one day: %.2f s over %d rows; seven days: %.2f s over %d rows"
            % (one["median_s"], one["rows_scanned"], seven["median_s"], seven["rows_scanned"]))
        formats = {table: timed(cursor, FORMAT_SQL.format(table=table), None) for table in FORMAT_TABLES}
        for table, result in formats.items():
            say("  %s: %.2f s over %d rows" % (table, result["median_s"], result["rows_scanned"]))
        cursor.execute("EXPLAIN " + PRUNE_SQL, {"start": ONE_DAY.isoformat(), "end": ONE_DAY.isoformat()})
        plan = "\n".join(str(row[0]) for row in cursor.fetchall())
    finally:
        connection.close()
    files = {table: _data_files(warehouse / table) for table in FORMAT_TABLES}
    return _result(label, scale, register_s, one, seven, formats, files, "PartitionFilters" in plan)


def _data_files(root: Path) -> int:
    """Data files (not markers) under a table's folder."""
    return sum(1 for path in root.rglob("*") if path.is_file() and not path.name.startswith(("_", ".")))


def _register(settings: Settings, uri: str) -> None:
    connection = hive.connect(settings.hive_host, settings.hive_port, settings.hive_username,
                              settings.hive_auth)
    try:
        cursor = connection.cursor()
        # A clean database each run: every table is EXTERNAL, so no data is deleted.
        cursor.execute("DROP DATABASE IF EXISTS %s CASCADE" % HIVE_DATABASE)
        hive.apply_ddl(cursor, HIVE_DATABASE, uri)
    finally:
        connection.close()
    connection = hive.connect(settings.hive_host, settings.hive_port, settings.hive_username,
                              settings.hive_auth, database=HIVE_DATABASE)
    try:
        cursor = connection.cursor()
        for day in DAYS:
            hive.register_run(cursor, settings.warehouse_dir, uri, day.isoformat())
    finally:
        connection.close()


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


def _result(label: str, scale: int, register_s: float, one: dict, seven: dict, formats: dict,
            files: dict[str, int], pruned: bool) -> dict[str, Any]:
    parquet, text = formats["events_dedup"], formats["events"]
    figures = [
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
        "register_s": register_s, "data_files": files, "one_day": one, "seven_days": seven, "formats": formats,
        "one_day_plan_has_partition_filters": pruned,
        "figures": figures,
        "notes": [
            "No goals were given for Hive; ratios below 1 mean the first query is faster. "
            "Median of %d runs after one warm-up; the endpoint is the local Spark Thrift Server "
            "(local[2], 1 GB driver)." % RUNS,
            "EXPLAIN of the one-day query %s PartitionFilters (partition pruning)." % (
                "shows" if pruned else "does NOT show"),
            "Registering %d landing days (partitions + events_dedup rebuilds) took %.0f s (not a "
            "figure)." % (len(DAYS), register_s),
        ],
    }
