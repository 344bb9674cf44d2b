"""The daily rhythm: how many events land in each UTC hour.

Traffic follows a day curve (quiet at night, a lunch and an evening peak).
``allocate`` splits a total over the requested hours in proportion to that
curve with the largest-remainder method, so the split is exact and
deterministic.
"""

from __future__ import annotations

import logging
from typing import Sequence

logger = logging.getLogger(__name__)

# Relative landing volume per UTC hour (a blend of the fleet's time zones).
HOURLY_WEIGHTS = (
    0.30, 0.22, 0.18, 0.17, 0.20, 0.30, 0.50, 0.75,
    1.00, 1.20, 1.35, 1.50, 1.70, 1.65, 1.50, 1.45,
    1.50, 1.65, 1.80, 1.70, 1.40, 1.05, 0.70, 0.45,
)

_PEAK = max(HOURLY_WEIGHTS)


def activity(hour: int) -> float:
    """How busy ``hour`` is, from about 0.1 (night) to 1.0 (peak)."""
    return HOURLY_WEIGHTS[hour] / _PEAK


def allocate(total: int, hours: Sequence[int]) -> dict[int, int]:
    """Split ``total`` events over ``hours`` by the day curve (exact sum)."""
    hours = sorted(set(hours))
    if not hours:
        return {}
    weight_sum = sum(HOURLY_WEIGHTS[h] for h in hours)
    shares = {h: total * HOURLY_WEIGHTS[h] / weight_sum for h in hours}
    counts = {h: int(share) for h, share in shares.items()}
    left = total - sum(counts.values())
    # Largest remainders first; ties broken by hour for determinism.
    for h in sorted(hours, key=lambda h: (counts[h] - shares[h], h))[:left]:
        counts[h] += 1
    return counts
