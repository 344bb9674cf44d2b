"""The attrs of each event type in the device-log v1 contract: which are
required, the rule each value must meet, and its normalized form.

The parser (``mapreduce.device_log``) asks ``missing_attr`` during its
presence checks and calls ``NORMALIZERS[event_type]`` during its value
checks; both answer with the *detail* of what is wrong (a ``str``), and the
parser decides the reason (``missing_field`` or ``bad_value``).

Decisions where the spec leaves room (the spec wins wherever it speaks):

- Integers must fit a signed 64-bit integer; numbers must be finite and of
  magnitude below 2**63. Anything else in a known attr is ``bad_value``.
  Booleans are never numbers. Integral floats (``12.0``) are integers.
- Free strings (merchant_id, store_id, app_version, os) may be any JSON
  string that is valid Unicode (a lone surrogate escape is ``bad_value``).
- Numbers kept as ``battery_pct``, ``temperature_c`` and ``humidity_pct``
  become floats; ``foot_traffic``, ``amount_cents`` and ``points`` ints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mapreduce.contract import DEFAULT_CURRENCY, READING_METRICS

_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1
_TWO63 = float(2**63)

_CURRENCY_MATCH = re.compile(r"[A-Z]{3}").fullmatch

_REQUIRED_ATTRS = {
    "purchase": ("merchant_id", "amount_cents", "points"),
    "redeem": ("points",),
    "checkin": ("store_id",),
}


def missing_attr(event_type: str, attrs: dict) -> str | None:
    """The detail of the first attr ``event_type`` requires that ``attrs`` lacks, or None."""
    if event_type == "reading":
        for name in READING_METRICS:
            if attrs.get(name) is not None:
                return None
        return "reading needs one of attrs.temperature_c, attrs.humidity_pct, attrs.foot_traffic"
    for name in _REQUIRED_ATTRS.get(event_type, ()):
        if attrs.get(name) is None:
            return "attrs.%s is required for %s" % (name, event_type)
    return None


# --- value rules -------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    kind = type(value)
    if kind is int:
        return value if _I64_MIN <= value <= _I64_MAX else None
    if kind is float and value.is_integer() and -_TWO63 < value < _TWO63:
        return int(value)
    return None


def _as_number(value: Any) -> float | None:
    kind = type(value)
    if kind is float:
        # NaN fails both comparisons, infinities the range.
        return value if -_TWO63 < value < _TWO63 else None
    if kind is int and _I64_MIN <= value <= _I64_MAX:
        return float(value)
    return None


def _is_text(value: Any) -> bool:
    if type(value) is not str:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- per event type ----------------------------------------------------------
#
# Each takes attrs that have passed missing_attr and returns the normalized
# attrs (a dict), or the detail of the first bad value (a str).


def _purchase(attrs: dict) -> dict | str:
    merchant_id = attrs["merchant_id"]
    if not _is_text(merchant_id):
        return "attrs.merchant_id must be a string"
    amount_cents = _as_int(attrs["amount_cents"])
    if amount_cents is None or amount_cents < 0:
        return "attrs.amount_cents must be an integer >= 0"
    points = _as_int(attrs["points"])
    if points is None or points < 0:
        return "attrs.points must be an integer >= 0"
    currency = attrs.get("currency")
    if currency is None:
        currency = DEFAULT_CURRENCY
    elif type(currency) is not str or not _CURRENCY_MATCH(currency):
        return "attrs.currency must be 3 uppercase letters"
    return {
        "merchant_id": merchant_id,
        "amount_cents": amount_cents,
        "points": points,
        "currency": currency,
    }


def _redeem(attrs: dict) -> dict | str:
    points = _as_int(attrs["points"])
    if points is None or points <= 0:
        return "attrs.points must be an integer > 0"
    merchant_id = attrs.get("merchant_id")
    if merchant_id is not None and not _is_text(merchant_id):
        return "attrs.merchant_id must be a string"
    return {"points": points, "merchant_id": merchant_id}


def _checkin(attrs: dict) -> dict | str:
    store_id = attrs["store_id"]
    if not _is_text(store_id):
        return "attrs.store_id must be a string"
    return {"store_id": store_id}


def _app_fields(attrs: dict, into: dict) -> dict | str:
    for name in ("app_version", "os"):
        value = attrs.get(name)
        if value is not None and not _is_text(value):
            return "attrs.%s must be a string" % name
        into[name] = value
    return into


def _heartbeat(attrs: dict) -> dict | str:
    battery_pct = attrs.get("battery_pct")
    if battery_pct is not None:
        battery_pct = _as_number(battery_pct)
        if battery_pct is None or not 0.0 <= battery_pct <= 100.0:
            return "attrs.battery_pct must be a number 0-100"
    return _app_fields(attrs, {"battery_pct": battery_pct})


def _app_open(attrs: dict) -> dict | str:
    return _app_fields(attrs, {})


def _reading(attrs: dict) -> dict | str:
    temperature_c = attrs.get("temperature_c")
    if temperature_c is not None:
        temperature_c = _as_number(temperature_c)
        if temperature_c is None:
            return "attrs.temperature_c must be a number"
    humidity_pct = attrs.get("humidity_pct")
    if humidity_pct is not None:
        humidity_pct = _as_number(humidity_pct)
        if humidity_pct is None or not 0.0 <= humidity_pct <= 100.0:
            return "attrs.humidity_pct must be a number 0-100"
    foot_traffic = attrs.get("foot_traffic")
    if foot_traffic is not None:
        foot_traffic = _as_int(foot_traffic)
        if foot_traffic is None or foot_traffic < 0:
            return "attrs.foot_traffic must be an integer >= 0"
    return {
        "temperature_c": temperature_c,
        "humidity_pct": humidity_pct,
        "foot_traffic": foot_traffic,
    }


# Event type -> its attrs' normalizer: the normalized attrs, or a bad value's detail.
NORMALIZERS: dict[str, Callable[[dict], dict | str]] = {
    "purchase": _purchase,
    "redeem": _redeem,
    "checkin": _checkin,
    "heartbeat": _heartbeat,
    "reading": _reading,
    "app_open": _app_open,
}
