"""Tests for hive.register: run manifests and the order of a registration."""

from __future__ import annotations

import json

import pytest

from hive.dedup import TOUCHED_DAYS_SQL, rebuild_statement
from hive.register import register_run as _register_run
from hive.validate import InvalidValue
from tests.unit.test_hive_fakes import FakeCursor
from warehouse import layout
from warehouse.catalog import Catalog
from warehouse.layout import Partition
from warehouse.storage import Storage


def register_run(cursor, root, dt, hour=None):
    return _register_run(cursor, Catalog(Storage(str(root))), dt, hour)


def _complete(root, path):
    folder = root / path
    folder.mkdir(parents=True)
    (folder / "_SUCCESS").write_text("")


def _manifest(root, dt, content):
    path = root / layout.manifest_path(dt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))


@pytest.mark.parametrize("content", ["{not json", {"event_days": "2026-03-10"}, {"event_days": ["03/10/2026"]}])
def test_bad_manifests_fail_clearly(tmp_path, content):
    _manifest(tmp_path, "2026-03-10", content)

    with pytest.raises(InvalidValue):
        register_run(FakeCursor(), tmp_path, "2026-03-10")


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

    result = register_run(cursor, tmp_path, "2026-03-10")

    assert result.event_days == ("2026-03-09", "2026-03-10")
    assert result.partitions == tuple(sorted([
        Partition("events", "2026-03-10", 0),
        Partition("events", "2026-03-10", 1),
        Partition("quarantine", "2026-03-10", 1),
        Partition("device_summary", "2026-03-10"),
        Partition("device_daily", "2026-03-09"),
        Partition("device_daily", "2026-03-10"),
        Partition("member_daily", "2026-03-10"),
    ]))
    altered = [sql.split()[2] for sql in cursor.statements if sql.startswith("ALTER TABLE")]
    assert altered == ["device_summary", "events", "quarantine", "device_daily", "member_daily"]
    # One statement rebuilds every event day of the run, last.
    assert cursor.executed[-1] == rebuild_statement(["2026-03-09", "2026-03-10"])


def test_register_without_manifest_reads_event_days_from_events(tmp_path):
    _tree(tmp_path)
    cursor = FakeCursor([([], []), ([], []), ([], []), (["event_dt"], [("2026-03-10",)])])

    result = register_run(cursor, tmp_path, "2026-03-10")

    assert result.event_days == ("2026-03-10",)
    assert (TOUCHED_DAYS_SQL, {"dt": "2026-03-10"}) in cursor.executed
    assert Partition("device_daily", "2026-03-09") not in result.partitions
    assert cursor.executed[-1] == rebuild_statement(["2026-03-10"])


def test_register_one_hour(tmp_path):
    _tree(tmp_path)
    _manifest(tmp_path, "2026-03-10", {"event_days": []})
    cursor = FakeCursor()

    result = register_run(cursor, tmp_path, "2026-03-10", "01")

    assert [p for p in result.partitions if p.hour is not None] == [
        Partition("events", "2026-03-10", 1), Partition("quarantine", "2026-03-10", 1),
    ]
    assert not [sql for sql in cursor.statements if "events_dedup" in sql]


@pytest.mark.parametrize("dt, hour", [("2026-3-10", None), ("2026-03-10", "1")])
def test_register_rejects_bad_dates_and_hours(tmp_path, dt, hour):
    cursor = FakeCursor()

    with pytest.raises(InvalidValue):
        register_run(cursor, tmp_path, dt, hour)
    assert cursor.executed == []
