"""events_dedup against the real HiveServer2: one row per event_id, late data, reruns."""

from __future__ import annotations

from tests.integration.conftest_hive import event

EARLY = "2026-03-09"  # landing day before the event day (events may land up to 15 min early)
DAY = "2026-03-10"
NEXT = "2026-03-11"


def _rows(cursor, day):
    cursor.execute(
        "SELECT event_id, landing_dt, landing_hour, late, source_file FROM events_dedup"
        " WHERE event_dt = %(d)s ORDER BY event_id", {"d": day},
    )
    return cursor.fetchall()


def _first_run(warehouse, register):
    warehouse.partition("events", EARLY, [
        event("e6", DAY + "T00:05:00.000Z", EARLY, source_file="early.jsonl"),
    ], hour="23")
    warehouse.manifest(EARLY, [DAY])
    register(EARLY)
    warehouse.partition("events", DAY, [
        event("e1", DAY + "T00:10:00.000Z", DAY, source_file="a.jsonl"),
        event("e2", DAY + "T00:20:00.000Z", DAY, source_file="a.jsonl"),
        event("e3", DAY + "T00:30:00.000Z", DAY, event_type="purchase", member_id="m1",
              merchant_id="A", amount_cents=100, points=1, currency="USD", source_file="a.jsonl"),
        event("e6", DAY + "T00:05:00.000Z", DAY, source_file="a.jsonl"),
    ], hour="00")
    warehouse.partition("events", DAY, [
        event("e1", DAY + "T00:10:00.000Z", DAY, source_file="retry.jsonl"),
    ], hour="05")
    warehouse.manifest(DAY, [DAY])
    register(DAY)


def test_one_row_per_event_id_keeping_the_first_landed_copy(warehouse, register, hive_cursor):
    _first_run(warehouse, register)

    assert _rows(hive_cursor, DAY) == [
        ("e1", DAY, "00", False, "a.jsonl"),
        ("e2", DAY, "00", False, "a.jsonl"),
        ("e3", DAY, "00", False, "a.jsonl"),
        ("e6", EARLY, "23", False, "early.jsonl"),
    ]
    hive_cursor.execute("SELECT count(*), count(DISTINCT event_id) FROM events WHERE event_dt = %(d)s", {"d": DAY})
    assert hive_cursor.fetchall() == [(6, 4)]


def test_late_data_rebuilds_the_earlier_day_and_reruns_change_nothing(warehouse, register, hive_cursor):
    _first_run(warehouse, register)
    warehouse.partition("events", NEXT, [
        event("e4", DAY + "T23:59:00.000Z", NEXT, source_file="late.jsonl"),
        event("e2", DAY + "T00:20:00.000Z", NEXT, source_file="late.jsonl"),
        event("e5", NEXT + "T02:00:00.000Z", NEXT, source_file="late.jsonl"),
    ], hour="03")
    warehouse.manifest(NEXT, [DAY, NEXT])

    result = register(NEXT)
    after_late = _rows(hive_cursor, DAY)
    register(NEXT)

    assert result.event_days == (DAY, NEXT)
    assert after_late == [
        ("e1", DAY, "00", False, "a.jsonl"),
        ("e2", DAY, "00", False, "a.jsonl"),
        ("e3", DAY, "00", False, "a.jsonl"),
        ("e4", NEXT, "03", True, "late.jsonl"),
        ("e6", EARLY, "23", False, "early.jsonl"),
    ]
    assert _rows(hive_cursor, DAY) == after_late
    assert _rows(hive_cursor, NEXT) == [("e5", NEXT, "03", False, "late.jsonl")]
    hive_cursor.execute("SELECT count(*), count(DISTINCT event_id) FROM events_dedup")
    assert hive_cursor.fetchall() == [(6, 6)]
