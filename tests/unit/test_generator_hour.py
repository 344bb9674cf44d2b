"""One landing hour: reproducible alone, in any slicing, with exact tallies."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from generator.hour import RING_SIZE, HourGenerator, Knobs
from generator.outcomes import OUTCOMES
from generator.rhythm import allocate
from generator.world import build_world

DAY = dt.date(2026, 11, 27)
KNOBS = Knobs(seed=9, members=200, devices=500, events=20_000, bad_rate=0.05,
              duplicate_rate=0.2, late_rate=0.05)


@pytest.fixture(scope="module")
def world():
    return build_world(KNOBS.seed, KNOBS.members, KNOBS.devices)


def _all(gen: HourGenerator, *stops: int) -> list[bytes]:
    out = []
    for stop in stops:
        out.extend(gen.lines(stop))
    return out


def test_an_hour_is_the_same_alone_and_sliced(world) -> None:
    counts = allocate(KNOBS.events, range(24))
    whole = _all(HourGenerator(world, KNOBS, DAY, 13, counts), counts[13])
    sliced = _all(HourGenerator(world, KNOBS, DAY, 13, counts), 7, 500, 501, counts[13] + 5)
    assert whole == sliced
    other_hour = _all(HourGenerator(world, KNOBS, DAY, 14, counts), counts[14])
    assert whole[:50] != other_hour[:50]


def test_slots_and_tally(world) -> None:
    counts = allocate(KNOBS.events, range(24))
    gen = HourGenerator(world, KNOBS, DAY, 13, counts)
    lines = _all(gen, counts[13])
    tally = gen.tally
    blank = sum(1 for line in lines if not line.strip())
    assert len(lines) - blank == counts[13] == gen.done
    assert tally.outcomes["blank"] == blank
    assert sum(tally.outcomes[o] for o in OUTCOMES) == len(lines)
    assert all(line.endswith(b"\n") and b"\n" not in line[:-1] for line in lines)
    assert sum(tally.duplicates_by_first_hour.values()) > 0
    assert set(tally.duplicates_by_first_hour) <= {10, 11, 12}
    assert len(gen._ring) <= RING_SIZE


def test_resends_of_earlier_hours_are_exact_copies(world) -> None:
    counts = allocate(KNOBS.events, [11, 12])
    earlier = set(_all(HourGenerator(world, KNOBS, DAY, 11, counts), counts[11]))
    gen = HourGenerator(world, KNOBS, DAY, 12, counts)
    lines = _all(gen, counts[12])
    copies = [line for line in lines if line in earlier and b"\"e2026112711" in line]
    assert len(copies) == gen.tally.duplicates_by_first_hour[11] > 0


def test_no_dirt_without_rates(world) -> None:
    knobs = Knobs(seed=1, members=50, devices=100, events=3000, bad_rate=0.0,
                  duplicate_rate=0.0, late_rate=0.0)
    counts = allocate(knobs.events, range(24))
    gen = HourGenerator(world, knobs, DAY, 12, counts)
    lines = _all(gen, counts[12])
    assert Counter({o: n for o, n in gen.tally.outcomes.items() if n}) == Counter(
        {"valid": len(lines)})
    assert gen.tally.late == 0


def test_empty_hour(world) -> None:
    gen = HourGenerator(world, KNOBS, DAY, 5, {5: 0})
    assert _all(gen, 10) == []
