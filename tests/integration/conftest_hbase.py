"""Fixtures for the HBase integration tests (imported by conftest.py).

``hbase_settings`` gives each test its own table prefix (kbtest_<random>)
on the running stack; ``hbase_pool`` is a happybase pool on that prefix that
drops the test's tables afterwards; ``hbase_tools`` runs HBase's JVM tools
with the stack's jars; ``sample_warehouse`` writes partitions of every
loadable dataset.
"""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path

import happybase
import pytest

from hbase_schema.errors import TRANSIENT_ERRORS
from hbase_schema.jvm import JavaTools
from kickback.config import Settings
from mapreduce import records, tsv

LANDING_DAY = datetime.date(2026, 11, 27)
EVENT_DAYS = (datetime.date(2026, 11, 26), LANDING_DAY)


@pytest.fixture
def hbase_settings(settings: Settings) -> Settings:
    """Stack settings with a table prefix of this test's own."""
    return settings.replace(hbase_table_prefix="kbtest_%s" % uuid.uuid4().hex[:10])


def make_pool(settings: Settings, prefix: str | None = None) -> happybase.ConnectionPool:
    """A pool on the stack's Thrift server for ``prefix`` (default: the settings')."""
    return happybase.ConnectionPool(
        settings.hbase_pool_size, host=settings.hbase_host, port=settings.hbase_thrift_port,
        table_prefix=prefix or settings.hbase_table_prefix, timeout=settings.hbase_timeout_ms)


def drop_tables(settings: Settings, prefix: str) -> None:
    """Drop every table under ``prefix`` (the prefix is a test's random one)."""
    assert prefix.startswith("kbtest_"), prefix
    with make_pool(settings, prefix).connection() as connection:
        for name in connection.tables():
            connection.delete_table(name, disable=True)


@pytest.fixture
def hbase_pool(hbase_settings: Settings):
    """A pool on this test's prefix; its tables are dropped afterwards."""
    pool = make_pool(hbase_settings)
    yield pool
    drop_tables(hbase_settings, hbase_settings.hbase_table_prefix)


@pytest.fixture
def hbase_tools(hbase_settings: Settings) -> JavaTools:
    """HBase's JVM tools with the stack's java, jars, conf and JDK 17 flags."""
    from stack.java import JDK17_FLAGS, find_java
    from stack.paths import StackPaths

    paths = StackPaths.under(hbase_settings.stack_dir)
    return JavaTools(str(find_java()), paths.classpath_file("hbase").read_text().strip(),
                     paths.conf / "hbase", tuple(JDK17_FLAGS))


def _write(root: Path, dataset: str, day: datetime.date, rows: list[dict]) -> None:
    folder = root / dataset / ("dt=%s" % day.isoformat())
    folder.mkdir(parents=True)
    columns = records.DATASETS[dataset]
    half = len(rows) // 2
    for number, part in enumerate((rows[:half], rows[half:])):
        (folder / ("part-%05d" % number)).write_text(
            "".join(tsv.encode_row([row.get(c) for c in columns]) + "\n" for row in part))
    (folder / "_SUCCESS").touch()


def write_sample_warehouse(root: Path, members: int = 40, events: int = 400) -> Path:
    """Partitions of every loadable dataset, with nulls, unicode and tabs."""
    for day in EVENT_DAYS:
        stamp = day.isoformat()
        _write(root, "member_daily", day, [
            {"member_id": "m-%05d" % m, "purchases": str(m % 5),
             "spend": json.dumps({"USD": m * 100}), "points_earned": str(m),
             "points_redeemed": None, "redemptions": "0", "checkins": str(m % 3),
             "distinct_devices": "1", "distinct_merchants": "1", "distinct_stores": "0",
             "devices": json.dumps({"d-%05d" % m: stamp + "T10:00:00.000Z"}),
             "first_event_time": stamp + "T09:00:00.000Z",
             "last_event_time": stamp + "T10:00:00.000Z"} for m in range(members)])
        _write(root, "device_daily", day, [
            {**{c: str(m) for c in records.DEVICE_DAILY_COLUMNS}, "device_id": "d-%05d" % m,
             "device_type": "phone", "last_os": "caf\u00e9 OS\t%d" % m if m % 7 == 0 else "ios",
             "temperature_c_min": None} for m in range(members)])
        _write(root, "member_events", day, [
            {"member_id": "m-%05d" % (n % members),
             "event_time": "%sT%02d:%02d:%02d.%03dZ" % (stamp, n % 24, n % 60, (n * 7) % 60, n % 1000),
             "event_id": "ev-%s-%06d" % (stamp, n), "event_type": "purchase",
             "device_id": "d-%05d" % (n % members), "merchant_id": "mer-%d" % (n % 9),
             "store_id": None, "amount_cents": str(n), "currency": "USD",
             "points": "multi\nline" if n % 97 == 0 else str(n % 50)} for n in range(events)])
    _write(root, "member_summary", LANDING_DAY, [
        {"member_id": "m-%05d" % m, "points_earned": str(m), "points_redeemed": "0",
         "points_balance": str(m), "spend": json.dumps({"USD": m}),
         "first_seen": "2026-11-01T00:00:00.000Z", "last_seen": "2026-11-27T10:00:00.000Z",
         "device_count": "2", "devices": json.dumps({
             "d-%05d" % m: {"device_type": "phone", "last_seen": "2026-11-27T10:00:00.000Z"},
             "d-p%d" % (m % 3): {"device_type": "pos", "last_seen": "2026-11-26T08:00:00.000Z"}}),
         "as_of": "2026-11-27T13:00:00.000Z"} for m in range(members)])
    _write(root, "device_summary", LANDING_DAY, [
        {**{c: str(m) for c in records.DEVICE_SUMMARY_COLUMNS}, "device_id": "d-%05d" % m,
         "last_os": None if m % 2 else "android", "as_of": "2026-11-27T13:00:00.000Z"}
        for m in range(members)])
    return root


def partition_files(root: Path, dataset: str, day: datetime.date) -> list[Path]:
    """The part files of one sample partition."""
    return sorted((root / dataset / ("dt=%s" % day.isoformat())).glob("part-*"))


def table_dump(pool: happybase.ConnectionPool, table: str) -> dict:
    """Every row, cell, value and timestamp of a (small, test) table."""
    try:
        return _scan(pool, table)
    except TRANSIENT_ERRORS:
        # A pooled connection that outlived a Thrift restart: the pool has
        # replaced it, so one retry is enough.
        return _scan(pool, table)


def _scan(pool: happybase.ConnectionPool, table: str) -> dict:
    with pool.connection() as connection:
        return dict(connection.table(table).scan(include_timestamp=True))


@pytest.fixture
def sample_warehouse(tmp_path: Path) -> Path:
    """A warehouse with partitions of every loadable dataset."""
    return write_sample_warehouse(tmp_path / "warehouse")
