"""Loading partitions into the real HBase: idempotent reruns, surviving a
Thrift server restart mid-load, and the bulk path matching the batch path."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from conftest_hbase import (
    EVENT_DAYS,
    LANDING_DAY,
    drop_tables,
    make_pool,
    partition_files,
    table_dump,
    write_sample_warehouse,
)

from hbase_schema import admin, loader, tables
from hbase_schema.bulk import bulk_load
from hbase_schema.presplit import java_splitter
from hbase_schema.writer import RetryPolicy

pytestmark = pytest.mark.integration
# The fixtures hbase_settings, hbase_pool, hbase_tools, sample_warehouse.
logger = logging.getLogger(__name__)

PARTITIONS = [(dataset, day) for dataset in ("member_daily", "device_daily", "member_events")
              for day in EVENT_DAYS] + [("member_summary", LANDING_DAY),
                                        ("device_summary", LANDING_DAY)]


def create_all(pool, settings, tools, names=tables.TABLES):
    specs = tables.table_specs(settings.hbase_daily_ttl_days, settings.hbase_events_ttl_days)
    with pool.connection() as connection:
        admin.create_tables(connection, {n: specs[n] for n in names}, settings.hbase_buckets,
                            java_splitter(tools, settings.stack_dir / "classes"))


def load_all(pool, warehouse, settings, **options):
    reports = []
    for dataset, day in PARTITIONS:
        reports.append(loader.load_partition(
            pool, dataset, partition_files(warehouse, dataset, day), day=day,
            buckets=settings.hbase_buckets, workers=settings.hbase_load_workers,
            batch_size=settings.hbase_batch_size, **options))
    return reports


def versions(pool, table, dump):
    with pool.connection() as connection:
        hbase_table = connection.table(table)
        return {(key, column): len(hbase_table.cells(key, column, versions=10))
                for key, cells in dump.items() for column in cells}


def test_loading_twice_gives_identical_contents_and_versions(
        hbase_settings, hbase_pool, hbase_tools, sample_warehouse):
    create_all(hbase_pool, hbase_settings, hbase_tools)
    first = load_all(hbase_pool, sample_warehouse, hbase_settings)
    dumps = {name: table_dump(hbase_pool, name) for name in tables.TABLES}
    second = load_all(hbase_pool, sample_warehouse, hbase_settings)
    for name in tables.TABLES:
        again = table_dump(hbase_pool, name)
        assert again == dumps[name], name
        assert set(versions(hbase_pool, name, again).values()) == {1}, name
    assert [r.rows_written for r in first] == [r.rows_written for r in second]
    assert len(dumps["member_events"]) == 2 * 400
    assert len(dumps["member_daily"]) == 2 * 40
    rate = sum(r.total_written for r in second) / sum(r.seconds for r in second)
    logger.info("batch load rate: %.0f rows/s", rate)


def test_a_thrift_restart_mid_load_loses_nothing(hbase_settings, hbase_pool, hbase_tools,
                                                tmp_path):
    control = pytest.importorskip("stack.control")
    from kickback.commands.stack import stack_config
    if not hasattr(control, "stop_service") or not hasattr(control, "start_service"):
        pytest.skip("stack.control has no stop_service/start_service to restart Thrift")
    warehouse = write_sample_warehouse(tmp_path / "wh", members=50, events=30000)
    files = partition_files(warehouse, "member_events", LANDING_DAY)
    clean_prefix = hbase_settings.hbase_table_prefix + "c"
    clean_pool = make_pool(hbase_settings, clean_prefix)
    create_all(clean_pool, hbase_settings, hbase_tools, ["member_events"])
    create_all(hbase_pool, hbase_settings, hbase_tools, ["member_events"])
    try:
        loader.load_partition(clean_pool, "member_events", files)
        patient = RetryPolicy(attempts=40, base_s=0.5, max_s=5.0)
        outcome = {}

        def load():
            try:
                # Small batches: many calls, so the restart lands mid-load.
                outcome["report"] = loader.load_partition(
                    hbase_pool, "member_events", files, workers=2, batch_size=20, retry=patient)
            except Exception as exc:  # noqa: BLE001  (handed to the test thread)
                outcome["error"] = exc

        loading = threading.Thread(target=load)
        loading.start()
        deadline = time.monotonic() + 120
        while not _has_rows(hbase_pool, "member_events") and time.monotonic() < deadline:
            time.sleep(0.1)
        try:
            assert control.stop_service(stack_config(hbase_settings), "thrift"), "thrift was not running"
            assert loading.is_alive(), "the load finished before the restart: make it bigger"
            time.sleep(3)
        finally:
            control.start_service(stack_config(hbase_settings), "thrift")
        loading.join(timeout=600)
        assert "error" not in outcome, outcome.get("error")
        assert outcome["report"].rows_written == {"member_events": 30000}
        assert table_dump(hbase_pool, "member_events") == table_dump(clean_pool, "member_events")
    finally:
        drop_tables(hbase_settings, clean_prefix)


def _has_rows(pool, table: str) -> bool:
    with pool.connection() as connection:
        return bool(list(connection.table(table).scan(limit=1)))


def test_bulk_and_batch_paths_give_identical_tables(hbase_settings, hbase_pool, hbase_tools,
                                                    sample_warehouse, tmp_path):
    names = ["member_summary", "member_events"]
    bulk_prefix = hbase_settings.hbase_table_prefix + "b"
    bulk_pool = make_pool(hbase_settings, bulk_prefix)
    create_all(hbase_pool, hbase_settings, hbase_tools, names)
    create_all(bulk_pool, hbase_settings, hbase_tools, names)
    try:
        for dataset, day in (("member_summary", LANDING_DAY), ("member_events", LANDING_DAY)):
            files = partition_files(sample_warehouse, dataset, day)
            batch = loader.load_partition(hbase_pool, dataset, files, day=day)
            bulk = bulk_load(bulk_pool, dataset, files, hbase_tools, day=day,
                             work_dir=tmp_path / "bulk")
            assert bulk.rows_written == batch.rows_written
            assert 0 < bulk.bulk_rows <= bulk.rows_read
            assert table_dump(bulk_pool, dataset) == table_dump(hbase_pool, dataset), dataset
        events = table_dump(bulk_pool, "member_events")
        assert any(b"\n" in value for cells in events.values() for value, _ in cells.values())
    finally:
        drop_tables(hbase_settings, bulk_prefix)
