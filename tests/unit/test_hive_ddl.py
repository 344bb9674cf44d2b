"""Tests for hive.ddl and the DDL files: rendering, validation, and the table layouts."""

from __future__ import annotations

import re

import pytest

from hive.ddl import DdlError, apply_ddl, load_ddl, render, statements
from hive.dedup import DEDUP_COLUMNS
from hive.partitions import FILE_TABLES, PARTITIONED_TABLES
from hive.validate import InvalidValue
from mapreduce import records
from tests.unit.test_hive_fakes import FakeCursor
from warehouse.layout import LANDING_HOUR_DATASETS as LANDING_HOUR_TABLES

WAREHOUSE = "file:///data/warehouse"

_TABLE = re.compile(r"CREATE EXTERNAL TABLE IF NOT EXISTS kb\.(\w+) \(\n(.*?)\n\)\nCOMMENT '([^']+)'\n"
                    r"PARTITIONED BY \(\n(.*?)\n\)\n(.*)", re.DOTALL)
_COLUMN = re.compile(r"\s*(\w+)\s+(STRING|BIGINT|DOUBLE|BOOLEAN)\s+COMMENT\s+'([^'\\]+)',?")


def _tables() -> dict[str, dict]:
    tables = {}
    for ddl in load_ddl():
        for statement in statements(render(ddl.text, "kb", WAREHOUSE)):
            match = _TABLE.fullmatch(statement)
            if not statement.startswith("CREATE EXTERNAL TABLE"):
                continue
            assert match, "unexpected table DDL shape in %s" % ddl.name
            columns = [_COLUMN.fullmatch(line) for line in match.group(2).splitlines()]
            partitions = [_COLUMN.fullmatch(line) for line in match.group(4).splitlines()]
            assert all(columns) and all(partitions), "a column without type or COMMENT in %s" % ddl.name
            tables[match.group(1)] = {
                "columns": [m.groups() for m in columns],
                "partitions": [m.groups() for m in partitions],
                "comment": match.group(3),
                "storage": match.group(5),
            }
    return tables


def expected_type(dataset: str, column: str) -> str:
    """The type rule of the brief, column by column."""
    if column == "late":
        return "BOOLEAN"
    if dataset == "events" and column == "foot_traffic":
        return "BIGINT"
    if (column.endswith("_count") or column.startswith(("points", "distinct_"))
            or column in ("purchases", "amount_cents", "event_count", "device_count",
                          "redemptions", "checkins")):
        return "BIGINT"
    # battery_min is a battery percentage like battery_pct.
    if (column.endswith(("_pct", "_mean")) or column.startswith(("temperature", "humidity"))
            or column in ("foot_traffic_min", "foot_traffic_max", "battery_min")):
        return "DOUBLE"
    return "STRING"


def test_files_run_in_name_order_database_first():
    names = [ddl.name for ddl in load_ddl()]

    assert names == sorted(names)
    assert names[0] == "00_database"
    assert len(names) == 1 + len(PARTITIONED_TABLES)


def test_every_statement_is_rerunnable():
    for ddl in load_ddl():
        for statement in statements(render(ddl.text, "kb", WAREHOUSE)):
            assert "IF NOT EXISTS" in statement, ddl.name


def test_every_table_is_declared_once():
    assert sorted(_tables()) == sorted(PARTITIONED_TABLES)


@pytest.mark.parametrize("table", FILE_TABLES)
def test_text_tables_have_exactly_the_records_columns_and_types(table):
    declared = _tables()[table]["columns"]

    assert [name for name, _, _ in declared] == list(records.DATASETS[table])
    assert [(name, kind) for name, kind, _ in declared] == [
        (name, expected_type(table, name)) for name in records.DATASETS[table]
    ]


@pytest.mark.parametrize("table", PARTITIONED_TABLES)
def test_every_table_and_column_has_a_comment(table):
    spec = _tables()[table]

    assert spec["comment"].strip()
    assert all(comment.strip() for _, _, comment in spec["columns"] + spec["partitions"])


@pytest.mark.parametrize("table", FILE_TABLES)
def test_partition_columns(table):
    expected = ["dt", "hour"] if table in LANDING_HOUR_TABLES else ["dt"]

    assert [(name, kind) for name, kind, _ in _tables()[table]["partitions"]] == [
        (name, "STRING") for name in expected
    ]


@pytest.mark.parametrize("table", FILE_TABLES)
def test_text_tables_read_the_tsv_escaping(table):
    storage = _tables()[table]["storage"]

    # Hive 4: escape.crlf is a SerDe property, so the whole format is spelt as SerDe properties.
    assert storage.startswith("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'\n"
                              "WITH SERDEPROPERTIES (")
    assert "'field.delim' = '\\t'" in storage
    assert "'escape.delim' = '\\\\'" in storage
    assert "'line.delim' = '\\n'" in storage
    assert "STORED AS TEXTFILE" in storage
    assert "TBLPROPERTIES" not in storage
    assert "'serialization.escape.crlf' = 'true'" in storage
    assert "'serialization.null.format' = '\\\\N'" in storage
    assert "LOCATION '%s/%s'" % (WAREHOUSE, table) in storage


def test_events_dedup_is_parquet_by_event_day_with_the_rebuild_columns():
    spec = _tables()["events_dedup"]

    assert [name for name, _, _ in spec["columns"]] == list(DEDUP_COLUMNS)
    assert [name for name, _, _ in spec["partitions"]] == ["event_dt"]
    assert "STORED AS PARQUET" in spec["storage"]
    # External at a fixed place (Hive 4 would otherwise pick a folder of its own).
    assert spec["storage"].endswith("LOCATION '%s/events_dedup'" % WAREHOUSE)
    events_types = {name: kind for name, kind, _ in _tables()["events"]["columns"]}
    for name, kind, _ in spec["columns"]:
        assert kind == events_types.get(name, "STRING"), name


def test_render_fills_placeholders_from_checked_values():
    text = render("CREATE DATABASE ${database}; LOCATION '${warehouse}/x'", "kb_1", "hdfs://nn/wh/")

    assert text == "CREATE DATABASE kb_1; LOCATION 'hdfs://nn/wh/x'"


@pytest.mark.parametrize("database, warehouse", [
    ("kb; DROP DATABASE default", WAREHOUSE),
    ("kb", "file:///x' ; DROP TABLE y; --"),
    ("kb", "relative/path"),
])
def test_render_rejects_unsafe_values(database, warehouse):
    with pytest.raises(InvalidValue):
        render("${database} ${warehouse}", database, warehouse)


def test_render_rejects_unknown_and_malformed_placeholders():
    with pytest.raises(DdlError):
        render("${user_input}", "kb", WAREHOUSE)
    with pytest.raises(DdlError):
        render("${database", "kb", WAREHOUSE)


def test_statements_drop_comment_lines_and_split_on_line_end_semicolons():
    text = "-- header; not a statement\nCREATE A\n  (x);\n\n-- between\nCREATE B;\nCREATE C"

    assert statements(text) == ["CREATE A\n  (x)", "CREATE B", "CREATE C"]


def test_apply_ddl_runs_every_statement_without_parameters_and_is_repeatable():
    first, second = FakeCursor(), FakeCursor()

    applied = apply_ddl(first, "kb", WAREHOUSE)
    apply_ddl(second, "kb", WAREHOUSE)

    assert applied == [ddl.name for ddl in load_ddl()]
    assert first.executed == second.executed
    assert first.statements[0].startswith("CREATE DATABASE IF NOT EXISTS kb")
    assert all(params is None for _, params in first.executed)
    assert not any("${" in sql for sql in first.statements)


def test_apply_ddl_checks_before_running_anything():
    cursor = FakeCursor()

    with pytest.raises(InvalidValue):
        apply_ddl(cursor, "bad-name", WAREHOUSE)

    assert cursor.executed == []
