"""Pure aggregation logic of the daily rollups: device_daily, member_daily and
member_events, all partitioned by event day.

One event becomes one *partial* aggregate per (dataset, event day, entity).
Partials merge associatively and commutatively, so a combiner and a reducer
can both merge them in any grouping and order; a fully merged partial is
finalized into one TSV row in the column order of ``mapreduce.records``.

Partials are JSON-safe dicts, because they cross the shuffle:

- distinct sets are sorted lists (merged by set union);
- "latest" values are ``[event_time, event_id, value]`` lists and the greatest
  wins, so equal times are broken by event_id, never by arrival order (times
  are fixed-width ISO UTC text, so text order is time order);
- sensor sums are exact fractions written as text (``"43/2"``), so the mean
  does not depend on the order in which floats happened to be added.

``fold`` merges any number of partials field by field, as declared by a
``Field`` spec per dataset, in time linear in its input.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from mapreduce import tsv
from mapreduce.merges import (
    ADD,
    COUNTS,
    DISTINCT,
    MAX,
    MAX_PER_KEY,
    MIN,
    STATS,
    Field,
    Partial,
    dumps_json,
    fold,
)
from mapreduce.contract import DEFAULT_CURRENCY, MEMBER_EVENT_TYPES, READING_METRICS
from mapreduce.records import EVENT_COLUMNS


DEVICE_DAILY = "device_daily"
MEMBER_DAILY = "member_daily"
MEMBER_EVENTS = "member_events"


_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_INT_RE = re.compile(r"-?\d+")
# A plain decimal: sign, whole digits, fraction digits (``.5`` and ``5.`` included, as Fraction reads them).
_DECIMAL_RE = re.compile(r"([-+]?)(\d*)\.?(\d*)")
# Distinct number texts whose exact value a task keeps (``_lowest_terms``).
NUMBER_TEXTS_CACHED = 1 << 16
_REQUIRED = ("event_id", "device_id", "device_type", "event_type", "event_time", "event_dt")


# --- values -----------------------------------------------------------------

def parse_day(text: str, option: str = "--event-day") -> str:
    """Return ``text`` if it is a real 'YYYY-MM-DD' date, else raise ValueError."""
    try:
        if not _DAY_RE.fullmatch(text):
            raise ValueError
        datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{option} must be a date YYYY-MM-DD, got {text!r}") from None
    return text


def _int(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    if not _INT_RE.fullmatch(text):
        raise ValueError(f"{name} is not an integer: {text!r}")
    return int(text)


def _number(text: str | None, name: str) -> tuple[int, int] | None:
    """An exact number from its decimal text (finite only), as its lowest terms
    ``(numerator, denominator)``, the denominator positive; None for no text."""
    if text is None:
        return None
    try:
        return _lowest_terms(text)
    except ValueError:
        raise ValueError(f"{name} is not a finite number: {text!r}") from None


@functools.lru_cache(maxsize=NUMBER_TEXTS_CACHED)
def _lowest_terms(text: str) -> tuple[int, int]:
    """``_number`` of a text, ValueError for one that is no finite number.

    Plain decimals (``-12.50``: nearly every value) are read without
    ``Fraction``, whose text parser costs more than the rest of an event's
    partial; anything else (exponents, spaces) goes through it. Cached, as
    the texts repeat: battery levels and readings have one decimal, so a
    day's events carry a few thousand distinct ones.
    """
    plain = _DECIMAL_RE.fullmatch(text)
    if plain is not None and (plain.group(2) or plain.group(3)):
        whole, fraction = plain.group(2, 3)
        numerator = int(whole + fraction)
        denominator = 10 ** len(fraction) if fraction else 1
        common = math.gcd(numerator, denominator)
        if plain.group(1) == "-":
            numerator = -numerator
        return numerator // common, denominator // common
    if not math.isfinite(float(text)):
        raise ValueError("not finite")
    value = Fraction(text)
    return value.numerator, value.denominator


def ratio_text(numerator: int, denominator: int) -> str:
    """``str(Fraction(numerator, denominator))`` of a number in lowest terms (the text of an
    exact sum)."""
    return str(numerator) if denominator == 1 else "%d/%d" % (numerator, denominator)


def latest(event: dict[str, str | None], value: Any) -> list | None:
    """A "latest" triple ``[event_time, event_id, value]``, or None for no value."""
    if value is None:
        return None
    return [event["event_time"], event["event_id"], value]


def value_of(latest: list | None) -> Any:
    """The value of a "latest" triple (None stays None)."""
    return None if latest is None else latest[-1]


# --- events -----------------------------------------------------------------

def parse_event(line: str) -> dict[str, str | None]:
    """Decode one events-dataset row; ValueError if it cannot be rolled up."""
    event = tsv.decode_record(line, EVENT_COLUMNS)
    for name in _REQUIRED:
        if not event[name]:
            raise ValueError(f"event has no {name}")
    if not _TIME_RE.fullmatch(event["event_time"]):
        raise ValueError(f"event_time is not ISO UTC with ms: {event['event_time']!r}")
    if event["event_time"][:10] != event["event_dt"]:
        raise ValueError(f"event_dt {event['event_dt']!r} is not the day of event_time")
    return event


def daily_keys(day: str, device_id: str, member_id: str | None) -> list[str]:
    """The ``daily_key`` of each daily rollup row (device, member) an event changes."""
    keys = [daily_key(day, DEVICE_DAILY, device_id)]
    if member_id:
        keys.append(daily_key(day, MEMBER_DAILY, member_id))
    return keys


def daily_key(day: str, dataset: str, entity: str) -> str:
    """One daily rollup row (``device_daily`` or ``member_daily``) of one day, as one string."""
    return "%s\t%s\t%s" % (day, dataset, entity)


def event_partials(event: dict[str, str | None]) -> list[tuple[list[str], Partial]]:
    """The (key, partial) pairs one event contributes; key = [dataset, day, entity].

    Its device and member rows are the ones ``daily_keys`` names.
    """
    day = event["event_dt"]
    out = [([DEVICE_DAILY, day, event["device_id"]], device_partial(event))]
    if event["member_id"]:
        out.append(([MEMBER_DAILY, day, event["member_id"]], member_partial(event)))
        if event["event_type"] in MEMBER_EVENT_TYPES:
            out.append(([MEMBER_EVENTS, day, event["event_id"]], member_event_partial(event)))
    return out


def purchase_fields(event: dict[str, str | None]) -> tuple[int, dict[str, int], int, int]:
    """(purchases, spend, points earned, points redeemed) of one event."""
    points = _int(event["points"], "points") or 0
    if event["event_type"] == "purchase":
        cents = _int(event["amount_cents"], "amount_cents") or 0
        return 1, {event["currency"] or DEFAULT_CURRENCY: cents}, points, 0
    if event["event_type"] == "redeem":
        return 0, {}, 0, points
    return 0, {}, 0, 0


# --- device_daily -----------------------------------------------------------

def device_partial(event: dict[str, str | None]) -> Partial:
    """The device_daily partial of one event."""
    purchases, spend, earned, redeemed = purchase_fields(event)
    battery = battery_level(event)
    partial = {
        "events": 1,
        "by_type": {event["event_type"]: 1},
        "first": event["event_time"],
        "last": event["event_time"],
        "purchases": purchases,
        "spend": spend,
        "earned": earned,
        "redeemed": redeemed,
        "battery_min": battery,
        "device_type": latest(event, event["device_type"]),
        "battery": latest(event, battery),
        "app_version": latest(event, event["app_version"]),
        "os": latest(event, event["os"]),
        "owner": latest(event, event["member_id"]),
        "members": [event["member_id"]] if event["member_id"] else [],
    }
    for metric in READING_METRICS:
        partial[metric] = None
    for metric, value, numerator, denominator in readings(event):
        partial[metric] = {"min": value, "max": value, "sum": ratio_text(numerator, denominator), "n": 1}
    return partial


def battery_level(event: dict[str, str | None]) -> float | None:
    """An event's battery_pct as a float (None: it has none); ValueError if it is not a finite number."""
    battery = _number(event["battery_pct"], "battery_pct")
    return None if battery is None else battery[0] / battery[1]


def readings(event: dict[str, str | None]) -> list[tuple[str, float | int, int, int]]:
    """``(metric, value, numerator, denominator)`` of each sensor reading an event carries,
    in ``READING_METRICS`` order: its value (an integer for foot_traffic, else a float) and
    its exact value in lowest terms; ValueError for a bad one."""
    out = []
    for metric in READING_METRICS:
        value = _number(event[metric], metric)
        if value is None:
            continue
        numerator, denominator = value
        if metric == "foot_traffic":
            if denominator != 1:
                raise ValueError(f"foot_traffic is not an integer: {event[metric]!r}")
            out.append((metric, numerator, numerator, 1))
        else:
            out.append((metric, numerator / denominator, numerator, denominator))
    return out


DEVICE_FIELDS: dict[str, Field] = {
    "events": ADD,
    "by_type": COUNTS,
    "first": MIN,
    "last": MAX,
    "purchases": ADD,
    "spend": COUNTS,
    "earned": ADD,
    "redeemed": ADD,
    "battery_min": MIN,
    "device_type": MAX,
    "battery": MAX,
    "app_version": MAX,
    "os": MAX,
    "owner": MAX,
    "members": DISTINCT,
    **{metric: STATS for metric in READING_METRICS},
}


def _finish_stats(stats: Partial | None) -> list:
    if stats is None:
        return [None, None, None]
    mean = round(Fraction(stats["sum"]) / stats["n"], 3)
    return [stats["min"], stats["max"], float(mean)]


def finalize_device(device_id: str, partial: Partial) -> list:
    """The device_daily row (DEVICE_DAILY_COLUMNS order) of a merged partial."""
    device_type = value_of(partial["device_type"])
    row = [
        device_id,
        device_type,
        value_of(partial["owner"]) if device_type == "phone" else None,
        partial["events"],
        dumps_json(partial["by_type"]),
        partial["first"],
        partial["last"],
        partial["purchases"],
        dumps_json(partial["spend"]),
        partial["earned"],
        partial["redeemed"],
        partial["battery_min"],
        value_of(partial["battery"]),
        value_of(partial["app_version"]),
        value_of(partial["os"]),
    ]
    for metric in READING_METRICS:
        row.extend(_finish_stats(partial[metric]))
    row.append(len(partial["members"]))
    return row


# --- member_daily -----------------------------------------------------------

def member_partial(event: dict[str, str | None]) -> Partial:
    """The member_daily partial of one event that carries a member_id."""
    purchases, spend, earned, redeemed = purchase_fields(event)
    return {
        "purchases": purchases,
        "spend": spend,
        "earned": earned,
        "redeemed": redeemed,
        "redemptions": int(event["event_type"] == "redeem"),
        "checkins": int(event["event_type"] == "checkin"),
        "devices": {event["device_id"]: event["event_time"]},
        "merchants": [event["merchant_id"]] if event["merchant_id"] else [],
        "stores": [event["store_id"]] if event["store_id"] else [],
        "first": event["event_time"],
        "last": event["event_time"],
    }


MEMBER_FIELDS: dict[str, Field] = {
    "purchases": ADD,
    "spend": COUNTS,
    "earned": ADD,
    "redeemed": ADD,
    "redemptions": ADD,
    "checkins": ADD,
    "devices": MAX_PER_KEY,
    "merchants": DISTINCT,
    "stores": DISTINCT,
    "first": MIN,
    "last": MAX,
}


def finalize_member(member_id: str, partial: Partial) -> list:
    """The member_daily row (MEMBER_DAILY_COLUMNS order) of a merged partial."""
    return [
        member_id,
        partial["purchases"],
        dumps_json(partial["spend"]),
        partial["earned"],
        partial["redeemed"],
        partial["redemptions"],
        partial["checkins"],
        len(partial["devices"]),
        len(partial["merchants"]),
        len(partial["stores"]),
        dumps_json(partial["devices"]),
        partial["first"],
        partial["last"],
    ]


# --- member_events ----------------------------------------------------------

def member_event_partial(event: dict[str, str | None]) -> Partial:
    """The member_events row of one purchase, redeem or checkin, as a partial."""
    is_purchase = event["event_type"] == "purchase"
    row = [
        event["member_id"],
        event["event_time"],
        event["event_id"],
        event["event_type"],
        event["device_id"],
        event["merchant_id"],
        event["store_id"],
        event["amount_cents"],
        (event["currency"] or DEFAULT_CURRENCY) if is_purchase else event["currency"],
        event["points"],
    ]
    return {"row": tsv.encode_row(row)}


# Copies of one event agree; should they not, the smallest row wins.
ROW_FIELDS: dict[str, Field] = {"row": MIN}


# --- dispatch ---------------------------------------------------------------

_FIELDS: dict[str, dict[str, Field]] = {
    DEVICE_DAILY: DEVICE_FIELDS,
    MEMBER_DAILY: MEMBER_FIELDS,
    MEMBER_EVENTS: ROW_FIELDS,
}


def merge_partials(dataset: str, partials: Iterable[Partial]) -> Partial:
    """Merge one or more partials of one dataset into one."""
    return fold(_FIELDS[dataset], partials)


def finalize(dataset: str, entity: str, partial: Partial) -> str:
    """The TSV row of a fully merged partial."""
    if dataset == DEVICE_DAILY:
        return tsv.encode_row(finalize_device(entity, partial))
    if dataset == MEMBER_DAILY:
        return tsv.encode_row(finalize_member(entity, partial))
    return partial["row"]
