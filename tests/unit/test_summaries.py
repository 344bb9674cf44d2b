"""Pure summary logic: --as-of, event partials, the device join, rows, merge laws."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapreduce import summaries, tsv
from mapreduce.merges import dumps_json
from mapreduce.records import DEVICE_SUMMARY_COLUMNS, EVENT_COLUMNS, MEMBER_SUMMARY_COLUMNS

AS_OF = "2026-11-28T09:00:00.000Z"


def make_event(**fields):
    """An events row as rollups.parse_event returns it; event_dt follows event_time."""
    event = dict.fromkeys(EVENT_COLUMNS)
    event.update(event_id="e1", device_id="d1", device_type="phone", event_type="app_open",
                 event_time="2026-11-27T08:00:00.000Z", late="false", source_file="a.jsonl")
    event.update(fields)
    event["event_dt"] = event["event_time"][:10]
    return event


def keyed(*events):
    """{key: merged partial} of some events."""
    by_key = {}
    for event in events:
        for key, partial in summaries.event_partials(event):
            by_key.setdefault(tuple(key), []).append(partial)
    return {key: summaries.merge_partials(key[0], partials) for key, partials in by_key.items()}


def device_summary(*events):
    """The device_summary row (a column dict) of events of device d1."""
    out = summaries.join_device("d1", keyed(*events)["device", "d1"], AS_OF)
    key, value = out[0]
    assert key == [summaries.DEVICE_SUMMARY, "d1"]
    return dict(zip(DEVICE_SUMMARY_COLUMNS, tsv.decode_row(value["row"])))


# --- options ----------------------------------------------------------------

def test_parse_as_of():
    assert summaries.parse_as_of("2026-11-28T09") == AS_OF


@pytest.mark.parametrize("text", ["2026-11-28", "2026-11-28T9", "2026-11-28T24", "2026-11-28T09:00", "2026-02-30T01"])
def test_parse_as_of_rejects_other_shapes(text):
    with pytest.raises(ValueError, match="--as-of must be a landing hour YYYY-MM-DDTHH"):
        summaries.parse_as_of(text)


# --- event partials ---------------------------------------------------------

def test_an_event_without_a_member_gives_only_a_device_partial():
    assert [key for key, _ in summaries.event_partials(make_event())] == [["device", "d1"]]
    (_, partial), = summaries.event_partials(make_event())
    assert partial["members"] == {}


def test_an_event_with_a_member_links_the_device_and_the_member():
    event = make_event(member_id="m1", event_type="purchase", amount_cents="250", currency="EUR", points="3")
    (device_key, device), (member_key, member) = summaries.event_partials(event)
    assert (device_key, member_key) == (["device", "d1"], ["member", "m1"])
    assert device["members"] == {"m1": "2026-11-27T08:00:00.000Z"}
    assert member == {"earned": 3, "redeemed": 0, "spend": {"EUR": 250}, "first": "2026-11-27T08:00:00.000Z",
                      "last": "2026-11-27T08:00:00.000Z", "devices": {}}


@pytest.mark.parametrize("fields", [{"battery_pct": "full"}, {"member_id": "m1", "points": "many"}])
def test_bad_events_raise(fields):
    with pytest.raises(ValueError):
        summaries.event_partials(make_event(**fields))


# --- devices ----------------------------------------------------------------

def test_device_summary_takes_each_latest_value_from_the_latest_event_carrying_it():
    row = device_summary(
        make_event(event_id="e3", event_time="2026-11-28T01:00:00.000Z", member_id="m2", os="android"),
        make_event(event_id="e1", member_id="m1", app_version="1.0", os="ios", battery_pct="50.0"),
        make_event(event_id="e2", event_time="2026-11-27T09:00:00.000Z", app_version="1.1", battery_pct="40"),
        # a tie on time: the greater event_id wins
        make_event(event_id="e0", event_time="2026-11-28T01:00:00.000Z", member_id="m9", os="tizen"),
    )
    assert row == {
        "device_id": "d1", "device_type": "phone", "owner_member_id": "m2",
        "first_seen": "2026-11-27T08:00:00.000Z", "last_seen": "2026-11-28T01:00:00.000Z",
        "last_app_version": "1.1", "last_os": "android", "last_battery_pct": "40.0",
        "event_count": "4", "as_of": AS_OF,
    }


@pytest.mark.parametrize("device_type", ["pos", "beacon", "sensor"])
def test_device_summary_owner_is_null_unless_phone(device_type):
    row = device_summary(make_event(device_type=device_type, member_id="m1"))
    assert row["owner_member_id"] is None and row["device_type"] == device_type


def test_join_sends_the_device_type_to_every_member():
    merged = keyed(make_event(device_type="pos", member_id="m2"),
                   make_event(event_id="e2", device_type="pos", member_id="m1", event_time="2026-11-27T09:00:00.000Z"),
                   make_event(event_id="e3", device_type="pos", member_id="m2", event_time="2026-11-27T07:00:00.000Z"))
    out = summaries.join_device("d1", merged["device", "d1"], AS_OF)
    assert [key for key, _ in out] == [["device_summary", "d1"], ["member", "m1"], ["member", "m2"]]
    assert out[1][1]["devices"] == {"d1": {"device_type": "pos", "last_seen": "2026-11-27T09:00:00.000Z"}}
    assert out[2][1]["devices"] == {"d1": {"device_type": "pos", "last_seen": "2026-11-27T08:00:00.000Z"}}


def _pos_events(*more):
    return keyed(make_event(device_type="pos", member_id="m1"),
                 make_event(event_id="e2", device_type="pos", member_id="m2", event_time="2026-11-27T09:00:00.000Z"),
                 *more)["device", "d1"]


def _sent(out):
    return {key[1]: partial["devices"]["d1"] for key, partial in out if key[0] == summaries.MEMBER}


def test_against_a_state_that_kept_its_links_a_device_sends_only_the_entries_that_changed():
    before = _pos_events()
    assert _sent(summaries.join_device("d1", before, AS_OF, before)) == {}
    later = make_event(event_id="e3", device_type="pos", member_id="m2", event_time="2026-11-28T07:00:00.000Z")
    new = make_event(event_id="e4", device_type="pos", member_id="m3", event_time="2026-11-28T06:00:00.000Z")
    earlier = make_event(event_id="e5", device_type="pos", member_id="m1", event_time="2026-11-26T06:00:00.000Z")
    merged = summaries.merge_partials(summaries.DEVICE, [before, keyed(later, new, earlier)["device", "d1"]])
    out = summaries.join_device("d1", merged, AS_OF, before)
    assert out[0][0] == [summaries.DEVICE_SUMMARY, "d1"]
    assert _sent(out) == {"m2": {"device_type": "pos", "last_seen": "2026-11-28T07:00:00.000Z"},
                          "m3": {"device_type": "pos", "last_seen": "2026-11-28T06:00:00.000Z"}}


def test_a_devices_state_keeps_no_links_so_it_sends_every_link_of_the_day():
    before = summaries.device_state(_pos_events())
    assert before["members"] == {} and before["device"] == _pos_events()["device"]
    assert summaries.device_state(before) is before
    assert _sent(summaries.join_device("d1", before, AS_OF, before)) == {}
    day = keyed(make_event(event_id="e3", device_type="pos", member_id="m2", event_time="2026-11-28T07:00:00.000Z"),
                make_event(event_id="e5", device_type="pos", member_id="m1", event_time="2026-11-26T06:00:00.000Z"))
    merged = summaries.merge_partials(summaries.DEVICE, [before, day["device", "d1"]])
    out = summaries.join_device("d1", merged, AS_OF, before)
    # m1's entry of the 26th is sent too: the member keeps the later last_seen (refresh_devices)
    assert _sent(out) == {"m1": {"device_type": "pos", "last_seen": "2026-11-26T06:00:00.000Z"},
                          "m2": {"device_type": "pos", "last_seen": "2026-11-28T07:00:00.000Z"}}
    assert [key for key, _ in out if key[0] == summaries.RETYPED] == []


@pytest.mark.parametrize("state", [summaries.device_state, lambda partial: partial])
def test_a_device_whose_type_changed_names_itself_retyped(state):
    before = state(_pos_events())
    beacon = make_event(event_id="e3", device_type="beacon", event_time="2026-11-28T07:00:00.000Z")
    merged = summaries.merge_partials(summaries.DEVICE, [before, keyed(beacon)["device", "d1"]])
    out = summaries.join_device("d1", merged, AS_OF, before)
    assert [(key, partial) for key, partial in out if key[0] == summaries.RETYPED] == [
        (["retyped", "d1"], {"device_type": "beacon"})]
    # the members of its earlier links learn the new type from the retyped devices, not from an entry
    assert _sent(out) == {}


def test_a_retyped_device_gives_its_new_type_to_the_entries_members_hold():
    held = {"d1": {"device_type": "pos", "last_seen": "2026-11-27T08:00:00.000Z"},
            "d2": {"device_type": "phone", "last_seen": "2026-11-27T09:00:00.000Z"}}
    own = {**summaries.empty_member(), "devices": held}
    refreshed = summaries.refresh_devices(own, [], {"d1": "beacon", "d9": "pos"})
    assert refreshed["devices"] == {**held, "d1": {"device_type": "beacon", "last_seen": "2026-11-27T08:00:00.000Z"}}
    assert own["devices"] is held and held["d1"]["device_type"] == "pos"
    many = {"d%d" % n: "beacon" for n in range(3, 9)} | {"d2": "pos"}
    assert summaries.refresh_devices(own, [], many)["devices"] == {
        **held, "d2": {"device_type": "pos", "last_seen": "2026-11-27T09:00:00.000Z"}}
    assert summaries.refresh_devices(own, [], {"d9": "pos"}) is own


def test_a_sent_entry_keeps_the_later_last_seen_of_the_one_held():
    held = {"d1": {"device_type": "pos", "last_seen": "2026-11-27T08:00:00.000Z"}}
    own = {**summaries.empty_member(), "devices": held}
    earlier = {**summaries.empty_member(), "devices": {"d1": {"device_type": "beacon", "last_seen": "2026-11-26T01:00:00.000Z"}}}
    assert summaries.refresh_devices(own, [earlier])["devices"] == {
        "d1": {"device_type": "beacon", "last_seen": "2026-11-27T08:00:00.000Z"}}


def test_a_sent_entry_replaces_the_one_a_member_holds():
    own = summaries.merge_partials(summaries.MEMBER, [
        keyed(make_event(member_id="m1", event_type="purchase", amount_cents="100", currency="USD",
                         points="10"))["member", "m1"],
        *[partial for key, partial in summaries.join_device("d1", _pos_events(), AS_OF) if key == ["member", "m1"]],
    ])
    assert own["devices"] == {"d1": {"device_type": "pos", "last_seen": "2026-11-27T08:00:00.000Z"}}
    other = {"d2": {"device_type": "phone", "last_seen": "2026-11-28T01:00:00.000Z"}}
    # "beacon" < "pos": a merge would keep pos; the entry sent now wins
    sent = [summaries.merge_partials(summaries.MEMBER, [summaries.empty_member(), {**summaries.empty_member(), "devices": d}])
            for d in ({"d1": {"device_type": "beacon", "last_seen": "2026-11-27T08:00:00.000Z"}}, other)]
    refreshed = summaries.refresh_devices(own, sent)
    assert refreshed["devices"] == {"d1": {"device_type": "beacon", "last_seen": "2026-11-27T08:00:00.000Z"}, **other}
    assert {k: v for k, v in refreshed.items() if k != "devices"} == {k: v for k, v in own.items() if k != "devices"}
    assert summaries.refresh_devices(own, []) is own


# --- members ----------------------------------------------------------------

def test_member_summary_row():
    events = [
        make_event(member_id="m1", event_type="purchase", amount_cents="100", currency="USD", points="10"),
        make_event(event_id="e2", member_id="m1", event_type="redeem", points="4",
                   event_time="2026-11-28T02:00:00.000Z"),
        make_event(event_id="e3", device_id="d2", device_type="pos", member_id="m1", event_type="purchase",
                   amount_cents="5", currency="EUR", points="1", event_time="2026-11-27T10:00:00.000Z"),
    ]
    merged = keyed(*events)
    entries = [partial for device in ("d1", "d2")
               for key, partial in summaries.join_device(device, merged["device", device], AS_OF)
               if key[0] == "member"]
    member = summaries.merge_partials(summaries.MEMBER, [merged["member", "m1"], *entries])
    dataset, line = summaries.finalize(summaries.MEMBER, "m1", member, AS_OF)
    assert dataset == "member_summary"
    assert dict(zip(MEMBER_SUMMARY_COLUMNS, tsv.decode_row(line))) == {
        "member_id": "m1", "points_earned": "11", "points_redeemed": "4", "points_balance": "7",
        "spend": '{"EUR":5,"USD":100}',
        "first_seen": "2026-11-27T08:00:00.000Z", "last_seen": "2026-11-28T02:00:00.000Z",
        "device_count": "2",
        "devices": '{"d1":{"device_type":"phone","last_seen":"2026-11-28T02:00:00.000Z"},'
                   '"d2":{"device_type":"pos","last_seen":"2026-11-27T10:00:00.000Z"}}',
        "as_of": AS_OF,
    }


# --- merge laws -------------------------------------------------------------

maybe = functools.partial(st.one_of, st.none())
TIMES = ["2026-11-27T08:00:00.000Z", "2026-11-27T09:00:00.000Z", "2026-11-28T08:00:00.000Z"]
events_st = st.builds(
    make_event,
    event_id=st.sampled_from(["e1", "e2"]),
    device_type=st.sampled_from(["phone", "pos"]),
    event_type=st.sampled_from(["purchase", "redeem", "app_open"]),
    member_id=st.just("m1") | st.sampled_from([None, "m2"]),
    event_time=st.sampled_from(TIMES),
    amount_cents=st.sampled_from(["1", "250"]),
    currency=st.sampled_from(["USD", "EUR"]),
    points=maybe(st.sampled_from(["1", "7"])),
    app_version=maybe(st.sampled_from(["1", "2"])),
    battery_pct=maybe(st.sampled_from(["1.5", "99"])),
)


@st.composite
def device_keys(draw):
    """A device-key partial of one event."""
    return summaries.event_partials(draw(events_st))[0][1]


@st.composite
def member_keys(draw):
    """A member-key partial: the member's own, or a joined devices entry."""
    event = draw(events_st.filter(lambda e: e["member_id"] == "m1"))
    if draw(st.booleans()):
        return summaries.event_partials(event)[1][1]
    merged = keyed(event)["device", "d1"]
    return summaries.join_device("d1", merged, AS_OF)[1][1]


@pytest.mark.parametrize("strategy, kind", [(device_keys, summaries.DEVICE), (member_keys, summaries.MEMBER)])
@given(data=st.data())
def test_merges_are_associative_and_commutative(strategy, kind, data):
    def merge(a, b):
        return summaries.merge_partials(kind, [a, b])

    a, b, c = (data.draw(strategy()) for _ in range(3))
    assert merge(a, b) == merge(b, a)
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@pytest.mark.parametrize("strategy, kind", [(device_keys, summaries.DEVICE), (member_keys, summaries.MEMBER)])
@given(data=st.data())
def test_a_fold_of_many_is_the_chain_of_pairwise_merges(strategy, kind, data):
    partials = data.draw(st.lists(strategy(), min_size=2, max_size=6))
    if kind == summaries.DEVICE and data.draw(st.booleans()):
        partials.append({"device": None, "members": {}})  # a key that knows no device yet
    chained = partials[0]
    for partial in partials[1:]:
        chained = summaries.merge_partials(kind, [chained, partial])
    assert dumps_json(summaries.merge_partials(kind, partials)) == dumps_json(chained)
    assert dumps_json(summaries.merge_partials(kind, partials[::-1])) == dumps_json(chained)


@pytest.mark.parametrize("strategy, kind", [(device_keys, summaries.DEVICE), (member_keys, summaries.MEMBER)])
@given(data=st.data())
def test_partials_are_canonical_so_a_lone_one_needs_no_fold(strategy, kind, data):
    # The roll-up passes a key's lone delta partial on unfolded (combiner and
    # reducer): an event's partial, and any fold, must be its own fold.
    partials = data.draw(st.lists(strategy(), min_size=1, max_size=4))
    merged = summaries.merge_partials(kind, partials)
    for partial in (partials[0], merged):
        assert dumps_json(summaries.merge_partials(kind, [partial])) == dumps_json(partial)
