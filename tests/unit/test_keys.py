"""Row keys: layout, round trips, newest-first order, ranges and salt spread."""

from __future__ import annotations

import collections
import datetime
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hbase_schema import keys

ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
ids = st.text(alphabet=ID_ALPHABET + ".:", min_size=1, max_size=64)
event_ids = st.text(alphabet=ID_ALPHABET, min_size=1, max_size=64)
days = st.dates(min_value=datetime.date(1970, 1, 1), max_value=datetime.date(9999, 12, 31))
millis = st.integers(min_value=0, max_value=9999999999999)
bucket_counts = st.integers(min_value=1, max_value=256)


def scan(all_keys, row_range):
    """What an HBase scan over row_range returns, in scan order."""
    start, stop = row_range
    return [key for key in sorted(all_keys) if start <= key < stop]


def test_summary_key_matches_the_contract_example():
    expected_salt = b"%02x" % (zlib.crc32(b"m-000123") % 16)
    assert keys.summary_key("m-000123") == expected_salt + b"m-000123"


def test_daily_and_event_keys_have_the_contract_layout():
    salt = keys.summary_key("d-1")[:2]
    assert keys.daily_key("d-1", datetime.date(2026, 11, 27)) == salt + b"d-1|" + b"%08d" % (
        99999999 - 20261127
    )
    assert keys.event_key("d-1", 1764231300123, "e1") == (
        salt + b"d-1|" + b"%013d" % (9999999999999 - 1764231300123) + b"|e1"
    )


def test_keys_are_printable_ascii():
    key = keys.event_key("m_1-x", 1, "ev-1")
    assert all(0x20 < byte < 0x7F for byte in key)


@given(ids, bucket_counts)
def test_bucket_is_in_range_and_salt_is_two_lowercase_hex_digits(entity_id, buckets):
    number = keys.bucket(entity_id, buckets)
    assert 0 <= number < buckets
    assert keys.summary_key(entity_id, buckets)[:2] == b"%02x" % number


@given(ids, days, bucket_counts)
def test_daily_key_round_trips(entity_id, day, buckets):
    assert keys.parse_daily_key(keys.daily_key(entity_id, day, buckets)) == (entity_id, day)


@given(ids, millis, event_ids, bucket_counts)
def test_event_key_round_trips(member_id, event_ms, event_id, buckets):
    key = keys.event_key(member_id, event_ms, event_id, buckets)
    assert keys.parse_event_key(key) == (member_id, event_ms, event_id)


@given(ids)
def test_entity_prefix_starts_every_row_of_the_entity(entity_id):
    prefix = keys.entity_prefix(entity_id)
    assert keys.daily_key(entity_id, datetime.date(2026, 1, 2)).startswith(prefix)
    assert keys.event_key(entity_id, 5, "e").startswith(prefix)
    assert prefix == keys.summary_key(entity_id) + keys.SEP


@given(st.lists(days, min_size=2, max_size=20, unique=True))
def test_daily_keys_sort_newest_first(day_list):
    by_key = sorted(day_list, key=lambda day: keys.daily_key("dev-1", day))
    assert by_key == sorted(day_list, reverse=True)


@given(st.lists(millis, min_size=2, max_size=20, unique=True))
def test_event_keys_sort_newest_first(ms_list):
    by_key = sorted(ms_list, key=lambda ms: keys.event_key("m-1", ms, "e"))
    assert by_key == sorted(ms_list, reverse=True)


def test_one_prefix_never_matches_a_longer_id():
    # One bucket: equal salts, so only the separator keeps "m-1" and "m-12" apart.
    longer = keys.daily_key("m-12", datetime.date(2026, 1, 1), 1)
    assert not longer.startswith(keys.entity_prefix("m-1", 1))


def test_same_event_relanded_maps_to_the_same_key():
    assert keys.event_key("m-1", 1000, "ev") == keys.event_key("m-1", 1000, "ev")


@pytest.mark.parametrize("bad", [b"", b"0", b"zzm-1|99999999", b"0am-1", b"0am-1|123",
                                 b"0am-1|9999999x", b"0a|79738872", b"0am-1|79738872|x",
                                 b"0am-1|99999999"])
def test_parse_daily_key_rejects_malformed_keys(bad):
    with pytest.raises(ValueError):
        keys.parse_daily_key(bad)


@pytest.mark.parametrize("bad", [b"", b"0am-1|0000000000000", b"0am-1|000000000000|e",
                                 b"0am-1|000000000000a|e", b"0am-1|0000000000000|",
                                 b"Xam-1|0000000000000|e"])
def test_parse_event_key_rejects_malformed_keys(bad):
    with pytest.raises(ValueError):
        keys.parse_event_key(bad)


@pytest.mark.parametrize("bad_id", ["", "a|b"])
def test_ids_must_be_non_empty_and_free_of_the_separator(bad_id):
    with pytest.raises(ValueError):
        keys.summary_key(bad_id)


@pytest.mark.parametrize("bad_ms", [-1, 10**13])
def test_event_key_rejects_times_out_of_range(bad_ms):
    with pytest.raises(ValueError):
        keys.event_key("m-1", bad_ms, "e")


@pytest.mark.parametrize("buckets", [0, 257])
def test_bucket_count_must_be_1_to_256(buckets):
    with pytest.raises(ValueError):
        keys.bucket("m-1", buckets)


def _day_universe():
    base = datetime.date(2026, 11, 1)
    return [base + datetime.timedelta(days=n) for n in range(40)]


@pytest.mark.parametrize(
    "start,end",
    [
        (datetime.date(2026, 11, 5), datetime.date(2026, 11, 9)),
        (datetime.date(2026, 11, 5), datetime.date(2026, 11, 5)),
        (None, datetime.date(2026, 11, 3)),
        (datetime.date(2026, 12, 1), None),
        (None, None),
    ],
)
def test_daily_range_covers_end_to_start_inclusive_newest_first(start, end):
    universe = _day_universe()
    all_keys = [keys.daily_key("dev-7", day) for day in universe]
    # Neighbours that share a salt must stay outside the range.
    all_keys += [keys.summary_key("dev-7"), keys.daily_key("dev-77", universe[3], 1)]
    all_keys += [keys.summary_key("dev-7", 1) + b"7|" + b"0" * 8]
    found = [keys.parse_daily_key(key)[1]
             for key in scan(all_keys, keys.daily_range("dev-7", start, end))]
    expected = sorted(
        (day for day in universe
         if (start is None or day >= start) and (end is None or day <= end)),
        reverse=True,
    )
    assert found == expected


def test_daily_range_rejects_start_after_end():
    with pytest.raises(ValueError):
        keys.daily_range("d", datetime.date(2026, 1, 2), datetime.date(2026, 1, 1))


@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=30),
    st.one_of(st.none(), st.integers(min_value=0, max_value=51)),
    st.one_of(st.none(), st.integers(min_value=1, max_value=52)),
)
def test_event_range_is_start_inclusive_end_exclusive_newest_first(times, start_ms, end_ms):
    if start_ms is not None and end_ms is not None and start_ms >= end_ms:
        return
    all_keys = {keys.event_key("m-9", ms, "e%d" % n) for n, ms in enumerate(times)}
    all_keys.add(keys.summary_key("m-9"))
    all_keys.add(keys.event_key("m-99", 3, "x", 1))
    found = [keys.parse_event_key(key)
             for key in scan(all_keys, keys.event_range("m-9", start_ms, end_ms))]
    expected = [ms for ms in times
                if (start_ms is None or ms >= start_ms) and (end_ms is None or ms < end_ms)]
    assert sorted(ms for _, ms, _ in found) == sorted(expected)
    assert [ms for _, ms, _ in found] == sorted(expected, reverse=True)
    assert {member for member, _, _ in found} <= {"m-9"}


def test_event_range_at_the_edges_of_time():
    top = 9999999999999
    all_keys = [keys.event_key("m", 0, "a"), keys.event_key("m", top, "b")]
    assert scan(all_keys, keys.event_range("m", 0, None)) == sorted(all_keys)
    assert scan(all_keys, keys.event_range("m", None, top + 1)) == sorted(all_keys)
    assert scan(all_keys, keys.event_range("m", top, None)) == [keys.event_key("m", top, "b")]
    assert scan(all_keys, keys.event_range("m", None, 1)) == [keys.event_key("m", 0, "a")]


@pytest.mark.parametrize("start,end", [(5, 5), (6, 5), (-1, None), (None, 0)])
def test_event_range_rejects_empty_or_out_of_range_bounds(start, end):
    with pytest.raises(ValueError):
        keys.event_range("m", start, end)


def test_split_points_give_each_bucket_its_own_region():
    assert keys.split_points(16) == [b"%02x" % n for n in range(1, 16)]
    assert keys.split_points(1) == []
    regions = [b""] + keys.split_points(16)
    for n in range(16):
        key = b"%02x" % n + b"anything"
        assert sum(1 for start in regions if key >= start) == n + 1


def test_sequential_ids_spread_evenly_over_16_buckets():
    counts = collections.Counter(keys.bucket("m-%06d" % n) for n in range(100_000))
    assert len(counts) == 16
    ratio = max(counts.values()) / min(counts.values())
    assert ratio < 1.1, "bucket spread max/min = %.3f" % ratio
