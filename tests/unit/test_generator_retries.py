"""Cross-hour resends: both sides agree, and only hours of the generation take part."""

from __future__ import annotations

import datetime as dt

from generator import retries
from generator.world import build_world

DAY = dt.date(2026, 11, 27)
COUNTS = {h: 1000 + 100 * h for h in range(24)}


def test_sources_and_targets_agree() -> None:
    for source in range(24):
        for target, n in retries.targets(1, DAY, source, COUNTS, 0.3).items():
            assert retries.sources(1, DAY, target, COUNTS, 0.3)[source] == n
            assert 1 <= target - source <= 3 and target <= 23


def test_only_hours_of_the_generation() -> None:
    counts = {5: 1000, 7: 1000}
    assert set(retries.targets(1, DAY, 5, counts, 0.5)) <= {7}
    assert retries.sources(1, DAY, 6, counts, 0.5) == {}
    assert retries.copies(1, DAY, 5, 9, counts, 0.5) == 0


def test_rates_shape_the_counts() -> None:
    none = sum(retries.copies(1, DAY, s, s + 1, COUNTS, 0.0) for s in range(23))
    some = sum(retries.copies(1, DAY, s, s + 1, COUNTS, 0.1) for s in range(23))
    assert none == 0
    assert some > 0
    # capped well below the hour's size even at rate 1
    assert retries.copies(1, DAY, 3, 4, {3: 10, 4: 10}, 1.0) <= 2


def test_batch_is_rebuilt_identically() -> None:
    world = build_world(1, 100, 300)
    first = list(retries.batch(world, 1, DAY, 4, COUNTS, 0.3, 0.1, 0.2))
    again = list(retries.batch(world, 1, DAY, 4, COUNTS, 0.3, 0.1, 0.2))
    assert [line for *_, line in first] == [line for *_, line in again]
    wanted = retries.targets(1, DAY, 4, COUNTS, 0.3)
    assert sum(wanted.values()) == len(first) > 0
    assert {t: sum(1 for it in first if it[0] == t) for t in wanted} == wanted
