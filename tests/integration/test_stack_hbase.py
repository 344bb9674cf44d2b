"""happybase against the stack's real HBase Thrift1 server."""

from __future__ import annotations

import happybase
import pytest


@pytest.fixture
def connection(settings):
    conn = happybase.Connection(
        settings.hbase_host, settings.hbase_thrift_port,
        table_prefix=settings.hbase_table_prefix, timeout=settings.hbase_timeout_ms,
    )
    yield conn
    conn.close()


def test_table_round_trip(connection):
    connection.create_table("smoke", {"a": dict(max_versions=1), "b": dict(max_versions=2)})
    try:
        table = connection.table("smoke")
        assert set(table.families()) == {b"a", b"b"}
        table.put(b"m1|001", {b"a:x": b"1", b"b:y": b"one"})
        table.put(b"m1|002", {b"a:x": b"2"})
        table.put(b"m10|001", {b"a:x": b"3"})
        table.put(b"m2|001", {b"a:x": b"4"})

        assert table.row(b"m1|001") == {b"a:x": b"1", b"b:y": b"one"}
        assert [key for key, _ in table.scan(row_prefix=b"m1|")] == [b"m1|001", b"m1|002"]

        table.delete(b"m1|001")
        assert table.row(b"m1|001") == {}
        assert [key for key, _ in table.scan(row_prefix=b"m1|")] == [b"m1|002"]
    finally:
        connection.delete_table("smoke", disable=True)
    assert b"smoke" not in connection.tables()
