"""The daily rhythm and the split of events over hours."""

from __future__ import annotations

import pytest

from generator import rhythm


@pytest.mark.parametrize("total, hours", [
    (1_000_000, range(24)), (200, range(24)), (7, [3]), (0, range(24)), (5, [0, 23]), (1, [4, 12]),
])
def test_allocate_is_exact(total: int, hours) -> None:
    counts = rhythm.allocate(total, hours)
    assert sorted(counts) == sorted(set(hours))
    assert sum(counts.values()) == total


def test_days_are_busier_than_nights() -> None:
    counts = rhythm.allocate(1_000_000, range(24))
    assert counts[18] > 4 * counts[3]
    assert counts == rhythm.allocate(1_000_000, reversed(range(24)))


def test_activity_range() -> None:
    values = [rhythm.activity(h) for h in range(24)]
    assert max(values) == 1.0 and min(values) > 0.05


def test_allocate_no_hours() -> None:
    assert rhythm.allocate(10, []) == {}
