"""Tests for hive.validate: the values that must be written into SQL text."""

from __future__ import annotations

import pytest

from hive.validate import (
    InvalidValue,
    check_database,
    check_dt,
    check_hour,
    check_warehouse_uri,
)


@pytest.mark.parametrize("name", ["kickback", "kbtest_ab12cd", "_x", "A1"])
def test_database_accepts_identifiers(name):
    assert check_database(name) == name


@pytest.mark.parametrize("name", ["", "1abc", "a-b", "kb; DROP DATABASE x", "a b", "x" * 129, "kb`", None])
def test_database_rejects_anything_else(name):
    with pytest.raises(InvalidValue):
        check_database(name)


@pytest.mark.parametrize("value", ["2026-11-27", "2024-02-29", "1999-12-31"])
def test_dt_accepts_calendar_dates(value):
    assert check_dt(value) == value


@pytest.mark.parametrize("value", ["2026-02-30", "2026-1-01", "2026-11-27'", "2026-11-27 ", "", None, "20261127"])
def test_dt_rejects_non_dates(value):
    with pytest.raises(InvalidValue):
        check_dt(value)


@pytest.mark.parametrize("value", ["00", "09", "10", "23"])
def test_hour_accepts_00_to_23(value):
    assert check_hour(value) == value


@pytest.mark.parametrize("value", ["24", "7", "1a", "-1", "", None, "007"])
def test_hour_rejects_others(value):
    with pytest.raises(InvalidValue):
        check_hour(value)


@pytest.mark.parametrize("uri, expected", [
    ("file:///data/wh", "file:///data/wh"),
    ("file:///data/wh/", "file:///data/wh"),
    ("hdfs://namenode:8020/warehouse", "hdfs://namenode:8020/warehouse"),
    ("s3a://bucket/kick back/wh", "s3a://bucket/kick back/wh"),
])
def test_warehouse_uri_accepts_absolute_uris(uri, expected):
    assert check_warehouse_uri(uri) == expected


@pytest.mark.parametrize("uri", [
    "file:///a'b", 'file:///a"b', "file:///a`b", "file:///a\\b", "file:///a\nb",
    "file:///x${y}", "/local/path", "file:///", "hdfs://namenode", "wh", None,
])
def test_warehouse_uri_rejects_quotes_relative_and_empty(uri):
    with pytest.raises(InvalidValue):
        check_warehouse_uri(uri)
