"""Pure rollup logic: option parsing, event partials, merges and finalized rows."""

from __future__ import annotations

import copy
import functools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapreduce import rollups, tsv
from mapreduce.merges import dumps_json
from mapreduce.records import DEVICE_DAILY_COLUMNS, EVENT_COLUMNS, MEMBER_DAILY_COLUMNS


def make_event(**fields):
    """An events-dataset row as rollups.parse_event returns it."""
    event = dict.fromkeys(EVENT_COLUMNS)
    event.update(
        event_id="e1",
        device_id="d1",
        device_type="phone",
        event_type="app_open",
        event_time="2026-11-27T08:00:00.000Z",
        late="false",
        source_file="a.jsonl",
    )
    event.update(fields)
    event["event_dt"] = event["event_time"][:10]
    return event


def pairwise(dataset):
    """Merge two partials of ``dataset``, as one combiner or reducer call would."""
    return lambda a, b: rollups.merge_partials(dataset, [a, b])


def device_row(*events):
    """device_daily row (as a column dict) of some events of one device."""
    merged = rollups.merge_partials(rollups.DEVICE_DAILY, map(rollups.device_partial, events))
    return dict(zip(DEVICE_DAILY_COLUMNS, rollups.finalize_device("d1", merged)))


def member_row(*events):
    """member_daily row (as a column dict) of some events of one member."""
    merged = rollups.merge_partials(rollups.MEMBER_DAILY, map(rollups.member_partial, events))
    return dict(zip(MEMBER_DAILY_COLUMNS, rollups.finalize_member("m1", merged)))


# --- options ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["2025-02-29", "2026-1-27", "2026-11-27T00", " 2026-11-27"])
def test_parse_day_rejects_non_dates(text):
    with pytest.raises(ValueError, match="--event-day must be a date YYYY-MM-DD, got"):
        rollups.parse_day(text)


# --- parsing events ---------------------------------------------------------

def test_parse_event_round_trips_escaped_values():
    event = make_event(app_version="3.1\tbeta\\x")
    line = tsv.encode_row(event[name] for name in EVENT_COLUMNS)
    assert rollups.parse_event(line) == event


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"device_id": None}, "no device_id"),
        ({"event_time": "2026-11-27T08:00:00Z"}, "event_time is not ISO UTC"),
    ],
)
def test_parse_event_rejects_unusable_rows(fields, message):
    event = make_event(**fields)
    line = tsv.encode_row(event[name] for name in EVENT_COLUMNS)
    with pytest.raises(ValueError, match=message):
        rollups.parse_event(line)


def test_parse_event_rejects_event_dt_of_another_day():
    event = make_event()
    event["event_dt"] = "2026-11-26"
    with pytest.raises(ValueError, match="event_dt"):
        rollups.parse_event(tsv.encode_row(event[name] for name in EVENT_COLUMNS))


def test_parse_event_rejects_wrong_width():
    with pytest.raises(ValueError, match="fields"):
        rollups.parse_event("a\tb")


# --- event partials ---------------------------------------------------------

def test_event_partials_keys():
    purchase = make_event(event_type="purchase", member_id="m1", merchant_id="x",
                          amount_cents="5", points="1", event_id="e9")
    heartbeat = make_event(event_type="heartbeat", battery_pct="50")
    app_open = make_event(member_id="m1")
    assert [key for key, _ in rollups.event_partials(purchase)] == [
        ["device_daily", "2026-11-27", "d1"],
        ["member_daily", "2026-11-27", "m1"],
        ["member_events", "2026-11-27", "e9"],
    ]
    assert [key for key, _ in rollups.event_partials(heartbeat)] == [
        ["device_daily", "2026-11-27", "d1"],
    ]
    assert [key[0] for key, _ in rollups.event_partials(app_open)] == [
        "device_daily",
        "member_daily",
    ]


@pytest.mark.parametrize("fields", [
    {"event_type": "purchase", "member_id": "m1", "merchant_id": "x", "amount_cents": "5", "points": "1"},
    {"event_type": "heartbeat", "battery_pct": "50"},
    {"event_type": "app_open", "member_id": "m1"},
    {"event_type": "checkin", "member_id": "m1", "store_id": "s1"},
])
def test_daily_keys_name_the_daily_rows_an_event_changes(fields):
    event = make_event(**fields)
    changed = [rollups.daily_key(day, dataset, entity) for (dataset, day, entity), _ in rollups.event_partials(event)
               if dataset != "member_events"]
    assert rollups.daily_keys(event["event_dt"], event["device_id"], event["member_id"]) == changed


def test_daily_keys_of_different_rows_differ():
    keys = {rollups.daily_key(day, dataset, entity) for day in ("2026-11-26", "2026-11-27")
            for dataset in ("device_daily", "member_daily") for entity in ("a", "b")}
    assert len(keys) == 8


@pytest.mark.parametrize(
    "fields",
    [
        {"event_type": "purchase", "amount_cents": "1.5", "points": "1"},
        {"event_type": "heartbeat", "battery_pct": "nan"},
        {"event_type": "reading", "temperature_c": "warm"},
        {"event_type": "reading", "foot_traffic": "2.5"},
    ],
)
def test_event_partials_reject_bad_numbers(fields):
    with pytest.raises(ValueError):
        rollups.event_partials(make_event(**fields))


@pytest.mark.parametrize("text", ["", ".", "-", "+", "1.2.3", "abc", "nan", "-inf", "1e400"])
def test_numbers_that_are_not_finite_decimals_are_refused(text):
    with pytest.raises(ValueError):
        rollups.event_partials(make_event(event_type="reading", temperature_c=text))


def test_a_number_text_read_again_gives_the_same_value_and_a_bad_one_the_same_refusal():
    # The exact values of number texts are cached: a repeat is the value read the first
    # time, and a bad text is refused every time, naming the field it came in.
    for _ in range(2):
        assert rollups.battery_level(make_event(event_type="heartbeat", battery_pct="-12.50")) == -12.5
        stats = rollups.device_partial(make_event(event_type="reading", temperature_c="1e-1"))["temperature_c"]
        assert stats["sum"] == "1/10"
        for field in ("battery_pct", "temperature_c"):
            with pytest.raises(ValueError, match="%s is not a finite number: 'nan'" % field):
                rollups.device_partial(make_event(event_type="reading", **{field: "nan"}))


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.from_regex(r"[-+]?\d{0,12}\.?\d{0,12}", fullmatch=True).filter(lambda t: any(c.isdigit() for c in t)),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
))
def test_a_reading_sums_and_rounds_as_its_fraction_does(text):
    # The decimal fast path of the sums agrees with Fraction's parser, on plain
    # decimals and on the exponent forms (1e-05) it leaves to Fraction.
    exact = Fraction(text)
    stats = rollups.device_partial(make_event(event_type="reading", temperature_c=text))["temperature_c"]
    assert stats["sum"] == str(exact)
    assert repr(stats["min"]) == repr(float(exact) + 0.0)
    battery = rollups.device_partial(make_event(event_type="heartbeat", battery_pct=text))["battery_min"]
    assert repr(battery) == repr(float(exact) + 0.0)


def test_purchase_without_currency_is_usd():
    event = make_event(event_type="purchase", member_id="m1", merchant_id="x",
                       amount_cents="250", points="2")
    assert device_row(event)["spend"] == '{"USD":250}'
    assert member_row(event)["spend"] == '{"USD":250}'
    row = rollups.finalize("member_events", "e1", rollups.member_event_partial(event))
    assert tsv.decode_row(row)[8] == "USD"


# --- device_daily -----------------------------------------------------------

def test_latest_values_come_from_the_latest_event_carrying_them():
    early = make_event(event_id="e1", event_time="2026-11-27T08:00:00.000Z",
                       event_type="heartbeat", battery_pct="20", app_version="1", os="a")
    late = make_event(event_id="e2", event_time="2026-11-27T09:00:00.000Z",
                      event_type="app_open", app_version="2")
    latest = make_event(event_id="e0", event_time="2026-11-27T10:00:00.000Z",
                        event_type="heartbeat", battery_pct="90")
    row = device_row(latest, late, early)
    assert (row["last_battery_pct"], row["battery_min"]) == (90.0, 20.0)
    assert (row["last_app_version"], row["last_os"]) == ("2", "a")
    assert (row["first_event_time"], row["last_event_time"]) == (
        "2026-11-27T08:00:00.000Z",
        "2026-11-27T10:00:00.000Z",
    )


def test_equal_times_are_broken_by_event_id():
    a = make_event(event_id="a", member_id="m-a", app_version="va")
    b = make_event(event_id="b", member_id="m-b", app_version="vb")
    for events in [(a, b), (b, a)]:
        row = device_row(*events)
        assert (row["owner_member_id"], row["last_app_version"]) == ("m-b", "vb")


def test_owner_is_null_for_devices_other_than_phones():
    event = make_event(device_type="pos", event_type="purchase", member_id="m1",
                       merchant_id="x", amount_cents="1", points="0")
    assert device_row(event)["owner_member_id"] is None
    assert device_row(event)["distinct_members"] == 1


def test_sensor_stats_are_exact_and_rounded():
    readings = [
        make_event(event_id=f"e{i}", device_type="sensor", event_type="reading",
                   temperature_c=t, foot_traffic=f)
        for i, (t, f) in enumerate([("0.1", "1"), ("0.2", "2"), ("0.2", None)])
    ]
    row = device_row(*readings)
    # 0.5 / 3 = 0.1666...: exact sums, so no 0.16666666666666669 creeps in.
    assert (row["temperature_c_min"], row["temperature_c_max"], row["temperature_c_mean"]) == (
        0.1, 0.2, 0.167,
    )
    assert (row["foot_traffic_min"], row["foot_traffic_max"], row["foot_traffic_mean"]) == (
        1, 2, 1.5,
    )
    assert row["humidity_pct_mean"] is None


def test_events_by_type_and_points():
    events = [
        make_event(event_id="p", event_type="purchase", member_id="m1", merchant_id="x",
                   amount_cents="100", currency="EUR", points="7"),
        make_event(event_id="r", event_type="redeem", member_id="m1", points="5"),
        make_event(event_id="c", event_type="checkin", member_id="m2", store_id="s"),
    ]
    row = device_row(*events)
    assert row["events_by_type"] == '{"checkin":1,"purchase":1,"redeem":1}'
    assert (row["event_count"], row["purchases"], row["points_earned"], row["points_redeemed"]) == (
        3, 1, 7, 5,
    )
    assert row["distinct_members"] == 2


# --- member_daily -----------------------------------------------------------

def test_member_row_counts():
    events = [
        make_event(event_id="p1", event_type="purchase", member_id="m1", merchant_id="x",
                   amount_cents="100", points="7", device_id="d1"),
        make_event(event_id="p2", event_type="purchase", member_id="m1", merchant_id="x",
                   amount_cents="50", points="1", device_id="d2",
                   event_time="2026-11-27T09:00:00.000Z"),
        make_event(event_id="r", event_type="redeem", member_id="m1", points="5",
                   merchant_id="y", device_id="d1", event_time="2026-11-27T10:00:00.000Z"),
        make_event(event_id="c", event_type="checkin", member_id="m1", store_id="s",
                   device_id="d3", event_time="2026-11-27T07:00:00.000Z"),
    ]
    row = member_row(*events)
    assert row == {
        "member_id": "m1",
        "purchases": 2,
        "spend": '{"USD":150}',
        "points_earned": 8,
        "points_redeemed": 5,
        "redemptions": 1,
        "checkins": 1,
        "distinct_devices": 3,
        "distinct_merchants": 2,
        "distinct_stores": 1,
        "devices": '{"d1":"2026-11-27T10:00:00.000Z","d2":"2026-11-27T09:00:00.000Z",'
        '"d3":"2026-11-27T07:00:00.000Z"}',
        "first_event_time": "2026-11-27T07:00:00.000Z",
        "last_event_time": "2026-11-27T10:00:00.000Z",
    }


def test_member_event_copies_merge_to_one():
    event = make_event(event_type="checkin", member_id="m1", store_id="s")
    a = rollups.member_event_partial(event)
    b = rollups.member_event_partial(dict(event, store_id="t"))
    merge = pairwise(rollups.MEMBER_EVENTS)
    assert merge(a, b) == merge(b, a) == a


# --- merge laws -------------------------------------------------------------

TIMES = [f"2026-11-27T0{h}:00:00.000Z" for h in range(4)]
IDS = ["a", "b", "c"]
maybe = functools.partial(st.one_of, st.none())
decimals = st.decimals(min_value=-50, max_value=150, places=2).map(str)


@st.composite
def events(draw):
    """Random valid events of one device and day, with many ties on purpose."""
    event_type = draw(st.sampled_from(
        ["app_open", "heartbeat", "checkin", "purchase", "redeem", "reading"]))
    member = draw(st.sampled_from(["m1", "m2"]))
    fields = {
        "event_id": draw(st.sampled_from(IDS)),
        "event_time": draw(st.sampled_from(TIMES)),
        "device_type": draw(st.sampled_from(["phone", "pos"])),
        "event_type": event_type,
        "device_id": draw(st.sampled_from(["d1", "d2"])),
        "member_id": member if event_type in ("checkin", "purchase", "redeem")
        else draw(maybe(st.just(member))),
        "app_version": draw(maybe(st.sampled_from(["1", "2"]))),
        "os": draw(maybe(st.sampled_from(["x", "y"]))),
        "battery_pct": draw(maybe(decimals)),
        "merchant_id": draw(maybe(st.sampled_from(["x", "y"]))),
        "store_id": draw(maybe(st.sampled_from(["s", "t"]))),
    }
    if event_type == "purchase":
        fields.update(amount_cents=str(draw(st.integers(0, 10**12))),
                      currency=draw(st.sampled_from(["USD", "EUR", None])),
                      points=str(draw(st.integers(0, 1000))))
    if event_type == "redeem":
        fields["points"] = str(draw(st.integers(1, 1000)))
    if event_type == "reading":
        fields.update(temperature_c=draw(maybe(decimals)), humidity_pct=draw(maybe(decimals)),
                      foot_traffic=draw(maybe(st.integers(0, 10**6).map(str))))
    return make_event(**fields)


@st.composite
def readings(draw):
    """Random sensor readings: every metric present, so sums merge every time."""
    return make_event(
        event_id=draw(st.sampled_from(IDS)),
        event_time=draw(st.sampled_from(TIMES)),
        device_type="sensor",
        event_type="reading",
        temperature_c=draw(decimals),
        humidity_pct=draw(decimals),
        foot_traffic=str(draw(st.integers(0, 10**6))),
    )


MERGES = [
    (events, rollups.device_partial, pairwise(rollups.DEVICE_DAILY)),
    (readings, rollups.device_partial, pairwise(rollups.DEVICE_DAILY)),
    (events, rollups.member_partial, pairwise(rollups.MEMBER_DAILY)),
    (events, rollups.member_event_partial, pairwise(rollups.MEMBER_EVENTS)),
]


@pytest.mark.parametrize("strategy, to_partial, merge", MERGES)
@given(data=st.data())
def test_merges_are_associative_and_commutative(strategy, to_partial, merge, data):
    a, b, c = (to_partial(data.draw(strategy())) for _ in range(3))
    assert merge(a, b) == merge(b, a)
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@settings(max_examples=50)
@given(st.lists(events(), min_size=1, max_size=12), st.randoms())
def test_rows_do_not_depend_on_order_or_grouping(evts, rnd):
    def rows(order, cut):
        out = []
        for dataset in ("device_daily", "member_daily"):
            to_partial = rollups.device_partial if dataset == "device_daily" else rollups.member_partial
            parts = [to_partial(e) for e in order if dataset == "device_daily" or e["member_id"]]
            if not parts:
                continue
            # merge two groups separately, as two combiners would, then together
            groups = [g for g in (parts[:cut], parts[cut:]) if g]
            combined = [rollups.merge_partials(dataset, g) for g in groups]
            out.append(rollups.finalize(dataset, "x", rollups.merge_partials(dataset, combined)))
        return out

    shuffled = list(evts)
    rnd.shuffle(shuffled)
    assert rows(evts, 0) == rows(shuffled, rnd.randint(0, len(evts)))


@given(st.lists(events(), min_size=1, max_size=6))
def test_merging_leaves_its_inputs_alone(evts):
    partials = [rollups.device_partial(e) for e in evts]
    before = copy.deepcopy(partials)
    rollups.merge_partials("device_daily", partials)
    assert partials == before



@pytest.mark.parametrize("strategy, to_partial, dataset", [
    (events, rollups.device_partial, rollups.DEVICE_DAILY),
    (readings, rollups.device_partial, rollups.DEVICE_DAILY),
    (events, rollups.member_partial, rollups.MEMBER_DAILY),
    (events, rollups.member_event_partial, rollups.MEMBER_EVENTS),
])
@given(data=st.data())
def test_partials_are_canonical_so_a_lone_one_needs_no_fold(strategy, to_partial, dataset, data):
    # The roll-up passes a key's lone partial on unfolded (combiner and
    # reducer): an event's partial, and any fold, must be its own fold.
    partials = [to_partial(data.draw(strategy())) for _ in range(data.draw(st.integers(1, 4)))]
    merged = rollups.merge_partials(dataset, partials)
    for partial in (partials[0], merged):
        assert dumps_json(rollups.merge_partials(dataset, [partial])) == dumps_json(partial)
