"""Read back which of a set of row keys exist, in bounded parallel multi-gets.

Used after a bulk load, whose rows the Thrift client never acknowledged one
by one: every key written must be readable.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hbase_schema.errors import TRANSIENT_ERRORS, LoadError
from hbase_schema.writer import DEFAULT_RETRY, RetryPolicy

logger = logging.getLogger(__name__)


def count_present(
    pool: Any,
    table: str,
    keys: Sequence[bytes],
    column: bytes,
    *,
    batch_size: int = 1000,
    workers: int = 4,
    retry: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """How many of ``keys`` have a cell in ``column`` (one ``rows`` call per batch)."""
    batches = [list(keys[start:start + batch_size]) for start in range(0, len(keys), batch_size)]
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="hbase-verify") as executor:
        return sum(executor.map(
            lambda wanted: _count_batch(pool, table, wanted, column, retry, sleep), batches))


def _count_batch(pool: Any, table: str, wanted: list[bytes], column: bytes,
                 retry: RetryPolicy, sleep: Callable[[float], None] | None) -> int:
    attempt = 0
    while True:
        try:
            with pool.connection() as connection:
                return len(connection.table(table).rows(wanted, columns=[column]))
        except TRANSIENT_ERRORS as exc:
            attempt += 1
            if attempt >= retry.attempts:
                raise LoadError("reading back %s failed after %d attempts: %s"
                                % (table, attempt, exc)) from exc
            logger.info("reading back %s: %s; retrying", table, exc)
            (sleep or time.sleep)(retry.delay(attempt))
