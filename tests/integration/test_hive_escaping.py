"""Values written by mapreduce/tsv.py read back unchanged through HiveServer2.

Each test has its own database and warehouse (conftest_hive.py).
"""

from __future__ import annotations

import pytest

from hive.partitions import add_partitions, discover
from tests.integration.conftest_hive import event
from warehouse.catalog import Catalog
from warehouse.storage import Storage

pytestmark = pytest.mark.integration

DT = "2026-01-05"
HARD = "tab\there\nnew line\\back\\\\slash\rcr ünïcödé 日本語 \\N \\t end"


@pytest.fixture
def add(settings, hive_cursor):
    """Register one complete partition folder of the test warehouse."""
    def run(table, dt, hour):
        storage = Storage(str(settings.warehouse_dir))
        partitions = discover(Catalog(storage), table, dt, hour)
        add_partitions(hive_cursor, partitions, storage)
    return run


def test_hard_text_round_trips_through_quarantine(warehouse, add, hive_cursor):
    warehouse.partition("quarantine", DT, [
        {"reason": "malformed", "detail": None, "source_file": "f.jsonl",
         "raw_line": HARD, "raw_base64": ""},
    ], hour="00")
    add("quarantine", DT, "00")

    hive_cursor.execute(
        "SELECT reason, detail, raw_line, raw_base64 FROM quarantine WHERE dt = %(dt)s", {"dt": DT}
    )

    assert hive_cursor.fetchall() == [("malformed", None, HARD, "")]


def test_typed_columns_and_nulls_read_back(warehouse, add, hive_cursor):
    warehouse.partition("events", DT, [
        event("esc-1", "2026-01-04T23:59:59.999Z", DT, event_type="purchase", member_id="m1",
              merchant_id="mer\t1", amount_cents=1250, points=12, app_version=HARD),
        event("esc-2", "2026-01-05T01:00:00.000Z", DT, event_type="reading", temperature_c=21.5,
              foot_traffic=7),
    ], hour="01")
    add("events", DT, "01")

    hive_cursor.execute(
        "SELECT event_id, late, merchant_id, amount_cents, points, app_version, member_id,"
        " temperature_c, foot_traffic FROM events WHERE dt = %(dt)s AND hour = '01' ORDER BY event_id",
        {"dt": DT},
    )

    assert hive_cursor.fetchall() == [
        ("esc-1", True, "mer\t1", 1250, 12, HARD, "m1", None, None),
        ("esc-2", False, None, None, None, None, None, 21.5, 7),
    ]
