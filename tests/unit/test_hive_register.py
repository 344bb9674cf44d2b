"""Tests for hive.register: run manifests and the order of a registration."""

from __future__ import annotations

import json

import pytest

from hive.dedup import REBUILD_SQL, TOUCHED_DAYS_SQL
from hive.partitions import Partition
from hive.register import read_run_event_days, register_run, run_manifest_path
from hive.validate import InvalidValue
from tests.unit.test_hive_fakes import FakeCursor

WAREHOUSE = "file:///wh"


def _complete(root, path):
    folder = root / path
    folder.mkdir(parents=True)
    (folder / "_SUCCESS").write_text("")


def _manifest(root, dt, content):
    path = run_manifest_path(root, dt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))


def test_manifest_path():
    assert str(run_manifest_path("/wh", "2026-03-10")) == "/wh/_runs/dt=2026-03-10.json"


def test_manifest_event_days_sorted_and_unique(tmp_path):
    _manifest(tmp_path, "2026-03-10", {"event_days": ["2026-03-10", "2026-03-04", "2026-03-10"], "other": 1})

    assert read_run_event_days(tmp_path, "2026-03-10") == ["2026-03-04", "2026-03-10"]


def test_no_manifest_or_no_key_means_none(tmp_path):
    _manifest(tmp_path, "2026-03-11", {"lines": 3})

    assert read_run_event_days(tmp_path, "2026-03-10") is None
    assert read_run_event_days(tmp_path, "2026-03-11") is None


@pytest.mark.parametrize("content", ["{not json", {"event_days": "2026-03-10"}, {"event_days": ["03/10/2026"]}])
def test_bad_manifests_fail_clearly(tmp_path, content):
    _manifest(tmp_path, "2026-03-10", content)

    with pytest.raises(InvalidValue):
        read_run_event_days(tmp_path, "2026-03-10")


def _tree(root):
    _complete(root, "events/dt=2026-03-10/hour=00")
    _complete(root, "events/dt=2026-03-10/hour=01")
    (root / "events/dt=2026-03-10/hour=02").mkdir()
    _complete(root, "quarantine/dt=2026-03-10/hour=01")
    _complete(root, "device_summary/dt=2026-03-10")
    _complete(root, "device_daily/dt=2026-03-09")
    _complete(root, "device_daily/dt=2026-03-10")
    _complete(root, "member_daily/dt=2026-03-10")
    _complete(root, "device_daily/dt=2026-03-01")


def test_register_with_manifest(tmp_path):
    _tree(tmp_path)
    _manifest(tmp_path, "2026-03-10", {"event_days": ["2026-03-09", "2026-03-10"]})
    cursor = FakeCursor()

    result = register_run(cursor, tmp_path, WAREHOUSE, "2026-03-10")

    assert result.event_days == ("2026-03-09", "2026-03-10")
    assert result.partitions == tuple(sorted([
        Partition("events", "2026-03-10", "00"),
        Partition("events", "2026-03-10", "01"),
        Partition("quarantine", "2026-03-10", "01"),
        Partition("device_summary", "2026-03-10"),
        Partition("device_daily", "2026-03-09"),
        Partition("device_daily", "2026-03-10"),
        Partition("member_daily", "2026-03-10"),
    ]))
    altered = [sql.split()[2] for sql in cursor.statements if sql.startswith("ALTER TABLE")]
    assert altered == ["device_summary", "events", "quarantine", "device_daily", "member_daily"]
    rebuilds = [params["event_dt"] for sql, params in cursor.executed if sql == REBUILD_SQL]
    assert rebuilds == ["2026-03-09", "2026-03-10"]
    assert cursor.statements[-1] == REBUILD_SQL


def test_register_without_manifest_reads_event_days_from_events(tmp_path):
    _tree(tmp_path)
    cursor = FakeCursor([([], []), ([], []), ([], []), (["event_dt"], [("2026-03-10",)])])

    result = register_run(cursor, tmp_path, WAREHOUSE, "2026-03-10")

    assert result.event_days == ("2026-03-10",)
    assert (TOUCHED_DAYS_SQL, {"dt": "2026-03-10"}) in cursor.executed
    assert Partition("device_daily", "2026-03-09") not in result.partitions
    assert [params["event_dt"] for sql, params in cursor.executed if sql == REBUILD_SQL] == ["2026-03-10"]


def test_register_one_hour(tmp_path):
    _tree(tmp_path)
    _manifest(tmp_path, "2026-03-10", {"event_days": []})
    cursor = FakeCursor()

    result = register_run(cursor, tmp_path, WAREHOUSE, "2026-03-10", "01")

    assert [p for p in result.partitions if p.hour is not None] == [
        Partition("events", "2026-03-10", "01"), Partition("quarantine", "2026-03-10", "01"),
    ]
    assert REBUILD_SQL not in cursor.statements


@pytest.mark.parametrize("dt, hour", [("2026-3-10", None), ("2026-03-10", "1")])
def test_register_rejects_bad_dates_and_hours(tmp_path, dt, hour):
    cursor = FakeCursor()

    with pytest.raises(InvalidValue):
        register_run(cursor, tmp_path, WAREHOUSE, dt, hour)
    assert cursor.executed == []
