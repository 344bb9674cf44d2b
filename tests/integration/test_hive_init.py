"""`kickback hive init` against the real HiveServer2: idempotent, commented, records.py layouts."""

from __future__ import annotations

import hive
from hive.partitions import FILE_TABLES, PARTITIONED_TABLES
from mapreduce import records
from tests.integration.conftest_hive import event


def _describe(cursor, table):
    cursor.execute("DESCRIBE %s" % table)
    columns = []
    for name, kind, comment in cursor.fetchall():
        if name.startswith("#"):
            break
        columns.append((name, kind, comment))
    return columns


def test_init_twice_is_harmless_and_keeps_registered_data(settings, hive_cursor, warehouse):
    warehouse.partition("events", "2026-01-02", [event("i-1", "2026-01-02T10:00:00.000Z", "2026-01-02")], hour="10")
    uri = hive.warehouse_uri(settings.warehouse_dir)
    hive.add_partitions(hive_cursor, hive.discover(settings.warehouse_dir, "events", "2026-01-02"), uri)

    hive.apply_ddl(hive_cursor, settings.hive_database, uri)
    hive.apply_ddl(hive_cursor, settings.hive_database, uri)

    hive_cursor.execute("SHOW TABLES")
    assert sorted(row[1] for row in hive_cursor.fetchall()) == sorted(PARTITIONED_TABLES)
    hive_cursor.execute("SELECT event_id FROM events")
    assert hive_cursor.fetchall() == [("i-1",)]


def test_server_sees_every_column_commented_in_records_order(hive_cursor):
    for table in FILE_TABLES:
        columns = _describe(hive_cursor, table)
        partition_columns = ["dt", "hour"] if table in ("events", "quarantine") else ["dt"]

        assert [name for name, _, _ in columns] == list(records.DATASETS[table]) + partition_columns
        assert all(comment for _, _, comment in columns), table

    dedup = _describe(hive_cursor, "events_dedup")
    assert [name for name, _, _ in dedup] == list(hive.dedup.DEDUP_COLUMNS) + ["event_dt"]
    assert all(comment for _, _, comment in dedup)
