"""Typed cell reads, row shaping and filter quoting: pure functions."""

from __future__ import annotations

import datetime

import pytest

from api import filters, shapes
from api.cells import BadCell, Cells, parse_time, qualifiers
from hbase_schema import keys

UTC = datetime.timezone.utc


def test_cells_types_and_nulls():
    row = Cells({b"s:n": b"42", b"s:f": b"57.5", b"s:t": b"2026-11-27T08:15:00.123Z",
                 b"s:j": b'{"USD": 1}', b"s:empty": b"", b"x:n": b"7"}, "s")
    assert row.integer("n") == 42
    assert row.number("f") == 57.5
    assert row.time("t") == datetime.datetime(2026, 11, 27, 8, 15, 0, 123000, tzinfo=UTC)
    assert row.json("j") == {"USD": 1}
    assert row.text("empty") is None and row.integer("empty") is None
    assert row.integer("absent") is None


@pytest.mark.parametrize("cells, read", [
    ({b"s:v": b"4.5"}, "integer"),
    ({b"s:v": b"x"}, "number"),
    ({b"s:v": b"{"}, "json"),
    ({b"s:v": b"2026-11-27T08:15:00"}, "time"),
    ({b"s:v": b"\xff"}, "text"),
])
def test_bad_cells_raise_bad_cell(cells, read):
    with pytest.raises(BadCell):
        getattr(Cells(cells, "s"), read)("v")


def test_non_finite_numbers_read_as_null():
    assert Cells({b"s:v": b"nan"}, "s").number("v") is None
    assert Cells({b"s:v": b"inf"}, "s").number("v") is None


def test_parse_time_rejects_non_strings():
    with pytest.raises(BadCell):
        parse_time(12, "x")
    assert parse_time(None, "x") is None


def test_qualifiers_of_one_family():
    assert qualifiers({b"d:p-1": b"a", b"s:as_of": b"b"}, "d") == {"p-1": b"a"}


def test_money_sorted_by_currency():
    assert shapes.money({"USD": 5, "EUR": 7}) == [
        {"amount_cents": 7, "currency": "EUR"}, {"amount_cents": 5, "currency": "USD"}]
    assert shapes.money(None) == []
    with pytest.raises(BadCell):
        shapes.money({"USD": 1.5})
    with pytest.raises(BadCell):
        shapes.money([1])


def test_member_event_falls_back_to_the_key():
    key = keys.event_key("m-1", 1764230100123, "e-9")
    event = shapes.member_event(key, {b"e:event_type": b"redeem", b"e:points": b"100"})
    assert event["event_id"] == "e-9"
    assert event["event_time"] == datetime.datetime(2025, 11, 27, 7, 55, 0, 123000, tzinfo=UTC)
    assert event["amount"] is None and event["points"] == 100


def test_member_event_amount_defaults_to_usd():
    key = keys.event_key("m-1", 0, "e-1")
    event = shapes.member_event(key, {b"e:amount_cents": b"250", b"e:currency": b""})
    assert event["amount"] == {"amount_cents": 250, "currency": "USD"}


def test_member_devices_bad_json_is_bad_cell():
    with pytest.raises(BadCell):
        shapes.member_devices("m-1", {b"d:p-1": b"not json"})
    with pytest.raises(BadCell):
        shapes.member_devices("m-1", {b"d:p-1": b"[1]"})


def test_member_devices_without_last_seen_sort_last():
    shaped = shapes.member_devices("m-1", {
        b"d:b": b'{"device_type": "pos"}',
        b"d:a": b'{"device_type": "phone", "last_seen": "2026-01-01T00:00:00.000Z"}',
        b"s:as_of": b""})
    assert [device["device_id"] for device in shaped["devices"]] == ["a", "b"]
    assert shaped["as_of"] is None


def test_device_day_shape():
    key = keys.daily_key("d-1", datetime.date(2026, 11, 27))
    day = shapes.device_day(key, {b"r:event_count": b"3", b"r:events_by_type": b'{"heartbeat": 3}',
                                  b"r:battery_min": b"10"})
    assert day["date"] == datetime.date(2026, 11, 27)
    assert day["event_count"] == 3 and day["battery_min"] == 10.0
    assert day["spend"] == [] and day["purchases"] is None


def test_filter_quotes_single_quotes():
    assert filters.column_equals("e", "event_type", "it's") == (
        b"SingleColumnValueFilter ('e', 'event_type', =, 'binary:it''s', true, true)")
