"""Bad lines: one factory per rejection reason of the contract.

Every bad line starts from a valid event and breaks exactly one rule, the one
its reason names, so the contract's checking order (oversize, malformed,
missing_field, bad_value, bad_timestamp) gives exactly that reason. Lines are
returned without their newline.
"""

from __future__ import annotations

import logging
import random
from typing import Any, Callable

import orjson

from generator import outcomes as oc
from generator import timestamps as ts
from generator.events import EventFactory
from mapreduce.contract import EARLY_ALLOWANCE_MS, WINDOW_BEFORE_MS

logger = logging.getLogger(__name__)

# Bad lines of an hour take their reasons from this cycle, so every reason
# shows up early even in tiny runs. Oversize lines are rare (they are big).
REASON_CYCLE = tuple(
    reason
    for block in range(5)
    for reason in (
        oc.OVERSIZE if block == 0 else oc.MALFORMED, oc.BAD_TIMESTAMP, oc.MISSING_FIELD,
        oc.BAD_VALUE, oc.MALFORMED, oc.BAD_TIMESTAMP, oc.MISSING_FIELD, oc.BAD_VALUE,
    )
)

_REQUIRED = ("event_id", "device_id", "device_type", "event_type", "ts")
_MEMBER_TYPES = ("checkin", "purchase", "redeem")
_REQUIRED_ATTRS = {
    "purchase": ("merchant_id", "amount_cents", "points"),
    "redeem": ("points",),
    "checkin": ("store_id",),
}
_METRICS = ("temperature_c", "humidity_pct", "foot_traffic")
_VALID_METRIC = {"temperature_c": 20.5, "humidity_pct": 45.0, "foot_traffic": 12}


class BadLineFactory:
    """Lines that the contract rejects, each with exactly its intended reason."""

    def __init__(self, events: EventFactory) -> None:
        self.events = events
        self.rng: random.Random = events.rng
        self.hour_start = events.hour_start
        self._makers: dict[str, Callable[[], bytes]] = {
            oc.OVERSIZE: self.oversize,
            oc.MALFORMED: self.malformed,
            oc.MISSING_FIELD: self.missing_field,
            oc.BAD_VALUE: self.bad_value,
            oc.BAD_TIMESTAMP: self.bad_timestamp,
        }

    def line(self, reason: str) -> bytes:
        """A line rejected for ``reason`` (no newline)."""
        return self._makers[reason]()

    def _base(self) -> dict[str, Any]:
        ev, _, _ = self.events.event()
        return ev

    def _pick(self, options: tuple[Any, ...]) -> Any:
        return options[int(self.rng.random() * len(options))]

    def oversize(self) -> bytes:
        """A line over 65,536 bytes: a padded event, or junk."""
        rng = self.rng
        size = oc.MAX_LINE_BYTES + 1 + (0 if rng.random() < 0.3 else int(rng.random() * 4000))
        if rng.random() < 0.2:
            return (b"\xff" + b"x" * size)[:size]
        ev = self._base()
        ev["debug"] = ""
        empty = orjson.dumps(ev)
        ev["debug"] = "x" * (size - len(empty))
        line = orjson.dumps(ev)
        assert len(line) == size
        return line

    def malformed(self) -> bytes:
        """Invalid UTF-8, invalid JSON, or JSON that is not an object."""
        ev = self._base()
        line = orjson.dumps(ev)
        kind = int(self.rng.random() * 9)
        if kind == 0:  # cut short, as by a crashed upload
            return line[: 1 + int(self.rng.random() * (len(line) - 2))]
        if kind == 1:  # Latin-1 text in an otherwise fine event
            ev["note"] = "@@"
            return orjson.dumps(ev).replace(b"@@", self._pick((b"caf\xe9", b"\xff\xfe", b"\xc3(")))
        if kind == 2:  # a UTF-8-encoded surrogate, which UTF-8 forbids
            ev["note"] = "@@"
            return orjson.dumps(ev).replace(b"@@", b"\xed\xa0\x80")
        if kind == 3:  # a batch array instead of one object per line
            return orjson.dumps([ev])
        if kind == 4:
            return self._pick((b"null", b"true", b"42", b'"event"', b"[]", b"-1.5e3"))
        if kind == 5:  # Python repr, not JSON
            return repr(ev).encode("utf-8")
        if kind == 6:
            return line[:-1] + b",}"
        if kind == 7:
            return line + line
        return self._pick((
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            b"ERROR upload interrupted",
            b"{event_id: 1}",
            b'{"event_id": "a\tb"}',
            b"\x00\x00\x00",
        ))

    def missing_field(self) -> bytes:
        """A required field or attr absent or null."""
        ev = self._base()
        rng = self.rng
        event_type = ev["event_type"]
        drop = rng.random() < 0.5
        kind = int(rng.random() * 4)
        if kind == 1 and event_type in _MEMBER_TYPES:
            _remove(ev, "member_id", drop)
        elif kind == 2 and event_type in _REQUIRED_ATTRS:
            _remove(ev["attrs"], self._pick(_REQUIRED_ATTRS[event_type]), drop)
        elif kind == 2 and event_type == "reading":
            attrs = ev["attrs"]
            for metric in _METRICS:
                _remove(attrs, metric, drop)
            attrs["unit"] = "metric"
        elif kind == 3 and (event_type in _REQUIRED_ATTRS or event_type == "reading"):
            _remove(ev, "attrs", drop)
        else:
            _remove(ev, self._pick(_REQUIRED), drop)
        return orjson.dumps(ev)

    def bad_value(self) -> bytes:
        """A field or attr of the wrong type, enum, format or range."""
        ev = self._base()
        rng = self.rng
        event_type = ev["event_type"]
        attrs = ev["attrs"]
        kind = int(rng.random() * 5)
        if kind == 0:
            key = self._pick(("event_id", "device_id", "device_type", "event_type", "ts"))
            ev[key] = self._pick(_BAD_TOP[key])
        elif kind == 1 and event_type in _MEMBER_TYPES:
            ev["member_id"] = self._pick(("m 0000001", "m/0000001", 1234567, "m" * 65, True))
        elif kind == 2 and attrs is not None:
            ev["attrs"] = self._pick(([], "n/a", 7, True, ["store-00001"]))
        elif event_type in _BAD_ATTRS:
            key, values = self._pick(_BAD_ATTRS[event_type])
            attrs[key] = self._pick(values)
        elif event_type == "reading":
            metric = self._pick(_METRICS)
            attrs[metric] = self._pick(_BAD_METRICS[metric])
            if not any(m in attrs for m in _METRICS if m != metric):
                other = "humidity_pct" if metric == "temperature_c" else "temperature_c"
                attrs[other] = _VALID_METRIC[other]
        else:
            ev["device_type"] = self._pick(_BAD_TOP["device_type"])
        return orjson.dumps(ev)

    def bad_timestamp(self) -> bytes:
        """A ``ts`` that is a string or integer but no time inside the window."""
        ev = self._base()
        rng = self.rng
        start = self.hour_start
        end = start + ts.HOUR_MS
        inside = start + int(rng.random() * ts.HOUR_MS)
        kind = int(rng.random() * 10)
        as_int = rng.random() < 0.5
        if kind == 0:
            value: Any = _either(start - WINDOW_BEFORE_MS - 1, as_int)
        elif kind == 1:
            value = _either(start - WINDOW_BEFORE_MS - int((1 + rng.random() * 400) * ts.DAY_MS),
                            as_int)
        elif kind == 2:
            value = _either(end + EARLY_ALLOWANCE_MS, as_int)
        elif kind == 3:
            value = _either(end + EARLY_ALLOWANCE_MS + 1 + int(rng.random() * 30 * ts.DAY_MS),
                            as_int)
        elif kind == 4:  # epoch seconds where milliseconds are due
            value = inside // 1000
        elif kind == 5:  # no offset
            text = ts.iso(inside)[:-1]
            value = text if rng.random() < 0.5 else text[:19].replace("T", " ")
        elif kind == 6:  # the local digits are inside the hour, the offset is not
            value = ts.iso(inside + 10 * ts.HOUR_MS, -600)
        elif kind == 7:
            value = self._pick((-1, 0, 10**15, 253402300800000, -86_400_000))
        elif kind == 8:
            day = ts.iso(inside)[:10]
            value = self._pick((
                day, day + "T25:00:00Z", day[:5] + "13-01T00:00:00Z", day[:8] + "32T10:00:00Z",
                day + "T10:00:00+25:00", str(inside),
            ))
        else:
            value = self._pick(("yesterday", "not a date", "NaN", "now", "2026/11/27 08:15"))
        ev["ts"] = value
        return orjson.dumps(ev)


_BAD_TOP: dict[str, tuple[Any, ...]] = {
    "event_id": ("evt 1", "e" * 65, "ev/42", "ev#1", 12345, ["e1"]),
    "device_id": ("pos 12", "d" * 65, "dev@x", "phone/1", 42, {"id": "x"}),
    "device_type": ("laptop", "Phone", "PHONE", "tablet", 3),
    "event_type": ("logout", "Purchase", "click", ["purchase"], 0),
    "ts": (True, False, [1795767300123], {"ms": 1795767300123}),
}
_BAD_ATTRS: dict[str, tuple[tuple[str, tuple[Any, ...]], ...]] = {
    "purchase": (
        ("amount_cents", (-1, -2500, 12.5, "1299", True)),
        ("points", (-3, 1.5, "10", False)),
        ("currency", ("usd", "US", "EURO", 840, "U$D")),
        ("merchant_id", (1234, ["merchant-0001"], {"id": 1})),
    ),
    "redeem": (("points", (0, -50, 2.5, "100", True)),),
    "checkin": (("store_id", (123, ["store-00001"], False)),),
    "heartbeat": (
        ("battery_pct", (101, -5, 100.5, "80", True)),
        ("app_version", (5, 5.1, ["5.1.0"])),
        ("os", (17, ["iOS"], False)),
    ),
    "app_open": (("app_version", (5, 4.12)), ("os", (["Android"], 14))),
}
_BAD_METRICS: dict[str, tuple[Any, ...]] = {
    "temperature_c": ("21.5", True, [21.5]),
    "humidity_pct": (101, 100.5, -1, -0.5, "45", False),
    "foot_traffic": (-1, 2.5, "12", True),
}


def _remove(container: dict[str, Any], key: str, drop: bool) -> None:
    if drop:
        container.pop(key, None)
    else:
        container[key] = None


def _either(ms: int, as_int: bool) -> int | str:
    return ms if as_int else ts.iso(ms)
