"""Hive-compatible TSV rows: escaping, nulls, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapreduce import tsv


@pytest.mark.parametrize(
    "value, text",
    [
        (None, "\\N"),
        (True, "true"),
        (False, "false"),
        (12, "12"),
        (1.5, "1.5"),
        ("plain", "plain"),
        ("tab\there", "tab\\\there"),
        ("line\nbreak", "line\\nbreak"),
        ("cr\rhere", "cr\\rhere"),
        ("back\\slash", "back\\\\slash"),
        ("\\N", "\\\\N"),
        ("héllo ✓", "héllo ✓"),
    ],
)
def test_encode_one_value(value, text):
    assert tsv.encode_row([value]) == text


def test_rows_split_only_on_unescaped_tabs():
    row = tsv.encode_row(["a\tb", None, "c\\", "d"])
    assert tsv.split_row(row) == ["a\\\tb", "\\N", "c\\\\", "d"]
    assert tsv.decode_row(row) == ["a\tb", None, "c\\", "d"]


def test_decode_record_checks_the_width():
    assert tsv.decode_record("x\ty", ("a", "b")) == {"a": "x", "b": "y"}
    with pytest.raises(ValueError, match="row has 1 fields, expected 2"):
        tsv.decode_record("x", ("a", "b"))


@given(st.lists(st.one_of(st.none(), st.text()), min_size=1, max_size=6))
def test_round_trip_any_text(values):
    row = tsv.encode_row(values)
    assert "\n" not in row and "\r" not in row
    assert tsv.decode_row(row) == values


@given(st.lists(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                | st.text(alphabet=st.sampled_from("ab\\\t\r\nN é"), max_size=6), max_size=8))
def test_encode_row_is_each_value_formatted_and_escaped(values):
    expected = "\t".join(tsv.NULL if value is None else tsv.escape(tsv.format_value(value)) for value in values)
    assert tsv.encode_row(values) == expected
