"""Pure summary logic: options, input paths, daily-row partials, the device join, merges."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapreduce import summaries, tsv
from mapreduce.records import (
    DEVICE_DAILY_COLUMNS,
    DEVICE_SUMMARY_COLUMNS,
    MEMBER_DAILY_COLUMNS,
    MEMBER_SUMMARY_COLUMNS,
)
from mapreduce.rollups import dumps_json

AS_OF = "2026-11-28T09:00:00.000Z"


def device_line(**fields):
    """A device_daily TSV row; unspecified columns are plausible defaults."""
    row = dict.fromkeys(DEVICE_DAILY_COLUMNS)
    row.update(
        device_id="d1",
        device_type="phone",
        event_count="1",
        events_by_type='{"app_open":1}',
        first_event_time="2026-11-27T08:00:00.000Z",
        last_event_time="2026-11-27T09:00:00.000Z",
        purchases="0",
        spend="{}",
        points_earned="0",
        points_redeemed="0",
        distinct_members="0",
    )
    row.update(fields)
    return tsv.encode_row(row[name] for name in DEVICE_DAILY_COLUMNS)


def member_line(**fields):
    """A member_daily TSV row; unspecified columns are plausible defaults."""
    row = dict.fromkeys(MEMBER_DAILY_COLUMNS)
    row.update(
        member_id="m1",
        purchases="0",
        spend="{}",
        points_earned="0",
        points_redeemed="0",
        redemptions="0",
        checkins="0",
        distinct_devices="1",
        distinct_merchants="0",
        distinct_stores="0",
        devices='{"d1":"2026-11-27T09:00:00.000Z"}',
        first_event_time="2026-11-27T08:00:00.000Z",
        last_event_time="2026-11-27T09:00:00.000Z",
    )
    row.update(fields)
    return tsv.encode_row(row[name] for name in MEMBER_DAILY_COLUMNS)


def device_summary(*dated_lines):
    """device_summary row (as a column dict) of (dt, device_daily line) pairs."""
    partials = [
        partial
        for dt, line in dated_lines
        for _, partial in summaries.daily_partials("device_daily", dt, line)
    ]
    merged = summaries.merge_partials(summaries.DEVICE, partials)
    (key, value), = summaries.join_device("d1", merged, AS_OF)
    assert key == [summaries.DEVICE_SUMMARY, "d1"]
    return dict(zip(DEVICE_SUMMARY_COLUMNS, tsv.decode_row(value["row"])))


# --- options and paths ------------------------------------------------------

def test_parse_as_of():
    assert summaries.parse_as_of("2026-11-28T09") == AS_OF


@pytest.mark.parametrize(
    "text", ["2026-11-28", "2026-11-28T9", "2026-11-28T24", "2026-11-28T09:00", "2026-02-30T01"]
)
def test_parse_as_of_rejects_other_shapes(text):
    with pytest.raises(ValueError, match="--as-of must be a landing hour YYYY-MM-DDTHH"):
        summaries.parse_as_of(text)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("file:///w/device_daily/dt=2026-11-27/part-00000", ("device_daily", "2026-11-27")),
        ("hdfs://nn:8020/w/member_daily/dt=2026-11-28/part-00003.gz",
         ("member_daily", "2026-11-28")),
        ("member_daily/dt=2026-11-28/part-00000", ("member_daily", "2026-11-28")),
    ],
)
def test_parse_input_path(path, expected):
    assert summaries.parse_input_path(path) == expected


@pytest.mark.parametrize(
    "path",
    [
        None,
        "file:///w/events/dt=2026-11-27/hour=01/part-00000",
        "file:///w/old_device_daily/dt=2026-11-27/part-00000",
        "file:///w/device_daily/part-00000",
        "file:///w/device_daily/dt=2026-11-31/part-00000",
    ],
)
def test_parse_input_path_rejects_other_files(path):
    with pytest.raises(ValueError):
        summaries.parse_input_path(path)


# --- devices ----------------------------------------------------------------

def test_device_summary_takes_latest_values_from_the_latest_day_carrying_them():
    day_27 = device_line(owner_member_id="m1", last_app_version="1.0", last_os="ios",
                         last_battery_pct="50.0", event_count="4")
    day_28 = device_line(owner_member_id=None, last_app_version="1.1",
                         first_event_time="2026-11-28T01:00:00.000Z",
                         last_event_time="2026-11-28T02:00:00.000Z", event_count="2")
    day_29 = device_line(owner_member_id="m2", last_os="android", event_count="1",
                         first_event_time="2026-11-29T01:00:00.000Z",
                         last_event_time="2026-11-29T02:00:00.000Z")
    row = device_summary(("2026-11-29", day_29), ("2026-11-27", day_27), ("2026-11-28", day_28))
    assert row == {
        "device_id": "d1",
        "device_type": "phone",
        "owner_member_id": "m2",
        "first_seen": "2026-11-27T08:00:00.000Z",
        "last_seen": "2026-11-29T02:00:00.000Z",
        "last_app_version": "1.1",
        "last_os": "android",
        "last_battery_pct": "50.0",
        "event_count": "7",
        "as_of": AS_OF,
    }


def test_device_summary_owner_is_null_unless_phone():
    row = device_summary(("2026-11-27", device_line(device_type="pos", owner_member_id="m1")))
    assert row["owner_member_id"] is None


@pytest.mark.parametrize(
    "fields",
    [{"event_count": "many"}, {"last_event_time": None}, {"last_battery_pct": "full"}],
)
def test_bad_device_rows_raise(fields):
    with pytest.raises(ValueError):
        summaries.daily_partials("device_daily", "2026-11-27", device_line(**fields))


# --- members and the join ---------------------------------------------------

def test_member_row_links_each_device():
    line = member_line(devices='{"d2":"2026-11-27T09:00:00.000Z","d1":"2026-11-27T08:00:00.000Z"}')
    keyed = summaries.daily_partials("member_daily", "2026-11-27", line)
    assert [key for key, _ in keyed] == [["member", "m1"], ["device", "d1"], ["device", "d2"]]
    assert keyed[1][1] == {"device": None, "members": {"m1": "2026-11-27T08:00:00.000Z"}}


@pytest.mark.parametrize(
    "fields",
    [
        {"spend": "not json"},
        {"spend": '{"USD":1.5}'},
        {"devices": "[]"},
        {"devices": '{"d1":3}'},
        {"points_earned": None},
        {"member_id": None},
    ],
)
def test_bad_member_rows_raise(fields):
    with pytest.raises(ValueError):
        summaries.daily_partials("member_daily", "2026-11-27", member_line(**fields))


def test_join_sends_device_type_to_every_member():
    device = summaries.daily_partials("device_daily", "2026-11-27", device_line(device_type="pos"))
    links = [
        summaries.daily_partials("member_daily", "2026-11-27", member_line(member_id=m))[1][1]
        for m in ("m1", "m2")
    ]
    merged = summaries.merge_partials(summaries.DEVICE, [device[0][1], *links])
    out = summaries.join_device("d1", merged, AS_OF)
    assert [key for key, _ in out] == [["device_summary", "d1"], ["member", "m1"], ["member", "m2"]]
    assert out[1][1]["devices"] == {
        "d1": {"device_type": "pos", "last_seen": "2026-11-27T09:00:00.000Z"}
    }


def test_join_of_a_device_without_daily_rows_has_no_type_and_no_summary():
    link = summaries.daily_partials("member_daily", "2026-11-27", member_line())[1][1]
    out = summaries.join_device("d1", link, AS_OF)
    assert [key for key, _ in out] == [["member", "m1"]]
    assert out[0][1]["devices"]["d1"]["device_type"] is None


def test_member_summary_row():
    days = [
        member_line(points_earned="10", points_redeemed="4", spend='{"USD":100}'),
        member_line(points_earned="1", points_redeemed="0", spend='{"EUR":5,"USD":1}',
                    first_event_time="2026-11-28T01:00:00.000Z",
                    last_event_time="2026-11-28T02:00:00.000Z"),
    ]
    partials = [summaries.daily_partials("member_daily", "d", line)[0][1] for line in days]
    device = summaries.daily_partials("device_daily", "2026-11-27", device_line())[0][1]
    link = summaries.daily_partials("member_daily", "2026-11-27", days[0])[1][1]
    (_, entry), = summaries.join_device(
        "d1", summaries.merge_partials(summaries.DEVICE, [device, link]), AS_OF)[1:]
    merged = summaries.merge_partials(summaries.MEMBER, [*partials, entry])

    dataset, line = summaries.finalize(summaries.MEMBER, "m1", merged, AS_OF)

    assert dataset == "member_summary"
    assert dict(zip(MEMBER_SUMMARY_COLUMNS, tsv.decode_row(line))) == {
        "member_id": "m1",
        "points_earned": "11",
        "points_redeemed": "4",
        "points_balance": "7",
        "spend": '{"EUR":5,"USD":101}',
        "first_seen": "2026-11-27T08:00:00.000Z",
        "last_seen": "2026-11-28T02:00:00.000Z",
        "device_count": "1",
        "devices": '{"d1":{"device_type":"phone","last_seen":"2026-11-27T09:00:00.000Z"}}',
        "as_of": AS_OF,
    }


# --- merge laws -------------------------------------------------------------

DAYS = ["2026-11-27", "2026-11-28"]
TIMES = ["T08:00:00.000Z", "T09:00:00.000Z"]
maybe = functools.partial(st.one_of, st.none())


@st.composite
def device_keys(draw):
    """A device-key partial: from a device_daily row or from a member's link."""
    dt = draw(st.sampled_from(DAYS))
    if draw(st.booleans()):
        line = device_line(
            device_type=draw(st.sampled_from(["phone", "pos"])),
            owner_member_id=draw(maybe(st.sampled_from(["m1", "m2"]))),
            last_app_version=draw(maybe(st.sampled_from(["1", "2"]))),
            last_os=draw(maybe(st.sampled_from(["a", "b"]))),
            last_battery_pct=draw(maybe(st.sampled_from(["1.5", "99.0"]))),
            event_count=str(draw(st.integers(0, 100))),
            first_event_time=dt + draw(st.sampled_from(TIMES)),
            last_event_time=dt + draw(st.sampled_from(TIMES)),
        )
        return summaries.daily_partials("device_daily", dt, line)[0][1]
    line = member_line(
        member_id=draw(st.sampled_from(["m1", "m2"])),
        devices=dumps_json({"d1": dt + draw(st.sampled_from(TIMES))}),
    )
    return summaries.daily_partials("member_daily", dt, line)[1][1]


@st.composite
def member_keys(draw):
    """A member-key partial: the member's own daily row or a joined devices entry."""
    dt = draw(st.sampled_from(DAYS))
    if draw(st.booleans()):
        line = member_line(
            points_earned=str(draw(st.integers(0, 100))),
            points_redeemed=str(draw(st.integers(0, 100))),
            spend=dumps_json({draw(st.sampled_from(["USD", "EUR"])): draw(st.integers(0, 99))}),
            first_event_time=dt + draw(st.sampled_from(TIMES)),
            last_event_time=dt + draw(st.sampled_from(TIMES)),
        )
        return summaries.daily_partials("member_daily", dt, line)[0][1]
    # entries for one device, so that merges of entries happen often
    entry = {"device_type": draw(st.sampled_from(["phone", "pos", None])),
             "last_seen": dt + draw(st.sampled_from(TIMES))}
    return {"earned": 0, "redeemed": 0, "spend": {}, "first": None, "last": None,
            "devices": {"d1": entry}}


@pytest.mark.parametrize(
    "strategy, merge",
    [(device_keys, summaries.merge_device), (member_keys, summaries.merge_member)],
)
@given(data=st.data())
def test_merges_are_associative_and_commutative(strategy, merge, data):
    a, b, c = (data.draw(strategy()) for _ in range(3))
    assert merge(a, b) == merge(b, a)
    assert merge(merge(a, b), c) == merge(a, merge(b, c))
