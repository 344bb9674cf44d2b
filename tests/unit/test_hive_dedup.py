"""Tests for hive.dedup: the events_dedup rebuild statements and the touched event days."""

from __future__ import annotations

import pytest

from hive.dedup import (
    DEDUP_COLUMNS,
    REBUILD_SQL,
    TOUCHED_DAYS_HOUR_SQL,
    TOUCHED_DAYS_SQL,
    landing_window,
    rebuild_events_dedup,
    touched_event_days,
)
from hive.validate import InvalidValue
from mapreduce.records import EVENT_COLUMNS
from tests.unit.test_hive_fakes import FakeCursor


@pytest.mark.parametrize("day, window", [
    ("2026-03-10", ("2026-03-09", "2026-03-18")),
    ("2026-01-01", ("2025-12-31", "2026-01-09")),
    ("2024-02-28", ("2024-02-27", "2024-03-07")),
])
def test_landing_window_is_one_day_before_to_eight_after(day, window):
    assert landing_window(day) == window


def test_rebuild_runs_one_overwrite_per_distinct_day_in_order():
    cursor = FakeCursor()

    days = rebuild_events_dedup(cursor, ["2026-03-10", "2026-03-09", "2026-03-10"])

    assert days == ["2026-03-09", "2026-03-10"]
    assert cursor.executed == [
        (REBUILD_SQL, {"event_dt": "2026-03-09", "first_dt": "2026-03-08", "last_dt": "2026-03-17"}),
        (REBUILD_SQL, {"event_dt": "2026-03-10", "first_dt": "2026-03-09", "last_dt": "2026-03-18"}),
    ]


def test_rebuild_checks_every_day_before_running_anything():
    cursor = FakeCursor()

    with pytest.raises(InvalidValue):
        rebuild_events_dedup(cursor, ["2026-03-10", "2026-03-10' OR '1'='1"])

    assert cursor.executed == []


def test_rebuild_sql_keeps_the_first_landed_copy_per_event_id():
    assert "INSERT OVERWRITE TABLE events_dedup PARTITION (event_dt=%(event_dt)s)" in REBUILD_SQL
    assert "row_number() OVER (PARTITION BY event_id ORDER BY dt, hour, source_file)" in REBUILD_SQL
    assert "WHERE copy_rank = 1" in REBUILD_SQL
    assert "event_dt = %(event_dt)s AND dt BETWEEN %(first_dt)s AND %(last_dt)s" in REBUILD_SQL


def test_rebuild_select_list_matches_the_table_columns():
    select = REBUILD_SQL.split("\n")[1][len("SELECT "):]
    outputs = [item.split(" AS ")[-1].strip() for item in select.split(",")]

    assert outputs == list(DEDUP_COLUMNS)
    assert set(DEDUP_COLUMNS) == (set(EVENT_COLUMNS) - {"event_dt"}) | {"landing_dt", "landing_hour"}


def test_touched_event_days_reads_distinct_valid_days_sorted():
    cursor = FakeCursor([(["event_dt"], [("2026-03-10",), ("2026-03-08",), ("garbage",), (None,)])])

    assert touched_event_days(cursor, "2026-03-10") == ["2026-03-08", "2026-03-10"]
    assert cursor.executed == [(TOUCHED_DAYS_SQL, {"dt": "2026-03-10"})]


def test_touched_event_days_of_one_hour():
    cursor = FakeCursor([(["event_dt"], [("2026-03-10",)])])

    assert touched_event_days(cursor, "2026-03-10", "04") == ["2026-03-10"]
    assert cursor.executed == [(TOUCHED_DAYS_HOUR_SQL, {"dt": "2026-03-10", "hour": "04"})]
