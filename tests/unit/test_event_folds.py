"""Events folded straight into their keys' partials equal the fold of the events' own partials."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapreduce import event_folds, rollups, summaries
from mapreduce.merges import dumps_json
from tests.unit.test_rollups import events, make_event, readings


def folded(fold_class, facts_class, evts):
    """The frozen fold of ``evts`` added one by one."""
    fold = fold_class()
    for event in evts:
        fold.add(event, facts_class(event))
    return fold.freeze()


def summary_partial(kind, evts):
    """``summaries.merge_partials`` of the ``kind`` partials the events give."""
    partials = [partial for event in evts for (key_kind, _), partial in summaries.event_partials(event)
                if key_kind == kind]
    return summaries.merge_partials(kind, partials)


@given(st.lists(st.one_of(events(), readings()), min_size=1, max_size=12))
def test_a_device_days_fold_is_the_fold_of_its_events_partials(evts):
    expected = rollups.merge_partials(rollups.DEVICE_DAILY, [rollups.device_partial(e) for e in evts])
    got = folded(event_folds.DeviceDay, event_folds.DailyFacts, evts)
    assert dumps_json(got) == dumps_json(expected)
    assert got == expected


@given(st.lists(events(), min_size=1, max_size=12))
def test_a_member_days_fold_is_the_fold_of_its_events_partials(evts):
    evts = [e for e in evts if e["member_id"]] or [make_event(member_id="m1")]
    expected = rollups.merge_partials(rollups.MEMBER_DAILY, [rollups.member_partial(e) for e in evts])
    got = folded(event_folds.MemberDay, event_folds.DailyFacts, evts)
    assert got == expected and dumps_json(got) == dumps_json(expected)


def delta_facts_of_daily_facts(event):
    """An event's delta facts as the roll up makes them when it rolls the event up too."""
    return event_folds.DeltaFacts(event, event_folds.DailyFacts(event))


DELTA_FACTS = pytest.mark.parametrize("delta_facts", [event_folds.DeltaFacts, delta_facts_of_daily_facts],
                                      ids=["read", "from_daily_facts"])


@DELTA_FACTS
@given(st.lists(st.one_of(events(), readings()), min_size=1, max_size=12))
def test_a_device_deltas_fold_is_the_fold_of_its_events_partials(delta_facts, evts):
    got = folded(event_folds.DeviceDelta, delta_facts, evts)
    expected = summary_partial(summaries.DEVICE, evts)
    assert got == expected and dumps_json(got) == dumps_json(expected)


@DELTA_FACTS
@given(st.lists(events(), min_size=1, max_size=12))
def test_a_member_deltas_fold_is_the_fold_of_its_events_partials(delta_facts, evts):
    evts = [e for e in evts if e["member_id"]] or [make_event(member_id="m1")]
    got = folded(event_folds.MemberDelta, delta_facts, evts)
    expected = summary_partial(summaries.MEMBER, evts)
    assert got == expected and dumps_json(got) == dumps_json(expected)


def test_exact_sums_over_unlike_denominators_are_in_lowest_terms():
    evts = [make_event(event_id=str(i), device_type="sensor", event_type="reading", temperature_c=text)
            for i, text in enumerate(["0.5", "0.25", "0.05", "2", "-0.8"])]
    got = folded(event_folds.DeviceDay, event_folds.DailyFacts, evts)
    assert got["temperature_c"] == {"min": -0.8, "max": 2.0, "sum": "2", "n": 5}


@pytest.mark.parametrize("fields", [
    {"points": "1.5", "event_type": "redeem"},
    {"battery_pct": "nan"},
    {"foot_traffic": "2.5", "event_type": "reading"},
])
def test_a_bad_event_fails_before_any_fold_changes(fields):
    fold = event_folds.DeviceDay()
    fold.add(make_event(), event_folds.DailyFacts(make_event()))
    before = fold.freeze()
    with pytest.raises(ValueError):
        event_folds.DailyFacts(make_event(event_id="e2", **fields))
    assert fold.freeze() == before
