"""Pure aggregation logic of the lifetime summaries: device_summary and
member_summary, as of a snapshot day.

A summary is a merge over events, kept in two mergeable forms
(``warehouse.layout``): per landing day, the *delta* of the events it owns
(``_state/deltas``), and per snapshot day, the *state* of every device and
member (``_state/snapshot``). A snapshot's state is the previous snapshot's
state merged with its day's delta.

A member's summary lists its devices with their device type, which only
device partials know, so the summarize job joins the two on device_id:

1. every event becomes partials keyed ``["device", device_id]`` and, if it
   carries a member, ``["member", member_id]``; a device partial also holds
   its *links* ``{member_id: last_seen}``. Merging a device key gives its
   summary and the members that used it.
2. ``join_device`` turns a merged device key into the device_summary row and
   one member partial per linked member, carrying ``{device_id:
   {"device_type", "last_seen"}}``; ``refresh_devices`` puts these into the
   member's own partial. A member's state keeps its devices entries and a
   device's state keeps no links (``device_state``): the links are the
   members' to keep, once. Against a previous snapshot a device sends only
   the links of the day's delta, and when its type changed it names itself
   *retyped* (``RETYPED``), for the members it no longer knows: every
   member's entry of a retyped device takes the new type.

Partials follow the conventions of ``mapreduce.merges`` (JSON-safe,
associative and commutative merges); "latest" values are ``[event_time,
event_id, value]``, as in the daily rollups.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from mapreduce import tsv
from mapreduce.merges import ADD, COUNTS, MAX, MAX_PER_KEY, MIN, Field, Partial, dumps_json, fold, max_opt
from mapreduce.rollups import ROW_FIELDS, latest, purchase_fields, value_of


DEVICE_SUMMARY = "device_summary"
MEMBER_SUMMARY = "member_summary"
DEVICE = "device"
MEMBER = "member"
# The key kind of a device whose type changed: ``["retyped", device_id]``, ``{"device_type"}``.
RETYPED = "retyped"

_AS_OF_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")


def parse_as_of(text: str) -> str:
    """'YYYY-MM-DDTHH' (a landing hour) -> 'YYYY-MM-DDTHH:00:00.000Z'."""
    try:
        if not _AS_OF_RE.fullmatch(text):
            raise ValueError
        datetime.datetime.strptime(text, "%Y-%m-%dT%H")
    except (TypeError, ValueError):
        raise ValueError(f"--as-of must be a landing hour YYYY-MM-DDTHH, got {text!r}") from None
    return text + ":00:00.000Z"


def event_partials(event: dict[str, str | None]) -> list[tuple[list[str], Partial]]:
    """The (key, partial) pairs one event contributes to the summaries."""
    member_id = event["member_id"]
    battery = event["battery_pct"]
    device = {
        "device_type": latest(event, event["device_type"]),
        "owner": latest(event, member_id),
        "first": event["event_time"],
        "last": event["event_time"],
        "app_version": latest(event, event["app_version"]),
        "os": latest(event, event["os"]),
        "battery": latest(event, None if battery is None else float(battery)),
        "events": 1,
    }
    links = {member_id: event["event_time"]} if member_id else {}
    out = [([DEVICE, event["device_id"]], {"device": device, "members": links})]
    if member_id:
        _, spend, earned, redeemed = purchase_fields(event)
        out.append(([MEMBER, member_id], _empty_member(
            earned=earned, redeemed=redeemed, spend=spend,
            first=event["event_time"], last=event["event_time"])))
    return out


# --- devices ----------------------------------------------------------------

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


def _fold_device_fields(values: list[Partial | None]) -> Partial | None:
    present = [value for value in values if value is not None]
    return fold(_DEVICE_FIELDS, present) if present else None


# The member links of a till can be many: folded in place (MAX_PER_KEY).
DEVICE_KEY_FIELDS: dict[str, Field] = {
    "device": Field(_merge_device_fields, many=_fold_device_fields),
    "members": MAX_PER_KEY,
}


def device_summary_row(device_id: str, device: Partial, as_of: str) -> list:
    """The device_summary row (DEVICE_SUMMARY_COLUMNS order)."""
    device_type = value_of(device["device_type"])
    return [
        device_id,
        device_type,
        value_of(device["owner"]) if device_type == "phone" else None,
        device["first"],
        device["last"],
        value_of(device["app_version"]),
        value_of(device["os"]),
        value_of(device["battery"]),
        device["events"],
        as_of,
    ]


def _device_type(partial: Partial) -> str | None:
    device = partial["device"]
    return None if device is None else value_of(device["device_type"])


def join_device(
    device_id: str, merged: Partial, as_of: str, before: Partial | None = None
) -> list[tuple[list[str], Partial]]:
    """A merged device key -> its summary row, a devices entry for each
    member whose entry may have changed, and ``RETYPED`` if its type did.

    Without ``before`` (the device's partial in the previous snapshot) every
    link gets one. With it, every link ``before`` does not hold as it is: a
    device's state holds none (``device_state``), so these are the links of
    the day's delta (a state written before that held its links, and sends
    only the new or later ones). If the device type differs from
    ``before``'s, the device is named ``RETYPED`` with its new type, for the
    members of its earlier links.
    """
    device = merged["device"]
    device_type = _device_type(merged)
    out = []
    if device is not None:
        row = tsv.encode_row(device_summary_row(device_id, device, as_of))
        out.append(([DEVICE_SUMMARY, device_id], {"row": row}))
    links = merged["members"]
    if before is not None:
        held = before["members"]
        if _device_type(before) != device_type:
            out.append(([RETYPED, device_id], {"device_type": device_type}))
        links = {member_id: last_seen for member_id, last_seen in links.items() if held.get(member_id) != last_seen}
    for member_id, last_seen in sorted(links.items()):
        entry = {device_id: {"device_type": device_type, "last_seen": last_seen}}
        out.append(([MEMBER, member_id], _empty_member(devices=entry)))
    return out


def device_state(merged: Partial) -> Partial:
    """What a snapshot keeps of a merged device key: all but its links, which its
    members keep (their devices entries)."""
    return {**merged, "members": {}} if merged["members"] else merged


# --- members ----------------------------------------------------------------

def _empty_member(**fields: Any) -> Partial:
    partial = {
        "earned": 0, "redeemed": 0, "spend": {}, "first": None, "last": None, "devices": {},
    }
    partial.update(fields)
    return partial


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


def refresh_devices(own: Partial, sent: list[Partial], retyped: dict[str, str] | None = None) -> Partial:
    """A member's partial with the devices entries the join sent it.

    ``own`` is the member's own partial (its previous state merged with the
    day's delta), holding the entries of the previous snapshot. The entry
    of a ``retyped`` device (device id -> its new type) takes the new type;
    an entry sent now gives its device's type (a merge would keep the
    greater type, not the newer) and the later of the two last_seen (the
    entry sent holds the day's last_seen, the one held the earlier days').
    """
    devices = own["devices"]
    if retyped:
        hits = [d for d in retyped if d in devices] if len(retyped) < len(devices) else [
            d for d in devices if d in retyped]
        if hits:
            devices = dict(devices)
            for device_id in hits:
                devices[device_id] = {"device_type": retyped[device_id], "last_seen": devices[device_id]["last_seen"]}
    if sent:
        fresh = sent[0]["devices"] if len(sent) == 1 else merge_partials(MEMBER, sent)["devices"]
        devices = dict(devices)
        for device_id, entry in fresh.items():
            old = devices.get(device_id)
            if old is not None and max_opt(old["last_seen"], entry["last_seen"]) != entry["last_seen"]:
                entry = {"device_type": entry["device_type"], "last_seen": old["last_seen"]}
            devices[device_id] = entry
    return own if devices is own["devices"] else {**own, "devices": devices}


def empty_member() -> Partial:
    """The partial of a member no event of its own names."""
    return _empty_member()


MEMBER_FIELDS: dict[str, Field] = {
    "earned": ADD,
    "redeemed": ADD,
    "spend": COUNTS,
    "first": MIN,
    "last": MAX,
    "devices": Field(_merge_devices, thaw=dict),
}


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
