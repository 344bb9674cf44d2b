"""The in-memory HBase keeps HBase's semantics, and its sample rows are the loader's."""

from __future__ import annotations

import threading

import pytest
from fake_hbase import FakeConnection, FakeConnectionPool, FakeHBase
from fake_tables import kickback_hbase, load_rows
from happybase.pool import NoConnectionsAvailable
from thriftpy2.transport import TTransportException
from test_loader import DAY, member_daily, member_summary, write_partition

from hbase_schema import loader
from hbase_schema.errors import HBaseIOError


@pytest.fixture
def table():
    connection = FakeConnection(FakeHBase(), "t")
    connection.open()
    connection.create_table("x", {"f": {"max_versions": 2}, "g": {}})
    table = connection.table("x")
    for key in (b"a", b"b", b"b\xff", b"c", b"c\x00"):
        table.put(key, {b"f:v": key, b"g:w": b"1" if key < b"c" else b"2"}, timestamp=10)
    return table


def keys_of(rows):
    return [key for key, _ in rows]


def test_scans_run_in_key_order_with_an_exclusive_stop_row(table):
    assert keys_of(table.scan(row_start=b"b", row_stop=b"c")) == [b"b", b"b\xff"]
    assert keys_of(table.scan(row_start=b"b", row_stop=b"c", reverse=True)) == []
    assert keys_of(table.scan(row_start=b"c", row_stop=b"a", reverse=True)) == [b"c", b"b\xff", b"b"]
    assert keys_of(table.scan(row_prefix=b"b")) == [b"b", b"b\xff"]
    assert keys_of(table.scan(row_prefix=b"c")) == [b"c", b"c\x00"]
    assert keys_of(table.scan(row_prefix=b"b\xff")) == [b"b\xff"]
    with pytest.raises(TypeError):
        list(table.scan(row_prefix=b"b", row_stop=b"c"))


def test_limit_counts_rows_after_the_filter_and_the_columns(table):
    only_2 = b"SingleColumnValueFilter ('g', 'w', =, 'binary:2', true, true)"
    assert keys_of(table.scan(filter=only_2, limit=1)) == [b"c"]
    assert keys_of(table.scan(columns=[b"f"], filter=only_2)) == []  # the filter sees no g:w
    table.put(b"0", {b"g:w": b"3"})  # no f:v: not a row of the scan below, so not counted
    assert keys_of(table.scan(columns=[b"f:v"], limit=2)) == [b"a", b"b"]


def test_reads_give_the_newest_version_and_families_keep_max_versions(table):
    for stamp in (30, 20, 40):
        table.put(b"a", {b"f:v": b"%d" % stamp}, timestamp=stamp)
    assert table.row(b"a", columns=[b"f:v"]) == {b"f:v": b"40"}
    assert table.row(b"a", columns=[b"f"], timestamp=40, include_timestamp=True) == {b"f:v": (b"30", 30)}
    assert table.cells(b"a", b"f:v") == [b"40", b"30"]
    assert table.row(b"zz") == {}


def test_rows_answers_existing_rows_in_the_order_asked(table):
    assert keys_of(table.rows([b"c", b"zz", b"a"], columns=[b"g"])) == [b"c", b"a"]
    with pytest.raises(TypeError):
        table.rows([b"a"], columns=["g"])


def test_bad_cells_and_missing_tables_fail_like_hbase(table):
    with pytest.raises(HBaseIOError, match="NoSuchColumnFamily"):
        table.put(b"a", {b"h:v": b"1"})
    with pytest.raises(HBaseIOError, match="NoSuchColumnFamily"):
        table.row(b"a", columns=[b"h"])
    with pytest.raises(HBaseIOError, match="TableNotFound"):
        table.connection.table("nope").row(b"a")


def test_injected_failures_hit_the_next_calls_and_after_means_applied(table):
    hbase = table.connection.hbase
    writes = len(hbase.write_calls)
    hbase.fail_next(1)
    with pytest.raises(TTransportException):
        table.put(b"n", {b"f:v": b"1"})
    hbase.fail_next(1, ConnectionResetError("reset"), when="after")
    with pytest.raises(ConnectionResetError):
        table.put(b"n", {b"f:v": b"2"})
    hbase.fail_next(1)
    with pytest.raises(TTransportException):
        table.row(b"n")
    assert table.row(b"n") == {b"f:v": b"2"}
    assert len(hbase.write_calls) == writes + 1
    assert [method for _, method, _ in hbase.calls] == ["row", "row"]  # failed reads too


def test_the_pool_refreshes_a_broken_connection_and_times_out_when_empty():
    pool = FakeConnectionPool(kickback_hbase(), size=1)
    with pytest.raises(OSError):
        with pool.connection() as connection:
            raise BrokenPipeError("broken")
    assert pool.refreshes == 1 and connection.is_open
    with pool.connection() as outer, pool.connection() as inner:
        assert inner is outer  # a thread's nested checkout shares its connection
        elsewhere = []
        waiter = threading.Thread(target=lambda: elsewhere.append(_checkout(pool, 0.01)))
        waiter.start()
        waiter.join()
    assert elsewhere == ["no connection"]
    assert pool.max_in_use == 1


def _checkout(pool, timeout):
    try:
        with pool.connection(timeout=timeout):
            return "got one"
    except NoConnectionsAvailable:
        return "no connection"


@pytest.mark.parametrize("dataset, rows, day", [
    ("member_summary", [member_summary(n) for n in range(3)], None),
    ("member_daily", [member_daily(n) for n in range(3)], DAY),
])
def test_load_rows_writes_what_load_partition_writes(tmp_path, dataset, rows, day):
    rows[2] = dict(rows[2], spend='{"USD":\t5}')  # a tab the part file must escape
    by_loader = kickback_hbase("kb")
    loader.load_partition(FakeConnectionPool(by_loader, table_prefix="kb"), dataset,
                          write_partition(tmp_path, dataset, rows))
    by_helper = kickback_hbase("kb")
    load_rows(by_helper, dataset, rows, day, table_prefix="kb")
    assert by_helper.cells("kb_" + dataset) == by_loader.cells("kb_" + dataset)
    assert len(by_loader.cells("kb_" + dataset)) == 3
