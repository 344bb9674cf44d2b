"""The warehouse layout: partitions, their paths, and what is not one."""

from __future__ import annotations

import datetime as dt

import pytest

from warehouse import layout
from warehouse.layout import LayoutError, Partition


def test_paths_and_specs_of_each_group():
    assert layout.partition("events", dt.date(2026, 11, 27), 8).path == "events/dt=2026-11-27/hour=08"
    assert layout.partition("member_daily", "2026-11-26").path == "member_daily/dt=2026-11-26"
    assert layout.partition("events", "2026-11-27", 8).spec == {"dt": "2026-11-27", "hour": "08"}
    assert layout.partition("device_summary", "2026-11-27").spec == {"dt": "2026-11-27"}


@pytest.mark.parametrize("path", [
    "events/dt=2026-11-27/hour=08", "member_events/dt=2026-02-28", "device_summary/dt=2026-11-27",
])
def test_paths_parse_back(path):
    assert Partition.parse(path).path == path


@pytest.mark.parametrize("dataset, day, hour", [
    ("events", "2026-11-27", None),          # landing-hour datasets need an hour
    ("member_daily", "2026-11-27", 8),       # event-day datasets have none
    ("events", "2026-11-27", 24),
    ("events", "2026-02-30", 1),
    ("nope", "2026-11-27", None),
    ("events", "2026-11-27\n", 1),
])
def test_what_is_not_a_partition(dataset, day, hour):
    with pytest.raises(LayoutError):
        Partition(dataset, day, hour)
    with pytest.raises(LayoutError):
        layout.partition(dataset, day, hour)


def test_partition_is_a_value_asked_for_once_per_row():
    first = layout.partition("events", "2026-11-27", 1)
    assert layout.partition("events", "2026-11-27", 1) is first  # the jobs ask for the same few, per row
    assert layout.partition("events", dt.date(2026, 11, 27), 1) == first
    with pytest.raises(LayoutError, match="bad hour True"):
        layout.partition("events", "2026-11-27", True)  # equal to 1, and still refused


@pytest.mark.parametrize("path", ["events/dt=2026-11-27", "x/dt=2026-11-27", "events/dt=2026-11-27/hour=8",
                                  "../events/dt=2026-11-27/hour=08", "member_daily/dt=2026-11-27/extra"])
def test_bad_paths_do_not_parse(path):
    with pytest.raises(LayoutError):
        Partition.parse(path)


def test_the_partition_of_a_data_file_in_any_spelling():
    for spelling in ("/w/member_daily/dt=2026-11-26/part-00000",
                     "file:///w/member_daily/dt=2026-11-26/part-00000",
                     "hdfs://nn:8020/w/member_daily/dt=2026-11-26/part-00001"):
        assert layout.partition_of_file(spelling) == Partition("member_daily", "2026-11-26")
    assert layout.partition_of_file("s3://b/w/events/dt=2026-11-27/hour=08/part-1").hour == 8
    with pytest.raises(LayoutError):
        layout.partition_of_file("/w/landing/dt=2026-11-26/hour=08/a.jsonl")


def test_names():
    assert layout.parse_hour_name("hour=08") == 8
    assert [layout.parse_hour_name(name) for name in ("hour=8", "hour=24", "hour=ab", "x")] == [None] * 4
    assert layout.parse_day_name("dt=2026-11-27") == "2026-11-27"
    assert layout.parse_day_name("dt=2026-13-01") is None
    assert layout.manifest_path("2026-11-27") == "_runs/dt=2026-11-27.json"
    assert layout.manifest_day("dt=2026-11-27.json") == "2026-11-27"
    assert layout.is_data_file("part-00000") and not layout.is_data_file("_SUCCESS")
