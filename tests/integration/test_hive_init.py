"""`kickback hive init` against the real HiveServer2: idempotent, commented, records.py layouts."""

from __future__ import annotations

import hive
from hive.dedup import DEDUP_COLUMNS
from hive.partitions import FILE_TABLES, PARTITIONED_TABLES, add_partitions, discover
from mapreduce import records
from tests.integration.conftest_hive import event
from warehouse.catalog import Catalog
from warehouse.storage import Storage


def _describe(cursor, table):
    cursor.execute("DESCRIBE %s" % table)
    columns = []
    for name, kind, comment in cursor.fetchall():
        # Hive: a blank row, then "# Partition Information".
        if not name or name.startswith("#"):
            break
        columns.append((name, kind, comment))
    return columns


def test_init_twice_is_harmless_and_keeps_registered_data(settings, hive_cursor, warehouse):
    warehouse.partition("events", "2026-01-02", [event("i-1", "2026-01-02T10:00:00.000Z", "2026-01-02")], hour="10")
    storage = Storage(str(settings.warehouse_dir))
    uri = storage.uri()
    add_partitions(hive_cursor, discover(Catalog(storage), "events", "2026-01-02"), storage)

    hive.apply_ddl(hive_cursor, settings.hive_database, uri)
    hive.apply_ddl(hive_cursor, settings.hive_database, uri)

    hive_cursor.execute("SHOW TABLES")
    # Hive: one column, the table name (Spark answered database, table, isTemporary).
    assert sorted(row[0] for row in hive_cursor.fetchall()) == sorted(PARTITIONED_TABLES)
    hive_cursor.execute("SELECT event_id FROM events")
    assert hive_cursor.fetchall() == [("i-1",)]


def test_server_sees_every_column_commented_in_records_order(hive_cursor):
    for table in FILE_TABLES:
        columns = _describe(hive_cursor, table)
        partition_columns = ["dt", "hour"] if table in ("events", "quarantine") else ["dt"]

        assert [name for name, _, _ in columns] == list(records.DATASETS[table]) + partition_columns
        assert all(comment for _, _, comment in columns), table

    dedup = _describe(hive_cursor, "events_dedup")
    assert [name for name, _, _ in dedup] == list(DEDUP_COLUMNS) + ["event_dt"]
    assert all(comment for _, _, comment in dedup)
