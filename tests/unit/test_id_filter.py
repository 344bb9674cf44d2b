"""IdFilter: the run's event ids as a Bloom filter that tasks pass to each other."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapreduce.id_filter import FALSE_POSITIVE_RATE, MIN_CAPACITY, IdFilter, capacity_for

_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1, max_size=64)


@settings(max_examples=100)
@given(st.lists(_ids, max_size=200), st.lists(_ids, max_size=200))
def test_no_id_added_anywhere_is_ever_ruled_out(first, second):
    # A dropped index entry must be one no copy can meet: no false negatives,
    # after the text round trip and the union of two tasks' filters.
    a, b = IdFilter(MIN_CAPACITY), IdFilter(MIN_CAPACITY)
    for event_id in first:
        a.add(event_id)
    for event_id in second:
        b.add(event_id)
    united = IdFilter.loads(IdFilter.loads(a.dumps()).union(IdFilter.loads(b.dumps())).dumps())
    assert all(united.might_hold(event_id.encode()) for event_id in first + second)
    assert all(united.might_hold_each([event_id.encode() for event_id in first + second]))


def test_most_other_ids_are_ruled_out():
    held = IdFilter(10_000)
    for n in range(10_000):
        held.add("e-%d" % n)
    passed = sum(held.might_hold(b"x-%d" % n) for n in range(20_000))
    # The hash is fixed, so this count is too; it stays near the design rate.
    assert passed <= 20_000 * FALSE_POSITIVE_RATE * 2


def test_a_list_is_checked_as_each_id_alone():
    held = IdFilter(MIN_CAPACITY)
    for n in range(0, 600, 3):
        held.add("e-%d" % n)
    probes = [b"e-%d" % n for n in range(600)]
    answers = held.might_hold_each(probes)
    assert answers == [held.might_hold(p) for p in probes]
    assert sum(answers) < 260  # the 200 held, and a few false positives
    assert held.might_hold_each([]) == []


@settings(max_examples=50)
@given(st.lists(_ids, max_size=300))
def test_ids_added_in_one_call_fill_the_bits_of_one_at_a_time(ids):
    one, each = IdFilter(MIN_CAPACITY), IdFilter(MIN_CAPACITY)
    for event_id in ids:
        one.add(event_id)
    each.add_each([event_id.encode() for event_id in ids])
    assert each.dumps() == one.dumps()


def test_an_empty_filter_rules_out_everything():
    assert not IdFilter(MIN_CAPACITY).might_hold(b"e-1")


def test_a_filter_read_back_answers_the_same():
    held = IdFilter(5000)
    for n in range(3000):
        held.add("e-%d" % n)
    again = IdFilter.loads(held.dumps())
    probes = [b"e-%d" % n for n in range(6000)]
    assert [again.might_hold(p) for p in probes] == [held.might_hold(p) for p in probes]
    assert again.capacity == 5000


def test_filters_of_other_capacities_do_not_unite():
    with pytest.raises(ValueError, match="capacities 1024 and 2048"):
        IdFilter(1024).union(IdFilter(2048))


@pytest.mark.parametrize("text", [
    "",
    "idfilter3\t1024",
    "bloom\t1024\tAAAA",
    "idfilter3\tmany\tAAAA",
    "idfilter3\t1024\tnot base64!",
])
def test_what_is_not_a_filter_line_is_refused(text):
    with pytest.raises(ValueError):
        IdFilter.loads(text)


def test_a_filter_line_of_another_capacity_is_refused():
    cells = IdFilter(1024).dumps().split("\t")
    with pytest.raises(ValueError, match="capacity 100000"):
        IdFilter.loads("\t".join([cells[0], "100000", cells[2]]))


@pytest.mark.parametrize("capacity", [0, -1, 1.5, "10"])
def test_capacity_is_a_positive_integer(capacity):
    with pytest.raises(ValueError, match="positive integer"):
        IdFilter(capacity)


def test_capacity_for_counts_plain_and_gzip_bytes():
    assert capacity_for(0, 0) == MIN_CAPACITY
    assert capacity_for(223_700_000, 0) == 2_237_000
    assert capacity_for(0, 40_000_000) == 2_000_000
    assert capacity_for(1_000_000, 1_000_000) == 10_000 + 50_000


def test_a_file_holds_one_filter(tmp_path):
    held = IdFilter(MIN_CAPACITY)
    held.add("e-1")
    path = tmp_path / "part-00000"
    path.write_text(held.dumps() + "\n")
    assert IdFilter.load(str(path)).might_hold(b"e-1")
