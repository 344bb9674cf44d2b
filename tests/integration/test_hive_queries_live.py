"""The query kit against the real HiveServer2: every named query, and partition pruning."""

from __future__ import annotations

import json

import pytest

from hive.queries import bind_params, list_queries, load_query, run_query
from tests.integration.conftest_hive import event

FIRST_WEEK = "2026-03-30"  # a Monday
DAY = "2026-04-06"  # the Monday after
NEXT = "2026-04-07"


def _purchase(event_id, member, merchant, points, cents, currency):
    return event(event_id, DAY + "T12:00:00.000Z", DAY, event_type="purchase", member_id=member,
                 merchant_id=merchant, points=points, amount_cents=cents, currency=currency)


@pytest.fixture
def loaded(warehouse, register):
    """Two runs' worth of outputs, registered as `kickback hive register` would."""
    warehouse.partition("member_daily", FIRST_WEEK, [{"member_id": "m1"}])
    warehouse.manifest(FIRST_WEEK, [FIRST_WEEK])
    register(FIRST_WEEK)

    warehouse.partition("events", DAY, [
        _purchase("p1", "m1", "A", 10, 1000, "USD"),
        _purchase("p2", "m2", "B", 30, 500, "USD"),
        _purchase("p3", "m1", "B", 5, 200, "EUR"),
    ], hour="12")
    warehouse.partition("quarantine", DAY, [
        {"reason": "bad_value", "raw_line": '{"device_type": "pos", "event_type": "bogus"}'},
        {"reason": "bad_value", "raw_line": '{"device_type":"pos","ts":true}'},
        {"reason": "bad_value", "raw_line": '{"device_type": "toaster"}'},
        {"reason": "malformed", "raw_line": "not json"},
        {"reason": "malformed", "raw_line": None, "raw_base64": "/w=="},
    ], hour="12")
    warehouse.partition("device_daily", DAY, [
        {"device_id": "d1", "device_type": "phone", "event_count": 5},
        {"device_id": "d2", "device_type": "pos", "event_count": 3},
    ])
    warehouse.partition("member_daily", DAY, [{"member_id": "m1"}, {"member_id": "m2"}])
    warehouse.manifest(DAY, [DAY])
    register(DAY)

    warehouse.partition("events", NEXT, [
        event("l1", DAY + "T23:00:00.000Z", NEXT),
        event("n1", NEXT + "T01:00:00.000Z", NEXT),
    ], hour="00")
    warehouse.partition("device_daily", NEXT, [{"device_id": "d1", "device_type": "phone", "event_count": 2}])
    warehouse.manifest(NEXT, [DAY, NEXT])
    register(NEXT)


def run(cursor, name, **params):
    query = load_query(name)
    return run_query(cursor, query, bind_params(query, params))


def test_every_named_query_returns_the_expected_rows(loaded, hive_cursor):
    window = {"start_dt": DAY, "end_dt": NEXT}
    results = {name: run(hive_cursor, name, **window) for name in list_queries()}
    one_merchant = run(hive_cursor, "top_merchants", limit="1", **window)

    assert results["daily_active_devices"] == (
        ["event_dt", "device_type", "active_devices", "events"],
        [(DAY, "phone", 1, 5), (DAY, "pos", 1, 3), (NEXT, "phone", 1, 2)],
    )
    assert results["top_merchants"] == (
        ["merchant_id", "points_issued", "purchases", "members"],
        [("B", 35, 2, 2), ("A", 10, 1, 1)],
    )
    assert one_merchant[1] == [("B", 35, 2, 2)]
    assert results["member_spend_cohorts"] == (
        ["cohort_week", "currency", "members", "purchases", "spend_cents", "spend_cents_per_member"],
        [(FIRST_WEEK, "EUR", 1, 1, 200, 200.0), (FIRST_WEEK, "USD", 1, 1, 1000, 1000.0), (DAY, "USD", 1, 1, 500, 500.0)],
    )
    assert results["reject_reasons"] == (
        ["landing_dt", "device_type", "reason", "rejected"],
        [(DAY, "pos", "bad_value", 2), (DAY, "unknown", "bad_value", 1), (DAY, "unknown", "malformed", 2)],
    )
    assert results["late_share"] == (
        ["event_dt", "events", "late_events", "late_share"],
        [(DAY, 4, 1, 0.25), (NEXT, 1, 0, 0.0)],
    )
    assert set(results) == {"daily_active_devices", "top_merchants", "member_spend_cohorts",
                            "reject_reasons", "late_share"}, "a new query needs its expected rows here"


def _inputs(cursor, name, start, end):
    """The partitions Hive's own plan says the query reads (EXPLAIN DEPENDENCY)."""
    query = load_query(name)
    cursor.execute("EXPLAIN DEPENDENCY " + query.sql, bind_params(query, {"start_dt": start, "end_dt": end}))
    plan = json.loads(cursor.fetchall()[0][0])
    return [item["partitionName"] for item in plan["input_partitions"]]


def test_a_one_day_query_reads_one_partition(loaded, hive_cursor, settings):
    db = settings.hive_database

    # Text (device_daily) and Parquet (events_dedup): the metastore partitions left after pruning.
    assert _inputs(hive_cursor, "daily_active_devices", DAY, DAY) == ["%s@device_daily@dt=%s" % (db, DAY)]
    assert _inputs(hive_cursor, "late_share", DAY, DAY) == ["%s@events_dedup@event_dt=%s" % (db, DAY)]
    # The same queries over two days read two partitions.
    assert _inputs(hive_cursor, "daily_active_devices", DAY, NEXT) == [
        "%s@device_daily@dt=%s" % (db, DAY), "%s@device_daily@dt=%s" % (db, NEXT)]
    assert _inputs(hive_cursor, "late_share", DAY, NEXT) == [
        "%s@events_dedup@event_dt=%s" % (db, DAY), "%s@events_dedup@event_dt=%s" % (db, NEXT)]
    # And the files actually read are that partition's.
    hive_cursor.execute("SELECT DISTINCT INPUT__FILE__NAME FROM events_dedup WHERE event_dt = %(d)s", {"d": DAY})
    files = [row[0] for row in hive_cursor.fetchall()]
    assert files and all("/events_dedup/event_dt=%s/" % DAY in path for path in files)
