"""Pure aggregation logic of the lifetime summaries: device_summary and
member_summary, recomputed from every device_daily and member_daily row.

A member's summary lists its devices with their device type, which only the
device_daily rows know, so the job joins the two datasets on device_id:

1. every daily row becomes partials keyed ``["device", device_id]`` or
   ``["member", member_id]``; a member_daily row also yields, for each of its
   devices, a *link* ``["device", device_id] -> {member_id: last_seen}``.
   Merging a device key gives its summary and the members that used it.
2. ``join_device`` turns a merged device key into the device_summary row and
   one member partial per linked member, carrying ``{device_id:
   {"device_type", "last_seen"}}``; these merge with the member's own partial.

Partials follow the conventions of ``mapreduce.rollups`` (JSON-safe,
associative and commutative merges). "Latest" values here are
``[event day, last_event_time of the daily row, value]``: event days do not
overlap, so the latest day carrying a value holds the latest value (the event
day is the ``dt=`` of the row's partition, not a column).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

import orjson

from mapreduce import tsv
from mapreduce.records import DEVICE_DAILY_COLUMNS, MEMBER_DAILY_COLUMNS
from mapreduce.merges import ADD, COUNTS, MAX, MAX_PER_KEY, MIN, Field, Partial, dumps_json, fold, max_opt
from mapreduce.rollups import DEVICE_DAILY, MEMBER_DAILY, ROW_FIELDS
from warehouse import layout


DEVICE_SUMMARY = "device_summary"
MEMBER_SUMMARY = "member_summary"
DEVICE = "device"
MEMBER = "member"

_AS_OF_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
_INT_RE = re.compile(r"-?\d+")


# --- options and inputs -----------------------------------------------------

def parse_as_of(text: str) -> str:
    """'YYYY-MM-DDTHH' (a landing hour) -> 'YYYY-MM-DDTHH:00:00.000Z'."""
    try:
        if not _AS_OF_RE.fullmatch(text):
            raise ValueError
        datetime.datetime.strptime(text, "%Y-%m-%dT%H")
    except (TypeError, ValueError):
        raise ValueError(f"--as-of must be a landing hour YYYY-MM-DDTHH, got {text!r}") from None
    return text + ":00:00.000Z"


def parse_input_path(path: str | None) -> tuple[str, str]:
    """(dataset, event day) of a device_daily or member_daily part file."""
    try:
        partition = layout.partition_of_file(path or "")
    except layout.LayoutError:
        partition = None
    if partition is None or partition.dataset not in (DEVICE_DAILY, MEMBER_DAILY):
        raise ValueError(
            f"input file {path!r} is not under device_daily/dt=YYYY-MM-DD/ "
            "or member_daily/dt=YYYY-MM-DD/"
        )
    return partition.dataset, partition.dt


def _int(text: str | None, name: str) -> int:
    if text is None or not _INT_RE.fullmatch(text):
        raise ValueError(f"{name} is not an integer: {text!r}")
    return int(text)


def _required(row: dict[str, str | None], *names: str) -> None:
    for name in names:
        if not row[name]:
            raise ValueError(f"row has no {name}")


def _latest(row: dict[str, str | None], dt: str, value: Any) -> list | None:
    return None if value is None else [dt, row["last_event_time"], value]


def _value(latest: list | None) -> Any:
    return None if latest is None else latest[-1]


def _json_object(text: str | None, name: str) -> dict:
    try:
        value = orjson.loads(text or "")
    except orjson.JSONDecodeError:
        raise ValueError(f"{name} is not JSON: {text!r}") from None
    if not isinstance(value, dict):
        # bad data, not a programming error: the mapper counts ValueErrors
        raise ValueError(f"{name} is not a JSON object: {text!r}")  # noqa: TRY004
    return value


def daily_partials(dataset: str, dt: str, line: str) -> list[tuple[list[str], Partial]]:
    """The (key, partial) pairs of one daily row; ValueError on a bad row."""
    if dataset == "device_daily":
        row = tsv.decode_record(line, DEVICE_DAILY_COLUMNS)
        return [([DEVICE, row["device_id"]], {"device": device_partial(row, dt), "members": {}})]
    row = tsv.decode_record(line, MEMBER_DAILY_COLUMNS)
    partial = member_partial(row)
    devices = _json_object(row["devices"], "devices")
    if not all(isinstance(seen, str) and seen for seen in devices.values()):
        raise ValueError(f"devices has a value that is not a time: {row['devices']!r}")
    links = [
        ([DEVICE, device_id], {"device": None, "members": {row["member_id"]: last_seen}})
        for device_id, last_seen in sorted(devices.items())
    ]
    return [([MEMBER, row["member_id"]], partial), *links]


# --- devices ----------------------------------------------------------------

def device_partial(row: dict[str, str | None], dt: str) -> Partial:
    """The device summary partial of one device_daily row of event day ``dt``."""
    _required(row, "device_id", "first_event_time", "last_event_time")
    battery = row["last_battery_pct"]
    try:
        battery_value = None if battery is None else float(battery)
    except ValueError:
        raise ValueError(f"last_battery_pct is not a number: {battery!r}") from None
    return {
        "device_type": _latest(row, dt, row["device_type"]),
        "owner": _latest(row, dt, row["owner_member_id"]),
        "first": row["first_event_time"],
        "last": row["last_event_time"],
        "app_version": _latest(row, dt, row["last_app_version"]),
        "os": _latest(row, dt, row["last_os"]),
        "battery": _latest(row, dt, battery_value),
        "events": _int(row["event_count"], "event_count"),
    }


_DEVICE_FIELDS: dict[str, Field] = {
    "device_type": MAX,
    "owner": MAX,
    "first": MIN,
    "last": MAX,
    "app_version": MAX,
    "os": MAX,
    "battery": MAX,
    "events": ADD,
}


def _merge_device_fields(a: Partial | None, b: Partial | None) -> Partial | None:
    if a is None:
        return b
    if b is None:
        return a
    return fold(_DEVICE_FIELDS, [a, b])


# The member links of a till can be many: folded in place (MAX_PER_KEY).
DEVICE_KEY_FIELDS: dict[str, Field] = {
    "device": Field(_merge_device_fields),
    "members": MAX_PER_KEY,
}


def merge_device(a: Partial, b: Partial) -> Partial:
    """Merge two device-key partials (device summary and member links)."""
    return fold(DEVICE_KEY_FIELDS, [a, b])


def device_summary_row(device_id: str, device: Partial, as_of: str) -> list:
    """The device_summary row (DEVICE_SUMMARY_COLUMNS order)."""
    device_type = _value(device["device_type"])
    return [
        device_id,
        device_type,
        _value(device["owner"]) if device_type == "phone" else None,
        device["first"],
        device["last"],
        _value(device["app_version"]),
        _value(device["os"]),
        _value(device["battery"]),
        device["events"],
        as_of,
    ]


def join_device(
    device_id: str, merged: Partial, as_of: str
) -> list[tuple[list[str], Partial]]:
    """A merged device key -> its summary row and one devices entry per member."""
    device = merged["device"]
    device_type = None if device is None else _value(device["device_type"])
    out = []
    if device is not None:
        row = tsv.encode_row(device_summary_row(device_id, device, as_of))
        out.append(([DEVICE_SUMMARY, device_id], {"row": row}))
    for member_id, last_seen in sorted(merged["members"].items()):
        entry = {device_id: {"device_type": device_type, "last_seen": last_seen}}
        out.append(([MEMBER, member_id], _empty_member(devices=entry)))
    return out


# --- members ----------------------------------------------------------------

def _empty_member(**fields: Any) -> Partial:
    partial = {
        "earned": 0, "redeemed": 0, "spend": {}, "first": None, "last": None, "devices": {},
    }
    partial.update(fields)
    return partial


def member_partial(row: dict[str, str | None]) -> Partial:
    """The member summary partial of one member_daily row (devices come from the join)."""
    _required(row, "member_id", "first_event_time", "last_event_time")
    spend = _json_object(row["spend"], "spend")
    if not all(isinstance(cents, int) for cents in spend.values()):
        raise ValueError(f"spend has a non-integer amount: {row['spend']!r}")
    return _empty_member(
        earned=_int(row["points_earned"], "points_earned"),
        redeemed=_int(row["points_redeemed"], "points_redeemed"),
        spend=spend,
        first=row["first_event_time"],
        last=row["last_event_time"],
    )


def _merge_devices(acc: dict[str, dict], value: dict[str, dict]) -> dict[str, dict]:
    for device_id, entry in value.items():
        old = acc.get(device_id)
        if old is None:
            acc[device_id] = entry
        else:
            acc[device_id] = {
                "device_type": max_opt(old["device_type"], entry["device_type"]),
                "last_seen": max_opt(old["last_seen"], entry["last_seen"]),
            }
    return acc


MEMBER_FIELDS: dict[str, Field] = {
    "earned": ADD,
    "redeemed": ADD,
    "spend": COUNTS,
    "first": MIN,
    "last": MAX,
    "devices": Field(_merge_devices, thaw=dict),
}


def merge_member(a: Partial, b: Partial) -> Partial:
    """Merge two member partials."""
    return fold(MEMBER_FIELDS, [a, b])


def member_summary_row(member_id: str, member: Partial, as_of: str) -> list:
    """The member_summary row (MEMBER_SUMMARY_COLUMNS order)."""
    return [
        member_id,
        member["earned"],
        member["redeemed"],
        member["earned"] - member["redeemed"],
        dumps_json(member["spend"]),
        member["first"],
        member["last"],
        len(member["devices"]),
        dumps_json(member["devices"]),
        as_of,
    ]


# --- dispatch ---------------------------------------------------------------

_FIELDS: dict[str, dict[str, Field]] = {
    DEVICE: DEVICE_KEY_FIELDS,
    MEMBER: MEMBER_FIELDS,
    DEVICE_SUMMARY: ROW_FIELDS,
}


def merge_partials(kind: str, partials: Iterable[Partial]) -> Partial:
    """Merge one or more partials of one key kind into one."""
    return fold(_FIELDS[kind], partials)


def finalize(kind: str, entity: str, partial: Partial, as_of: str) -> tuple[str, str]:
    """(dataset, TSV row) of a fully merged step-two partial."""
    if kind == MEMBER:
        return MEMBER_SUMMARY, tsv.encode_row(member_summary_row(entity, partial, as_of))
    return DEVICE_SUMMARY, partial["row"]
