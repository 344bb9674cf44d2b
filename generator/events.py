"""Valid events: what each kind of device sends, and when.

``EventFactory`` draws one landing hour's events from the world: a device by
activity weight, an event type by device type and hour of day, an event time
(landing moment minus an upload delay, or days earlier for a late event,
plus the device's clock skew) and the attrs of the event type. Every event
it returns satisfies the input contract for its landing hour.

Purchases earn points; a share of them is followed, a few lines later, by a
redeem of fewer points by the same member on the same device. So, over any
generated data, every member redeems less than they earned.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
from typing import Any, NamedTuple

from generator import rhythm
from generator import timestamps as ts
from generator import world as w

logger = logging.getLogger(__name__)

# Upload delays within the landing hour: most devices upload within seconds,
# some batch for minutes; nothing waits longer than this.
MAX_UPLOAD_DELAY_MS = 55 * ts.MINUTE_MS
# Late events: event time this far before the landing day at most, so a late
# event stays inside the 7-day window of every hour of the landing day, even
# with clock skew.
MAX_LATE_MS = 6 * ts.DAY_MS - 10 * ts.MINUTE_MS
MEAN_LATE_MS = 20 * ts.HOUR_MS
REDEEM_SHARE = 0.2
APP_VERSIONS = w.APP_VERSIONS
OS_NAMES = w.OS_NAMES
MAX_REDEEM_DELAY_MS = 3 * ts.MINUTE_MS


class PendingRedeem(NamedTuple):
    """A redeem owed after a purchase: who, where, how much, and when."""

    device: int
    member: int
    points: int
    merchant: int
    true_ms: int


class EventFactory:
    """Valid events for one landing hour, drawn from one random stream."""

    def __init__(self, world: w.World, rng: random.Random, day: dt.date, hour: int,
                 tag: str) -> None:
        self.world = world
        self.rng = rng
        self.day_start = ts.day_start_ms(day)
        self.hour_start = self.day_start + hour * ts.HOUR_MS
        self.hour = hour
        self._id_prefix = "e%s%02d%s" % (day.strftime("%Y%m%d"), hour, tag)
        self._seq = 0
        a = rhythm.activity(hour)
        self.activity = a
        # Cumulative event-type mixes per device type for this hour of day.
        self._mix = (
            _cumulative((("app_open", 3.0 * a), ("heartbeat", 2.0), ("checkin", 0.6 * a),
                         ("purchase", 0.9 * a))),
            _cumulative((("purchase", 6.0 * a), ("heartbeat", 1.0))),
            _cumulative((("checkin", 3.0 * a), ("heartbeat", 1.0))),
            _cumulative((("reading", 6.0), ("heartbeat", 1.0))),
        )
        self._fresh = (self._phone, self._pos, self._beacon, self._sensor)
        # Hot-path shortcuts.
        self._random = rng.random
        self._n = world.device_table.n
        self._prob = world.device_table.prob
        self._alias = world.device_table.alias
        self._kinds = world.kinds
        self._starts = world.starts
        self._skew = world.skew_ms
        self._fmt = world.fmt
        self._offset = world.offset_min

    def next_id(self) -> str:
        """A new event id, unique per (day, hour, factory tag)."""
        self._seq += 1
        return "%s%07x-%06x" % (self._id_prefix, self._seq, self.rng.getrandbits(24))

    def true_time(self, late: bool) -> int:
        """When an event happened (before clock skew), in epoch ms."""
        rng = self.rng
        if late:
            back = int(60_000 - MEAN_LATE_MS * math.log(1.0 - rng.random()))
            return self.day_start - (back if back < MAX_LATE_MS else MAX_LATE_MS)
        landed = self.hour_start + int(rng.random() * ts.HOUR_MS)
        # Most devices upload within seconds, some hold events for minutes.
        mean = 30_000 if rng.random() < 0.8 else 480_000
        delay = int(-mean * math.log(1.0 - rng.random()))
        return landed - (delay if delay < MAX_UPLOAD_DELAY_MS else MAX_UPLOAD_DELAY_MS)

    def stamp(self, g: int, true_ms: int) -> tuple[str | int, int]:
        """``(ts value, event ms)`` as device ``g`` reports ``true_ms``."""
        ms = true_ms + self._skew[g]
        fmt = self._fmt[g]
        if fmt == ts.EPOCH_MS:
            return ms, ms
        if fmt == ts.ISO_LOCAL_S:
            ms -= ms % 1000
        return ts.render(ms, fmt, self._offset[g]), ms

    def event(self, late: bool = False) -> tuple[dict[str, Any], int, PendingRedeem | None]:
        """A fresh valid event: ``(event, event ms, redeem owed or None)``."""
        # Inlined ``stamp`` and alias-table draw: this runs once per event.
        x = self._random() * self._n
        i = int(x)
        g = i if x - i < self._prob[i] else self._alias[i]
        kind = self._kinds[g]
        true_ms = self.true_time(late)
        ms = true_ms + self._skew[g]
        fmt = self._fmt[g]
        if fmt == ts.EPOCH_MS:
            value: str | int = ms
        else:
            if fmt == ts.ISO_LOCAL_S:
                ms -= ms % 1000
            value = ts.render(ms, fmt, self._offset[g])
        return self._fresh[kind](g, g - self._starts[kind], true_ms, value, ms)

    def redeem(self, owed: PendingRedeem) -> tuple[dict[str, Any], int]:
        """The redeem event that settles ``owed``."""
        rng = self.rng
        g = owed.device
        device_type, k = self.world.locate(g)
        true_ms = owed.true_ms + 5000 + int(rng.random() * MAX_REDEEM_DELAY_MS)
        value, ms = self.stamp(g, true_ms)
        attrs: dict[str, Any] = {"points": owed.points}
        if device_type == w.POS or rng.random() < 0.5:
            attrs["merchant_id"] = w.merchant_id(owed.merchant)
        return {
            "event_id": self.next_id(),
            "device_id": w.device_id(device_type, k),
            "device_type": w.DEVICE_TYPES[device_type],
            "event_type": "redeem",
            "member_id": w.member_id(owed.member),
            "ts": value,
            "attrs": attrs,
        }, ms

    def _pick_type(self, device_type: int) -> str:
        u = self._random()
        for bound, name in self._mix[device_type]:
            if u < bound:
                return name
        return name

    def _purchase(self, g: int, member: int, store: int, ev: dict[str, Any],
                  true_ms: int) -> PendingRedeem | None:
        rng = self.rng
        world = self.world
        merchant = world.merchant_of(store)
        currency = world.currency_of(merchant)
        amount = int(math.exp(7.3 + 0.9 * rng.gauss(0.0, 1.0)))
        amount = 50 if amount < 50 else 500_000 if amount > 500_000 else amount
        points = amount // 100 * (2 if rng.random() < 0.08 else 1)
        attrs: dict[str, Any] = {
            "merchant_id": w.merchant_id(merchant),
            "amount_cents": amount,
            "points": points,
        }
        if currency != "USD" or rng.random() < 0.5:
            attrs["currency"] = currency
        ev["member_id"] = w.member_id(member)
        ev["attrs"] = attrs
        if points >= 10 and rng.random() < REDEEM_SHARE:
            spent = max(1, int(points * (0.2 + 0.6 * rng.random())))
            return PendingRedeem(g, member, spent, merchant, true_ms)
        return None

    def _phone(self, g: int, k: int, true_ms: int, value: str | int,
           ms: int) -> tuple[dict[str, Any], int, Any]:
        rng = self.rng
        world = self.world
        event_type = self._pick_type(w.PHONE)
        ev: dict[str, Any] = {
            "event_id": self.next_id(),
            "device_id": "phone-%06d" % k,
            "device_type": "phone",
            "event_type": event_type,
            "ts": value,
        }
        owner = world.phone_owner(k)
        variant = world.variant[g]
        owed = None
        if event_type == "app_open":
            if rng.random() < 0.6:
                ev["member_id"] = "m-%07d" % owner
            ev["attrs"] = {"app_version": APP_VERSIONS[variant % 5], "os": OS_NAMES[variant % 6]}
        elif event_type == "heartbeat":
            if rng.random() < 0.3:
                ev["member_id"] = "m-%07d" % owner
            ev["attrs"] = {"battery_pct": self._battery(variant),
                           "app_version": APP_VERSIONS[variant % 5], "os": OS_NAMES[variant % 6]}
        elif event_type == "checkin":
            ev["member_id"] = "m-%07d" % owner
            ev["attrs"] = {"store_id": w.store_id(int(rng.random() * world.stores))}
        else:
            owed = self._purchase(g, owner, int(rng.random() * world.stores), ev, true_ms)
        return ev, ms, owed

    def _pos(self, g: int, k: int, true_ms: int, value: str | int,
         ms: int) -> tuple[dict[str, Any], int, Any]:
        world = self.world
        event_type = self._pick_type(w.POS)
        ev: dict[str, Any] = {
            "event_id": self.next_id(),
            "device_id": "pos-%05d" % k,
            "device_type": "pos",
            "event_type": event_type,
            "ts": value,
        }
        owed = None
        if event_type == "purchase":
            store = world.store_of(k)
            member = world.member_table.pick(self.rng.random())
            owed = self._purchase(g, member, store, ev, true_ms)
            ev["attrs"]["store_id"] = w.store_id(store)
        else:
            ev["attrs"] = {"app_version": w.POS_VERSIONS[world.variant[g] % 3]}
        return ev, ms, owed

    def _beacon(self, g: int, k: int, true_ms: int, value: str | int,
            ms: int) -> tuple[dict[str, Any], int, Any]:
        world = self.world
        rng = self.rng
        event_type = self._pick_type(w.BEACON)
        ev: dict[str, Any] = {
            "event_id": self.next_id(),
            "device_id": "beacon-%05d" % k,
            "device_type": "beacon",
            "event_type": event_type,
            "ts": value,
        }
        if event_type == "checkin":
            ev["member_id"] = w.member_id(world.member_table.pick(rng.random()))
            ev["attrs"] = {"store_id": w.store_id(world.store_of(k)),
                           "rssi": -40 - int(rng.random() * 50)}
        else:
            ev["attrs"] = {"battery_pct": round(self._battery(world.variant[g]) - rng.random(), 1)}
        return ev, ms, None

    def _sensor(self, g: int, k: int, true_ms: int, value: str | int,
            ms: int) -> tuple[dict[str, Any], int, Any]:
        world = self.world
        rng = self.rng
        event_type = self._pick_type(w.SENSOR)
        ev: dict[str, Any] = {
            "event_id": self.next_id(),
            "device_id": "sensor-%05d" % k,
            "device_type": "sensor",
            "event_type": event_type,
            "ts": value,
        }
        variant = world.variant[g]
        if event_type == "heartbeat":
            ev["attrs"] = {"battery_pct": self._battery(variant)}
            return ev, ms, None
        kind = variant % 4
        attrs: dict[str, Any] = {}
        if kind == w.TEMPERATURE or kind == w.CLIMATE:
            centre = -18.0 if variant % 13 == 0 else 21.0
            attrs["temperature_c"] = round(centre + 1.5 * rng.gauss(0.0, 1.0), 1)
        if kind == w.HUMIDITY or kind == w.CLIMATE:
            humidity = round(48.0 + 9.0 * rng.gauss(0.0, 1.0), 1)
            attrs["humidity_pct"] = 0.0 if humidity < 0 else 100.0 if humidity > 100 else humidity
        if kind == w.FOOT_TRAFFIC:
            attrs["foot_traffic"] = int(self.activity * (variant % 40 + 5) * rng.random() * 2)
        ev["attrs"] = attrs
        return ev, ms, None

    def _battery(self, variant: int) -> int:
        level = 60 + variant % 41 - self.hour * 2 + int(self.rng.random() * 5) - 2
        return 100 if level > 100 else 1 if level < 1 else level


def _cumulative(weights: tuple[tuple[str, float], ...]) -> tuple[tuple[float, str], ...]:
    total = sum(weight for _, weight in weights)
    out = []
    running = 0.0
    for name, weight in weights:
        running += weight / total
        out.append((running, name))
    return tuple(out)
