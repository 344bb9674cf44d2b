"""An in-memory HBase behind happybase's interface, for unit tests.

``FakeHBase`` holds tables as sorted rows of versioned cells with HBase's
semantics: a put at an existing (cell, timestamp) overwrites it, a family
keeps at most ``max_versions`` versions, reads return the newest, scans run
in key order with an exclusive stop row. ``FakeConnection``, ``FakeTable``,
``FakeBatch`` and ``FakePool`` mirror the happybase calls this project uses.
``fail_next`` injects transport errors into the next writes, before or after
the server applied them (a dropped acknowledgement).
"""

from __future__ import annotations

import bisect
import contextlib
import threading
import time
from typing import Any, Iterator

from thriftpy2.transport import TTransportException

from hbase_schema.errors import TRANSIENT_ERRORS, AlreadyExists, HBaseIOError

_DEFAULT_FAMILY = {"max_versions": 3, "time_to_live": 2147483647,
                   "bloom_filter_type": "NONE", "compression": "NONE"}


class _TableData:
    def __init__(self, families: dict[str, dict[str, Any]]) -> None:
        self.families = {name: {**_DEFAULT_FAMILY, **options}
                         for name, options in families.items()}
        self.keys: list[bytes] = []
        # row -> column -> [(timestamp, value)] newest first
        self.rows: dict[bytes, dict[bytes, list[tuple[int, bytes]]]] = {}
        self.split_keys: list[bytes] = []


class FakeHBase:
    """The server: tables, writes, and injected failures."""

    def __init__(self) -> None:
        self.tables: dict[str, _TableData] = {}
        self.lock = threading.Lock()
        self.write_calls: list[tuple[str, int, int]] = []  # (table, timestamp, rows)
        self._failures: list[tuple[str, BaseException]] = []

    def fail_next(self, count: int, when: str = "before",
                  error: BaseException | None = None) -> None:
        """Make the next ``count`` writes raise; ``when`` = 'before' or 'after' applying."""
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        for _ in range(count):
            self._failures.append((when, error or TTransportException(
                TTransportException.END_OF_FILE, "TSocket read 0 bytes")))

    def split(self, table: str, split_keys: list[bytes]) -> None:
        """Add region boundaries (what the Java split tool does)."""
        data = self.tables[table]
        data.split_keys = sorted(set(data.split_keys) | set(split_keys))

    def mutate(self, table: str, mutations: dict[bytes, dict[bytes, bytes]],
               timestamp: int | None) -> None:
        """Apply puts to many rows at one timestamp (mutateRows[Ts])."""
        with self.lock:
            failure = self._failures.pop(0) if self._failures else None
            if failure and failure[0] == "before":
                raise failure[1]
            data = self._table(table)
            stamp = int(time.time() * 1000) if timestamp is None else timestamp
            for row, cells in mutations.items():
                for column, value in cells.items():
                    self._put_cell(data, row, column, value, stamp)
            self.write_calls.append((table, stamp, len(mutations)))
            if failure:
                raise failure[1]

    def cells(self, table: str) -> dict[bytes, dict[bytes, list[tuple[int, bytes]]]]:
        """Every row's every version, for assertions."""
        data = self._table(table)
        return {key: {column: list(versions) for column, versions in data.rows[key].items()}
                for key in data.keys}

    def _table(self, table: str) -> _TableData:
        if table not in self.tables:
            raise HBaseIOError("TableNotFoundException: %s" % table)
        return self.tables[table]

    def _put_cell(self, data: _TableData, row: bytes, column: bytes,
                  value: bytes, stamp: int) -> None:
        for item in (row, column, value):
            if not isinstance(item, bytes):
                raise TypeError("row keys, columns and values must be bytes: %r" % (item,))
        family = column.split(b":", 1)[0].decode()
        if b":" not in column or family not in data.families:
            raise HBaseIOError("NoSuchColumnFamilyException: %r" % column)
        if row not in data.rows:
            bisect.insort(data.keys, row)
            data.rows[row] = {}
        versions = [v for v in data.rows[row].get(column, []) if v[0] != stamp]
        versions.append((stamp, value))
        versions.sort(key=lambda version: -version[0])
        data.rows[row][column] = versions[: data.families[family]["max_versions"]]


class FakeBatch:
    """happybase.Batch: collects puts, sends on exit or every ``batch_size`` cells."""

    def __init__(self, table: "FakeTable", timestamp: int | None,
                 batch_size: int | None) -> None:
        self._table = table
        self._timestamp = timestamp
        self._batch_size = batch_size
        self._mutations: dict[bytes, dict[bytes, bytes]] = {}
        self._count = 0

    def put(self, row: bytes, data: dict[bytes, bytes]) -> None:
        """Queue a put."""
        self._mutations.setdefault(row, {}).update(data)
        self._count += len(data)
        if self._batch_size and self._count >= self._batch_size:
            self.send()

    def send(self) -> None:
        """Send queued puts."""
        if self._mutations:
            mutations, self._mutations, self._count = self._mutations, {}, 0
            self._table.connection.check_open()
            self._table.hbase.mutate(self._table.full_name, mutations, self._timestamp)

    def __enter__(self) -> FakeBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.send()


class FakeTable:
    """happybase.Table over a FakeHBase table."""

    def __init__(self, connection: "FakeConnection", name: str) -> None:
        self.connection = connection
        self.hbase = connection.hbase
        self.full_name = name

    def families(self) -> dict[bytes, dict[str, Any]]:
        """Live family options, as Thrift reports them (strings as bytes)."""
        data = self.hbase._table(self.full_name)
        return {
            name.encode(): {"name": name.encode() + b":",
                            **{k: v.encode() if isinstance(v, str) else v
                               for k, v in options.items()}}
            for name, options in data.families.items()
        }

    def regions(self) -> list[dict[str, Any]]:
        """One dict per region with start_key and end_key."""
        starts = [b""] + self.hbase._table(self.full_name).split_keys
        ends = starts[1:] + [b""]
        return [{"start_key": start, "end_key": end, "name": self.full_name.encode()}
                for start, end in zip(starts, ends)]

    def batch(self, timestamp: int | None = None, batch_size: int | None = None) -> FakeBatch:
        """A batch of puts at one timestamp."""
        return FakeBatch(self, timestamp, batch_size)

    def put(self, row: bytes, data: dict[bytes, bytes], timestamp: int | None = None) -> None:
        """Put one row."""
        with self.batch(timestamp=timestamp) as batch:
            batch.put(row, data)

    def row(self, row: bytes, columns: list[bytes] | None = None,
            include_timestamp: bool = False) -> dict[bytes, Any]:
        """The newest version of each cell of one row."""
        self.connection.check_open()
        versions = self.hbase._table(self.full_name).rows.get(row, {})
        return _newest(versions, columns, include_timestamp)

    def rows(self, rows: list[bytes], columns: list[bytes] | None = None,
             include_timestamp: bool = False) -> list[tuple[bytes, dict[bytes, Any]]]:
        """Existing rows among ``rows``, in the order asked."""
        found = [(key, self.row(key, columns, include_timestamp)) for key in rows]
        return [(key, cells) for key, cells in found if cells]

    def cells(self, row: bytes, column: bytes, versions: int | None = None,
              include_timestamp: bool = False) -> list[Any]:
        """Versions of one cell, newest first."""
        stored = self.hbase._table(self.full_name).rows.get(row, {}).get(column, [])
        stored = stored[:versions] if versions else stored
        return [(v, ts) if include_timestamp else v for ts, v in stored]

    def scan(self, row_start: bytes | None = None, row_stop: bytes | None = None,
             row_prefix: bytes | None = None, columns: list[bytes] | None = None,
             include_timestamp: bool = False, limit: int | None = None,
             **_: Any) -> Iterator[tuple[bytes, dict[bytes, Any]]]:
        """Rows in key order from row_start (inclusive) to row_stop (exclusive)."""
        self.connection.check_open()
        data = self.hbase._table(self.full_name)
        if row_prefix is not None:
            row_start, row_stop = row_prefix, _prefix_end(row_prefix)
        position = bisect.bisect_left(data.keys, row_start or b"")
        produced = 0
        for key in data.keys[position:]:
            if row_stop and key >= row_stop:
                return
            cells = _newest(data.rows[key], columns, include_timestamp)
            if cells:
                yield key, cells
                produced += 1
                if limit is not None and produced >= limit:
                    return


class FakeConnection:
    """happybase.Connection with a table prefix, over a FakeHBase."""

    def __init__(self, hbase: FakeHBase, table_prefix: str | None = None,
                 table_prefix_separator: bytes = b"_") -> None:
        self.hbase = hbase
        self.table_prefix = table_prefix.encode() if isinstance(table_prefix, str) else table_prefix
        self.table_prefix_separator = table_prefix_separator
        self.is_open = False
        self.refreshes = 0

    def open(self) -> None:
        """Open the transport."""
        self.is_open = True

    def close(self) -> None:
        """Close the transport."""
        self.is_open = False

    def check_open(self) -> None:
        """Raise like a closed Thrift transport would."""
        if not self.is_open:
            raise TTransportException(TTransportException.NOT_OPEN, "transport not open")

    def _full(self, name: str) -> str:
        if self.table_prefix is None:
            return name
        return (self.table_prefix + self.table_prefix_separator).decode() + name

    def table(self, name: str) -> FakeTable:
        """A table handle (no server call)."""
        return FakeTable(self, self._full(name))

    def tables(self) -> list[bytes]:
        """Names of this prefix's tables, prefix stripped."""
        self.check_open()
        prefix = "" if self.table_prefix is None else self._full("")
        return [name[len(prefix):].encode() for name in sorted(self.hbase.tables)
                if name.startswith(prefix)]

    def create_table(self, name: str, families: dict[str, dict[str, Any]]) -> None:
        """Create a table; ``AlreadyExists`` if it does."""
        self.check_open()
        if not families:
            raise ValueError("at least one column family is required")
        full = self._full(name)
        with self.hbase.lock:
            if full in self.hbase.tables:
                raise AlreadyExists("table %s exists" % full)
            self.hbase.tables[full] = _TableData({str(k): dict(v) for k, v in families.items()})

    def delete_table(self, name: str, disable: bool = False) -> None:
        """Drop a table."""
        self.check_open()
        del self.hbase.tables[self._full(name)]


class FakePool:
    """happybase.ConnectionPool: thread-safe, refreshes a connection after a Thrift error."""

    def __init__(self, hbase: FakeHBase, size: int = 4, table_prefix: str | None = None) -> None:
        self._free = [FakeConnection(hbase, table_prefix) for _ in range(size)]
        self._condition = threading.Condition()
        self.in_use = 0
        self.max_in_use = 0
        self.holders: set[threading.Thread] = set()

    @contextlib.contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[FakeConnection]:
        """Borrow a connection for the duration of the block."""
        with self._condition:
            while not self._free:
                self._condition.wait()
            connection = self._free.pop()
            self.in_use += 1
            self.max_in_use = max(self.max_in_use, self.in_use)
            self.holders.add(threading.current_thread())
        try:
            connection.open()
            yield connection
        except TRANSIENT_ERRORS:
            connection.refreshes += 1
            raise
        finally:
            with self._condition:
                self.in_use -= 1
                self.holders.discard(threading.current_thread())
                self._free.append(connection)
                self._condition.notify()


def _newest(versions: dict[bytes, list[tuple[int, bytes]]], columns: list[bytes] | None,
            include_timestamp: bool) -> dict[bytes, Any]:
    out = {}
    for column, stored in versions.items():
        if columns is not None and not any(_selects(wanted, column) for wanted in columns):
            continue
        timestamp, value = stored[0]
        out[column] = (value, timestamp) if include_timestamp else value
    return out


def _selects(wanted: bytes, column: bytes) -> bool:
    """Whether ``wanted`` (b"family" or b"family:qualifier") selects ``column``."""
    if b":" in wanted:
        return column == wanted
    return column.startswith(wanted + b":")


def _prefix_end(prefix: bytes) -> bytes | None:
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])
