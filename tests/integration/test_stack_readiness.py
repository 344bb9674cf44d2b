"""The stack's readiness probes against the real services: ready means usable."""

from __future__ import annotations

import happybase

from kickback.commands.stack import stack_config
from stack import control
from stack.services import PROBE_TABLE


def test_every_service_is_ready_and_says_what_it_proved(stack_settings):
    rows = {row.name: row for row in control.status(stack_config(stack_settings))}
    # The API is listed once `kickback run` (or `make run`) has started it.
    api = {"api": True} if "api" in rows else {}
    assert {name: row.answers for name, row in rows.items()} == {
        "hbase": True, "thrift": True, "metastore": True, "hive": True, **api, "hadoop": True}, \
        {n: r.detail for n, r in rows.items()}
    assert rows["hbase"].detail == "master initialised"
    assert rows["thrift"].detail == "created, wrote and read %s" % PROBE_TABLE
    assert rows["metastore"].detail.startswith("get_all_databases answered (")
    assert rows["hive"].detail == "SELECT 1 and SHOW DATABASES ran"
    assert rows["hadoop"].detail == "version and fs ran"


def test_the_thrift_probe_left_one_small_table(stack_settings):
    connection = happybase.Connection(stack_settings.hbase_host, stack_settings.hbase_thrift_port,
                                      timeout=stack_settings.hbase_timeout_ms)
    try:
        assert PROBE_TABLE.encode() in connection.tables()
        table = connection.table(PROBE_TABLE)
        assert set(table.families()) == {b"p"}
        assert [key for key, _ in table.scan()] == [b"probe"]
    finally:
        connection.close()
