"""HBase rows -> the API's resources, as plain dicts that the schemas dump.

Pure functions of a row key and its cells (see ``hbase_schema.tables`` for
which family holds which dataset's columns); no I/O here.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from api.cells import BadCell, Cells, parse_time, qualifiers
from hbase_schema import keys
from hbase_schema.tables import LAYOUTS
from mapreduce.contract import DEFAULT_CURRENCY

_MEMBER_SUMMARY = LAYOUTS["member_summary"]
_DEVICE_SUMMARY = LAYOUTS["device_summary"]
_MEMBER_DAILY = LAYOUTS["member_daily"]
_DEVICE_DAILY = LAYOUTS["device_daily"]
_MEMBER_EVENTS = LAYOUTS["member_events"]

_DEVICE_DAILY_INTS = (
    "event_count", "purchases", "points_earned", "points_redeemed", "distinct_members",
)
_DEVICE_DAILY_NUMBERS = (
    "battery_min", "last_battery_pct",
    "temperature_c_min", "temperature_c_max", "temperature_c_mean",
    "humidity_pct_min", "humidity_pct_max", "humidity_pct_mean",
    "foot_traffic_min", "foot_traffic_max", "foot_traffic_mean",
)
_MEMBER_DAILY_INTS = (
    "purchases", "points_earned", "points_redeemed", "redemptions", "checkins",
    "distinct_devices", "distinct_merchants", "distinct_stores",
)

Cellmap = Mapping[bytes, bytes]


def money(spend: Any) -> list[dict[str, Any]]:
    """{"USD": 1234} -> [{"amount_cents": 1234, "currency": "USD"}], by currency."""
    if spend is None:
        return []
    if not isinstance(spend, dict) or not all(
        isinstance(cents, int) and not isinstance(cents, bool) for cents in spend.values()
    ):
        raise BadCell("spend is not a map of currency to integer cents: %r" % (spend,))
    return [{"amount_cents": spend[currency], "currency": currency} for currency in sorted(spend)]


def member_summary(member_id: str, cells: Cellmap) -> dict[str, Any]:
    """A member's lifetime summary."""
    row = Cells(cells, _MEMBER_SUMMARY.family)
    return {
        "member_id": member_id,
        "points_balance": row.integer("points_balance"),
        "points_earned": row.integer("points_earned"),
        "points_redeemed": row.integer("points_redeemed"),
        "lifetime_spend": money(row.json("spend")),
        "first_seen": row.time("first_seen"),
        "last_seen": row.time("last_seen"),
        "device_count": row.integer("device_count"),
        "as_of": row.time("as_of"),
    }


def member_devices(member_id: str, cells: Cellmap) -> dict[str, Any]:
    """A member's devices (family d of member_summary), most recently seen first."""
    devices = []
    for device_id, raw in qualifiers(cells, _MEMBER_SUMMARY.exploded_family).items():
        try:
            value = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise BadCell("device %r of member %r is not JSON" % (device_id, member_id)) from None
        if not isinstance(value, dict):
            raise BadCell("device %r of member %r is not an object" % (device_id, member_id))
        devices.append({
            "device_id": device_id,
            "device_type": value.get("device_type"),
            "last_seen": parse_time(value.get("last_seen"), "last_seen of " + device_id),
        })
    devices.sort(key=_most_recent_first)
    as_of = Cells(cells, _MEMBER_SUMMARY.family).time("as_of")
    return {"member_id": member_id, "as_of": as_of, "devices": devices}


def member_day(key: bytes, cells: Cellmap) -> dict[str, Any]:
    """One member_daily row."""
    _, day = keys.parse_daily_key(key)
    row = Cells(cells, _MEMBER_DAILY.family)
    shaped: dict[str, Any] = {"date": day}
    shaped.update({column: row.integer(column) for column in _MEMBER_DAILY_INTS})
    devices = row.json("devices") or {}
    if not isinstance(devices, dict):
        raise BadCell("devices is not a map: %r" % (devices,))
    shaped.update({
        "spend": money(row.json("spend")),
        "devices": [
            {"device_id": device_id,
             "last_event_time": parse_time(devices[device_id], "devices." + device_id)}
            for device_id in sorted(devices)
        ],
        "first_event_time": row.time("first_event_time"),
        "last_event_time": row.time("last_event_time"),
    })
    return shaped


def member_event(key: bytes, cells: Cellmap) -> dict[str, Any]:
    """One member_events row: a purchase, redemption or check-in."""
    _, event_ms, event_id = keys.parse_event_key(key)
    row = Cells(cells, _MEMBER_EVENTS.family)
    amount_cents = row.integer("amount_cents")
    amount = None
    if amount_cents is not None:
        amount = {"amount_cents": amount_cents, "currency": row.text("currency") or DEFAULT_CURRENCY}
    return {
        "event_id": row.text("event_id") or event_id,
        "event_type": row.text("event_type"),
        "event_time": row.time("event_time") or _from_ms(event_ms),
        "device_id": row.text("device_id"),
        "merchant_id": row.text("merchant_id"),
        "store_id": row.text("store_id"),
        "amount": amount,
        "points": row.integer("points"),
    }


def device_summary(device_id: str, cells: Cellmap) -> dict[str, Any]:
    """A device's lifetime summary."""
    row = Cells(cells, _DEVICE_SUMMARY.family)
    return {
        "device_id": device_id,
        "device_type": row.text("device_type"),
        "owner_member_id": row.text("owner_member_id"),
        "first_seen": row.time("first_seen"),
        "last_seen": row.time("last_seen"),
        "last_app_version": row.text("last_app_version"),
        "last_os": row.text("last_os"),
        "last_battery_pct": row.number("last_battery_pct"),
        "event_count": row.integer("event_count"),
        "as_of": row.time("as_of"),
    }


def device_day(key: bytes, cells: Cellmap) -> dict[str, Any]:
    """One device_daily row."""
    _, day = keys.parse_daily_key(key)
    row = Cells(cells, _DEVICE_DAILY.family)
    events_by_type = row.json("events_by_type") or {}
    if not isinstance(events_by_type, dict):
        raise BadCell("events_by_type is not a map: %r" % (events_by_type,))
    shaped: dict[str, Any] = {
        "date": day,
        "device_type": row.text("device_type"),
        "owner_member_id": row.text("owner_member_id"),
        "events_by_type": events_by_type,
        "first_event_time": row.time("first_event_time"),
        "last_event_time": row.time("last_event_time"),
        "spend": money(row.json("spend")),
        "last_app_version": row.text("last_app_version"),
        "last_os": row.text("last_os"),
    }
    shaped.update({column: row.integer(column) for column in _DEVICE_DAILY_INTS})
    shaped.update({column: row.number(column) for column in _DEVICE_DAILY_NUMBERS})
    return shaped


def _from_ms(event_ms: int) -> datetime.datetime:
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return epoch + datetime.timedelta(milliseconds=event_ms)


def _most_recent_first(device: dict[str, Any]) -> tuple[float, str]:
    last_seen = device["last_seen"]
    return (-last_seen.timestamp() if last_seen else float("inf"), device["device_id"])
