"""Pure figures: rates, the scaling exponent, straight-line fits, latency percentiles, ratios.

No I/O and no clocks here, so every function is unit tested.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

logger = logging.getLogger(__name__)


def rate(count: float, seconds: float) -> float:
    """``count`` per second; 0.0 when no time passed."""
    return count / seconds if seconds > 0 else 0.0


def ratio(value: float | None, yardstick: float | None) -> float | None:
    """``value / yardstick``, or None when either is missing or the yardstick is 0."""
    if value is None or not yardstick:
        return None
    return value / yardstick


def fit_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> tuple[float, float]:
    """Least-squares slope of log(seconds) on log(size), and its R².

    Time ~ size**k: k = 1 is linear scaling, k > 1 worse than linear, k < 1
    means a fixed cost dominates the smaller sizes.
    """
    if len(sizes) != len(seconds):
        raise ValueError("sizes and seconds differ in length")
    if len(sizes) < 2:
        raise ValueError("need at least two sizes to fit an exponent")
    if any(v <= 0 for v in list(sizes) + list(seconds)):
        raise ValueError("sizes and seconds must be positive")
    xs = [math.log(v) for v in sizes]
    ys = [math.log(v) for v in seconds]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("sizes must not all be equal")
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    slope = sxy / sxx
    syy = sum((y - mean_y) ** 2 for y in ys)
    if syy == 0:
        return slope, 1.0
    residual = sum((y - (mean_y + slope * (x - mean_x))) ** 2 for x, y in zip(xs, ys))
    return slope, 1.0 - residual / syy


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least-squares ``(slope, intercept, R²)`` of ``ys`` on ``xs``.

    The history benchmark's growth figures: seconds (or bytes read) per
    day of warehouse history. R² is 1.0 when every ``y`` is the same.
    """
    if len(xs) != len(ys):
        raise ValueError("xs and ys differ in length")
    if len(xs) < 2:
        raise ValueError("need at least two points to fit a line")
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("xs must not all be equal")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx
    intercept = mean_y - slope * mean_x
    syy = sum((y - mean_y) ** 2 for y in ys)
    if syy == 0:
        return slope, intercept, 1.0
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    return slope, intercept, 1.0 - residual / syy


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0-100, got %r" % q)
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float | int]:
    """Count, mean, p50, p90, p99 and max of latencies in milliseconds."""
    if not latencies_ms:
        return {"count": 0}
    return {
        "count": len(latencies_ms),
        "mean_ms": sum(latencies_ms) / len(latencies_ms),
        "p50_ms": percentile(latencies_ms, 50),
        "p90_ms": percentile(latencies_ms, 90),
        "p99_ms": percentile(latencies_ms, 99),
        "max_ms": max(latencies_ms),
    }


def per_core(rate_per_s: float, cores: float) -> float:
    """A rate divided by the cores that produced it."""
    if cores <= 0:
        raise ValueError("cores must be positive")
    return rate_per_s / cores
