"""Tests for hive.partitions: discovery of complete folders and the statements that add them."""

from __future__ import annotations

import pytest

from hive.partitions import PARTITIONED_TABLES, add_partitions, repair
from hive.partitions import discover as _discover
from hive.validate import InvalidValue
from tests.unit.test_hive_fakes import FakeCursor
from warehouse.catalog import Catalog
from warehouse.layout import EVENT_DAY_DATASETS as EVENT_DAY_TABLES
from warehouse.layout import LayoutError, Partition
from warehouse.storage import Storage

WAREHOUSE = Storage("file:///wh")


def discover(root, table, dt, hour=None):
    return _discover(Catalog(Storage(str(root))), table, dt, hour)


def _folder(root, path, complete=True):
    folder = root / path
    folder.mkdir(parents=True)
    (folder / "part-00000").write_text("x\n")
    if complete:
        (folder / "_SUCCESS").write_text("")
    return folder


def test_discover_finds_only_complete_hour_folders(tmp_path):
    _folder(tmp_path, "events/dt=2026-02-10/hour=00")
    _folder(tmp_path, "events/dt=2026-02-10/hour=13")
    _folder(tmp_path, "events/dt=2026-02-10/hour=02", complete=False)
    _folder(tmp_path, "events/dt=2026-02-10/hour=xx")
    _folder(tmp_path, "events/dt=2026-02-10/_temporary")
    (tmp_path / "events/dt=2026-02-10/hour=03").write_text("a file, not a folder")
    _folder(tmp_path, "events/dt=2026-02-11/hour=00")

    found = discover(tmp_path, "events", "2026-02-10")

    assert found == [Partition("events", "2026-02-10", 0), Partition("events", "2026-02-10", 13)]


def test_discover_one_hour(tmp_path):
    _folder(tmp_path, "quarantine/dt=2026-02-10/hour=00")
    _folder(tmp_path, "quarantine/dt=2026-02-10/hour=01", complete=False)

    assert discover(tmp_path, "quarantine", "2026-02-10", "00") == [Partition("quarantine", "2026-02-10", 0)]
    assert discover(tmp_path, "quarantine", "2026-02-10", "01") == []
    assert discover(tmp_path, "quarantine", "2026-02-10", "05") == []


@pytest.mark.parametrize("table", EVENT_DAY_TABLES + ("device_summary", "member_summary"))
def test_discover_day_partitions(tmp_path, table):
    _folder(tmp_path, "%s/dt=2026-02-10" % table)
    _folder(tmp_path, "%s/dt=2026-02-11" % table, complete=False)

    assert discover(tmp_path, table, "2026-02-10") == [Partition(table, "2026-02-10")]
    assert discover(tmp_path, table, "2026-02-11") == []
    assert discover(tmp_path, table, "2026-02-12") == []


def test_discover_in_a_missing_warehouse_finds_nothing(tmp_path):
    assert discover(tmp_path / "nowhere", "events", "2026-02-10") == []


@pytest.mark.parametrize("table, dt, hour", [
    ("events", "2026-02-30", None),
    ("events", "2026-02-10", "24"),
    ("device_daily", "2026-02-10", "00"),
    ("events_dedup", "2026-02-10", None),
    ("../etc", "2026-02-10", None),
])
def test_discover_rejects_bad_input(tmp_path, table, dt, hour):
    with pytest.raises(InvalidValue):
        discover(tmp_path, table, dt, hour)


def test_partition_paths_and_specs():
    hourly = Partition("events", "2026-02-10", 7)
    daily = Partition("member_daily", "2026-02-09")

    assert (hourly.path, hourly.spec) == ("events/dt=2026-02-10/hour=07", {"dt": "2026-02-10", "hour": "07"})
    assert (daily.path, daily.spec) == ("member_daily/dt=2026-02-09", {"dt": "2026-02-09"})


def test_add_partitions_one_statement_per_table_with_values_as_parameters():
    cursor = FakeCursor()

    count = add_partitions(cursor, [
        Partition("events", "2026-02-10", 1),
        Partition("device_daily", "2026-02-09"),
        Partition("events", "2026-02-10", 0),
        Partition("events", "2026-02-10", 0),
    ], WAREHOUSE)

    assert count == 3
    assert cursor.executed == [
        ("ALTER TABLE device_daily ADD IF NOT EXISTS PARTITION (dt=%(dt0)s) LOCATION %(location0)s",
         {"dt0": "2026-02-09", "location0": "file:///wh/device_daily/dt=2026-02-09"}),
        (("ALTER TABLE events ADD IF NOT EXISTS "
          "PARTITION (dt=%(dt0)s, hour=%(hour0)s) LOCATION %(location0)s "
          "PARTITION (dt=%(dt1)s, hour=%(hour1)s) LOCATION %(location1)s"),
         {"dt0": "2026-02-10", "hour0": "00", "location0": "file:///wh/events/dt=2026-02-10/hour=00",
          "dt1": "2026-02-10", "hour1": "01", "location1": "file:///wh/events/dt=2026-02-10/hour=01"}),
    ]


def test_add_nothing_runs_nothing():
    cursor = FakeCursor()

    assert add_partitions(cursor, [], WAREHOUSE) == 0
    assert cursor.executed == []


@pytest.mark.parametrize("dataset, dt, hour", [
    ("events", "2026-02-10'); DROP TABLE x; --", 0),
    ("events", "2026-02-10", 99),
    ("events_dedup", "2026-02-10", None),
])
def test_bad_partitions_cannot_even_be_named(dataset, dt, hour):
    with pytest.raises(LayoutError):
        Partition(dataset, dt, hour)


def test_add_partitions_rejects_a_bad_warehouse():
    cursor = FakeCursor()
    with pytest.raises(InvalidValue):
        add_partitions(cursor, [Partition("device_daily", "2026-02-09")], Storage("file:///wh'x"))
    assert cursor.executed == []


def test_repair_runs_msck_on_every_partitioned_table():
    cursor = FakeCursor()

    assert repair(cursor) == list(PARTITIONED_TABLES)
    assert cursor.statements == ["MSCK REPAIR TABLE %s" % table for table in PARTITIONED_TABLES]


def test_repair_refuses_unknown_tables():
    cursor = FakeCursor()

    with pytest.raises(InvalidValue):
        repair(cursor, ["events; DROP TABLE x"])
    assert cursor.executed == []
