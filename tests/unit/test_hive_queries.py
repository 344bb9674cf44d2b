"""Tests for hive.queries: the query kit files, parameter checking and running."""

from __future__ import annotations

import datetime

import pytest

from hive.queries import (
    Param,
    QueryError,
    bind_params,
    fetch,
    list_queries,
    load_query,
    parse_query,
    run_query,
)
from tests.unit.test_hive_fakes import FakeCursor

TODAY = datetime.date(2026, 11, 27)
REQUIRED = {"daily_active_devices", "top_merchants", "member_spend_cohorts", "reject_reasons", "late_share"}


def test_the_kit_has_the_required_queries():
    assert REQUIRED <= set(list_queries())


@pytest.mark.parametrize("name", list_queries())
def test_every_query_declares_documented_params_and_formats_cleanly(name):
    query = load_query(name)
    params = bind_params(query, {}, today=TODAY)

    assert query.description
    assert query.params and all(p.help for p in query.params)
    # What PyHive will do with the parameters: no stray % may break it.
    assert "%(" not in query.sql % {key: repr(value) for key, value in params.items()}


def test_unknown_query_names_the_known_ones():
    with pytest.raises(QueryError, match="late_share"):
        load_query("drop_everything")


SAMPLE = """-- Counts things.
-- Second line of the description.
-- param start_dt DATE default today-7: first day
-- param limit INT default 5: how many
SELECT x FROM t WHERE dt >= %(start_dt)s LIMIT %(limit)s;
"""


def test_parse_query_reads_header_and_sql():
    query = parse_query("sample", SAMPLE)

    assert query.description == "Counts things. Second line of the description."
    assert query.params == (
        Param("start_dt", "DATE", "today-7", "first day"),
        Param("limit", "INT", "5", "how many"),
    )
    assert query.sql == "SELECT x FROM t WHERE dt >= %(start_dt)s LIMIT %(limit)s"


@pytest.mark.parametrize("text, message", [
    ("-- param a DATE default today\nSELECT 1", "do not match"),
    ("-- d\nSELECT %(a)s", "do not match"),
    ("-- param a TEXT default x\nSELECT %(a)s", "unknown type"),
    ("-- param a DATE default yesterday\nSELECT %(a)s", "bad default"),
    ("-- param a INT default -1\nSELECT %(a)s", "bad default"),
    ("-- param a DATE default today\n-- param a DATE default today\nSELECT %(a)s", "twice"),
    ("-- param a DATE\nSELECT %(a)s", "cannot read"),
    ("-- only a header\n", "no SQL"),
])
def test_parse_query_rejects_malformed_files(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query("bad", text)


def test_bind_params_fills_defaults_and_converts():
    query = parse_query("sample", SAMPLE)

    assert bind_params(query, {}, today=TODAY) == {"start_dt": "2026-11-20", "limit": 5}
    assert bind_params(query, {"start_dt": "2026-01-02", "limit": "30"}, today=TODAY) == {
        "start_dt": "2026-01-02", "limit": 30,
    }
    assert bind_params(query, {"start_dt": "today"}, today=TODAY)["start_dt"] == "2026-11-27"


@pytest.mark.parametrize("given, message", [
    ({"end_dt": "2026-01-01"}, "unknown: end_dt"),
    ({"start_dt": "2026-02-30"}, "start_dt must be a date"),
    ({"start_dt": "2026-01-01' OR 1=1 --"}, "start_dt must be a date"),
    ({"limit": "10; DROP TABLE t"}, "limit must be a non-negative integer"),
    ({"limit": "-3"}, "limit must be a non-negative integer"),
])
def test_bind_params_rejects_unknown_names_and_bad_values(given, message):
    with pytest.raises(QueryError, match=message):
        bind_params(parse_query("sample", SAMPLE), given, today=TODAY)


def test_run_query_passes_sql_and_parameters_separately():
    query = parse_query("sample", SAMPLE)
    cursor = FakeCursor([(["t.x", "n"], [("a", 1), ("b", 2)])])

    columns, rows = run_query(cursor, query, {"start_dt": "2026-01-02", "limit": 5})

    assert cursor.executed == [(query.sql, {"start_dt": "2026-01-02", "limit": 5})]
    assert (columns, rows) == (["x", "n"], [("a", 1), ("b", 2)])


def test_run_query_requires_exactly_the_declared_params():
    query = parse_query("sample", SAMPLE)

    with pytest.raises(QueryError):
        run_query(FakeCursor(), query, {"start_dt": "2026-01-02"})
    with pytest.raises(QueryError):
        run_query(FakeCursor(), query, {"start_dt": "2026-01-02", "limit": 5, "extra": 1})


def test_fetch_without_a_result_set_is_empty():
    cursor = FakeCursor()
    cursor.execute("CREATE DATABASE x")

    assert fetch(cursor) == ([], [])


def test_fetch_tolerates_sparks_empty_result_column():
    class SparkDdlCursor(FakeCursor):
        def fetchall(self):
            raise TypeError("'NoneType' object is not iterable")

    cursor = SparkDdlCursor([(["Result"], [])])
    cursor.execute("DROP TABLE x")

    assert fetch(cursor) == ([], [])
