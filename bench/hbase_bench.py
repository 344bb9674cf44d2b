"""HBase writes: our loader (batch and bulk paths) against HBase's PerformanceEvaluation.

Data: the pipeline's output for the x4 size (made here if the pipeline
benchmark has not; see ``data_label`` for why not x16). Every table is
loaded through the batch path (``hbase_schema.loader.load_partition`` with
the project's worker and batch settings) into fresh, pre-split tables under
the bench prefix; the API benchmark then reads the tables loaded last. Two datasets are compared with the
yardstick: ``member_events`` (one cell timestamp per row, so one Thrift
call per row) and ``device_daily`` (the widest rows; one call per chunk).
For each, the bulk path (ImportTsv + BulkLoadHFilesTool) loads the same
files into a fresh table under a second prefix, and PerformanceEvaluation
writes the same number of rows with the same number of cells per row and
the same mean value size per cell, one client thread, into a fresh table
pre-split like ours. If PE cannot be had, the yardstick falls back to raw
happybase batch puts from one process, same rows and value size, and says so.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import data, goals, hbase_setup, pe, stats
from bench.report import figure
from bench.workspace import BULK_TABLE_PREFIX, PE_TABLE, TABLE_PREFIX, Workspace, bench_settings
from hbase_schema.bulk import bulk_load
from hbase_schema.errors import LoadError
from hbase_schema.loader import iter_rows, layout_for
from hbase_schema.tables import TABLES
from kickback.config import Settings

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

COMPARED = ("member_events", "device_daily")
BATCH_GOAL = goals.at_least(0.5, "batch loader/PE rows/s")
BULK_GOAL = goals.at_least(1.0, "bulk path/PE rows/s")
FALLBACK_TABLE = "yardstick"
FALLBACK_MAX_S = 600


def data_label(scale: int) -> tuple[str, int]:
    """The data set the HBase and API benchmarks use: the pipeline's x4.

    Not x16: the local HBase runs master, region server and ZooKeeper in one
    1 GB JVM (``hbase_heap``), and x16's rows plus PE's cells in memstores at
    once ran it out of heap (it aborted) on this machine.
    """
    return "x4", scale * 4


def run(settings: Settings, workspace: Workspace, scale: int, say: Say) -> dict[str, Any]:
    """Load every table, compare two datasets' batch and bulk rates with PE; return the result.

    Tables are dropped as soon as their phase is measured, so that the
    server's memstores hold one phase's rows at a time; the tables the API
    reads are loaded last and kept.
    """
    label, events = data_label(scale)
    warehouse = data.ensure_warehouse(workspace, label, events, say=say)
    settings = bench_settings(settings, workspace, label)
    tools = hbase_setup.java_tools(settings)
    # A pool per phase: the Thrift server closes connections left idle while
    # a JVM tool runs, and a stale pooled connection fails its first call.
    pool = hbase_setup.make_pool(settings, TABLE_PREFIX)
    hbase_setup.forget_loaded(workspace.root)
    kept = tuple(name for name in TABLES if name not in COMPARED)
    batch: dict[str, Any] = {}
    say("batch path: fresh pre-split tables %s under prefix %s" % (", ".join(COMPARED), TABLE_PREFIX))
    hbase_setup.recreate_tables(settings, pool, COMPARED, tools)
    _batch_load(settings, pool, warehouse, COMPARED, batch, say)
    hbase_setup.drop_tables(pool, COMPARED)
    shapes = {dataset: row_shape(warehouse, dataset, settings.hbase_buckets) for dataset in COMPARED}
    bulk = {}
    for dataset in COMPARED:
        bulk_pool = hbase_setup.make_pool(settings, BULK_TABLE_PREFIX)
        hbase_setup.recreate_tables(settings, bulk_pool, [dataset], tools)
        try:
            bulk[dataset] = _bulk(settings, bulk_pool, tools, warehouse, workspace, dataset, say)
        finally:
            hbase_setup.drop_tables(bulk_pool, [dataset])
    yardsticks, notes = {}, []
    for dataset in COMPARED:
        yardsticks[dataset] = _yardstick(settings, tools, workspace, shapes[dataset], dataset, say, notes)
    say("batch path: the tables the API reads (%s)" % ", ".join(kept))
    pool = hbase_setup.make_pool(settings, TABLE_PREFIX)
    hbase_setup.recreate_tables(settings, pool, kept, tools)
    _batch_load(settings, pool, warehouse, kept, batch, say)
    hbase_setup.mark_loaded(workspace.root, {"label": label, "prefix": TABLE_PREFIX,
                                             "rows": {d: batch[d]["rows"] for d in kept}})
    return _result(settings, label, batch, bulk, shapes, yardsticks, notes)


def _batch_load(settings: Settings, pool: Any, warehouse: Path, datasets: tuple[str, ...],
                batch: dict[str, Any], say: Say) -> None:
    for dataset in datasets:
        report = hbase_setup.load_dataset(settings, pool, warehouse, dataset)
        batch[dataset] = {"rows": report.total_written, "seconds": report.seconds,
                          "rows_per_s": report.rows_per_second}
        say("  batch %s: %d rows in %.1f s (%.0f rows/s)" % (
            dataset, report.total_written, report.seconds, report.rows_per_second))


def row_shape(warehouse: Path, dataset: str, buckets: int) -> dict[str, Any]:
    """Rows, mean cells per row and mean value bytes per cell of a dataset's HBase rows."""
    layout = layout_for(dataset)
    rows = cells = value_bytes = key_bytes = 0
    for row in iter_rows(layout, hbase_setup.dataset_files(warehouse, dataset), buckets=buckets):
        rows += 1
        cells += len(row.cells)
        value_bytes += sum(len(v) for v in row.cells.values())
        key_bytes += len(row.key)
    if not rows:
        raise LoadError("%s has no rows to compare" % dataset)
    return {"rows": rows, "cells_per_row": cells / rows, "value_bytes_per_cell": value_bytes / max(cells, 1),
            "value_bytes_per_row": value_bytes / rows, "key_bytes": key_bytes / rows}


def _bulk(settings: Settings, pool: Any, tools: Any, warehouse: Path, workspace: Workspace,
          dataset: str, say: Say) -> dict[str, Any]:
    report = bulk_load(pool, dataset, hbase_setup.dataset_files(warehouse, dataset), tools,
                       work_dir=workspace.tmp / "bulk", buckets=settings.hbase_buckets,
                       workers=settings.hbase_load_workers, batch_size=settings.hbase_batch_size)
    say("  bulk %s: %d rows (%d via HFiles) in %.1f s (%.0f rows/s)" % (
        dataset, report.total_written, report.bulk_rows, report.seconds, report.rows_per_second))
    return {"rows": report.total_written, "bulk_rows": report.bulk_rows, "seconds": report.seconds,
            "rows_per_s": report.rows_per_second}


def _yardstick(settings: Settings, tools: Any, workspace: Workspace, shape: dict[str, Any],
               dataset: str, say: Say, notes: list[str]) -> dict[str, Any]:
    columns = max(1, round(shape["cells_per_row"]))
    value_size = max(1, round(shape["value_bytes_per_cell"]))
    args = pe.pe_args(shape["rows"], value_size, PE_TABLE, columns=columns, regions=settings.hbase_buckets)
    try:
        jars = pe.ensure_jars(workspace.lib)
        result = pe.run_pe(tools, jars, args, workspace.logs / ("pe-%s.log" % dataset))
        say("  PE for %s: %d rows x %d cells of %d bytes: %.0f rows/s" % (
            dataset, result["rows"], columns, value_size, result["rows_per_s"]))
        result.update(kind="pe", args=args)
    except (pe.PeUnavailable, LoadError) as exc:
        notes.append("PerformanceEvaluation unavailable for %s (%s): yardstick is raw happybase "
                     "batch puts from one process instead" % (dataset, exc))
        say("  PE unavailable (%s); falling back to raw happybase batch puts" % exc)
        result = raw_puts(settings, shape["rows"], columns, value_size)
        result.update(kind="happybase_batch_puts")
    finally:
        _drop_pe_table(settings)
    return result


def raw_puts(settings: Settings, rows: int, columns: int, value_size: int) -> dict[str, Any]:
    """Fallback yardstick: one process putting ``rows`` random-key rows in batches of 1000."""
    pool = hbase_setup.make_pool(settings, TABLE_PREFIX)
    specs = {FALLBACK_TABLE: {"f": {"max_versions": 1}}}
    hbase_setup.drop_tables(pool, specs)
    with pool.connection() as connection:
        connection.create_table(FALLBACK_TABLE, specs[FALLBACK_TABLE])
    generator = random.Random(42)
    value = os.urandom(value_size)
    qualifiers = [b"f:q%d" % i for i in range(columns)]
    written = 0
    try:
        with pool.connection() as connection:
            table = connection.table(FALLBACK_TABLE)
            started = time.monotonic()
            with table.batch(batch_size=settings.hbase_batch_size) as batch:
                for _ in range(rows):
                    if time.monotonic() - started > FALLBACK_MAX_S:
                        break
                    batch.put(b"%016x" % generator.getrandbits(64), dict.fromkeys(qualifiers, value))
                    written += 1
            seconds = time.monotonic() - started
    finally:
        hbase_setup.drop_tables(pool, [FALLBACK_TABLE])
    return {"rows": written, "ms": seconds * 1000, "rows_per_s": stats.rate(written, seconds)}


def _drop_pe_table(settings: Settings) -> None:
    pool = hbase_setup.make_pool(settings, None)
    try:
        hbase_setup.drop_tables(pool, [PE_TABLE])
    except OSError as exc:
        logger.warning("could not drop %s: %s", PE_TABLE, exc)


def _result(settings: Settings, label: str, batch: dict, bulk: dict, shapes: dict,
            yardsticks: dict, notes: list[str]) -> dict[str, Any]:
    figures = []
    for dataset in COMPARED:
        yard = yardsticks[dataset]
        name = "PerformanceEvaluation" if yard["kind"] == "pe" else "raw happybase batch puts (PE unavailable)"
        figures.append(figure("batch loader rows/s, %s (%d rows)" % (dataset, batch[dataset]["rows"]),
                              batch[dataset]["rows_per_s"], "rows/s", yardstick=name,
                              yardstick_value=yard["rows_per_s"], goal=BATCH_GOAL))
        figures.append(figure("bulk path rows/s, %s" % dataset, bulk[dataset]["rows_per_s"], "rows/s",
                              yardstick=name, yardstick_value=yard["rows_per_s"], goal=BULK_GOAL,
                              note="ImportTsv + BulkLoadHFilesTool, JVM starts and the readability "
                                   "check included (%.1f s in all)" % bulk[dataset]["seconds"]))
    total_rows = sum(b["rows"] for b in batch.values())
    total_s = sum(b["seconds"] for b in batch.values())
    figures.append(figure("batch loader rows/s, all %d tables (%d rows)" % (len(batch), total_rows),
                          stats.rate(total_rows, total_s), "rows/s"))
    notes = [
        "Data set %s; each phase's tables dropped once measured (the local HBase has a 1 GB heap); "
        "tables pre-split into %d regions; loader workers %d, batch size %d (project "
        "settings). Loader time includes reading and parsing the part files." % (
            label, settings.hbase_buckets, settings.hbase_load_workers, settings.hbase_batch_size),
        "PE: one client thread, BufferedMutator, --presplit=%d, rows = the dataset's row count, "
        "--columns = its mean cells per row, --valueSize = its mean value bytes per cell; its rate "
        "excludes JVM start and table creation." % settings.hbase_buckets,
    ] + ["%s shape: %s" % (d, ", ".join("%s %.1f" % kv for kv in shapes[d].items())) for d in COMPARED] + notes
    return {"benchmark": "hbase", "params": {"data": label, "compared": list(COMPARED)},
            "batch": batch, "bulk": bulk, "shapes": shapes, "yardsticks": yardsticks,
            "figures": figures, "notes": notes}
