"""The synthetic world: sizes, ids, ownership, skew and determinism."""

from __future__ import annotations

import re
from array import array
from collections import Counter

import pytest

from generator import world as w


@pytest.fixture(scope="module")
def small():
    return w.build_world(1, members=1000, devices=3000)


def test_same_seed_same_world() -> None:
    a = w.build_world(3, 50, 200)
    b = w.build_world(3, 50, 200)
    c = w.build_world(4, 50, 200)
    assert (a.skew_ms, a.fmt, a.variant) == (b.skew_ms, b.fmt, b.variant)
    assert a.skew_ms != c.skew_ms


@pytest.mark.parametrize("devices, expected", [
    (1, (1, 0, 0, 0)), (3, (3, 0, 0, 0)), (4, (1, 1, 1, 1)), (100_000, (75_000, 8000, 7000, 10_000)),
])
def test_split_devices(devices: int, expected: tuple) -> None:
    assert w.split_devices(devices) == expected
    assert sum(w.split_devices(devices)) == devices


def test_every_device_type_and_store_exists(small) -> None:
    assert small.devices == 3000
    assert min(small.phones, small.pos, small.beacons, small.sensors) > 0
    assert small.stores >= 1 and small.merchants >= 1
    assert {small.merchant_of(s) for s in range(small.stores)} == set(range(small.merchants))


def test_locate_round_trips(small) -> None:
    seen = Counter()
    for g in range(small.devices):
        kind, k = small.locate(g)
        seen[kind] += 1
        assert k == seen[kind] - 1
    assert [seen[k] for k in range(4)] == [small.phones, small.pos, small.beacons, small.sensors]


@pytest.mark.parametrize("members, devices", [(1000, 3000), (500, 200), (10, 1000)])
def test_members_own_one_or_two_phones_when_there_are_enough(members: int, devices: int) -> None:
    world = w.build_world(1, members, devices)
    owned = Counter(world.phone_owner(k) for k in range(world.phones))
    assert all(0 <= m < members for m in owned)
    if world.phones <= 2 * members:
        assert set(owned.values()) <= {1, 2}


def test_ids_follow_the_contract_alphabets() -> None:
    ids = [w.member_id(123), w.merchant_id(12), w.store_id(123)]
    assert ids == ["m-0000123", "merchant-0012", "store-00123"]
    devices = [w.device_id(kind, 12) for kind in range(4)]
    assert devices == ["phone-000012", "pos-00012", "beacon-00012", "sensor-00012"]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", i) for i in ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", i) for i in devices)


def test_clock_skew_is_small(small) -> None:
    assert max(abs(s) for s in small.skew_ms) <= 240_000
    assert sum(1 for s in small.skew_ms if abs(s) <= 1500) > small.devices // 2


def test_activity_is_skewed(small) -> None:
    picks = Counter(small.pick_device(i / 100_000) for i in range(100_000))
    top = sum(n for _, n in picks.most_common(small.devices // 100))
    assert top > 0.08 * 100_000  # the top 1% of devices send well over 1% of events


def test_alias_table_matches_weights() -> None:
    table = w.AliasTable(array("d", [1.0, 0.0, 3.0, 4.0]))
    got = Counter(table.pick(i / 80_000) for i in range(80_000))
    assert got[1] == 0
    assert got[0] == pytest.approx(10_000, rel=0.02)
    assert got[2] == pytest.approx(30_000, rel=0.02)
    assert got[3] == pytest.approx(40_000, rel=0.02)


def test_world_needs_members_and_devices() -> None:
    with pytest.raises(ValueError):
        w.build_world(1, 0, 10)
