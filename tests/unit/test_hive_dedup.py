"""Tests for hive.dedup: the events_dedup rebuild statements and the touched event days."""

from __future__ import annotations

import re

import pytest

from hive.dedup import (
    DEDUP_COLUMNS,
    TOUCHED_DAYS_HOUR_SQL,
    TOUCHED_DAYS_SQL,
    landing_window,
    rebuild_events_dedup,
    rebuild_statement,
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


def test_rebuild_runs_one_statement_for_every_distinct_day():
    cursor = FakeCursor()

    days = rebuild_events_dedup(cursor, ["2026-03-10", "2026-03-09", "2026-03-10"])

    assert days == ["2026-03-09", "2026-03-10"]
    assert cursor.executed == [rebuild_statement(["2026-03-09", "2026-03-10"])]


def test_no_event_day_runs_nothing():
    cursor = FakeCursor()

    assert rebuild_events_dedup(cursor, []) == []
    assert cursor.executed == []


def test_rebuild_checks_every_day_before_running_anything():
    cursor = FakeCursor()

    with pytest.raises(InvalidValue):
        rebuild_events_dedup(cursor, ["2026-03-10", "2026-03-10' OR '1'='1"])

    assert cursor.executed == []


def test_each_day_gets_its_own_window_and_static_partition():
    sql, params = rebuild_statement(["2026-03-10", "2026-03-09"])

    assert params == {
        "event_dt0": "2026-03-09", "first_dt0": "2026-03-08", "last_dt0": "2026-03-17",
        "event_dt1": "2026-03-10", "first_dt1": "2026-03-09", "last_dt1": "2026-03-18",
        "first_dt": "2026-03-08", "last_dt": "2026-03-18",
    }
    assert "WHERE dt BETWEEN %(first_dt)s AND %(last_dt)s AND (" \
        "(event_dt = %(event_dt0)s AND dt BETWEEN %(first_dt0)s AND %(last_dt0)s) OR " \
        "(event_dt = %(event_dt1)s AND dt BETWEEN %(first_dt1)s AND %(last_dt1)s))" in sql
    for i in (0, 1):
        assert "INSERT OVERWRITE TABLE events_dedup PARTITION (event_dt=%%(event_dt%d)s)" % i in sql
        assert "WHERE event_dt = %%(event_dt%d)s AND copy_rank = 1" % i in sql
    assert sql.count("INSERT OVERWRITE") == 2


def test_the_first_landed_copy_is_kept_per_event_day_and_event_id():
    sql, _ = rebuild_statement(["2026-03-10"])

    assert sql.startswith("FROM (\n")
    assert "row_number() OVER (PARTITION BY event_dt, event_id ORDER BY dt, hour, source_file) AS copy_rank" in sql
    assert "FROM events\n" in sql


def test_every_placeholder_has_a_parameter():
    sql, params = rebuild_statement(["2026-03-%02d" % day for day in range(1, 10)])

    assert set(re.findall(r"%\((\w+)\)s", sql)) == set(params)
    assert sql.count("INSERT OVERWRITE") == 9


def test_an_empty_rebuild_is_refused():
    with pytest.raises(InvalidValue):
        rebuild_statement([])


def test_rebuild_select_list_matches_the_table_columns():
    _, insert = rebuild_statement(["2026-03-10"])[0].split("INSERT OVERWRITE", 1)
    select = insert.split("\n")[1][len("SELECT "):].split(" WHERE ")[0]
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
