"""Who owns an event id: every outcome of decide(), the digest, copy order, and
the property that processing hours one run at a time, in any order, ends
with the owner that deciding every copy at once gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapreduce import ownership, tsv
from mapreduce.ownership import Owned, decide
from mapreduce.records import EVENT_COLUMNS

H07, H08, H09 = ("events/dt=2026-11-27/hour=%02d" % h for h in (7, 8, 9))


def row(event_id="e1", battery="50.0", late="false", source="dt=2026-11-27/hour=08/a.jsonl", **fields):
    """An events row (encoded TSV); unspecified columns are plausible defaults."""
    values = dict.fromkeys(EVENT_COLUMNS)
    values.update(event_id=event_id, device_id="d1", device_type="phone", event_type="heartbeat",
                  event_time="2026-11-27T08:15:00.123Z", event_dt="2026-11-27", late=late,
                  battery_pct=battery, source_file=source)
    values.update(fields)
    return tsv.encode_row(values[name] for name in EVENT_COLUMNS)


def owned(hour, text):
    """The index entry an hour writes for the copy ``text``."""
    return Owned(hour, ownership.event_day(text), ownership.digest(text))


# --- digest, event day, copy order -------------------------------------------

def test_digest_ignores_the_landing_columns():
    assert ownership.digest(row()) == ownership.digest(row(late="true", source="dt=2026-11-28/hour=00/z.jsonl"))


@pytest.mark.parametrize("fields", [
    {"battery": "50.5"}, {"event_id": "e2"}, {"battery": None}, {"app_version": "1"},
    {"event_time": "2026-11-27T08:15:00.124Z"},
])
def test_digest_reads_every_other_column(fields):
    assert ownership.digest(row(**fields)) != ownership.digest(row())


def test_digest_splits_on_unescaped_tabs_only():
    tabbed = row(app_version="3.1\tbeta")
    assert "\\\t" in tabbed
    # the escaped tab does not shift source_file into the content...
    assert ownership.digest(tabbed) == ownership.digest(row(app_version="3.1\tbeta", source="other.jsonl"))
    # ...and is part of the value it is in
    assert ownership.digest(tabbed) != ownership.digest(row(app_version="3.1\\tbeta"))
    assert ownership.digest(tabbed) != ownership.digest(row(app_version="3.1", os="beta"))


def test_event_day():
    assert ownership.event_day(row(app_version="a\tb", event_dt="2026-11-26")) == "2026-11-26"


def test_copy_order_is_hour_then_source_file_then_row():
    copies = [
        (H09, row(source="a")),
        (H08, row(source="b", battery="10.0")),
        (H08, row(source="a\tz", battery="90.0")),  # unescaped, "a\tz" < "b"
        (H08, row(source="a\tz", battery="80.0")),
    ]
    ordered = sorted(copies, key=lambda copy: ownership.copy_order(*copy))
    assert ordered == [copies[3], copies[2], copies[1], copies[0]]
    assert decide(copies, [], frozenset({H08, H09})).winner == copies[3]


# --- decide ------------------------------------------------------------------

RUN = frozenset({H08})


def test_new():
    copies = [(H08, row(source="b")), (H08, row(source="a"))]
    assert decide(copies, [], RUN) == ownership.Decision(ownership.NEW, copies[1], None)


def test_duplicate_of_an_earlier_hour_outside_the_run():
    before = owned(H07, row(battery="1.0"))
    decision = decide([(H08, row())], [before], RUN)
    assert decision == ownership.Decision(ownership.DUPLICATE, None, before)


def test_no_copies_and_an_owner_outside_the_run_is_nothing():
    assert decide([], [owned(H07, row())], RUN).outcome == ownership.DUPLICATE


def test_kept_when_the_run_hour_owns_the_same_content():
    copy = (H08, row())
    # a copy in another file of the same content changes nothing downstream
    decision = decide([copy], [owned(H08, row(source="old.jsonl"))], RUN)
    assert (decision.outcome, decision.winner) == (ownership.KEPT, copy)


@pytest.mark.parametrize("before_hour, run", [(H09, RUN), (H09, frozenset({H08, H09}))])
def test_moved_to_an_earlier_hour_with_the_same_content(before_hour, run):
    copy = (H08, row(late="true"))
    before = owned(before_hour, row(source="x"))
    assert decide([copy], [before], run) == ownership.Decision(ownership.MOVED, copy, before)


@pytest.mark.parametrize("before_hour", [H08, H09])
def test_replaced_when_the_content_differs(before_hour):
    copy = (H08, row(battery="20.0"))
    before = owned(before_hour, row())
    assert decide([copy], [before], RUN) == ownership.Decision(ownership.REPLACED, copy, before)


def test_vanished_when_a_run_hour_no_longer_carries_its_id():
    before = owned(H08, row())
    assert decide([], [before], RUN) == ownership.Decision(ownership.VANISHED, None, before)


def test_the_earliest_of_several_owners_counts():
    decision = decide([(H08, row())], [owned(H09, row()), owned(H07, row())], RUN)
    assert decision.outcome == ownership.DUPLICATE and decision.before.hour == H07


@pytest.mark.parametrize("outcome, loser", [
    (ownership.MOVED, H09), (ownership.REPLACED, H09), (ownership.VANISHED, H09),
    (ownership.KEPT, None), (ownership.NEW, None), (ownership.DUPLICATE, None),
])
def test_loser(outcome, loser):
    assert ownership.Decision(outcome, None, owned(H09, row())).loser == loser
    assert ownership.Decision(outcome, None, None).loser is None


# --- any processing order ----------------------------------------------------

HOURS = ["events/dt=2026-11-2%d/hour=%02d" % (d, h) for d in (6, 7) for h in (8, 23)]
copy_st = st.tuples(
    st.sampled_from(HOURS),
    st.builds(row, event_id=st.sampled_from(["a", "b", "c"]), battery=st.sampled_from(["1.0", "2.0", None]),
              source=st.sampled_from(["x.jsonl", "y.jsonl"]), late=st.sampled_from(["true", "false"])),
)


@settings(max_examples=300)
@given(copies=st.lists(copy_st, min_size=1, max_size=12), data=st.data())
def test_runs_in_any_order_end_with_the_all_at_once_owner(copies, data):
    hours = sorted({hour for hour, _ in copies})
    runs = data.draw(st.lists(st.sets(st.sampled_from(hours), min_size=1), max_size=6))
    runs += [{hour} for hour in data.draw(st.permutations(hours))]  # every hour at least once
    by_id: dict[str, list] = {}
    for copy in copies:
        by_id.setdefault(tsv.split_row(copy[1])[0], []).append(copy)
    index: dict[str, Owned] = {}
    for run in map(frozenset, runs):
        for event_id, its in by_id.items():
            before = index.get(event_id)
            decision = decide([c for c in its if c[0] in run], [before] if before else [], run)
            assert decision.outcome != ownership.VANISHED
            if decision.loser is not None:
                assert decision.loser == before.hour
            if decision.winner is not None:
                index[event_id] = owned(*decision.winner)
    for event_id, its in by_id.items():
        once = decide(its, [], frozenset(HOURS))
        assert once.outcome == ownership.NEW
        assert index[event_id] == owned(*once.winner)
