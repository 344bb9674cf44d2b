"""A small in-memory stand-in for happybase, with real semantics.

``FakeHBase`` is the cluster: tables of sorted byte keys, each row a map of
``b"family:qualifier" -> bytes``. ``FakeConnectionPool`` hands out
``FakeConnection``s the way ``happybase.ConnectionPool`` does. Tables answer
``row``, ``rows`` and ``scan`` (row_start/row_stop/row_prefix/limit/columns/
reverse and the one filter form the API sends) as happybase would: missing
rows are ``{}`` for ``row`` and absent from ``rows``/``scan``, a row with no
cell in the requested columns is missing, and ``limit`` counts rows after
filtering.

Failures are injected with ``FakeHBase.fail_next(count, error)``: the next
``count`` table reads raise ``error``, as a connection the server dropped
would. Every read is recorded in ``FakeHBase.calls``.

PYTEST_DONT_REWRITE (test modules import constants from here before loading
it as a plugin of fixtures).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import json
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from happybase.pool import NoConnectionsAvailable
from thriftpy2.thrift import TException
from thriftpy2.transport import TTransportException

from hbase_schema import keys

_FILTER = re.compile(
    r"^SingleColumnValueFilter \('((?:[^']|'')*)', '((?:[^']|'')*)', =, "
    r"'binary:((?:[^']|'')*)', true, true\)$"
)


class FakeHBase:
    """An in-memory HBase: tables, failure injection and a log of reads."""

    def __init__(self) -> None:
        self._tables: dict[str, FakeTable] = {}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self._failures: list[BaseException] = []

    def create_table(self, name: str) -> FakeTable:
        """Create (or return) an empty table."""
        return self._tables.setdefault(name, FakeTable(name, self))

    def table(self, name: str) -> FakeTable:
        """An existing table; TException like HBase's IOError if it does not exist."""
        if name not in self._tables:
            raise TException("table %s does not exist" % name)
        return self._tables[name]

    def table_names(self) -> list[bytes]:
        """Every table name, as happybase returns them."""
        return sorted(name.encode("utf-8") for name in self._tables)

    def fail_next(self, count: int = 1, error: BaseException | None = None) -> None:
        """Make the next ``count`` reads raise ``error`` (default: a dropped connection)."""
        error = error or TTransportException(
            TTransportException.END_OF_FILE, "TSocket read 0 bytes")
        self._failures.extend([error] * count)

    def _read(self, table: str, method: str, arguments: dict[str, Any]) -> None:
        self.calls.append((table, method, arguments))
        if self._failures:
            raise self._failures.pop(0)


class FakeTable:
    """One table: sorted row keys, cells by ``b"family:qualifier"``."""

    def __init__(self, name: str, hbase: FakeHBase) -> None:
        self.name = name
        self._hbase = hbase
        self._keys: list[bytes] = []
        self._rows: dict[bytes, dict[bytes, bytes]] = {}

    def put(self, row: bytes, data: dict[bytes, bytes]) -> None:
        """Write cells into a row (merging with its existing cells)."""
        if not isinstance(row, bytes) or not all(
            isinstance(k, bytes) and b":" in k and isinstance(v, bytes) for k, v in data.items()
        ):
            raise TypeError("row and cells must be bytes, columns b'family:qualifier'")
        if row not in self._rows:
            bisect.insort(self._keys, row)
            self._rows[row] = {}
        self._rows[row].update(data)

    def row(self, row: bytes, columns: Any = None, timestamp: Any = None,
            include_timestamp: bool = False) -> dict[bytes, bytes]:
        """happybase ``Table.row``: the row's cells, or {} if it has none."""
        _check_columns(columns)
        self._hbase._read(self.name, "row", {"row": row, "columns": columns})
        return _project(self._rows.get(row, {}), columns)

    def rows(self, rows: list[bytes], columns: Any = None, timestamp: Any = None,
             include_timestamp: bool = False) -> list[tuple[bytes, dict[bytes, bytes]]]:
        """happybase ``Table.rows``: (key, cells) of the rows that exist, in request order."""
        _check_columns(columns)
        if not rows:
            return []
        self._hbase._read(self.name, "rows", {"rows": list(rows), "columns": columns})
        found = []
        for key in rows:
            cells = _project(self._rows.get(key, {}), columns)
            if cells:
                found.append((key, cells))
        return found

    def scan(self, row_start: bytes | None = None, row_stop: bytes | None = None,
             row_prefix: bytes | None = None, columns: Any = None, filter: Any = None,
             timestamp: Any = None, include_timestamp: bool = False, batch_size: int = 1000,
             scan_batching: Any = None, limit: int | None = None,
             sorted_columns: bool = False, reverse: bool = False,
             ) -> Iterator[tuple[bytes, dict[bytes, bytes]]]:
        """happybase ``Table.scan``: a generator of (key, cells) in key order."""
        if limit is not None and limit < 1:
            raise ValueError("'limit' must be >= 1")
        _check_columns(columns)
        if row_prefix is not None:
            if row_start is not None or row_stop is not None:
                raise TypeError("'row_prefix' cannot be combined with 'row_start' or 'row_stop'")
            row_start, row_stop = row_prefix, _increment(row_prefix)
            if reverse:
                row_start, row_stop = row_stop, row_prefix
        matches = _parse_filter(filter)
        arguments = {"row_start": row_start, "row_stop": row_stop, "columns": columns,
                     "filter": filter, "limit": limit, "reverse": reverse}
        return self._scan(arguments, matches)

    def _scan(self, arguments: dict[str, Any], matches: Any) -> Iterator:
        # Like happybase, nothing is sent until the generator is first advanced.
        self._hbase._read(self.name, "scan", arguments)
        row_start, row_stop = arguments["row_start"], arguments["row_stop"]
        if arguments["reverse"]:
            keys = [key for key in reversed(self._keys)
                    if (row_start is None or key <= row_start)
                    and (row_stop is None or key > row_stop)]
        else:
            keys = [key for key in self._keys
                    if (row_start is None or key >= row_start)
                    and (row_stop is None or key < row_stop)]
        returned = 0
        for key in keys:
            cells = _project(self._rows[key], arguments["columns"])
            if not cells or (matches is not None and not matches(cells)):
                continue
            yield key, dict(cells)
            returned += 1
            if arguments["limit"] is not None and returned >= arguments["limit"]:
                return


class FakeConnection:
    """happybase ``Connection`` over a ``FakeHBase``."""

    def __init__(self, hbase: FakeHBase) -> None:
        self._hbase = hbase
        self.opened = 0
        self.refreshed = 0

    def open(self) -> None:
        """No-op open, counted."""
        self.opened += 1

    def close(self) -> None:
        """No-op close."""

    def table(self, name: str) -> FakeTable:
        """A table of the fake cluster (the prefix is the pool's business)."""
        return self._hbase.table(name)

    def tables(self) -> list[bytes]:
        """Table names, as happybase returns them (prefix stripped, bytes)."""
        self._hbase._read("-", "tables", {})
        return self._hbase.table_names()

    def _refresh_thrift_client(self) -> None:
        self.refreshed += 1


class FakeConnectionPool:
    """happybase ``ConnectionPool``: one connection, replaced on Thrift/socket errors."""

    def __init__(self, hbase: FakeHBase) -> None:
        self.hbase = hbase
        self.connection_obj = FakeConnection(hbase)
        self.checkouts = 0
        self.timeouts: list[Any] = []
        self.exhausted = False

    @contextlib.contextmanager
    def connection(self, timeout: Any = None) -> Iterator[FakeConnection]:
        """Check out the connection, like happybase (refresh and re-raise on errors)."""
        self.timeouts.append(timeout)
        if self.exhausted:
            raise NoConnectionsAvailable("No connection available from pool within timeout")
        self.checkouts += 1
        connection = self.connection_obj
        try:
            connection.open()
            yield connection
        except (TException, socket.error):
            connection._refresh_thrift_client()
            connection.open()
            raise


def _check_columns(columns: Any) -> None:
    if columns is not None and not isinstance(columns, (tuple, list)):
        raise TypeError("'columns' must be a tuple or list")
    for column in columns or ():
        if not isinstance(column, bytes):
            raise TypeError("columns must be bytes, got %r" % (column,))


def _project(cells: dict[bytes, bytes], columns: Any) -> dict[bytes, bytes]:
    if columns is None:
        return dict(cells)
    wanted = []
    for column in columns:
        wanted.append(column if b":" in column else column + b":")
    return {name: value for name, value in cells.items()
            if any(name == want or (want.endswith(b":") and name.startswith(want))
                   for want in wanted)}


def _parse_filter(text: Any) -> Any:
    if text is None:
        return None
    source = text.decode("utf-8") if isinstance(text, bytes) else text
    match = _FILTER.match(source)
    if match is None:
        raise TException("fake HBase cannot parse filter %r" % source)
    family, qualifier, value = (part.replace("''", "'") for part in match.groups())
    column = ("%s:%s" % (family, qualifier)).encode("utf-8")
    expected = value.encode("utf-8")
    return lambda cells: cells.get(column) == expected


def _increment(prefix: bytes) -> bytes | None:
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


# --- Rows as the HBase loader writes them, and a small sample data set. ---

def put_cells(table: FakeTable, key: bytes, family: str, values: dict[str, Any]) -> None:
    """Write one row the loader's way: text cells, null as b"", nested values as JSON."""
    cells = {}
    for column, value in values.items():
        if value is None:
            text = ""
        elif isinstance(value, (dict, list)):
            text = json.dumps(value, sort_keys=True)
        else:
            text = str(value)
        cells[("%s:%s" % (family, column)).encode("utf-8")] = text.encode("utf-8")
    table.put(key, cells)


MEMBER = "m-000123"
QUIET_MEMBER = "m-quiet_9"
PHONE = "d-phone.01:a"
TABLET = "d-tablet-2"
POS = "pos-7"
AS_OF = "2026-11-27T09:00:00.000Z"
BUCKETS = 16
# MEMBER has a rollup for each of the 40 days FIRST_DAY..LAST_DAY.
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
    hbase = FakeHBase()
    member_summary = hbase.create_table("member_summary")
    member_daily = hbase.create_table("member_daily")
    member_events = hbase.create_table("member_events")
    device_summary = hbase.create_table("device_summary")
    device_daily = hbase.create_table("device_daily")

    devices = {
        PHONE: {"device_type": "phone", "last_seen": "2026-11-27T08:15:00.123Z"},
        TABLET: {"device_type": "phone", "last_seen": "2026-11-20T10:00:00.000Z"},
    }
    put_cells(member_summary, keys.summary_key(MEMBER, BUCKETS), "s", {
        "points_earned": 500, "points_redeemed": 120, "points_balance": 380,
        "spend": {"USD": 12345, "EUR": 500}, "first_seen": "2026-10-19T07:00:00.000Z",
        "last_seen": "2026-11-27T08:15:00.123Z", "device_count": 2, "devices": devices,
        "as_of": AS_OF,
    })
    put_cells(member_summary, keys.summary_key(MEMBER, BUCKETS), "d", {
        device_id: value for device_id, value in devices.items()
    })
    put_cells(member_summary, keys.summary_key(QUIET_MEMBER, BUCKETS), "s", {
        "points_earned": 0, "points_redeemed": 0, "points_balance": 0, "spend": {},
        "first_seen": None, "last_seen": None, "device_count": 0, "devices": {},
        "as_of": AS_OF,
    })

    last_day = datetime.date(2026, 11, 27)
    for back in range(MEMBER_DAYS):
        day = last_day - datetime.timedelta(days=back)
        put_cells(member_daily, keys.daily_key(MEMBER, day, BUCKETS), "r", {
            "purchases": back % 3, "spend": {"USD": 100 * day.day},
            "points_earned": day.day, "points_redeemed": 0, "redemptions": 0,
            "checkins": 1, "distinct_devices": 1, "distinct_merchants": back % 3,
            "distinct_stores": 1, "devices": {PHONE: "%sT12:00:00.000Z" % day.isoformat()},
            "first_event_time": "%sT08:00:00.000Z" % day.isoformat(),
            "last_event_time": "%sT12:00:00.000Z" % day.isoformat(),
        })

    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    for event_id, event_type, when, cents, currency, points, merchant, store in EVENTS:
        moment = datetime.datetime.fromisoformat(when)
        event_ms = (moment - epoch) // datetime.timedelta(milliseconds=1)
        put_cells(member_events, keys.event_key(MEMBER, event_ms, event_id, BUCKETS), "e", {
            "event_time": when, "event_id": event_id, "event_type": event_type,
            "device_id": PHONE if event_type != "checkin" else POS,
            "merchant_id": merchant, "store_id": store, "amount_cents": cents,
            "currency": currency, "points": points,
        })

    put_cells(device_summary, keys.summary_key(PHONE, BUCKETS), "s", {
        "device_type": "phone", "owner_member_id": MEMBER,
        "first_seen": "2026-10-19T07:00:00.000Z", "last_seen": "2026-11-27T08:15:00.123Z",
        "last_app_version": "3.2.1", "last_os": "android 14", "last_battery_pct": 57.5,
        "event_count": 321, "as_of": AS_OF,
    })
    put_cells(device_summary, keys.summary_key(POS, BUCKETS), "s", {
        "device_type": "pos", "owner_member_id": None, "first_seen": "2026-11-01T00:00:00.000Z",
        "last_seen": "2026-11-26T14:00:00.000Z", "last_app_version": None, "last_os": None,
        "last_battery_pct": None, "event_count": 40, "as_of": AS_OF,
    })
    for back in range(5):
        day = last_day - datetime.timedelta(days=back)
        put_cells(device_daily, keys.daily_key(PHONE, day, BUCKETS), "r", {
            "device_type": "phone", "owner_member_id": MEMBER, "event_count": 10 + back,
            "events_by_type": {"heartbeat": 8, "purchase": 2 + back},
            "first_event_time": "%sT00:05:00.000Z" % day.isoformat(),
            "last_event_time": "%sT23:55:00.000Z" % day.isoformat(),
            "purchases": 2 + back, "spend": {"USD": 1000 + back}, "points_earned": 20,
            "points_redeemed": 0, "battery_min": 12.5, "last_battery_pct": 57.5,
            "last_app_version": "3.2.1", "last_os": "android 14",
            "temperature_c_min": None, "temperature_c_max": None, "temperature_c_mean": None,
            "humidity_pct_min": None, "humidity_pct_max": None, "humidity_pct_mean": None,
            "foot_traffic_min": None, "foot_traffic_max": None, "foot_traffic_mean": None,
            "distinct_members": 1,
        })
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
