"""Tests for mapreduce.device_log: the device-log v1 contract, rule by rule."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapreduce.contract import MAX_LINE_BYTES, REJECT_REASONS
from mapreduce.device_log import (
    Event,
    Rejection,
    event_keys_of,
    event_row,
    landing_hour_from_path,
    landing_source_name,
    parse_line,
    quarantine_row,
)
from mapreduce.records import EVENT_COLUMNS, QUARANTINE_COLUMNS
from mapreduce.utc import (
    _iso_to_ms_general,  # the fast path's reference
    format_date,
    format_time,
    iso_to_ms,
    landing_hour_start_ms,
)

LANDING = landing_hour_start_ms("2026-11-27", 8)
HOUR = 3_600_000
DAY = 24 * HOUR
LOWER = LANDING - 7 * DAY
UPPER = LANDING + HOUR + 15 * 60_000  # exclusive
TS = "2026-11-27T08:15:00.123Z"
TS_MS = LANDING + 15 * 60_000 + 123

BASE = {
    "purchase": {
        "member_id": "m-1",
        "attrs": {"merchant_id": "shop-9", "amount_cents": 1250, "points": 12},
    },
    "redeem": {"member_id": "m-1", "attrs": {"points": 50}},
    "checkin": {"member_id": "m-1", "attrs": {"store_id": "store-4"}},
    "heartbeat": {"attrs": {"battery_pct": 87.5, "app_version": "3.2.1", "os": "ios"}},
    "reading": {"attrs": {"temperature_c": 21.5}},
    "app_open": {},
}

_DROP = object()
_KEEP = object()


def make(kind="purchase", attrs=_KEEP, **fields):
    """A valid event of type ``kind`` as a dict; fields override (``_DROP`` removes).

    A dict ``attrs`` overrides single attrs; anything else replaces ``attrs`` whole.
    """
    obj = {
        "event_id": "e-1",
        "device_id": "dev:1",
        "device_type": "phone",
        "event_type": kind,
        "ts": TS,
    }
    base = BASE[kind]
    if "member_id" in base:
        obj["member_id"] = base["member_id"]
    if "attrs" in base:
        obj["attrs"] = dict(base["attrs"])
    if isinstance(attrs, dict):
        for name, value in attrs.items():
            if value is _DROP:
                obj["attrs"].pop(name, None)
            else:
                obj.setdefault("attrs", {})[name] = value
    elif attrs is not _KEEP:
        fields["attrs"] = attrs
    for name, value in fields.items():
        if value is _DROP:
            obj.pop(name, None)
        else:
            obj[name] = value
    return obj


def line_of(obj) -> bytes:
    try:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep them as JSON escapes
        return json.dumps(obj).encode("ascii")


def parse(obj_or_line, landing=LANDING):
    line = obj_or_line if isinstance(obj_or_line, bytes) else line_of(obj_or_line)
    return parse_line(line, landing)


def reason(outcome):
    return outcome.reason if isinstance(outcome, Rejection) else type(outcome).__name__


# --- blank lines -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [b"", b" ", b"\t \t", b"\r", b" \r", b"\xef\xbb\xbf", b"\xef\xbb\xbf  ", b" " * 70000],
)
def test_blank_lines_are_none(line):
    assert parse_line(line, LANDING) is None


# --- accepted events ---------------------------------------------------------


@pytest.mark.parametrize(
    "event_type, attrs",
    [
        ("purchase", {"merchant_id": "shop-9", "amount_cents": 1250, "points": 12, "currency": "USD"}),
        ("redeem", {"points": 50, "merchant_id": None}),
        ("checkin", {"store_id": "store-4"}),
        ("heartbeat", {"battery_pct": 87.5, "app_version": "3.2.1", "os": "ios"}),
        ("reading", {"temperature_c": 21.5, "humidity_pct": None, "foot_traffic": None}),
        ("app_open", {"app_version": None, "os": None}),
    ],
)
def test_each_event_type_is_accepted_with_normalized_attrs(event_type, attrs):
    outcome = parse(make(event_type))
    assert outcome == Event(
        "e-1",
        "dev:1",
        "phone",
        event_type,
        BASE[event_type].get("member_id"),
        TS_MS,
        attrs,
    )


@pytest.mark.parametrize(
    "obj, field, expected",
    [
        (make(attrs={"currency": "EUR"}), "currency", "EUR"),
        (make(attrs={"currency": None}), "currency", "USD"),
        (make(attrs={"amount_cents": 1250.0}), "amount_cents", 1250),
        (make(attrs={"amount_cents": 0}), "amount_cents", 0),
        (make(attrs={"points": 0}), "points", 0),
        (make(attrs={"amount_cents": 9223372036854775807}), "amount_cents", 2**63 - 1),
        (make(attrs={"merchant_id": "Café Ünïcode 東京 🛒"}), "merchant_id", "Café Ünïcode 東京 🛒"),
        (make(attrs={"merchant_id": "tab\there"}), "merchant_id", "tab\there"),
        (make("redeem", attrs={"merchant_id": "shop-2"}), "merchant_id", "shop-2"),
        (make("redeem", attrs={"points": 5.0}), "points", 5),
        (make("heartbeat", attrs={"battery_pct": 100}), "battery_pct", 100.0),
        (make("heartbeat", attrs={"battery_pct": 0}), "battery_pct", 0.0),
        (make("heartbeat", attrs={"battery_pct": None}), "battery_pct", None),
        (make("heartbeat", attrs={"os": "Android 14 (Pixel 8)"}), "os", "Android 14 (Pixel 8)"),
        (make("reading", attrs={"temperature_c": -40}), "temperature_c", -40.0),
        (make("reading", attrs={"temperature_c": 1e18}), "temperature_c", 1e18),
        (make("reading", attrs={"temperature_c": None, "humidity_pct": 55}), "humidity_pct", 55.0),
        (make("reading", attrs={"temperature_c": _DROP, "foot_traffic": 12.0}), "foot_traffic", 12),
        (make("reading", attrs={"foot_traffic": 0}), "foot_traffic", 0),
    ],
)
def test_attr_values_are_normalized(obj, field, expected):
    outcome = parse(obj)
    assert isinstance(outcome, Event), outcome
    assert outcome.attrs[field] == expected
    assert type(outcome.attrs[field]) is type(expected)


def test_unknown_fields_and_attrs_are_ignored():
    obj = make(
        attrs={"extra": {"deep": [1, {"x": None}]}, "huge": 10**40},
        schema_version=7,
        nested={"a": [[[]]], "b": "\ud83d\ude00"},
    )
    outcome = parse(obj)
    assert isinstance(outcome, Event)
    assert set(outcome.attrs) == {"merchant_id", "amount_cents", "points", "currency"}


@pytest.mark.parametrize(
    "line",
    [
        b'{"junk": 123456789012345678901234567890, "x": 1}',
        b'{"junk": 1' + b"0" * 5000 + b', "x": 1}',
        b'{"junk": 1e400, "x": 1}',
        b'{"junk": "\\ud800", "x": 1}',
    ],
)
def test_what_orjson_cannot_represent_in_unknown_fields_is_ignored(line):
    obj = line_of(make())
    merged = obj[:-1] + b", " + line[1:]
    assert isinstance(parse_line(merged, LANDING), Event)


def test_null_optional_fields_mean_absent():
    outcome = parse(make("heartbeat", member_id=None, attrs={"app_version": None}))
    assert isinstance(outcome, Event)
    assert outcome.member_id is None
    assert outcome.attrs["app_version"] is None
    assert isinstance(parse(make("app_open", attrs=None)), Event)
    assert isinstance(parse(make("heartbeat", attrs=None)), Event)
    assert parse(make("app_open", attrs=None)).attrs == {"app_version": None, "os": None}


def test_member_id_is_kept_on_other_event_types():
    assert parse(make("reading", member_id="m_7")).member_id == "m_7"


def test_bom_is_stripped():
    assert isinstance(parse(b"\xef\xbb\xbf" + line_of(make())), Event)


def test_trailing_cr_is_tolerated():
    assert parse(line_of(make()) + b"\r") == parse(make())


def test_non_ascii_raw_bytes_are_accepted():
    line = json.dumps(make(attrs={"merchant_id": "Bäckerei Müller"}), ensure_ascii=True).encode()
    assert parse(line).attrs["merchant_id"] == "Bäckerei Müller"


def _padded(size: int) -> bytes:
    line = line_of(make(pad=""))
    line = line.replace(b'"pad": ""', b'"pad": "' + b"x" * (size - len(line)) + b'"')
    assert len(line) == size
    return line


def test_line_of_exactly_max_bytes_is_accepted():
    assert isinstance(parse(_padded(MAX_LINE_BYTES)), Event)
    assert isinstance(parse(_padded(MAX_LINE_BYTES) + b"\r"), Event)


# --- timestamps --------------------------------------------------------------


@pytest.mark.parametrize(
    "ts, expected",
    [
        (TS, TS_MS),
        ("2026-11-27t08:15:00.123z", TS_MS),
        ("2026-11-27 08:15:00.123Z", TS_MS),
        ("2026-11-27T13:45:00.123+05:30", TS_MS),
        ("2026-11-27T13:45:00.123+0530", TS_MS),
        ("2026-11-27T03:15:00.123-05", TS_MS),
        ("2026-11-27T08:15:00.123-00:00", TS_MS),
        ("2026-11-27T08:15:00.123456789Z", TS_MS),
        ("2026-11-27T08:15:00,1Z", TS_MS - 23),
        ("2026-11-27T08:15:00Z", TS_MS - 123),
        ("2026-11-27T08:15Z", TS_MS - 123),
        ("2026-11-26T23:59:59.999Z", LANDING - 8 * HOUR - 1),
        (TS_MS, TS_MS),
        (float(TS_MS), TS_MS),
        (LOWER, LOWER),
        (UPPER - 1, UPPER - 1),
        (format_time(LOWER), LOWER),
        (format_time(UPPER - 1), UPPER - 1),
    ],
)
def test_accepted_timestamps(ts, expected):
    outcome = parse(make(ts=ts))
    assert isinstance(outcome, Event), outcome
    assert outcome.event_ms == expected


@pytest.mark.parametrize(
    "ts",
    [
        LOWER - 1,
        UPPER,
        format_time(LOWER - 1),
        format_time(UPPER),
        "2026-11-27T08:15:00.123",  # no offset
        "2026-11-27",
        "2026-11-27T08",
        "20261127T081500Z",
        "yesterday",
        "",
        str(TS_MS),
        " " + TS,
        "2026-02-30T08:15:00Z",
        "2026-11-27T24:00:00Z",
        "2026-11-27T08:60:00Z",
        "2026-11-27T08:15:60Z",
        "2026-11-27T08:15:00+24:00",
        "2026-11-27T08:15:00+05:60",
        "2026-11-27T08:15:00+5:30",
        "２０２６-11-27T08:15:00Z",
        TS_MS + 0.5,
        0,
        -1,
        10**18,
        2**64,
        10**30,
        1e300,
    ],
)
def test_bad_timestamps(ts):
    outcome = parse(make(ts=ts))
    assert reason(outcome) == "bad_timestamp", outcome


@pytest.mark.parametrize("ts", [True, False, [TS], {"iso": TS}])
def test_ts_of_the_wrong_json_type_is_bad_value(ts):
    assert reason(parse(make(ts=ts))) == "bad_value"


def test_huge_integer_ts_is_bad_timestamp_not_malformed():
    line = line_of(make(ts=0)).replace(b'"ts": 0', b'"ts": 1' + b"0" * 400)
    assert reason(parse(line)) == "bad_timestamp"


def test_window_depends_on_the_landing_hour():
    obj = make(ts=format_time(LOWER))
    assert isinstance(parse(obj, LANDING), Event)
    assert reason(parse(obj, LANDING + HOUR)) == "bad_timestamp"


# --- rejections --------------------------------------------------------------


def test_oversize():
    outcome = parse(_padded(MAX_LINE_BYTES + 1))
    assert outcome.reason == "oversize"
    assert str(MAX_LINE_BYTES + 1) in outcome.detail


def test_oversize_is_checked_before_malformed():
    assert reason(parse(b"\xff" * (MAX_LINE_BYTES + 1))) == "oversize"


@pytest.mark.parametrize(
    "line",
    [
        b"\xff\xfe{}",
        b'{"event_id": "e\xff"}',
        b'{"event_id": "\xed\xa0\x80"}',  # UTF-8-encoded surrogate
        b"{",
        b"{}}",
        b'{"a": 1} x',
        b"{'event_id': 'e-1'}",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": -Infinity}',
        b'{"a": nan}',
        b'{"a": "\x01"}',
        b"[]",
        b"[1, 2]",
        b'"text"',
        b"123",
        b"null",
        b"true",
        b"\xef\xbb\xbf\xef\xbb\xbf{}",
        b"\x00",
        b"\xc2\xa0{}",  # no-break space is not JSON whitespace
        b'{"a": ' + b"[" * 30000 + b"]" * 30000 + b"}",
    ],
)
def test_malformed(line):
    assert reason(parse(line)) == "malformed"


def test_malformed_detail_names_invalid_utf8():
    assert "UTF-8" in parse(b'{"event_id": "e\xff"}').detail


def test_nan_in_a_line_orjson_refuses_is_malformed():
    # orjson refuses the huge integer first; the stdlib fallback must still refuse NaN.
    assert reason(parse(b'{"a": 1' + b"0" * 400 + b', "b": NaN}')) == "malformed"


@pytest.mark.parametrize(
    "obj",
    [
        make(event_id=_DROP),
        make(event_id=None),
        make(device_id=_DROP),
        make(device_type=None),
        make(event_type=_DROP),
        make(ts=_DROP),
        make(ts=None),
        make("purchase", member_id=_DROP),
        make("purchase", member_id=None),
        make("redeem", member_id=_DROP),
        make("checkin", member_id=None),
        make("purchase", attrs={"merchant_id": _DROP}),
        make("purchase", attrs={"amount_cents": None}),
        make("purchase", attrs={"points": _DROP}),
        make("purchase", attrs=_DROP),
        make("purchase", attrs=None),
        make("redeem", attrs={"points": None}),
        make("checkin", attrs={"store_id": _DROP}),
        make("reading", attrs={"temperature_c": _DROP}),
        make("reading", attrs={"temperature_c": None, "humidity_pct": None, "foot_traffic": None}),
        # missing_field is checked before bad_value and bad_timestamp
        make(device_type="tablet", ts=_DROP),
        make(event_id=123, attrs={"points": _DROP}),
        make(ts="nonsense", attrs={"merchant_id": None}),
    ],
)
def test_missing_field(obj):
    assert reason(parse(obj)) == "missing_field"


@pytest.mark.parametrize(
    "obj",
    [
        make(event_id=""),
        make(event_id="e" * 65),
        make(event_id="e.1"),
        make(event_id="é"),
        make(event_id=12),
        make(event_id=True),
        make(event_id=["e-1"]),
        make(device_id="dev/1"),
        make(device_id="d" * 65),
        make(device_id={"id": "x"}),
        make(device_type="tablet"),
        make(device_type="Phone"),
        make(event_type="login"),
        make(event_type=["purchase"]),
        make(event_type={"t": 1}),
        make("app_open", member_id="m 1"),
        make("app_open", member_id=7),
        make(attrs=["merchant_id"]),
        make("app_open", attrs="none"),
        make("app_open", attrs=0),
        make(attrs={"merchant_id": 42}),
        make(attrs={"merchant_id": "\ud800"}),
        make(attrs={"merchant_id": ["x"]}),
        make(attrs={"amount_cents": -1}),
        make(attrs={"amount_cents": 12.5}),
        make(attrs={"amount_cents": "1250"}),
        make(attrs={"amount_cents": True}),
        make(attrs={"amount_cents": 2**63}),
        make(attrs={"amount_cents": 2**64}),
        make(attrs={"amount_cents": 10**30}),
        make(attrs={"amount_cents": 9223372036854775807.0}),
        make(attrs={"points": -3}),
        make(attrs={"points": False}),
        make(attrs={"points": {"n": 1}}),
        make(attrs={"currency": "usd"}),
        make(attrs={"currency": "US"}),
        make(attrs={"currency": "USDX"}),
        make(attrs={"currency": 840}),
        make("redeem", attrs={"points": 0}),
        make("redeem", attrs={"points": -5}),
        make("redeem", attrs={"points": 0.5}),
        make("redeem", attrs={"merchant_id": 9}),
        make("checkin", attrs={"store_id": ["a"]}),
        make("heartbeat", attrs={"battery_pct": 100.5}),
        make("heartbeat", attrs={"battery_pct": -0.1}),
        make("heartbeat", attrs={"battery_pct": "50"}),
        make("heartbeat", attrs={"battery_pct": True}),
        make("heartbeat", attrs={"app_version": 3}),
        make("heartbeat", attrs={"os": {"name": "ios"}}),
        make("app_open", attrs={"os": False}),
        make("reading", attrs={"temperature_c": "hot"}),
        make("reading", attrs={"temperature_c": True}),
        make("reading", attrs={"temperature_c": 10**30}),
        make("reading", attrs={"temperature_c": 1e300}),
        make("reading", attrs={"temperature_c": -(2.0**63)}),
        make("reading", attrs={"humidity_pct": 101}),
        make("reading", attrs={"foot_traffic": 1.5}),
        make("reading", attrs={"foot_traffic": -1}),
        make("reading", attrs={"temperature_c": 20, "foot_traffic": "3"}),
        # bad_value is checked before bad_timestamp
        make(device_type="tablet", ts="nonsense"),
        make(attrs={"points": -1}, ts=UPPER),
    ],
)
def test_bad_value(obj):
    assert reason(parse(obj)) == "bad_value"


@pytest.mark.parametrize(
    "attr, token",
    [
        ("amount_cents", b"1" + b"0" * 400),
        ("amount_cents", b"-1" + b"0" * 30),
        ("amount_cents", b"-1" + b"0" * 400),
        ("amount_cents", b"-9223372036854775809"),
        ("points", b"1e400"),
    ],
)
def test_numbers_past_64_bits_are_bad_value_not_malformed(attr, token):
    line = line_of(make(attrs={attr: 0})).replace(b'"%s": 0' % attr.encode(), b'"%s": %s' % (attr.encode(), token))
    assert reason(parse(line)) == "bad_value"


@pytest.mark.parametrize(
    "token",
    [b"1e400", b"-1e400", b"1" + b"0" * 40, b"-1" + b"0" * 400, b"-9223372036854775809"],
)
def test_temperature_past_64_bit_range_is_bad_value(token):
    line = line_of(make("reading", attrs={"temperature_c": 0})).replace(
        b'"temperature_c": 0', b'"temperature_c": ' + token
    )
    assert reason(parse(line)) == "bad_value"


def test_rejection_details_are_short_and_specific():
    outcome = parse(make(attrs={"points": -1}))
    assert outcome == Rejection("bad_value", "attrs.points must be an integer >= 0")
    assert parse(make(ts=_DROP)) == Rejection("missing_field", "ts is required")
    assert parse(make("checkin", member_id=_DROP)).detail == "member_id is required for checkin"


# --- landing hours -----------------------------------------------------------


@pytest.mark.parametrize(
    "path, expected",
    [
        ("file:///var/landing/dt=2026-11-27/hour=08/a.jsonl", ("2026-11-27", 8)),
        ("hdfs://nn:8020/landing/dt=2026-11-27/hour=23/a.jsonl.gz", ("2026-11-27", 23)),
        ("s3://bucket/x/dt=2024-02-29/hour=00/part-1.jsonl", ("2024-02-29", 0)),
        ("dt=2026-01-01/hour=05/f.jsonl", ("2026-01-01", 5)),
        ("/old/dt=2020-01-01/hour=01/new/dt=2026-11-27/hour=08/f", ("2026-11-27", 8)),
    ],
)
def test_landing_hour_from_path(path, expected):
    assert landing_hour_from_path(path) == expected


@pytest.mark.parametrize(
    "path, message",
    [
        ("/var/landing/a.jsonl", "no dt=YYYY-MM-DD/hour=HH"),
        ("/x/dt=2026-11-27/a.jsonl", "no dt=YYYY-MM-DD/hour=HH"),
        ("/x/adt=2026-11-27/hour=08/a.jsonl", "no dt=YYYY-MM-DD/hour=HH"),
        ("/x/dt=2026-13-01/hour=08/a.jsonl", "bad landing date"),
        ("/x/dt=2025-02-29/hour=08/a.jsonl", "bad landing date"),
        ("/x/dt=26-11-27/hour=08/a.jsonl", "bad landing date"),
        ("/x/dt=2026-11-27/hour=24/a.jsonl", "bad landing hour"),
        ("/x/dt=2026-11-27/hour=8/a.jsonl", "bad landing hour"),
        ("/x/dt=2026-11-27/hour=xx/a.jsonl", "bad landing hour"),
    ],
)
def test_landing_hour_from_bad_path(path, message):
    with pytest.raises(ValueError, match=message):
        landing_hour_from_path(path)


def test_landing_hour_start_ms_matches_datetime():
    expected = datetime(2026, 11, 27, 8, tzinfo=UTC).timestamp() * 1000
    assert landing_hour_start_ms("2026-11-27", 8) == expected
    with pytest.raises(ValueError):
        landing_hour_start_ms("2026-11-31", 8)
    with pytest.raises(ValueError):
        landing_hour_start_ms("2026-11-27", 24)


# --- rows --------------------------------------------------------------------


def test_event_row_columns():
    event = parse(make(ts="2026-11-26T23:59:59.5+00:00"))
    row = event_row(event, LANDING, "file:///l/dt=2026-11-27/hour=08/a.jsonl")
    assert len(row) == len(EVENT_COLUMNS)
    assert dict(zip(EVENT_COLUMNS, row)) == {
        "event_id": "e-1",
        "device_id": "dev:1",
        "device_type": "phone",
        "event_type": "purchase",
        "member_id": "m-1",
        "event_time": "2026-11-26T23:59:59.500Z",
        "event_dt": "2026-11-26",
        "late": True,
        "merchant_id": "shop-9",
        "store_id": None,
        "amount_cents": 1250,
        "currency": "USD",
        "points": 12,
        "battery_pct": None,
        "temperature_c": None,
        "humidity_pct": None,
        "foot_traffic": None,
        "app_version": None,
        "os": None,
        "source_file": "file:///l/dt=2026-11-27/hour=08/a.jsonl",
    }


def test_event_row_not_late_on_the_landing_day_even_in_the_next_day():
    on_day = dict(zip(EVENT_COLUMNS, event_row(parse(make()), LANDING, "f")))
    assert (on_day["late"], on_day["event_dt"]) == (False, "2026-11-27")
    landing_23 = landing_hour_start_ms("2026-11-27", 23)
    early = parse(make("heartbeat", ts="2026-11-28T00:10:00Z"), landing_23)
    row = dict(zip(EVENT_COLUMNS, event_row(early, landing_23, "f")))
    assert (row["late"], row["event_dt"], row["battery_pct"]) == (False, "2026-11-28", 87.5)


def test_quarantine_row_keeps_exact_bytes():
    line = b'{"event_id": "caf\xe9"}\r'
    rejection = parse(line)
    row = dict(zip(QUARANTINE_COLUMNS, quarantine_row(line, rejection, "src")))
    assert row["reason"] == "malformed"
    assert row["source_file"] == "src"
    assert row["raw_line"] == '{"event_id": "caf\ufffd"}\r'
    assert base64.b64decode(row["raw_base64"]) == line
    assert len(quarantine_row(line, rejection, "src")) == len(QUARANTINE_COLUMNS)


# --- properties --------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@given(st.integers(min_value=-30610224000000, max_value=253402300799999))  # years 1000-9999
def test_format_time_and_date_match_datetime(ms):
    moment = _EPOCH + timedelta(milliseconds=ms)
    assert format_time(ms) == moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)
    assert format_date(ms) == moment.strftime("%Y-%m-%d")


@given(
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 30)),
    st.integers(min_value=-23 * 60, max_value=23 * 60),
)
def test_iso_to_ms_matches_datetime(moment, offset_minutes):
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    expected = (aware - _EPOCH) // timedelta(milliseconds=1)
    assert iso_to_ms(aware.isoformat(timespec="milliseconds")) == expected
    assert iso_to_ms(moment.isoformat(timespec="milliseconds")) is None


@pytest.mark.parametrize("base", ["2026-11-27T08:15:00.123Z", "2026-11-27T08:15:00.123+05:30",
                                  "2026-11-27T23:59:59.999-23:59"])
@given(
    st.lists(
        st.tuples(st.integers(0, 28), st.sampled_from("0123459:.-TtZz +x\u0663")),
        max_size=3,
    )
)
def test_iso_fast_path_agrees_with_the_general_parser(base, edits):
    text = list(base)
    for position, char in edits:
        if position < len(text):
            text[position] = char
    text = "".join(text)
    assert iso_to_ms(text) == _iso_to_ms_general(text)


@pytest.mark.parametrize(
    "text",
    ["2026-02-29T00:00:00Z", "2026-11-31T08:15:00Z", "2026-11-00T08:15:00Z", "2026-13-01T00:00Z"],
)
def test_iso_rejects_dates_that_do_not_exist(text):
    assert iso_to_ms(text) is None


def test_nonexistent_date_inside_the_window_is_bad_timestamp():
    # 2026-11-31 would roll over to 2026-12-01, inside this landing's window
    landing = landing_hour_start_ms("2026-12-01", 8)
    assert reason(parse(make(ts="2026-11-31T08:15:00Z"), landing)) == "bad_timestamp"
    assert isinstance(parse(make(ts="2024-02-29T08:15:00Z"), landing_hour_start_ms("2024-03-01", 0)), Event)


def test_iso_needs_its_separators():
    assert iso_to_ms("2026-11-27T08:15x00.123Z") is None
    assert iso_to_ms("2026-11-27T08:15:00x123Z") is None


def _assert_one_outcome(outcome):
    assert outcome is None or isinstance(outcome, Event) or (
        isinstance(outcome, Rejection) and outcome.reason in REJECT_REASONS
    )
    if isinstance(outcome, Event):
        event_row(outcome, LANDING, "f")


@settings(max_examples=500)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_one_outcome(line):
    _assert_one_outcome(parse_line(line, LANDING))


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from([TS, TS_MS, "m-1", "phone", "purchase", "USD", "shop", 50, 12.0])
)
_json_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=8,
)
_field_names = st.sampled_from(
    ["event_id", "device_id", "device_type", "event_type", "member_id", "ts", "attrs"]
)
_attr_names = st.sampled_from(
    ["merchant_id", "amount_cents", "points", "currency", "store_id", "battery_pct",
     "app_version", "os", "temperature_c", "humidity_pct", "foot_traffic"]
)


@st.composite
def _event_like(draw):
    obj = make(draw(st.sampled_from(sorted(BASE))))
    for name, value in draw(st.dictionaries(_field_names, _json_values, max_size=3)).items():
        obj[name] = value
    if isinstance(obj.get("attrs"), dict):
        obj["attrs"].update(draw(st.dictionaries(_attr_names, _json_values, max_size=3)))
    return obj


@settings(max_examples=500)
@given(st.one_of(_json_values, _event_like()), st.sampled_from([b"", b"\xef\xbb\xbf"]), st.sampled_from([b"", b"\r"]))
def test_arbitrary_json_gives_one_outcome(value, prefix, suffix):
    line = prefix + json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass") + suffix
    _assert_one_outcome(parse_line(line, LANDING))


# --- event_keys_of: what a sketch needs of an accepted line ------------------


def _keys_agree(line: bytes) -> None:
    outcome = parse_line(line, LANDING)
    if isinstance(outcome, Event):
        assert event_keys_of(line, LANDING) == (outcome.event_id, outcome.device_id, outcome.member_id,
                                                outcome.event_ms)
    elif outcome is None:
        assert event_keys_of(line, LANDING) is None


@settings(max_examples=500)
@given(st.one_of(_json_values, _event_like()), st.sampled_from([b"", b"\xef\xbb\xbf"]), st.sampled_from([b"", b"\r"]))
def test_event_keys_of_an_accepted_line_are_its_events(value, prefix, suffix):
    _keys_agree(prefix + json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass") + suffix)


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_event_keys_of_arbitrary_bytes_agree_with_parse_line(line):
    _keys_agree(line)


@pytest.mark.parametrize("line", [
    line_of(make()),
    line_of(make("heartbeat", member_id=None)),
    b"\xef\xbb\xbf" + line_of(make(ts=TS_MS)) + b"\r",
    line_of(make(attrs={"os": "\ud800"})),  # orjson refuses it; the stdlib fallback reads it
    _padded(MAX_LINE_BYTES),
])
def test_event_keys_of_accepted_lines(line):
    event = parse_line(line, LANDING)
    assert isinstance(event, Event)
    assert event_keys_of(line, LANDING) == (event.event_id, event.device_id, event.member_id, event.event_ms)


@pytest.mark.parametrize("line", [
    b"", b"   ", b"[1, 2]", b"not json", _padded(MAX_LINE_BYTES + 1),
    line_of(make(event_id=7)), line_of(make(device_id=None)), line_of(make(ts=None)), line_of(make(ts=[1])),
    line_of(make(ts="2026-11-27T08:15:00")),  # no offset
    line_of(make(ts=LOWER - 1)), line_of(make(ts=UPPER)),  # outside the landing window
])
def test_event_keys_of_lines_without_an_event_time_or_ids_is_none(line):
    assert event_keys_of(line, LANDING) is None


@pytest.mark.parametrize(
    "path",
    [
        "/data/landing/dt=2026-11-27/hour=08/a.jsonl",
        "file:///data/landing/dt=2026-11-27/hour=08/a.jsonl",
        "hdfs://nn:8020/landing/dt=2026-11-27/hour=08/a.jsonl",
        "dt=2026-11-27/hour=08/a.jsonl",
    ],
)
def test_landing_source_name_is_the_same_for_every_runner(path):
    assert landing_source_name(path) == "dt=2026-11-27/hour=08/a.jsonl"
