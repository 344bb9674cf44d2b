"""Write rows to one table through a happybase ``ConnectionPool``, in parallel.

Rows arrive from an iterator (parsing happens in the caller's thread, with no
connection held) and are cut into chunks of ``batch_size`` rows. Each chunk
is written by one worker thread, which takes a pooled connection for that
chunk only. Thrift1 carries one timestamp per ``mutateRowsTs`` call, so a
chunk is sent as one happybase batch per distinct cell timestamp: a single
call for daily and summary rows (one timestamp per partition or snapshot),
one call per row for events.

A transient error (the Thrift server restarted or closed an idle
connection) is retried with exponential backoff from the first timestamp
group the server has not acknowledged; repeating a group rewrites the same
cells with the same timestamps, so nothing is lost or doubled.
"""

from __future__ import annotations

import itertools
import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from tqdm import tqdm

from hbase_schema.errors import TRANSIENT_ERRORS, LoadError
from hbase_schema.rows import Row

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient error."""

    attempts: int = 10
    base_s: float = 0.5
    max_s: float = 15.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        return min(self.max_s, self.base_s * 2 ** (attempt - 1))


# About 75 s of patience in all: long enough for a Thrift server restart.
DEFAULT_RETRY = RetryPolicy()


def write_rows(
    pool: Any,
    table: str,
    rows: Iterable[Row],
    *,
    workers: int = 4,
    batch_size: int = 1000,
    retry: RetryPolicy = DEFAULT_RETRY,
    progress: bool = False,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Write every row; return how many rows the server acknowledged."""
    if workers < 1 or batch_size < 1:
        raise ValueError("workers and batch_size must be at least 1")
    written = 0
    with ThreadPoolExecutor(workers, thread_name_prefix="hbase-load") as executor, \
            tqdm(desc=table, unit=" rows", disable=not progress, leave=False) as bar:
        pending: set[Future[int]] = set()
        try:
            for chunk in _chunks(rows, batch_size):
                # Bounded read-ahead: parsing never runs far ahead of writing.
                while len(pending) >= 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    written += _collect(done, bar)
                pending.add(executor.submit(
                    write_chunk, pool, table, chunk, retry=retry, sleep=sleep))
            done, pending = wait(pending)
            written += _collect(done, bar)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return written


def write_chunk(
    pool: Any,
    table: str,
    rows: list[Row],
    *,
    retry: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Write one chunk with retries; return its row count once acknowledged."""
    groups = group_by_timestamp(rows)
    acknowledged = 0
    attempt = 0
    while True:
        try:
            with pool.connection() as connection:
                hbase_table = connection.table(table)
                while acknowledged < len(groups):
                    timestamp, group = groups[acknowledged]
                    with hbase_table.batch(timestamp=timestamp) as batch:
                        for row in group:
                            batch.put(row.key, row.cells)
                    acknowledged += 1
            return len(rows)
        except TRANSIENT_ERRORS as exc:
            attempt += 1
            if attempt >= retry.attempts:
                raise LoadError(
                    "writing %s failed after %d attempts: %s: %s"
                    % (table, attempt, type(exc).__name__, exc)
                ) from exc
            delay = retry.delay(attempt)
            logger.warning("writing %s: %s: %s; retry %d/%d in %.1fs (%d of %d groups done)",
                           table, type(exc).__name__, exc, attempt, retry.attempts - 1,
                           delay, acknowledged, len(groups))
            (sleep or time.sleep)(delay)


def group_by_timestamp(rows: list[Row]) -> list[tuple[int, list[Row]]]:
    """Rows grouped by cell timestamp, first-seen order kept."""
    groups: dict[int, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.timestamp, []).append(row)
    return list(groups.items())


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _collect(done: set[Future[int]], bar: tqdm) -> int:
    count = 0
    for future in done:
        rows = future.result()
        bar.update(rows)
        count += rows
    return count
