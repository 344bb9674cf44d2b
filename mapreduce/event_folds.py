"""Events folded straight into the partials of their keys: the roll-up map
task's combining in memory.

``rollups.event_partials`` and ``summaries.event_partials`` make one
partial per event and key, and ``merges.fold`` merges them. A map task that
reads many events of one device or member gets the same partials for less
by adding each event's fields to a running fold of its key (a statement a
field: no partial built per event, no fold of lists) and freezing that
when the task writes it. For any events of one key,
``freeze(add each event)`` equals ``merge_partials`` of their partials
(``tests/unit/test_event_folds.py``).

Every fold here takes an event in two steps: ``facts`` reads the values it
needs and raises ValueError for a bad one, then ``add`` changes the fold
and cannot fail, so a bad event leaves no trace in any fold.
"""

from __future__ import annotations

import math
from typing import Any

from mapreduce import rollups
from mapreduce.contract import READING_METRICS
from mapreduce.merges import Partial

Event = dict[str, Any]


def _latest(current: list | None, time: str, event_id: str, value: Any) -> list | None:
    """The greater of a "latest" triple and ``[time, event_id, value]`` (None: no value)."""
    if value is None:
        return current
    triple = [time, event_id, value]
    return triple if current is None or triple > current else current


def _count(counts: dict[str, int], more: dict[str, int]) -> None:
    for key, count in more.items():
        counts[key] = counts.get(key, 0) + count


# --- device_daily and member_daily ----------------------------------------------


class DailyFacts:
    """What an event gives its device_daily and member_daily partials, read once."""

    __slots__ = ("purchases", "spend", "earned", "redeemed", "battery", "readings")

    def __init__(self, event: Event):
        self.purchases, self.spend, self.earned, self.redeemed = rollups.purchase_fields(event)
        self.battery = rollups.battery_level(event)
        self.readings = rollups.readings(event)


class DeviceDay:
    """A running fold of device_daily partials."""

    __slots__ = ("events", "by_type", "first", "last", "purchases", "spend", "earned", "redeemed",
                 "battery_min", "device_type", "battery", "app_version", "os", "owner", "members", "stats")

    def __init__(self):
        self.events = self.purchases = self.earned = self.redeemed = 0
        self.by_type: dict[str, int] = {}
        self.spend: dict[str, int] = {}
        self.first = self.last = self.battery_min = None
        self.device_type = self.battery = self.app_version = self.os = self.owner = None
        self.members: set[str] = set()
        self.stats: dict[str, list] = {}

    def add(self, event: Event, facts: DailyFacts) -> None:
        """Fold in one event."""
        time, event_id = event["event_time"], event["event_id"]
        self.events += 1
        event_type = event["event_type"]
        self.by_type[event_type] = self.by_type.get(event_type, 0) + 1
        if self.first is None or time < self.first:
            self.first = time
        if self.last is None or time > self.last:
            self.last = time
        self.purchases += facts.purchases
        _count(self.spend, facts.spend)
        self.earned += facts.earned
        self.redeemed += facts.redeemed
        battery = facts.battery
        if battery is not None and (self.battery_min is None or battery < self.battery_min):
            self.battery_min = battery
        member_id = event["member_id"]
        self.device_type = _latest(self.device_type, time, event_id, event["device_type"])
        self.battery = _latest(self.battery, time, event_id, battery)
        self.app_version = _latest(self.app_version, time, event_id, event["app_version"])
        self.os = _latest(self.os, time, event_id, event["os"])
        self.owner = _latest(self.owner, time, event_id, member_id)
        if member_id:
            self.members.add(member_id)
        for metric, value, numerator, denominator in facts.readings:
            stats = self.stats.get(metric)
            if stats is None:
                self.stats[metric] = [value, value, numerator, denominator, 1]
                continue
            if value < stats[0]:
                stats[0] = value
            if value > stats[1]:
                stats[1] = value
            # The exact sum as numerator / denominator, over the least common denominator
            # (readings are decimals: their denominators divide a power of ten).
            held = stats[3]
            if denominator == held:
                stats[2] += numerator
            else:
                common = math.lcm(held, denominator)
                stats[2] = stats[2] * (common // held) + numerator * (common // denominator)
                stats[3] = common
            stats[4] += 1

    def freeze(self) -> Partial:
        """The device_daily partial of the events added."""
        partial = {
            "events": self.events,
            "by_type": dict(self.by_type),
            "first": self.first,
            "last": self.last,
            "purchases": self.purchases,
            "spend": dict(self.spend),
            "earned": self.earned,
            "redeemed": self.redeemed,
            "battery_min": self.battery_min,
            "device_type": self.device_type,
            "battery": self.battery,
            "app_version": self.app_version,
            "os": self.os,
            "owner": self.owner,
            "members": sorted(self.members),
        }
        for metric in READING_METRICS:
            stats = self.stats.get(metric)
            if stats is None:
                partial[metric] = None
                continue
            value, numerator, denominator = stats[:2], stats[2], stats[3]
            common = math.gcd(numerator, denominator)
            partial[metric] = {"min": value[0], "max": value[1], "n": stats[4],
                               "sum": rollups.ratio_text(numerator // common, denominator // common)}
        return partial


class MemberDay:
    """A running fold of member_daily partials."""

    __slots__ = ("purchases", "spend", "earned", "redeemed", "redemptions", "checkins", "devices",
                 "merchants", "stores", "first", "last")

    def __init__(self):
        self.purchases = self.earned = self.redeemed = self.redemptions = self.checkins = 0
        self.spend: dict[str, int] = {}
        self.devices: dict[str, str] = {}
        self.merchants: set[str] = set()
        self.stores: set[str] = set()
        self.first = self.last = None

    def add(self, event: Event, facts: DailyFacts) -> None:
        """Fold in one event that carries a member_id."""
        time = event["event_time"]
        self.purchases += facts.purchases
        _count(self.spend, facts.spend)
        self.earned += facts.earned
        self.redeemed += facts.redeemed
        event_type = event["event_type"]
        if event_type == "redeem":
            self.redemptions += 1
        elif event_type == "checkin":
            self.checkins += 1
        device_id = event["device_id"]
        seen = self.devices.get(device_id)
        if seen is None or time > seen:
            self.devices[device_id] = time
        if event["merchant_id"]:
            self.merchants.add(event["merchant_id"])
        if event["store_id"]:
            self.stores.add(event["store_id"])
        if self.first is None or time < self.first:
            self.first = time
        if self.last is None or time > self.last:
            self.last = time

    def freeze(self) -> Partial:
        """The member_daily partial of the events added."""
        return {
            "purchases": self.purchases,
            "spend": dict(self.spend),
            "earned": self.earned,
            "redeemed": self.redeemed,
            "redemptions": self.redemptions,
            "checkins": self.checkins,
            "devices": dict(self.devices),
            "merchants": sorted(self.merchants),
            "stores": sorted(self.stores),
            "first": self.first,
            "last": self.last,
        }


# --- summary deltas -------------------------------------------------------------


class DeltaFacts:
    """What an event gives its summary-delta partials, read once (its purchase fields
    taken from its ``DailyFacts``, when it has them)."""

    __slots__ = ("spend", "earned", "redeemed", "battery")

    def __init__(self, event: Event, daily: DailyFacts | None = None):
        if daily is None:
            _, self.spend, self.earned, self.redeemed = rollups.purchase_fields(event)
        else:
            self.spend, self.earned, self.redeemed = daily.spend, daily.earned, daily.redeemed
        battery = event["battery_pct"]
        self.battery = None if battery is None else float(battery)


class DeviceDelta:
    """A running fold of a device's summary-delta partials."""

    __slots__ = ("device_type", "owner", "first", "last", "app_version", "os", "battery", "events", "links")

    def __init__(self):
        self.device_type = self.owner = self.first = self.last = None
        self.app_version = self.os = self.battery = None
        self.events = 0
        self.links: dict[str, str] = {}

    def add(self, event: Event, facts: DeltaFacts) -> None:
        """Fold in one event."""
        time, event_id, member_id = event["event_time"], event["event_id"], event["member_id"]
        self.device_type = _latest(self.device_type, time, event_id, event["device_type"])
        self.owner = _latest(self.owner, time, event_id, member_id)
        if self.first is None or time < self.first:
            self.first = time
        if self.last is None or time > self.last:
            self.last = time
        self.app_version = _latest(self.app_version, time, event_id, event["app_version"])
        self.os = _latest(self.os, time, event_id, event["os"])
        self.battery = _latest(self.battery, time, event_id, facts.battery)
        self.events += 1
        if member_id:
            seen = self.links.get(member_id)
            if seen is None or time > seen:
                self.links[member_id] = time

    def freeze(self) -> Partial:
        """The device's summary-delta partial of the events added."""
        device = {
            "device_type": self.device_type,
            "owner": self.owner,
            "first": self.first,
            "last": self.last,
            "app_version": self.app_version,
            "os": self.os,
            "battery": self.battery,
            "events": self.events,
        }
        return {"device": device, "members": dict(self.links)}


class MemberDelta:
    """A running fold of a member's summary-delta partials."""

    __slots__ = ("earned", "redeemed", "spend", "first", "last")

    def __init__(self):
        self.earned = self.redeemed = 0
        self.spend: dict[str, int] = {}
        self.first = self.last = None

    def add(self, event: Event, facts: DeltaFacts) -> None:
        """Fold in one event that carries a member_id."""
        time = event["event_time"]
        self.earned += facts.earned
        self.redeemed += facts.redeemed
        _count(self.spend, facts.spend)
        if self.first is None or time < self.first:
            self.first = time
        if self.last is None or time > self.last:
            self.last = time

    def freeze(self) -> Partial:
        """The member's summary-delta partial of the events added."""
        return {"earned": self.earned, "redeemed": self.redeemed, "spend": dict(self.spend),
                "first": self.first, "last": self.last, "devices": {}}
