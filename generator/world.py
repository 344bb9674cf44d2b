"""The synthetic world: members, merchants, stores and their devices.

Members own one or two phones; merchants own stores; every store has point of
sale terminals, beacons and sensors. Each device has a fixed activity weight
drawn from a Pareto distribution (a few very chatty devices, a long quiet
tail), a clock skew, a time zone and a preferred ``ts`` format. The world
depends only on the seed and the member and device counts, so it is the same
on every day and in every hour.

Devices are numbered globally: phones first, then POS terminals, beacons and
sensors. Ids are rendered on demand; only per-device numbers are stored.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from array import array
from dataclasses import dataclass

from generator import timestamps as ts
from generator.seeding import stream

logger = logging.getLogger(__name__)

PHONE, POS, BEACON, SENSOR = 0, 1, 2, 3
DEVICE_TYPES = ("phone", "pos", "beacon", "sensor")
# Share of devices by type, and relative events per device of each type.
TYPE_SHARES = (0.75, 0.08, 0.07, 0.10)
TYPE_ACTIVITY = (1.0, 4.0, 1.5, 2.5)
PARETO_ALPHA = 1.2
# Caps a device's or member's activity weight at this many times the minimum
# (the Pareto median is about 1.8), so no single device dominates a small world.
MAX_WEIGHT = 1000.0

CURRENCIES = ("USD", "USD", "USD", "USD", "USD", "USD", "USD", "EUR", "GBP", "CAD")
US_OFFSETS = (-300, -360, -420, -480)
REGION_OFFSET = {"EUR": 60, "GBP": 0, "CAD": -300}
PHONE_OFFSETS = (-300, -300, -360, -480, -480, -240, 0, 60, 60, 120, 330, 540, 600, -180)
OS_NAMES = ("iOS 17.5", "iOS 18.1", "iOS 18.2", "Android 13", "Android 14", "Android 15")
APP_VERSIONS = ("4.12.0", "4.13.2", "5.0.1", "5.1.0", "5.1.3")
POS_VERSIONS = ("pos-2.8.4", "pos-3.0.0", "pos-3.1.2")
# Sensor kinds: which metrics a sensor reports.
TEMPERATURE, HUMIDITY, CLIMATE, FOOT_TRAFFIC = 0, 1, 2, 3


@dataclass(frozen=True)
class World:
    """Everything about members, stores and devices that events draw on."""

    members: int
    phones: int
    pos: int
    beacons: int
    sensors: int
    stores: int
    merchants: int
    device_table: "AliasTable"
    member_table: "AliasTable"
    skew_ms: array
    fmt: bytes
    offset_min: array
    variant: bytes
    kinds: bytes
    starts: tuple[int, int, int, int]

    @property
    def devices(self) -> int:
        """Total number of devices."""
        return self.phones + self.pos + self.beacons + self.sensors

    def pick_device(self, u: float) -> int:
        """The device (global index) for a uniform ``u`` in [0, 1), by activity."""
        return self.device_table.pick(u)

    def pick_member(self, u: float) -> int:
        """A member index for a uniform ``u`` in [0, 1), by activity."""
        return self.member_table.pick(u)

    def locate(self, g: int) -> tuple[int, int]:
        """``(type, index within type)`` of global device ``g``."""
        kind = self.kinds[g]
        return kind, g - self.starts[kind]

    def phone_owner(self, k: int) -> int:
        """The member who owns phone ``k`` (members own one or two phones)."""
        if self.phones <= self.members:
            return k * self.members // self.phones
        return k % self.members

    def store_of(self, k: int) -> int:
        """The store the ``k``-th POS terminal, beacon or sensor stands in."""
        return k % self.stores

    def merchant_of(self, store: int) -> int:
        """The merchant owning ``store``; a few chains own many stores."""
        return min(self.merchants - 1, int(self.merchants * (store / self.stores) ** 2))

    def currency_of(self, merchant: int) -> str:
        """The currency a merchant sells in."""
        return CURRENCIES[(merchant * 7 + 3) % len(CURRENCIES)]

    def store_offset(self, store: int) -> int:
        """The store's UTC offset in minutes."""
        currency = self.currency_of(self.merchant_of(store))
        if currency == "USD":
            return US_OFFSETS[store % len(US_OFFSETS)]
        return REGION_OFFSET[currency]


class AliasTable:
    """Walker's alias method: O(1) draws from a fixed discrete distribution."""

    def __init__(self, weights: array) -> None:
        n = len(weights)
        total = sum(weights)
        scaled = array("d", (x * n / total for x in weights))
        self.n = n
        self.prob = array("d", bytes(8 * n))
        self.alias = array("l", range(n))
        small = [i for i in range(n) if scaled[i] < 1.0]
        large = [i for i in range(n) if scaled[i] >= 1.0]
        while small and large:
            s, big = small.pop(), large.pop()
            self.prob[s] = scaled[s]
            self.alias[s] = big
            scaled[big] -= 1.0 - scaled[s]
            (small if scaled[big] < 1.0 else large).append(big)
        for i in small + large:
            self.prob[i] = 1.0

    def pick(self, u: float) -> int:
        """The index drawn by a uniform ``u`` in [0, 1)."""
        x = u * self.n
        i = int(x)
        return i if x - i < self.prob[i] else self.alias[i]


def member_id(i: int) -> str:
    """Id of member ``i``."""
    return "m-%07d" % i


def merchant_id(i: int) -> str:
    """Id of merchant ``i``."""
    return "merchant-%04d" % i


def store_id(i: int) -> str:
    """Id of store ``i``."""
    return "store-%05d" % i


_DEVICE_ID_FORMATS = ("phone-%06d", "pos-%05d", "beacon-%05d", "sensor-%05d")


def device_id(device_type: int, k: int) -> str:
    """Id of the ``k``-th device of ``device_type``."""
    return _DEVICE_ID_FORMATS[device_type] % k


def split_devices(devices: int) -> tuple[int, int, int, int]:
    """Devices per type (phones, pos, beacons, sensors); each type gets one once there are four."""
    if devices < 4:
        return devices, 0, 0, 0
    others = [max(1, int(devices * share)) for share in TYPE_SHARES[1:]]
    return (devices - sum(others), *others)


def build_world(seed: int, members: int, devices: int) -> World:
    """Build the world for ``seed`` with ``members`` members and ``devices`` devices."""
    if members < 1 or devices < 1:
        raise ValueError("a world needs at least one member and one device")
    rng = stream(seed, "world", members, devices)
    phones, pos, beacons, sensors = split_devices(devices)
    stores = max(1, round(pos / 2.5))
    merchants = max(1, stores // 6)

    weights = array("d")
    for device_type, count in enumerate((phones, pos, beacons, sensors)):
        scale = TYPE_ACTIVITY[device_type]
        weights.extend(scale * _activity(rng) for _ in range(count))
    device_table = AliasTable(weights)
    weights = array("d", (_activity(rng) for _ in range(members)))
    member_table = AliasTable(weights)
    del weights

    skew = array("i")
    fmt = bytearray()
    offset = array("h")
    variant = bytearray()
    for _ in range(devices):
        u = rng.random()
        if u < 0.70:
            skew.append(rng.randint(-1500, 1500))
        elif u < 0.95:
            skew.append(rng.randint(-60_000, 60_000))
        else:
            skew.append(rng.randint(-240_000, 240_000))
        variant.append(rng.randrange(256))
    sizes = (phones, pos, beacons, sensors)
    starts = (0, phones, phones + pos, phones + pos + beacons)
    kinds = b"".join(bytes([kind]) * n for kind, n in enumerate(sizes))
    draft = World(
        kinds=kinds, starts=starts,
        members=members, phones=phones, pos=pos, beacons=beacons, sensors=sensors,
        stores=stores, merchants=merchants, device_table=device_table, member_table=member_table,
        skew_ms=skew, fmt=b"", offset_min=offset, variant=bytes(variant),
    )
    for g in range(devices):
        device_type, k = draft.locate(g)
        fmt.append(_pick_format(device_type, rng.random()))
        if device_type == PHONE:
            offset.append(PHONE_OFFSETS[variant[g] % len(PHONE_OFFSETS)])
        else:
            offset.append(draft.store_offset(draft.store_of(k)))
    world = dataclasses.replace(draft, fmt=bytes(fmt))
    logger.info(
        "world: %d members, %d phones, %d pos, %d beacons, %d sensors, %d stores, %d merchants",
        members, phones, pos, beacons, sensors, stores, merchants,
    )
    return world


# Cumulative probabilities of each ts format, per device type.
_FORMAT_MIX = (
    ((0.30, ts.ISO_Z_MS), (0.70, ts.ISO_LOCAL_MS), (0.80, ts.ISO_LOCAL_S),
     (0.95, ts.EPOCH_MS), (1.01, ts.ISO_UTC_OFFSET_MS)),
    ((0.50, ts.ISO_Z_MS), (0.80, ts.ISO_LOCAL_MS), (1.01, ts.ISO_UTC_OFFSET_MS)),
    ((0.80, ts.EPOCH_MS), (1.01, ts.ISO_Z_MS)),
    ((0.60, ts.EPOCH_MS), (1.01, ts.ISO_Z_MS)),
)


def _activity(rng: random.Random) -> float:
    return min(MAX_WEIGHT, rng.paretovariate(PARETO_ALPHA))


def _pick_format(device_type: int, u: float) -> int:
    for bound, fmt in _FORMAT_MIX[device_type]:
        if u < bound:
            return fmt
    return ts.ISO_Z_MS
