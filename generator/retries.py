"""Retries across landing hours: events resent in a later hour of the day.

Each landing hour ``s`` has a retry batch: events that land in ``s`` and are
resent, byte for byte, one to three hours later. The batch is drawn from its
own random stream, so hour ``s`` (which writes the first copies) and hours
``s+1..s+3`` (which write the resends) can each rebuild it alone, without
memory of each other. Only hours of the same generation take part, so the
first copy of every resend is in this generation.

How many copies go from ``s`` to ``h`` depends only on the seed, the day and
the two hours' event counts, so both sides agree on it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Iterator, Mapping

import orjson

from generator.events import EventFactory
from generator.quirks import quirky
from generator.seeding import stream
from generator.world import World

logger = logging.getLogger(__name__)

# Share of all duplicates that land in a later hour, and how late (hours).
CROSS_HOUR_SHARE = 0.3
LAG_WEIGHTS = {1: 0.6, 2: 0.3, 3: 0.1}


def copies(seed: int, day: dt.date, source: int, target: int, counts: Mapping[int, int],
           duplicate_rate: float) -> int:
    """How many events first landing in hour ``source`` are resent in ``target``."""
    lag = target - source
    if lag not in LAG_WEIGHTS or not counts.get(source) or not counts.get(target):
        return 0
    smaller = min(counts[source], counts[target])
    share = CROSS_HOUR_SHARE * LAG_WEIGHTS[lag]
    expected = smaller * duplicate_rate * share
    whole = int(expected)
    if stream(seed, day, "copies", source, target).random() < expected - whole:
        whole += 1
    # Keeps first copies plus resends well under an hour's line count.
    return min(whole, int(smaller * share))


def targets(seed: int, day: dt.date, source: int, counts: Mapping[int, int],
            duplicate_rate: float) -> dict[int, int]:
    """Resends of hour ``source``'s retry batch, by target hour."""
    out = {}
    for lag in LAG_WEIGHTS:
        n = copies(seed, day, source, source + lag, counts, duplicate_rate)
        if n:
            out[source + lag] = n
    return out


def sources(seed: int, day: dt.date, target: int, counts: Mapping[int, int],
            duplicate_rate: float) -> dict[int, int]:
    """Resends landing in hour ``target``, by the hour of their first copy."""
    out = {}
    for lag in LAG_WEIGHTS:
        n = copies(seed, day, target - lag, target, counts, duplicate_rate)
        if n:
            out[target - lag] = n
    return out


def batch(world: World, seed: int, day: dt.date, source: int, counts: Mapping[int, int],
          duplicate_rate: float, late_rate: float, quirk_rate: float,
          ) -> Iterator[tuple[int, dict[str, Any], int, bytes]]:
    """Hour ``source``'s retry batch: ``(target hour, event, event ms, line)`` in order."""
    left = targets(seed, day, source, counts, duplicate_rate)
    total = sum(left.values())
    rng = stream(seed, day, source, "retry")
    factory = EventFactory(world, rng, day, source, "r")
    hour_start = factory.hour_start
    for _ in range(total):
        target = _draw(left, int(rng.random() * total))
        left[target] -= 1
        total -= 1
        ev, ms, _ = factory.event(rng.random() < late_rate)
        if rng.random() < quirk_rate:
            line, ms = quirky(ev, ms, rng, hour_start, edges=False)
        else:
            line = orjson.dumps(ev) + b"\n"
        yield target, ev, ms, line


def _draw(left: dict[int, int], pick: int) -> int:
    """The target whose share of ``left`` holds position ``pick``."""
    for target, n in left.items():
        if pick < n:
            return target
        pick -= n
    raise ValueError("pick %d beyond the batch" % pick)
