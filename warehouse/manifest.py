"""Run manifests: what the runs of one landing day processed and touched.

``<warehouse>/_runs/dt=D.json`` (``warehouse.layout.manifest_path``),
merged over every run of landing day D and written whole (atomically where
the filesystem renames atomically)::

    {"date": "2026-11-27",
     "hours": {"08": {"files": ["phones-01.jsonl"]}},
     "event_days": ["2026-11-26", "2026-11-27"],
     "counters": {"08": {"read": 6, "valid": 1, ...}}}

``event_days`` tells the HBase loader and Hive registration which event-day
partitions the day's runs rewrote.
"""

from __future__ import annotations

import datetime as dt
import json

from warehouse import layout
from warehouse.storage import Storage


class BadManifest(ValueError):
    """A run manifest that cannot be read."""


def read(storage: Storage, day: dt.date | str) -> dict:
    """The run manifest of a landing day ({} if there is none)."""
    rel = layout.manifest_path(day)
    if not storage.isfile(rel):
        return {}
    try:
        manifest = json.loads(storage.read_text(rel))
    except ValueError as exc:
        raise BadManifest("run manifest %s is unreadable: %s" % (storage.uri(rel), exc)) from None
    if not isinstance(manifest, dict):
        raise BadManifest("run manifest %s is not a JSON object" % storage.uri(rel))
    return manifest


def write(storage: Storage, day: dt.date | str, manifest: dict) -> str:
    """Write a landing day's run manifest whole; return its URI."""
    rel = layout.manifest_path(day)
    storage.write_text(rel, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return storage.uri(rel)


def event_days(storage: Storage, day: dt.date | str) -> list[str] | None:
    """The event days the runs of ``day`` touched, sorted; None without a manifest."""
    manifest = read(storage, day)
    if not manifest:
        return None
    days = manifest.get("event_days")
    if not isinstance(days, list):
        raise BadManifest("run manifest of %s: event_days must be a list of dates" % day)
    try:
        return sorted({layout.check_day(str(value)) for value in days})
    except layout.LayoutError as exc:
        raise BadManifest("run manifest of %s: %s" % (day, exc)) from None


def recent(storage: Storage, count: int) -> list[tuple[str, dict]]:
    """The manifests of the ``count`` latest landing days, newest first."""
    days = sorted((day for day in (layout.manifest_day(entry.name) for entry in storage.ls(layout.RUNS))
                   if day is not None), reverse=True)
    found = []
    for day in days[:count]:
        try:
            found.append((day, read(storage, day)))
        except BadManifest:
            continue
    return found
