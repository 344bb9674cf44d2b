"""An in-memory HBase behind happybase's interface.

``FakeHBase`` is the server: tables of sorted byte keys, each row a map of
``b"family:qualifier"`` to versions, newest first. A put at an existing
(cell, timestamp) overwrites it, a family keeps at most ``max_versions``
versions, reads return the newest (older than ``timestamp`` if one is
given), and a row with no cell among the requested columns is missing.
Scans run in key order (descending with ``reverse``) with an exclusive stop
row, evaluate the one filter form the API sends, and count ``limit`` after
filtering. TTLs are not enforced.

``FakeConnection``, ``FakeTable``, ``FakeBatch`` and ``FakeConnectionPool``
mirror the happybase calls this project makes, argument checks included.
Every call waits for the server's lock, so loads may write from many
threads.

Failures: ``FakeHBase.fail_next`` makes the next calls (reads, writes or
admin) raise, before the server served them or after (a write applied
whose acknowledgement was lost); ``FakeConnectionPool.exhausted`` makes
every checkout time out. Reads are logged in ``FakeHBase.calls`` and
applied writes in ``FakeHBase.write_calls``.

Built on it: the KickBack tables and rows written the loader's way
(``fake_tables``), the API tests' sample data (``api_samples``) and their
fixtures (``api_fixtures``).
"""

from __future__ import annotations

import bisect
import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from happybase.pool import NoConnectionsAvailable
from happybase.util import bytes_increment
from thriftpy2.thrift import TException
from thriftpy2.transport import TTransportException

from hbase_schema.errors import AlreadyExists, HBaseIOError

T = TypeVar("T")
Versions = list[tuple[int, bytes]]  # (timestamp, value), newest first

_FILTER = re.compile(
    r"^SingleColumnValueFilter \('((?:[^']|'')*)', '((?:[^']|'')*)', =, "
    r"'binary:((?:[^']|'')*)', true, true\)$"
)
# What HBase's Thrift1 ColumnDescriptor defaults to.
_DEFAULT_FAMILY = {"max_versions": 3, "time_to_live": 2147483647,
                   "bloom_filter_type": "NONE", "compression": "NONE"}


class _TableData:
    def __init__(self, families: dict[str, dict[str, Any]]) -> None:
        self.families = {name: {**_DEFAULT_FAMILY, **options}
                         for name, options in families.items()}
        self.keys: list[bytes] = []
        self.rows: dict[bytes, dict[bytes, Versions]] = {}
        self.split_keys: list[bytes] = []


class FakeHBase:
    """The server: tables, injected failures, and logs of reads and writes."""

    def __init__(self) -> None:
        self.tables: dict[str, _TableData] = {}
        self.lock = threading.Lock()
        self.calls: list[tuple[str | None, str, dict[str, Any]]] = []  # (table, method, arguments)
        self.write_calls: list[tuple[str, int, int]] = []  # (table, timestamp, rows)
        self._failures: list[tuple[str, BaseException]] = []

    def fail_next(self, count: int = 1, error: BaseException | None = None, *,
                  when: str = "before") -> None:
        """Make the next ``count`` calls raise ``error`` (default: a dropped connection).

        ``when="after"`` raises once the call was served: a write is applied.
        """
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        for _ in range(count):
            self._failures.append((when, error or TTransportException(
                TTransportException.END_OF_FILE, "TSocket read 0 bytes")))

    def serve(self, answer: Callable[[], T]) -> T:
        """Answer one call under the lock, unless an injected failure is due."""
        with self.lock:
            failure = self._failures.pop(0) if self._failures else None
            if failure and failure[0] == "before":
                raise failure[1]
            result = answer()
            if failure:
                raise failure[1]
            return result

    def read(self, table: str | None, method: str, arguments: dict[str, Any],
             answer: Callable[[], T]) -> T:
        """One read call: logged in ``calls`` (failed ones too), then served."""
        self.calls.append((table, method, arguments))
        return self.serve(answer)

    def mutate(self, table: str, mutations: dict[bytes, dict[bytes, bytes]],
               timestamp: int | None) -> None:
        """Apply puts to many rows at one timestamp (mutateRows[Ts])."""
        self.serve(lambda: self._apply(table, mutations, timestamp))

    def split(self, table: str, split_keys: list[bytes]) -> None:
        """Add region boundaries (what the Java split tool does)."""
        with self.lock:
            data = self.table_data(table)
            data.split_keys = sorted(set(data.split_keys) | set(split_keys))

    def cells(self, table: str) -> dict[bytes, dict[bytes, Versions]]:
        """Every row's every version, for assertions."""
        with self.lock:
            data = self.table_data(table)
            return {key: {column: list(versions) for column, versions in data.rows[key].items()}
                    for key in data.keys}

    def table_data(self, table: str) -> _TableData:
        """A table's data; HBase's TableNotFoundException if there is none."""
        if table not in self.tables:
            raise HBaseIOError("TableNotFoundException: %s" % table)
        return self.tables[table]

    def _apply(self, table: str, mutations: dict[bytes, dict[bytes, bytes]],
               timestamp: int | None) -> None:
        data = self.table_data(table)
        stamp = int(time.time() * 1000) if timestamp is None else timestamp
        for row, cells in mutations.items():
            for column, value in cells.items():
                _put_cell(data, row, column, value, stamp)
        self.write_calls.append((table, stamp, len(mutations)))


class FakeBatch:
    """happybase ``Batch``: collects puts, sends them on exit or every ``batch_size`` cells."""

    def __init__(self, table: FakeTable, timestamp: int | None, batch_size: int | None) -> None:
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
        """Send the queued puts as one call."""
        if self._mutations:
            mutations, self._mutations, self._count = self._mutations, {}, 0
            self._table.connection.check_open()
            self._table.connection.hbase.mutate(self._table.name, mutations, self._timestamp)

    def __enter__(self) -> FakeBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.send()


class FakeTable:
    """happybase ``Table``: ``name`` is the full (prefixed) table name."""

    def __init__(self, connection: FakeConnection, name: str) -> None:
        self.connection = connection
        self.name = name

    def families(self) -> dict[bytes, dict[str, Any]]:
        """Live family options, as Thrift reports them (strings as bytes)."""
        def answer() -> dict[bytes, dict[str, Any]]:
            return {
                name.encode(): {"name": name.encode() + b":",
                                **{k: v.encode() if isinstance(v, str) else v
                                   for k, v in options.items()}}
                for name, options in self._data().families.items()
            }
        return self._serve(answer)

    def regions(self) -> list[dict[str, Any]]:
        """One dict per region with start_key and end_key."""
        def answer() -> list[dict[str, Any]]:
            starts = [b""] + self._data().split_keys
            return [{"start_key": start, "end_key": end, "name": self.name.encode()}
                    for start, end in zip(starts, starts[1:] + [b""])]
        return self._serve(answer)

    def batch(self, timestamp: int | None = None, batch_size: int | None = None) -> FakeBatch:
        """A batch of puts at one timestamp (the server's clock if None)."""
        return FakeBatch(self, timestamp, batch_size)

    def put(self, row: bytes, data: dict[bytes, bytes], timestamp: int | None = None) -> None:
        """Put one row."""
        with self.batch(timestamp=timestamp) as batch:
            batch.put(row, data)

    def row(self, row: bytes, columns: Any = None, timestamp: int | None = None,
            include_timestamp: bool = False) -> dict[bytes, Any]:
        """The newest version of each cell of one row; {} if it has none."""
        _check_columns(columns)
        return self._read("row", {"row": row, "columns": columns}, lambda: _shape(
            _newest(self._data(columns).rows.get(row, {}), columns, timestamp), include_timestamp))

    def rows(self, rows: list[bytes], columns: Any = None, timestamp: int | None = None,
             include_timestamp: bool = False) -> Any:
        """(key, cells) of the rows among ``rows`` that exist, in the order asked."""
        _check_columns(columns)
        if not rows:
            return {}  # happybase skips the round trip, and answers a dict

        def answer() -> list[tuple[bytes, dict[bytes, Any]]]:
            stored = self._data(columns).rows
            found = [(key, _newest(stored.get(key, {}), columns, timestamp)) for key in rows]
            return [(key, _shape(cells, include_timestamp)) for key, cells in found if cells]
        return self._read("rows", {"rows": list(rows), "columns": columns}, answer)

    def cells(self, row: bytes, column: bytes, versions: int | None = None,
              timestamp: int | None = None, include_timestamp: bool = False) -> list[Any]:
        """Versions of one cell, newest first."""
        def answer() -> list[Any]:
            stored = self._data([column]).rows.get(row, {}).get(column, [])
            kept = [(ts, value) for ts, value in stored if timestamp is None or ts < timestamp]
            return [(value, ts) if include_timestamp else value for ts, value in kept[:versions]]
        return self._read("cells", {"row": row, "column": column, "versions": versions}, answer)

    def scan(self, row_start: bytes | None = None, row_stop: bytes | None = None,
             row_prefix: bytes | None = None, columns: Any = None, filter: Any = None,
             timestamp: int | None = None, include_timestamp: bool = False,
             batch_size: int = 1000, scan_batching: Any = None, limit: int | None = None,
             sorted_columns: bool = False, reverse: bool = False,
             ) -> Iterator[tuple[bytes, dict[bytes, Any]]]:
        """(key, cells) from row_start (inclusive) to row_stop (exclusive), in key order."""
        # Like happybase's, a generator: nothing is checked or sent until it is advanced.
        if batch_size < 1:
            raise ValueError("'batch_size' must be >= 1")
        if limit is not None and limit < 1:
            raise ValueError("'limit' must be >= 1")
        _check_columns(columns)
        if row_prefix is not None:
            if row_start is not None or row_stop is not None:
                raise TypeError("'row_prefix' cannot be combined with 'row_start' or 'row_stop'")
            row_start, row_stop = row_prefix, bytes_increment(row_prefix)
            if reverse:
                row_start, row_stop = row_stop, row_prefix
        matches = _parse_filter(filter)
        arguments = {"row_start": row_start, "row_stop": row_stop, "columns": columns,
                     "filter": filter, "limit": limit, "reverse": reverse}

        def answer() -> list[tuple[bytes, dict[bytes, Any]]]:
            data = self._data(columns)
            found = []
            for key in _key_range(data.keys, row_start, row_stop, reverse):
                cells = _newest(data.rows[key], columns, timestamp)
                if not cells or (matches is not None and not matches(cells)):
                    continue
                found.append((key, _shape(cells, include_timestamp)))
                if limit is not None and len(found) >= limit:
                    break
            return found
        yield from self._read("scan", arguments, answer)

    def _data(self, columns: Any = None) -> _TableData:
        data = self.connection.hbase.table_data(self.name)
        for column in columns or ():
            if column.split(b":", 1)[0].decode() not in data.families:
                raise HBaseIOError("NoSuchColumnFamilyException: %r" % column)
        return data

    def _serve(self, answer: Callable[[], T]) -> T:
        self.connection.check_open()
        return self.connection.hbase.serve(answer)

    def _read(self, method: str, arguments: dict[str, Any], answer: Callable[[], T]) -> T:
        self.connection.check_open()
        return self.connection.hbase.read(self.name, method, arguments, answer)


class FakeConnection:
    """happybase ``Connection`` with a table prefix, over a ``FakeHBase``."""

    def __init__(self, hbase: FakeHBase, table_prefix: str | bytes | None = None,
                 table_prefix_separator: bytes = b"_") -> None:
        self.hbase = hbase
        self.table_prefix = table_prefix.encode() if isinstance(table_prefix, str) else table_prefix
        self.table_prefix_separator = table_prefix_separator
        self.is_open = False
        self.refreshes = 0

    def open(self) -> None:
        """Open the transport (a no-op if open)."""
        self.is_open = True

    def close(self) -> None:
        """Close the transport."""
        self.is_open = False

    def check_open(self) -> None:
        """Raise like a closed Thrift transport would."""
        if not self.is_open:
            raise TTransportException(TTransportException.NOT_OPEN, "transport not open")

    def _refresh_thrift_client(self) -> None:
        # What the pool calls on a tainted connection: a new, unopened transport.
        self.refreshes += 1
        self.is_open = False

    def table(self, name: str) -> FakeTable:
        """A table handle (no server call)."""
        return FakeTable(self, self._full(name))

    def tables(self) -> list[bytes]:
        """Names of this prefix's tables, prefix stripped."""
        self.check_open()
        prefix = self._full("")
        return self.hbase.read(None, "tables", {}, lambda: [
            name[len(prefix):].encode() for name in sorted(self.hbase.tables)
            if name.startswith(prefix)])

    def create_table(self, name: str, families: dict[str, dict[str, Any]]) -> None:
        """Create a table; ``AlreadyExists`` if it does."""
        if not families:
            raise ValueError("at least one column family is required")
        self.check_open()
        full = self._full(name)

        def answer() -> None:
            if full in self.hbase.tables:
                raise AlreadyExists("table %s exists" % full)
            self.hbase.tables[full] = _TableData({str(k): dict(v) for k, v in families.items()})
        self.hbase.serve(answer)

    def delete_table(self, name: str, disable: bool = False) -> None:
        """Drop a table; as in HBase, only a disabled one (``disable=True`` disables it)."""
        self.check_open()
        full = self._full(name)

        def answer() -> None:
            self.hbase.table_data(full)
            if not disable:
                raise HBaseIOError("TableNotDisabledException: %s" % full)
            del self.hbase.tables[full]
        self.hbase.serve(answer)

    def _full(self, name: str) -> str:
        if self.table_prefix is None:
            return name
        return (self.table_prefix + self.table_prefix_separator).decode() + name


class FakeConnectionPool:
    """happybase ``ConnectionPool``: LIFO, a thread's nested checkouts share its connection,
    and a connection that raised a Thrift or socket error is refreshed."""

    def __init__(self, hbase: FakeHBase, size: int = 4,
                 table_prefix: str | bytes | None = None) -> None:
        self.connections = [FakeConnection(hbase, table_prefix) for _ in range(size)]
        self._free = list(self.connections)
        self._condition = threading.Condition()
        self._held = threading.local()
        self.exhausted = False
        self.timeouts: list[float | None] = []
        self.checkouts = 0
        self.in_use = 0
        self.max_in_use = 0
        self.holders: set[threading.Thread] = set()

    @property
    def refreshes(self) -> int:
        """Connections refreshed after an error, over the whole pool."""
        return sum(connection.refreshes for connection in self.connections)

    @contextlib.contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[FakeConnection]:
        """Borrow a connection for the block (``NoConnectionsAvailable`` after ``timeout`` s)."""
        self.timeouts.append(timeout)
        connection = getattr(self._held, "connection", None)
        outermost = connection is None
        if outermost:
            connection = self._acquire(timeout)
            self._held.connection = connection
        try:
            connection.open()
            yield connection
        except (TException, OSError):
            connection._refresh_thrift_client()
            connection.open()
            raise
        finally:
            if outermost:
                del self._held.connection
                self._release(connection)

    def _acquire(self, timeout: float | None) -> FakeConnection:
        with self._condition:
            if self.exhausted or not self._condition.wait_for(lambda: self._free, timeout):
                raise NoConnectionsAvailable("No connection available from pool within timeout")
            self.checkouts += 1
            self.in_use += 1
            self.max_in_use = max(self.max_in_use, self.in_use)
            self.holders.add(threading.current_thread())
            return self._free.pop()

    def _release(self, connection: FakeConnection) -> None:
        with self._condition:
            self.in_use -= 1
            self.holders.discard(threading.current_thread())
            self._free.append(connection)
            self._condition.notify()


def _put_cell(data: _TableData, row: bytes, column: bytes, value: bytes, stamp: int) -> None:
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


def _check_columns(columns: Any) -> None:
    if columns is not None and not isinstance(columns, (tuple, list)):
        raise TypeError("'columns' must be a tuple or list")
    for column in columns or ():
        if not isinstance(column, bytes):
            raise TypeError("columns must be bytes, got %r" % (column,))


def _newest(stored: dict[bytes, Versions], columns: Any,
            timestamp: int | None) -> dict[bytes, tuple[bytes, int]]:
    """column -> (value, timestamp) of the newest version (before ``timestamp``) of the
    columns selected (b"family" selects the family, b"family:qualifier" one column)."""
    out = {}
    for column, versions in stored.items():
        if columns is not None and not any(
                column == wanted if b":" in wanted else column.startswith(wanted + b":")
                for wanted in columns):
            continue
        kept = [(ts, value) for ts, value in versions if timestamp is None or ts < timestamp]
        if kept:
            out[column] = (kept[0][1], kept[0][0])
    return out


def _shape(cells: dict[bytes, tuple[bytes, int]], include_timestamp: bool) -> dict[bytes, Any]:
    return dict(cells) if include_timestamp else {column: value for column, (value, _) in cells.items()}


def _key_range(keys: list[bytes], start: bytes | None, stop: bytes | None,
               reverse: bool) -> list[bytes]:
    """Keys from ``start`` (inclusive) to ``stop`` (exclusive); empty or None means open."""
    if reverse:
        high = bisect.bisect_right(keys, start) if start else len(keys)
        low = bisect.bisect_right(keys, stop) if stop else 0
        return keys[low:high][::-1]
    low = bisect.bisect_left(keys, start) if start else 0
    high = bisect.bisect_left(keys, stop) if stop else len(keys)
    return keys[low:high]


def _parse_filter(text: Any) -> Callable[[dict[bytes, tuple[bytes, int]]], bool] | None:
    if text is None:
        return None
    source = text.decode("utf-8") if isinstance(text, bytes) else text
    match = _FILTER.match(source)
    if match is None:
        raise TException("fake HBase cannot parse filter %r" % source)
    family, qualifier, value = (part.replace("''", "'") for part in match.groups())
    column = ("%s:%s" % (family, qualifier)).encode("utf-8")
    expected = value.encode("utf-8")
    # filterIfMissing and latestVersionOnly: the newest version must be present and equal.
    return lambda cells: column in cells and cells[column][0] == expected
