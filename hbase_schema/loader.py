"""Load one partition of a pipeline dataset into its HBase table.

``load_partition`` parses the partition's TSV part files, builds each row
(``hbase_schema.rows``) and writes them through a happybase
``ConnectionPool`` in parallel (``hbase_schema.writer``). A bad input row
fails the load with its file and line; at the end the rows the server
acknowledged must equal the rows read, or the load fails. Loads are
idempotent: cell timestamps come from the data, so a rerun rewrites the
same cells and adds no versions.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from hbase_schema import reader
from hbase_schema.errors import BadRecord, LoadError
from hbase_schema.rows import Row, build_row
from hbase_schema.tables import LAYOUTS, Layout
from hbase_schema.writer import DEFAULT_RETRY, RetryPolicy, write_rows
from warehouse.layout import LayoutError, partition_of_file

logger = logging.getLogger(__name__)


@dataclass
class LoadReport:
    """Rows read and written by one load, per table, and how long it took."""

    dataset: str
    files: int = 0
    rows_read: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # Rows that went through ImportTsv + bulk load (bulk path only).
    bulk_rows: int = 0

    @property
    def total_written(self) -> int:
        """Rows written over all tables."""
        return sum(self.rows_written.values())

    @property
    def rows_per_second(self) -> float:
        """Load rate."""
        return self.total_written / self.seconds if self.seconds > 0 else 0.0

    def verify(self) -> None:
        """Raise ``LoadError`` unless every row read was written."""
        if self.total_written != self.rows_read:
            raise LoadError(
                "%s: read %d rows but HBase acknowledged %d (%s)"
                % (self.dataset, self.rows_read, self.total_written, self.rows_written)
            )


def layout_for(dataset: str) -> Layout:
    """The table layout of a loadable dataset."""
    try:
        return LAYOUTS[dataset]
    except KeyError:
        raise ValueError("dataset %r has no HBase table (loadable: %s)"
                         % (dataset, ", ".join(LAYOUTS))) from None


def load_partition(
    pool: Any,
    dataset: str,
    files: Sequence[str | Path],
    *,
    day: datetime.date | None = None,
    opener: reader.Opener = open,
    buckets: int = 16,
    workers: int = 4,
    batch_size: int = 1000,
    retry: RetryPolicy = DEFAULT_RETRY,
    progress: bool = False,
) -> LoadReport:
    """Load a partition's part files into the dataset's table; verify the count."""
    layout = layout_for(dataset)
    started = time.monotonic()
    report = LoadReport(dataset, files=len(files))
    rows = _counting(iter_rows(layout, files, day=day, buckets=buckets, opener=opener), report)
    written = write_rows(pool, layout.table, rows, workers=workers,
                         batch_size=batch_size, retry=retry, progress=progress)
    report.rows_written[layout.table] = written
    report.seconds = time.monotonic() - started
    report.verify()
    logger.info("loaded %s: %d rows into %s in %.1fs (%.0f rows/s)", dataset,
                written, layout.table, report.seconds, report.rows_per_second)
    return report


def iter_rows(
    layout: Layout,
    files: Iterable[str | Path],
    *,
    day: datetime.date | None = None,
    buckets: int = 16,
    opener: reader.Opener = open,
) -> Iterator[Row]:
    """The HBase rows of the part files; bad rows raise ``BadRecord``.

    Daily rows take ``day``, or else the day of the partition each file is in.
    """
    days: dict[str, datetime.date] = {}
    for path, number, record in reader.read_records(files, layout.columns, opener):
        row_day = day
        if row_day is None and layout.key_kind == "daily":
            if str(path) not in days:
                try:
                    days[str(path)] = partition_of_file(str(path)).day
                except LayoutError as exc:
                    raise BadRecord(str(path), number, str(exc)) from None
            row_day = days[str(path)]
        try:
            yield build_row(layout, record, row_day, buckets)
        except ValueError as exc:
            raise BadRecord(str(path), number, str(exc)) from None


def _counting(rows: Iterator[Row], report: LoadReport) -> Iterator[Row]:
    for row in rows:
        report.rows_read += 1
        yield row
