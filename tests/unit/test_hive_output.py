"""Tests for hive.output: table, CSV and JSON renderings of result sets."""

from __future__ import annotations

import decimal
import json

import pytest

from hive.output import format_csv, format_json, format_rows, format_table

COLUMNS = ["event_dt", "device_type", "active_devices", "share"]
ROWS = [("2026-11-26", "phone", 120, 0.25), ("2026-11-27", None, 7, None)]


def test_table_aligns_columns_and_right_aligns_numbers():
    assert format_table(COLUMNS, ROWS).splitlines() == [
        "event_dt    device_type  active_devices  share",
        "----------  -----------  --------------  -----",
        "2026-11-26  phone                   120   0.25",
        "2026-11-27  NULL                      7  NULL",
        "(2 rows)",
    ]


def test_table_keeps_each_row_on_one_line():
    text = format_table(["v"], [("a\tb\nc",), (True,)])

    assert text.splitlines()[2:] == ["a\\tb\\nc", "true", "(2 rows)"]


def test_table_counts_wide_characters_twice():
    lines = format_table(["name", "n"], [("日本", 1), ("abcd", 22)]).splitlines()

    assert lines[2] == "日本   1"
    assert lines[3] == "abcd  22"


def test_table_of_no_rows_and_no_columns():
    assert format_table(["a"], []).splitlines() == ["a", "-", "(0 rows)"]
    assert format_table([], []) == ""


def test_csv_quotes_and_writes_null_as_empty():
    text = format_csv(["a", "b"], [("x,y", None), ('say "hi"', 3)])

    assert text.splitlines() == ["a,b", '"x,y",', '"say ""hi""",3']


def test_json_is_an_array_of_objects():
    text = format_json(["a", "n", "d"], [("ünï", None, decimal.Decimal("1.50")), ("b", 2, decimal.Decimal(3))])

    assert "ünï" in text
    assert json.loads(text) == [{"a": "ünï", "n": None, "d": 1.5}, {"a": "b", "n": 2, "d": 3}]


def test_format_rows_dispatches_and_rejects_unknown_formats():
    assert format_rows(["a"], [(1,)], "csv") == "a\n1"
    with pytest.raises(ValueError):
        format_rows(["a"], [(1,)], "xml")
