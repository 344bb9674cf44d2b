"""docs/hive.md documents every table, column and named query the package defines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hive.dedup import DEDUP_COLUMNS
from hive.partitions import PARTITIONED_TABLES
from hive.queries import list_queries
from mapreduce import records

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "hive.md"


def _documented_columns(table: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("### `%s`\n" % table, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE)


@pytest.mark.parametrize("table", PARTITIONED_TABLES)
def test_every_column_of_every_table_is_documented(table):
    if table == "events_dedup":
        expected = list(DEDUP_COLUMNS) + ["event_dt"]
    else:
        expected = list(records.DATASETS[table]) + (["dt", "hour"] if table in ("events", "quarantine") else ["dt"])

    assert _documented_columns(table) == expected


def test_every_named_query_is_documented():
    text = GUIDE.read_text(encoding="utf-8")

    for name in list_queries():
        assert "| `%s` |" % name in text
