"""The warehouse layout: datasets, their partition folders, markers, manifests.

The only module that knows how the warehouse is laid out. The jobs, the
driver, the HBase loader and Hive registration all build and parse
partition paths here; nothing else spells ``dt=`` or ``_SUCCESS``.

::

    <warehouse>/<dataset>/dt=YYYY-MM-DD[/hour=HH]/part-*    rows (TSV)
    <warehouse>/<dataset>/dt=.../_SUCCESS                    the commit marker
    <warehouse>/_runs/dt=YYYY-MM-DD.json                     run manifest
    <warehouse>/_lock                                        run lock
    <warehouse>/_staging/<run>/...                           a run's output before publishing
    <warehouse>/_state/<name>/dt=...[/hour=HH]/part-*        the incremental state (below)

Datasets come in three groups, by what their ``dt`` means:

- landing hour (``events``, ``quarantine``): ``dt=`` landing day and
  ``hour=`` landing hour;
- event day (``device_daily``, ``member_daily``, ``member_events``): ``dt=``
  the UTC day of the events;
- snapshot (``device_summary``, ``member_summary``): ``dt=`` the landing day
  the snapshot is of.

The incremental state (``_state/``) is partitioned the same way, sealed
and published the same way, and read only by the pipeline itself:

- ``_state/ids`` (landing hour): the event ids a landing hour owns, with
  their event day and a digest of their content, many to a line
  (``mapreduce.id_index``);
- ``_state/deltas`` (``dt=`` landing day): the summary partials of the
  events a landing day owns;
- ``_state/daily`` (event day): the mergeable partials of ``device_daily``
  and ``member_daily`` rows;
- ``_state/snapshot`` (snapshot): the mergeable partials of a snapshot's
  summaries, the devices' in files named apart (``DEVICE_STATE_SUFFIX``)
  so that each summarize job reads its own kind; a snapshot written
  before holds both kinds in every file (``state_files``).

More names exist only inside a run's staging folder, never published:
``_changes/added`` (events a run adds to the rollups and deltas) and
``_changes/dropped`` (event ids a run takes away from a later hour), both
by landing hour; ``_changes/run_ids`` and ``_changes/run_keys`` (``dt=``
the landing day: filters of the event ids the run's raw lines carry and
of the daily rollup rows they change); ``_changes/touched`` (``dt=`` an
event day: the stored partials of the rows the run may change, split
from the day's untouched ones); ``_changes/device_state`` and
``_changes/device_entries`` (``dt=`` the snapshot: the devices' new state,
then moved into the snapshot's files, and the devices entries sent to
their members).

Pure standard library: the jobs import it on task nodes.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass

EVENTS = "events"
LANDING_HOUR_DATASETS = (EVENTS, "quarantine")
MEMBER_EVENTS = "member_events"
# One row per entity and event day.
ENTITY_DAILY_DATASETS = ("device_daily", "member_daily")
EVENT_DAY_DATASETS = ENTITY_DAILY_DATASETS + (MEMBER_EVENTS,)
SNAPSHOT_DATASETS = ("device_summary", "member_summary")
DATASETS = LANDING_HOUR_DATASETS + EVENT_DAY_DATASETS + SNAPSHOT_DATASETS

STATE = "_state"
IDS = STATE + "/ids"
DELTAS = STATE + "/deltas"
DAILY_STATE = STATE + "/daily"
SNAPSHOT_STATE = STATE + "/snapshot"
ADDED = "_changes/added"
DROPPED = "_changes/dropped"
RUN_IDS = "_changes/run_ids"
RUN_KEYS = "_changes/run_keys"
TOUCHED = "_changes/touched"
DEVICE_STATE = "_changes/device_state"
DEVICE_ENTRIES = "_changes/device_entries"
RETYPED_DEVICES = "_changes/retyped_devices"
# The rows of a daily rollup that an earlier run of the same landing day
# wrote, carried over apart from the other untouched rows (mr_split_days).
KEPT = {dataset: "_changes/kept_" + dataset for dataset in ENTITY_DAILY_DATASETS}
STATE_DATASETS = (IDS, DELTAS, DAILY_STATE, SNAPSHOT_STATE)
CHANGE_DATASETS = (ADDED, DROPPED, RUN_IDS, RUN_KEYS, TOUCHED, DEVICE_STATE, DEVICE_ENTRIES, RETYPED_DEVICES,
                   *KEPT.values())
# Every name a Partition may have, and those partitioned by landing hour.
_NAMES = DATASETS + STATE_DATASETS + CHANGE_DATASETS
_HOURLY = LANDING_HOUR_DATASETS + (IDS, ADDED, DROPPED)

# A partition counts once this file is in its folder.
SUCCESS = "_SUCCESS"
# Data files of a partition start with this; names starting with "_" or "."
# are metadata (Hadoop's convention) and never data.
PART_PREFIX = "part-"
RUNS = "_runs"
STAGING = "_staging"
LOCK = "_lock"

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_PATH = re.compile(r"(?P<dataset>(?:_[a-z]+/)?[a-z_]+)/dt=(?P<dt>\d{4}-\d{2}-\d{2})(?:/hour=(?P<hour>\d\d))?\Z")


class LayoutError(ValueError):
    """A dataset, day, hour or path that is not part of the layout."""


@dataclass(frozen=True, order=True)
class Partition:
    """One partition folder of one dataset."""

    dataset: str
    dt: str
    hour: int | None = None

    def __post_init__(self) -> None:
        if self.dataset not in _NAMES:
            raise LayoutError("not a warehouse dataset: %r" % (self.dataset,))
        check_day(self.dt)
        if (self.hour is None) == has_hours(self.dataset):
            raise LayoutError("%s partitions %s an hour" % (
                self.dataset, "need" if self.hour is None else "have no"))
        if self.hour is not None and (type(self.hour) is not int or not 0 <= self.hour <= 23):
            raise LayoutError("bad hour %r: expected 0-23" % (self.hour,))

    @property
    def path(self) -> str:
        """The folder relative to the warehouse root: ``events/dt=.../hour=08``."""
        folder = "%s/dt=%s" % (self.dataset, self.dt)
        return folder if self.hour is None else "%s/hour=%02d" % (folder, self.hour)

    @property
    def spec(self) -> dict[str, str]:
        """Partition column -> value, as Hive names them."""
        if self.hour is None:
            return {"dt": self.dt}
        return {"dt": self.dt, "hour": "%02d" % self.hour}

    @property
    def day(self) -> _dt.date:
        """``dt`` as a date."""
        return _dt.date.fromisoformat(self.dt)

    @classmethod
    def parse(cls, path: str) -> "Partition":
        """The partition of a relative folder path such as ``member_daily/dt=2026-11-27``."""
        match = _PATH.match(path.strip("/"))
        if match is None:
            raise LayoutError("not a partition path: %r" % (path,))
        hour = match.group("hour")
        return cls(match.group("dataset"), match.group("dt"), None if hour is None else int(hour))


_IN_PATH = re.compile(r"(?:^|/)(?P<dataset>(?:_[a-z]+/)?[a-z_]+)/dt=(?P<dt>\d{4}-\d{2}-\d{2})(?:/hour=(?P<hour>\d\d))?/[^/]+$")


def partition_of_file(path: str) -> Partition:
    """The partition a data file (path or URI) is in: ``.../member_daily/dt=.../part-00000``."""
    match = _IN_PATH.search(path or "")
    if match is None or match.group("dataset") not in _NAMES:
        raise LayoutError("not a data file of a warehouse partition: %r" % (path,))
    hour = match.group("hour")
    return Partition(match.group("dataset"), match.group("dt"), None if hour is None else int(hour))


def has_hours(dataset: str) -> bool:
    """Whether ``dataset`` is partitioned by landing hour (``dt=/hour=``)."""
    return dataset in _HOURLY


# Partitions are immutable values, and the jobs ask for the same few once
# per row written: each is made (and checked) once. ``typed``: an hour of
# True equals 1 but is not one.
@functools.lru_cache(maxsize=4096, typed=True)
def partition(dataset: str, day: _dt.date | str, hour: int | None = None) -> Partition:
    """The partition of ``dataset`` for ``day`` (and ``hour``)."""
    return Partition(dataset, day.isoformat() if isinstance(day, _dt.date) else day, hour)


def landing_hours(datasets, day: _dt.date | str, hours) -> list[Partition]:
    """The partitions of landing-hour ``datasets`` for ``hours`` of ``day``."""
    return [partition(dataset, day, hour) for dataset in datasets for hour in hours]


def check_day(text: str) -> str:
    """``text`` if it is a real YYYY-MM-DD date, else LayoutError."""
    try:
        if not isinstance(text, str) or not _DAY.match(text):
            raise ValueError
        _dt.date.fromisoformat(text)
    except ValueError:
        raise LayoutError("bad day %r: expected YYYY-MM-DD" % (text,)) from None
    return text


def day_folder(dataset: str, day: _dt.date | str) -> str:
    """The ``<dataset>/dt=...`` folder (of a day's hours, for landing-hour datasets)."""
    if dataset not in _NAMES:
        raise LayoutError("not a warehouse dataset: %r" % (dataset,))
    return "%s/dt=%s" % (dataset, check_day(day.isoformat() if isinstance(day, _dt.date) else day))


def parse_day_name(name: str) -> str | None:
    """The day of a ``dt=YYYY-MM-DD`` folder name, or None."""
    if not name.startswith("dt="):
        return None
    try:
        return check_day(name[3:])
    except LayoutError:
        return None


def parse_hour_name(name: str) -> int | None:
    """The hour of an ``hour=HH`` folder name (00-23), or None."""
    if len(name) != 7 or not name.startswith("hour=") or not name[5:].isdigit():
        return None
    hour = int(name[5:])
    return hour if hour <= 23 else None


def is_data_file(name: str) -> bool:
    """Whether a file name inside a partition folder holds rows."""
    return name.startswith(PART_PREFIX)


# The devices' files of a ``_state/snapshot`` partition end with this.
DEVICE_STATE_SUFFIX = "-devices"


def state_files(files: list[str], devices: bool) -> list[str]:
    """The files of a snapshot's state (paths or names) that hold the devices' partials
    (``devices``) or the members'. A state written before the two were named apart holds
    both in every file: all of them, for either."""
    mine = [path for path in files if path.endswith(DEVICE_STATE_SUFFIX) == devices]
    if any(path.endswith(DEVICE_STATE_SUFFIX) for path in files):
        return mine
    return list(files)


def manifest_path(day: _dt.date | str) -> str:
    """The run manifest of a landing day, relative to the warehouse root."""
    return "%s/dt=%s.json" % (RUNS, check_day(day.isoformat() if isinstance(day, _dt.date) else day))


def manifest_day(name: str) -> str | None:
    """The landing day of a manifest file name ``dt=YYYY-MM-DD.json``, or None."""
    if not name.endswith(".json"):
        return None
    return parse_day_name(name[:-len(".json")])
