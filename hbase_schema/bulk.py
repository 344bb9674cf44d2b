"""The bulk path: ImportTsv writes HFiles, BulkLoadHFilesTool hands them to HBase.

Rows are written as an ImportTsv input (row key, HBASE_TS_KEY, then one
column per value of the table's main family), turned into HFiles by
``org.apache.hadoop.hbase.mapreduce.ImportTsv -Dimporttsv.bulk.output=...``
and adopted by ``org.apache.hadoop.hbase.tool.BulkLoadHFilesTool``. The
table contents equal those of the batch path: same keys, values and cell
timestamps.

Two kinds of cells go through the batch path instead, because ImportTsv
cannot carry them:
- rows whose key or any value contains a tab, CR or LF (ImportTsv has no
  escaping; its line reader also splits on CR);
- member_summary's ``d`` family, whose qualifiers are device ids (ImportTsv
  takes a fixed column list).

Verification: ImportTsv's job counters must show every input line turned
into a row and no bad line, and a spread sample of the rows is read back
(every row, when the counters are missing from the tool's output).
"""

from __future__ import annotations

import datetime
import logging
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hbase_schema.admin import full_table_name
from hbase_schema.errors import LoadError
from hbase_schema.jvm import JavaTools, Runner, run_tool
from hbase_schema.loader import LoadReport, iter_rows, layout_for
from hbase_schema.reader import Opener
from hbase_schema.rows import Row
from hbase_schema.tables import Layout
from hbase_schema.verify import count_present
from hbase_schema.writer import DEFAULT_RETRY, RetryPolicy, write_rows

logger = logging.getLogger(__name__)

IMPORT_TSV = "org.apache.hadoop.hbase.mapreduce.ImportTsv"
BULK_LOAD = "org.apache.hadoop.hbase.tool.BulkLoadHFilesTool"
_UNSAFE = re.compile(rb"[\t\r\n]")
_COUNTER = re.compile(r"^\s*([A-Za-z][A-Za-z _-]*)=(\d+)\s*$", re.MULTILINE)
# With ImportTsv's counters in hand, reading back a spread sample proves the
# HFiles landed in the table; without them every row is read back.
READBACK_SAMPLE = 2000


def bulk_load(
    pool: Any,
    dataset: str,
    files: Sequence[str | Path],
    tools: JavaTools,
    *,
    work_dir: Path,
    day: datetime.date | None = None,
    opener: Opener = open,
    hfiles_uri: str | None = None,
    buckets: int = 16,
    workers: int = 4,
    batch_size: int = 1000,
    retry: RetryPolicy = DEFAULT_RETRY,
    progress: bool = False,
    keep_work_dir: bool = False,
    run: Runner = subprocess.run,
) -> LoadReport:
    """Load a partition through ImportTsv + bulk load; verify the row count."""
    layout = layout_for(dataset)
    started = time.monotonic()
    report = LoadReport(dataset, files=len(files))
    with pool.connection() as connection:
        table = full_table_name(connection, layout.table)
    Path(work_dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="%s-" % layout.table, dir=work_dir)).resolve()
    try:
        tsv_path = work / "input" / "rows.tsv"
        tsv_path.parent.mkdir()
        # Rows for the batch path are held in memory: few (tabs/newlines) or small (d cells).
        bulk_keys, full_rows, extra_rows = split_rows(
            layout, iter_rows(layout, files, day=day, buckets=buckets, opener=opener), tsv_path)
        report.rows_read = len(bulk_keys) + len(full_rows)
        report.bulk_rows = len(bulk_keys)
        if bulk_keys:
            counters = _import_and_load(tools, layout, table, work, hfiles_uri or (work / "hfiles").as_uri(), run)
            _check_counts(layout, counters, len(bulk_keys))
            _check_readable(pool, layout, _sample(bulk_keys, READBACK_SAMPLE) if counters
                            else bulk_keys, retry, workers)
        written = write_rows(pool, layout.table, full_rows, workers=workers,
                             batch_size=batch_size, retry=retry, progress=progress)
        extra = write_rows(pool, layout.table, extra_rows, workers=workers,
                           batch_size=batch_size, retry=retry, progress=progress)
        if extra != len(extra_rows):
            raise LoadError("%s: %d of %d %s-family rows written"
                            % (dataset, extra, len(extra_rows), layout.exploded_family))
        report.rows_written[layout.table] = len(bulk_keys) + written
    except BaseException:
        logger.error("bulk load of %s failed; work files kept in %s", dataset, work)
        raise
    if not keep_work_dir:
        shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.monotonic() - started
    report.verify()
    logger.info("bulk-loaded %s: %d rows (%d via HFiles) into %s in %.1fs", dataset,
                report.total_written, report.bulk_rows, layout.table, report.seconds)
    return report


def split_rows(
    layout: Layout, rows: Any, tsv_path: Path
) -> tuple[list[bytes], list[Row], list[Row]]:
    """Write ImportTsv-safe rows to ``tsv_path``; return (their keys, rows for
    the batch path, extra-family cells of bulk rows for the batch path)."""
    qualifiers = [("%s:%s" % (layout.family, c)).encode("ascii") for c in layout.value_columns]
    main_prefix = layout.family.encode("ascii") + b":"
    bulk_keys: list[bytes] = []
    full_rows: list[Row] = []
    extra_rows: list[Row] = []
    with open(tsv_path, "wb") as out:
        for row in rows:
            values = [row.cells[q] for q in qualifiers]
            if _UNSAFE.search(row.key) or any(_UNSAFE.search(v) for v in values):
                full_rows.append(row)
                continue
            out.write(b"\t".join([row.key, b"%d" % row.timestamp, *values]) + b"\n")
            bulk_keys.append(row.key)
            extra = {c: v for c, v in row.cells.items() if not c.startswith(main_prefix)}
            if extra:
                extra_rows.append(Row(row.key, extra, row.timestamp))
    return bulk_keys, full_rows, extra_rows


def import_tsv_args(layout: Layout, table: str, work: Path, hfiles: str | None = None) -> list[str]:
    """Arguments of ImportTsv for this layout, reading ``work``/input and writing
    HFiles to ``hfiles`` (a URI: HBase's own filesystem, or ``work``/hfiles)."""
    columns = ["HBASE_ROW_KEY", "HBASE_TS_KEY"]
    columns += ["%s:%s" % (layout.family, c) for c in layout.value_columns]
    return [
        "-Dimporttsv.columns=" + ",".join(columns),
        "-Dimporttsv.bulk.output=" + (hfiles or (work / "hfiles").as_uri()),
        "-Dimporttsv.skip.bad.lines=false",
        # Never let ImportTsv create a table with default families.
        "-Dcreate.table=no",
        "-Dhbase.fs.tmp.dir=" + (work / "staging").as_uri(),
        "-Dhadoop.tmp.dir=" + str(work / "hadoop-tmp"),
        "-Dmapreduce.framework.name=local",
        "-Dfs.defaultFS=file:///",
        table,
        (work / "input").as_uri(),
    ]


def parse_counters(output: str) -> dict[str, int]:
    """Hadoop job counters (``name=number`` lines) from a tool's output; last one wins."""
    return {match.group(1).strip(): int(match.group(2))
            for match in _COUNTER.finditer(output)}


def _import_and_load(tools: JavaTools, layout: Layout, table: str, work: Path, hfiles: str,
                     run: Runner) -> dict[str, int]:
    started = time.monotonic()
    output = run_tool(tools, IMPORT_TSV, import_tsv_args(layout, table, work, hfiles),
                      log_file=work / "importtsv.log", cwd=work, run=run)
    halfway = time.monotonic()
    run_tool(tools, BULK_LOAD, [hfiles, table],
             log_file=work / "bulkload.log", cwd=work, run=run)
    logger.info("%s: ImportTsv %.1fs, BulkLoadHFilesTool %.1fs", table,
                halfway - started, time.monotonic() - halfway)
    counters = parse_counters(output)
    return counters if {"Map output records", "Bad Lines"} <= set(counters) else {}


def _check_counts(layout: Layout, counters: dict[str, int], expected: int) -> None:
    """ImportTsv must have turned every input line into a row, with no bad line."""
    if not counters:
        logger.info("no ImportTsv counters in its output: reading back every row")
        return
    if counters["Bad Lines"] or counters["Map output records"] != expected:
        raise LoadError("ImportTsv into %s wrote %d of %d rows (%d bad lines)" % (
            layout.table, counters["Map output records"], expected, counters["Bad Lines"]))


def _sample(keys: list[bytes], size: int) -> list[bytes]:
    """Up to ``size`` keys spread evenly over ``keys``."""
    step = max(1, len(keys) // size)
    return keys[::step]


def _check_readable(pool: Any, layout: Layout, keys: list[bytes], retry: RetryPolicy,
                    workers: int) -> None:
    """Every given bulk-loaded key must be readable."""
    distinct = sorted(set(keys))
    column = ("%s:%s" % (layout.family, layout.value_columns[0])).encode("ascii")
    started = time.monotonic()
    present = count_present(pool, layout.table, distinct, column, retry=retry, workers=workers)
    logger.info("%s: read back %d rows in %.1fs", layout.table, present,
                time.monotonic() - started)
    if present != len(distinct):
        raise LoadError("bulk load of %s: %d of %d rows are not readable"
                        % (layout.table, len(distinct) - present, len(distinct)))
