"""Run manifests: what the runs of one landing day processed and touched.

``<warehouse>/_runs/dt=D.json`` (``warehouse.layout.manifest_path``),
merged over every run of landing day D and written whole (atomically where
the filesystem renames atomically)::

    {"date": "2026-11-27",
     "hours": {"08": {"files": ["phones-01.jsonl"]}},
     "event_days": ["2026-11-26", "2026-11-27"],
     "counters": {"08": {"read": 6, "valid": 1, ...}}}

``event_days`` tells the HBase loader and Hive registration which event-day
partitions the day's runs rewrote. ``published`` says, for each of those
partitions and each run of D that published it, which of the data files
it put there hold rows the run wrote (``add_published``); the rows a run
carried over unchanged from the partition before are left out::

    "published": {"member_events/dt=2026-11-26": [
        {"run": "3f2a9c0d1e4b5a69", "files": ["part-3f2a9c0d1e4b5a69-00000"], "added": true}]}

``changed_files`` turns that into what a reader of the day's changes
reads (the HBase loader loads those files, not the whole partition), or
None when it cannot be told any more: the partition was republished
since (its seal names another run, ``Catalog.sealed_by``) or a file is
gone, or the manifest was written before runs recorded it.
"""

from __future__ import annotations

import datetime as dt
import json

from warehouse import layout
from warehouse.catalog import Catalog
from warehouse.layout import Partition
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


def dumps(manifest: dict) -> str:
    """A run manifest's text."""
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def write(storage: Storage, day: dt.date | str, manifest: dict) -> str:
    """Write a landing day's run manifest whole; return its URI."""
    rel = layout.manifest_path(day)
    storage.write_text(rel, dumps(manifest))
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


def add_published(manifest: dict, run_id: str, files: dict[Partition, list[str]], added: set[Partition],
                  supersedes: set[Partition] = frozenset()) -> None:
    """Note in ``manifest`` the data files one run wrote into each partition
    of ``files`` (those published as additions marked so). For the
    partitions in ``supersedes`` the run's files hold all that earlier runs
    of the day wrote there too: their entries go."""
    published = manifest.setdefault("published", {})
    for partition, names in sorted(files.items()):
        entries = [] if partition in supersedes else published.get(partition.path, [])
        entries = [entry for entry in entries if entry.get("run") != run_id]
        entries.append({"run": run_id, "files": sorted(names), "added": partition in added})
        published[partition.path] = entries


def changed_files(catalog: Catalog, day: dt.date | str, partition: Partition) -> list[str] | None:
    """The data files of ``partition`` that hold what the runs of landing day
    ``day`` wrote into it, relative to the root; None when they cannot be
    told apart from the rest (read the partition whole)."""
    entries = read(catalog.storage, day).get("published", {}).get(partition.path)
    if not isinstance(entries, list) or not entries:
        return None
    present = {rel.rsplit("/", 1)[1] for rel in catalog.data_files(partition)}
    sealed_by = catalog.sealed_by(partition)
    wanted: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("files"), list):
            raise BadManifest("run manifest of %s: published entries of %s must be objects with files"
                              % (day, partition.path))
        names = {str(name) for name in entry["files"]}
        if not entry.get("added") and entry.get("run") != sealed_by:
            return None  # republished since: what this run wrote is mixed with what it carried
        if not names <= present:
            return None
        wanted |= names
    return ["%s/%s" % (partition.path, name) for name in sorted(wanted)]


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
