"""bench.stats: rates, ratios, the scaling exponent fit and percentiles."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench import stats


def test_rate_and_zero_time():
    assert stats.rate(100, 4) == 25
    assert stats.rate(100, 0) == 0.0


def test_ratio_handles_missing_and_zero():
    assert stats.ratio(3, 4) == 0.75
    assert stats.ratio(None, 4) is None
    assert stats.ratio(3, None) is None
    assert stats.ratio(3, 0) is None


def test_linear_scaling_has_exponent_one():
    exponent, r2 = stats.fit_exponent([1, 4, 16], [2.0, 8.0, 32.0])
    assert exponent == pytest.approx(1.0)
    assert r2 == pytest.approx(1.0)


def test_quadratic_scaling_has_exponent_two():
    exponent, _ = stats.fit_exponent([10, 40, 160], [1.0, 16.0, 256.0])
    assert exponent == pytest.approx(2.0)


def test_fixed_cost_gives_exponent_near_zero():
    exponent, _ = stats.fit_exponent([20_000, 80_000, 320_000], [250.0, 252.0, 260.0])
    assert 0 < exponent < 0.05


def test_noisy_fit_has_r2_below_one():
    exponent, r2 = stats.fit_exponent([1, 2, 4, 8], [1.0, 2.5, 3.5, 8.5])
    assert 0.9 < exponent < 1.1
    assert 0.9 < r2 < 1.0


@pytest.mark.parametrize("sizes,seconds", [([1], [1.0]), ([1, 2], [1.0]), ([1, 1], [1.0, 2.0]),
                                           ([0, 2], [1.0, 2.0]), ([1, 2], [1.0, -2.0])])
def test_fit_rejects_unusable_input(sizes, seconds):
    with pytest.raises(ValueError):
        stats.fit_exponent(sizes, seconds)


@given(st.floats(0.2, 3.0), st.floats(0.001, 1000.0))
def test_fit_recovers_any_power_law(power, constant):
    sizes = [1_000, 4_000, 16_000]
    exponent, _ = stats.fit_exponent(sizes, [constant * s ** power for s in sizes])
    assert math.isclose(exponent, power, rel_tol=1e-6)


def test_percentile_interpolates_between_ranks():
    values = [10, 20, 30, 40]
    assert stats.percentile(values, 0) == 10
    assert stats.percentile(values, 100) == 40
    assert stats.percentile(values, 50) == pytest.approx(25)
    assert stats.percentile(values, 99) == pytest.approx(39.7)


def test_percentile_ignores_input_order():
    assert stats.percentile([5, 1, 4, 2, 3], 50) == 3


def test_percentile_of_one_value():
    assert stats.percentile([7.5], 99) == 7.5


@pytest.mark.parametrize("q", [-1, 101])
def test_percentile_rejects_bad_q(q):
    with pytest.raises(ValueError):
        stats.percentile([1, 2], q)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        stats.percentile([], 50)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=200), st.floats(0, 100))
def test_percentile_lies_within_the_values(values, q):
    assert min(values) <= stats.percentile(values, q) <= max(values)


def test_latency_summary_of_hundred_values():
    summary = stats.latency_summary([float(v) for v in range(1, 101)])
    assert summary["count"] == 100
    assert summary["p50_ms"] == pytest.approx(50.5)
    assert summary["p99_ms"] == pytest.approx(99.01)
    assert summary["max_ms"] == 100
    assert summary["mean_ms"] == pytest.approx(50.5)


def test_latency_summary_of_nothing():
    assert stats.latency_summary([]) == {"count": 0}


def test_per_core():
    assert stats.per_core(100.0, 2) == 50.0
    with pytest.raises(ValueError):
        stats.per_core(100.0, 0)
