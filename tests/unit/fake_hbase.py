"""An in-memory HBase behind happybase's interface, and the API tests' sample data.

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

The sample data (``sample_hbase``) is written the way the HBase loader
writes it: each row's values are turned into the text a job writes, read
back as the loader reads a line, built by ``hbase_schema.rows.build_row``
and written by ``hbase_schema.writer.write_chunk``. So the API tests read
the loader's own keys, cells and timestamps.

PYTEST_DONT_REWRITE (test modules import constants from here before loading
it as a plugin of fixtures with ``pytest_plugins = ["fake_hbase"]``).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import pytest
from happybase.pool import NoConnectionsAvailable
from happybase.util import bytes_increment
from thriftpy2.thrift import TException
from thriftpy2.transport import TTransportException

from hbase_schema.errors import AlreadyExists, HBaseIOError
from hbase_schema.rows import build_row
from hbase_schema.tables import LAYOUTS, table_specs
from hbase_schema.writer import write_chunk
from mapreduce import tsv
from mapreduce.merges import dumps_json

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


# --- Tables and rows as `kickback hbase create` and the HBase loader make them. ---

BUCKETS = 16


def kickback_hbase(table_prefix: str | None = None) -> FakeHBase:
    """A FakeHBase with every KickBack table, created from the table specs."""
    hbase = FakeHBase()
    connection = FakeConnection(hbase, table_prefix)
    connection.open()
    for name, families in table_specs(400, 90).items():
        connection.create_table(name, families)
    return hbase


def load_rows(hbase: FakeHBase, dataset: str, rows: Iterable[dict[str, Any]],
              day: datetime.date | None = None, table_prefix: str | None = None) -> None:
    """Write rows of ``dataset`` the HBase loader's way; ``day`` is a daily partition's dt.

    Each row gives every column of the dataset as a Python value; it becomes
    the text a job writes (``tsv.encode_row``, nested values ``dumps_json``),
    read back as the loader reads the line, then ``build_row`` makes the row
    and ``write_chunk`` writes it.
    """
    layout = LAYOUTS[dataset]
    built = [build_row(layout, _as_read_by_the_loader(layout.columns, values), day, BUCKETS)
             for values in rows]
    write_chunk(FakeConnectionPool(hbase, 1, table_prefix), layout.table, built)


def _as_read_by_the_loader(columns: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    if set(values) != set(columns):
        raise ValueError("row needs exactly the columns %s; missing %s, unknown %s" % (
            columns, sorted(set(columns) - set(values)), sorted(set(values) - set(columns))))
    line = tsv.encode_row(dumps_json(values[column]) if isinstance(values[column], (dict, list))
                          else values[column] for column in columns)
    return tsv.decode_record(line, columns)


def put_raw_cells(hbase: FakeHBase, table: str, key: bytes, cells: dict[bytes, bytes]) -> None:
    """Write cells as given, bypassing the loader: only for data it would never write."""
    connection = FakeConnection(hbase)
    connection.open()
    connection.table(table).put(key, cells)


MEMBER = "m-000123"
QUIET_MEMBER = "m-quiet_9"
PHONE = "d-phone.01:a"
TABLET = "d-tablet-2"
POS = "pos-7"
AS_OF = "2026-11-27T09:00:00.000Z"
LAST_DAY = datetime.date(2026, 11, 27)
# MEMBER has a rollup for each of the 40 days up to LAST_DAY.
MEMBER_DAYS = 40
EVENTS = [
    # (event_id, event_type, event_time, amount_cents, currency, points, merchant, store)
    ("e-01", "checkin", "2026-11-20T08:00:00.000Z", None, None, None, None, "s-1"),
    ("e-02", "purchase", "2026-11-21T09:30:00.250Z", 1250, "USD", 12, "mer-1", None),
    ("e-03", "purchase", "2026-11-22T10:00:00.000Z", 990, "EUR", 9, "mer-2", None),
    ("e-04", "redeem", "2026-11-23T11:00:00.000Z", None, None, 100, "mer-1", None),
    ("e-05", "checkin", "2026-11-24T12:00:00.000Z", None, None, None, None, "s-2"),
    ("e-06", "purchase", "2026-11-25T13:00:00.000Z", 5000, "USD", 50, "mer-3", None),
    ("e-07", "checkin", "2026-11-26T14:00:00.000Z", None, None, None, None, "s-1"),
    ("e-08", "purchase", "2026-11-27T08:15:00.123Z", 700, "USD", 7, "mer-1", None),
]


def sample_hbase() -> FakeHBase:
    """The KickBack tables with a few members, devices, rollups and events."""
    hbase = kickback_hbase()
    load_rows(hbase, "member_summary", [
        {"member_id": MEMBER, "points_earned": 500, "points_redeemed": 120,
         "points_balance": 380, "spend": {"USD": 12345, "EUR": 500},
         "first_seen": "2026-10-19T07:00:00.000Z", "last_seen": "2026-11-27T08:15:00.123Z",
         "device_count": 2, "as_of": AS_OF, "devices": {
             PHONE: {"device_type": "phone", "last_seen": "2026-11-27T08:15:00.123Z"},
             TABLET: {"device_type": "phone", "last_seen": "2026-11-20T10:00:00.000Z"}}},
        {"member_id": QUIET_MEMBER, "points_earned": 0, "points_redeemed": 0,
         "points_balance": 0, "spend": {}, "first_seen": None, "last_seen": None,
         "device_count": 0, "devices": {}, "as_of": AS_OF},
    ])
    for back in range(MEMBER_DAYS):
        day = LAST_DAY - datetime.timedelta(days=back)
        load_rows(hbase, "member_daily", [{
            "member_id": MEMBER, "purchases": back % 3, "spend": {"USD": 100 * day.day},
            "points_earned": day.day, "points_redeemed": 0, "redemptions": 0,
            "checkins": 1, "distinct_devices": 1, "distinct_merchants": back % 3,
            "distinct_stores": 1, "devices": {PHONE: "%sT12:00:00.000Z" % day.isoformat()},
            "first_event_time": "%sT08:00:00.000Z" % day.isoformat(),
            "last_event_time": "%sT12:00:00.000Z" % day.isoformat(),
        }], day)
    load_rows(hbase, "member_events", [
        {"member_id": MEMBER, "event_time": when, "event_id": event_id, "event_type": event_type,
         "device_id": PHONE if event_type != "checkin" else POS, "merchant_id": merchant,
         "store_id": store, "amount_cents": cents, "currency": currency, "points": points}
        for event_id, event_type, when, cents, currency, points, merchant, store in EVENTS
    ])
    load_rows(hbase, "device_summary", [
        {"device_id": PHONE, "device_type": "phone", "owner_member_id": MEMBER,
         "first_seen": "2026-10-19T07:00:00.000Z", "last_seen": "2026-11-27T08:15:00.123Z",
         "last_app_version": "3.2.1", "last_os": "android 14", "last_battery_pct": 57.5,
         "event_count": 321, "as_of": AS_OF},
        {"device_id": POS, "device_type": "pos", "owner_member_id": None,
         "first_seen": "2026-11-01T00:00:00.000Z", "last_seen": "2026-11-26T14:00:00.000Z",
         "last_app_version": None, "last_os": None, "last_battery_pct": None,
         "event_count": 40, "as_of": AS_OF},
    ])
    for back in range(5):
        day = LAST_DAY - datetime.timedelta(days=back)
        load_rows(hbase, "device_daily", [{
            "device_id": PHONE, "device_type": "phone", "owner_member_id": MEMBER,
            "event_count": 10 + back, "events_by_type": {"heartbeat": 8, "purchase": 2 + back},
            "first_event_time": "%sT00:05:00.000Z" % day.isoformat(),
            "last_event_time": "%sT23:55:00.000Z" % day.isoformat(),
            "purchases": 2 + back, "spend": {"USD": 1000 + back}, "points_earned": 20,
            "points_redeemed": 0, "battery_min": 12.5, "last_battery_pct": 57.5,
            "last_app_version": "3.2.1", "last_os": "android 14",
            "temperature_c_min": None, "temperature_c_max": None, "temperature_c_mean": None,
            "humidity_pct_min": None, "humidity_pct_max": None, "humidity_pct_mean": None,
            "foot_traffic_min": None, "foot_traffic_max": None, "foot_traffic_mean": None,
            "distinct_members": 1,
        }], day)
    return hbase


# --- pytest fixtures of the API tests (a test module loads them with
# pytest_plugins = ["fake_hbase"]). ---

API_KEY = "unit-test-key"
AUTH = {"Authorization": "Bearer " + API_KEY}


def api_config(pool: Any, **overrides: Any) -> dict[str, Any]:
    """A complete explicit app config around ``pool`` (env cannot leak in)."""
    config = {
        "TESTING": True,
        "HBASE_POOL": pool,
        "HBASE_BUCKETS": BUCKETS,
        "HBASE_TABLE_PREFIX": "kickback",
        "HBASE_RETRY_AFTER_S": 7,
        "API_KEYS": [API_KEY],
        "PAGE_TOKEN_KEY": "unit-test-page-token-key",
        "DAILY_MAX_AGE_S": 60,
        "MAX_CONTENT_LENGTH": 32 * 1024,
    }
    config.update(overrides)
    return config


@pytest.fixture
def fake_hbase() -> FakeHBase:
    """The sample tables."""
    return sample_hbase()


@pytest.fixture
def fake_pool(fake_hbase: FakeHBase) -> FakeConnectionPool:
    """A pool over the sample tables."""
    return FakeConnectionPool(fake_hbase)


@pytest.fixture
def api_app(fake_pool: FakeConnectionPool) -> Any:
    """The API app over the fake pool."""
    from api import create_app

    return create_app(api_config(fake_pool))


@pytest.fixture
def api_client(api_app: Any) -> Any:
    """A test client of ``api_app``."""
    return api_app.test_client()
