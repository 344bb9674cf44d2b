"""Partition registration against the real HiveServer2, from a hand-written warehouse tree."""

from __future__ import annotations

from hive.partitions import repair
from tests.integration.conftest_hive import event

DAY = "2026-02-10"
LATE_DAY = "2026-02-09"


def _events(prefix, n, landing_dt=DAY, day=DAY):
    return [event("%s-%d" % (prefix, i), "%sT08:00:%02d.000Z" % (day, i), landing_dt) for i in range(n)]


def _count(cursor, sql, params=None):
    cursor.execute(sql, params)
    return cursor.fetchall()[0][0]


def _partitions(cursor, table):
    cursor.execute("SHOW PARTITIONS %s" % table)
    return sorted(row[0] for row in cursor.fetchall())


def _tree(warehouse):
    warehouse.partition("events", DAY, _events("h0", 3), hour="00")
    warehouse.partition("events", DAY, _events("h1", 2) + _events("late", 1, day=LATE_DAY), hour="01")
    warehouse.partition("events", DAY, _events("h2", 5), hour="02", complete=False)
    warehouse.partition("quarantine", DAY, [{"reason": "malformed", "raw_line": "{"}] * 4, hour="01")
    warehouse.partition("device_daily", DAY, [{"device_id": "d1"}, {"device_id": "d2"}])
    warehouse.partition("device_daily", LATE_DAY, [{"device_id": "d1"}])
    warehouse.partition("device_daily", "2026-02-01", [{"device_id": "old"}])
    warehouse.partition("member_daily", DAY, [{"member_id": "m1"}])
    warehouse.partition("member_events", DAY, [{"member_id": "m1"}, {"member_id": "m1"}], complete=False)
    warehouse.partition("device_summary", DAY, [{"device_id": "d1"}, {"device_id": "d2"}])
    warehouse.partition("member_summary", DAY, [{"member_id": "m1"}])


def test_registers_exactly_the_complete_folders(warehouse, register, hive_cursor):
    _tree(warehouse)
    warehouse.manifest(DAY, [LATE_DAY, DAY])

    result = register(DAY)

    assert result.event_days == (LATE_DAY, DAY)
    assert _partitions(hive_cursor, "events") == ["dt=%s/hour=00" % DAY, "dt=%s/hour=01" % DAY]
    assert _partitions(hive_cursor, "quarantine") == ["dt=%s/hour=01" % DAY]
    assert _partitions(hive_cursor, "device_daily") == ["dt=%s" % LATE_DAY, "dt=%s" % DAY]
    assert _partitions(hive_cursor, "member_events") == []
    assert _count(hive_cursor, "SELECT count(*) FROM events") == 6
    assert _count(hive_cursor, "SELECT count(*) FROM quarantine WHERE dt = %(d)s", {"d": DAY}) == 4
    assert _count(hive_cursor, "SELECT count(*) FROM device_daily WHERE dt = %(d)s", {"d": DAY}) == 2
    assert _count(hive_cursor, "SELECT count(*) FROM device_summary") == 2
    assert _count(hive_cursor, "SELECT count(*) FROM member_summary") == 1
    assert _count(hive_cursor, "SELECT count(*) FROM events_dedup WHERE event_dt = %(d)s", {"d": LATE_DAY}) == 1


def test_registering_again_changes_nothing_and_a_finished_hour_is_added(warehouse, register, hive_cursor):
    _tree(warehouse)
    register(DAY)
    register(DAY)
    assert _count(hive_cursor, "SELECT count(*) FROM events") == 6

    (warehouse.root / "events" / ("dt=%s" % DAY) / "hour=02" / "_SUCCESS").write_text("")
    result = register(DAY, "02")

    assert [p.path for p in result.partitions if p.dataset == "events"] == ["events/dt=%s/hour=02" % DAY]
    assert _count(hive_cursor, "SELECT count(*) FROM events") == 11


def test_without_a_manifest_event_days_come_from_events(warehouse, register):
    _tree(warehouse)

    result = register(DAY)

    assert result.event_days == (LATE_DAY, DAY)


def test_repair_is_the_recovery_path_and_adds_incomplete_folders_too(settings, warehouse, hive_cursor):
    _tree(warehouse)

    repair(hive_cursor)

    assert "dt=%s/hour=02" % DAY in _partitions(hive_cursor, "events")
    assert _count(hive_cursor, "SELECT count(*) FROM events") == 11
