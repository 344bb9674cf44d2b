"""One landing hour: the stream of lines and the tally of their outcomes.

Each line slot of the hour is, in this order of precedence: a retry-batch
line (a first copy of an event resent later, or a resend of an earlier
hour's), a bad line, a resend of a recent line of this hour, or a fresh
event (sometimes late, sometimes written with a quirk, sometimes a redeem
owed by an earlier purchase). Blank lines are sprinkled in between slots.

Retry-batch lines are placed by selection sampling and the batches are
rebuilt lazily, so memory stays flat however large the hour.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

import orjson

from generator import outcomes as oc
from generator import retries
from generator.badlines import REASON_CYCLE, BadLineFactory
from generator.events import EventFactory, PendingRedeem
from generator.quirks import quirky
from generator.seeding import stream
from generator.world import World

logger = logging.getLogger(__name__)

RING_SIZE = 256  # same-hour resends copy one of this many recent valid lines
MAX_REDEEM_LAG = 40  # lines between a purchase and the redeem it owes
BLANKS = (b"\n", b" \n", b"\t\n", b"\r\n", b"  \t\r\n")
# Shares of bad_rate: valid lines written with a quirk, and blank lines.
QUIRK_SHARE = 0.5
BLANK_SHARE = 0.1


@dataclass(frozen=True)
class Knobs:
    """The generation knobs that shape every hour."""

    seed: int
    members: int
    devices: int
    events: int
    bad_rate: float
    duplicate_rate: float
    late_rate: float

    @property
    def quirk_rate(self) -> float:
        """Share of fresh valid events written with a quirk."""
        return min(1.0, self.bad_rate * QUIRK_SHARE)

    @property
    def blank_rate(self) -> float:
        """Chance of a blank line after each line."""
        return min(1.0, self.bad_rate * BLANK_SHARE)


@dataclass
class HourTally:
    """What an hour's lines are meant to be, by the contract."""

    outcomes: Counter = field(default_factory=lambda: Counter({o: 0 for o in oc.OUTCOMES}))
    duplicates_by_first_hour: Counter = field(default_factory=Counter)
    late: int = 0
    valid_by_event_type: Counter = field(default_factory=Counter)
    points_earned: int = 0
    points_redeemed: int = 0
    spend: Counter = field(default_factory=Counter)


class HourGenerator:
    """The lines of one landing hour, produced slot by slot."""

    def __init__(self, world: World, knobs: Knobs, day: dt.date, hour: int,
                 counts: Mapping[int, int]) -> None:
        self.knobs = knobs
        self.hour = hour
        self.slots = counts.get(hour, 0)
        self.done = 0
        # Running counts (plain attributes and dicts: updated once per line).
        self._outcomes = {o: 0 for o in oc.OUTCOMES if o != oc.VALID}
        self._types: dict[str, int] = {}
        self._first_hours: Counter = Counter()
        self._late = 0
        self._earned = 0
        self._redeemed = 0
        self._spend: Counter = Counter()
        self.rng = rng = stream(knobs.seed, day, hour, "main")
        self.events = EventFactory(world, rng, day, hour, "a")
        self.bad = BadLineFactory(self.events)
        self._day_start = self.events.day_start
        self._ring: list[bytes] = []
        self._ring_next = 0
        self._late_rate = knobs.late_rate
        self._quirk_rate = knobs.quirk_rate
        self._owed: list[tuple[int, int, PendingRedeem]] = []
        self._bad_seen = (hour * 8) % len(REASON_CYCLE)
        self._specials = self._special_streams(world, knobs, day, counts)
        self._special_left = sum(n for n, _, _ in self._specials)

    def _special_streams(self, world: World, knobs: Knobs, day: dt.date,
                         counts: Mapping[int, int]) -> list[list[Any]]:
        args = (knobs.duplicate_rate, knobs.late_rate, knobs.quirk_rate)
        own = retries.targets(knobs.seed, day, self.hour, counts, knobs.duplicate_rate)
        streams = []
        if own:
            items = retries.batch(world, knobs.seed, day, self.hour, counts, *args)
            streams.append([sum(own.values()), None, items])
        for source, n in sorted(
                retries.sources(knobs.seed, day, self.hour, counts, knobs.duplicate_rate).items()):
            items = retries.batch(world, knobs.seed, day, source, counts, *args)
            streams.append([n, source, (it for it in items if it[0] == self.hour)])
        return streams

    @property
    def tally(self) -> HourTally:
        """What the lines produced so far are meant to be."""
        outcomes = Counter(self._outcomes)
        outcomes[oc.VALID] = sum(self._types.values())
        return HourTally(
            outcomes=Counter({o: outcomes[o] for o in oc.OUTCOMES}),
            duplicates_by_first_hour=Counter(self._first_hours),
            late=self._late,
            valid_by_event_type=Counter({t: n for t, n in self._types.items() if n}),
            points_earned=self._earned,
            points_redeemed=self._redeemed,
            spend=Counter(self._spend),
        )

    def lines(self, stop: int) -> Iterator[bytes]:
        """Lines (with newline) of the slots up to ``stop``, continuing from the last call."""
        rng = self.rng
        bad_rate = self.knobs.bad_rate
        dup_cut = bad_rate + self.knobs.duplicate_rate * (1 - retries.CROSS_HOUR_SHARE)
        blank_rate = self.knobs.blank_rate
        outcomes = self._outcomes
        stop = min(stop, self.slots)
        while self.done < stop:
            left = self.slots - self.done
            if self._special_left and rng.random() * left < self._special_left:
                yield self._special()
            else:
                r = rng.random()
                if r < bad_rate:
                    reason = REASON_CYCLE[self._bad_seen % len(REASON_CYCLE)]
                    self._bad_seen += 1
                    outcomes[reason] += 1
                    yield self.bad.line(reason) + b"\n"
                elif r < dup_cut and self._ring:
                    outcomes[oc.DUPLICATE] += 1
                    yield self._ring[int(rng.random() * len(self._ring))]
                else:
                    yield self._fresh()
            self.done += 1
            if blank_rate and rng.random() < blank_rate:
                outcomes[oc.BLANK] += 1
                yield BLANKS[int(rng.random() * len(BLANKS))]

    def _special(self) -> bytes:
        pick = int(self.rng.random() * self._special_left)
        for entry in self._specials:
            if pick < entry[0]:
                break
            pick -= entry[0]
        entry[0] -= 1
        self._special_left -= 1
        _, ev, ms, line = next(entry[2])
        if entry[1] is None:
            self._valid(ev, ms, line)
        else:
            self._outcomes[oc.DUPLICATE] += 1
            self._first_hours[entry[1]] += 1
        return line

    def _fresh(self) -> bytes:
        rng = self.rng
        events = self.events
        owed = self._owed
        if owed and owed[0][0] <= self.done:
            ev, ms = events.redeem(heapq.heappop(owed)[2])
        else:
            ev, ms, debt = events.event(rng.random() < self._late_rate)
            if debt is not None:
                due = self.done + 1 + int(rng.random() * MAX_REDEEM_LAG)
                heapq.heappush(owed, (due, self.done, debt))
        if rng.random() < self._quirk_rate:
            line, ms = quirky(ev, ms, rng, events.hour_start, edges=True)
        else:
            line = orjson.dumps(ev) + b"\n"
        self._valid(ev, ms, line)
        return line

    def _valid(self, ev: dict[str, Any], ms: int, line: bytes) -> None:
        event_type = ev["event_type"]
        types = self._types
        types[event_type] = types.get(event_type, 0) + 1
        if ms < self._day_start:
            self._late += 1
        if event_type == "purchase":
            attrs = ev["attrs"]
            self._earned += int(attrs["points"])
            self._spend[attrs.get("currency") or "USD"] += int(attrs["amount_cents"])
        elif event_type == "redeem":
            self._redeemed += int(ev["attrs"]["points"])
        ring = self._ring
        if len(ring) < RING_SIZE:
            ring.append(line)
        else:
            ring[self._ring_next] = line
            self._ring_next = (self._ring_next + 1) % RING_SIZE

