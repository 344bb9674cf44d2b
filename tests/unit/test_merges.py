"""The fold machinery: a field's n-ary fold equals its pairwise fold."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapreduce import merges
from mapreduce.merges import dumps_json, fold

_text = st.text(alphabet="abcxyz", min_size=1, max_size=3)
_latest = st.none() | st.tuples(st.sampled_from(["2026-11-27T08:00:00.000Z", "2026-11-27T09:00:00.000Z"]),
                                _text, _text).map(list)

VALUES = {
    "ADD": st.integers(min_value=-10**12, max_value=10**12),
    "MIN": _latest,
    "MAX": _latest,
    # The jobs' numbers in one field are all floats (never -0.0: they come
    # from float(Fraction)) or all integers, so equal values are identical;
    # 0 against 0.0 or -0.0 would tie with different JSON, and min keeps the first.
    "MIN_FLOAT": st.none() | st.floats(allow_nan=False, allow_infinity=False).map(lambda x: x + 0.0),
    "MIN_INTEGER": st.none() | st.integers(min_value=-10**12, max_value=10**12),
    "COUNTS": st.dictionaries(_text, st.integers(min_value=0, max_value=10**6), max_size=4),
    "DISTINCT": st.lists(_text, max_size=4, unique=True).map(sorted),
    "MAX_PER_KEY": st.dictionaries(_text, _latest, max_size=3),
    "STATS": st.none() | st.builds(
        lambda low, spread, total, n: {"min": low, "max": low + spread, "sum": total, "n": n},
        st.integers(-50, 50), st.integers(0, 20), st.sampled_from(["3", "-7/2", "1/3", "0"]),
        st.integers(1, 5)),
}
FIELDS = {"ADD": merges.ADD, "MIN": merges.MIN, "MAX": merges.MAX, "MIN_FLOAT": merges.MIN, "MIN_INTEGER": merges.MIN,
          "COUNTS": merges.COUNTS, "DISTINCT": merges.DISTINCT, "MAX_PER_KEY": merges.MAX_PER_KEY,
          "STATS": merges.STATS}


def _pairwise(field, values):
    acc = field.thaw(values[0])
    for value in values[1:]:
        acc = field.merge(acc, value)
    return field.freeze(acc)


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_a_fields_n_ary_fold_is_its_pairwise_fold(name):
    field = FIELDS[name]
    assert field.many is not None

    @given(st.lists(VALUES[name], min_size=2, max_size=6))
    def check(values):
        expected = dumps_json(_pairwise(field, values))
        assert dumps_json(field.fold_values(values)) == expected
        for order in itertools.islice(itertools.permutations(values), 6):
            assert dumps_json(field.fold_values(list(order))) == expected

    check()


def test_a_field_without_many_folds_pairwise():
    field = merges.Field(merges.max_opt)
    assert field.fold_values([None, 3, 1]) == 3


def test_stats_fold_to_exact_sums():
    stats = [{"min": 1.0, "max": 2.0, "sum": "3", "n": 2}, None, {"min": 0.5, "max": 0.5, "sum": "1/2", "n": 1}]
    assert merges.STATS.fold_values(stats) == {"min": 0.5, "max": 2.0, "sum": "7/2", "n": 3}
    assert merges.STATS.fold_values([None, None]) is None


def test_fold_takes_any_iterable_and_refuses_none():
    fields = {"n": merges.ADD, "seen": merges.DISTINCT}
    partials = [{"n": 1, "seen": ["b"]}, {"n": 2, "seen": ["a", "b"]}]
    assert fold(fields, iter(partials)) == {"n": 3, "seen": ["a", "b"]}
    assert fold(fields, partials[:1]) == {"n": 1, "seen": ["b"]}
    with pytest.raises(ValueError):
        fold(fields, [])
