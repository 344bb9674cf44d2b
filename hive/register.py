"""After a pipeline run: register its partitions, then rebuild ``events_dedup``.

A run for landing day D writes ``events``/``quarantine`` hours and the
summary snapshots under ``dt=D`` and rewrites the daily rollups of every
event day it touched (late data included). It lists those days in
``<warehouse>/_runs/dt=D.json`` under ``event_days``; without that file
they are read back from the registered ``events`` partitions of D.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hive.dedup import rebuild_events_dedup, touched_event_days
from hive.partitions import (
    EVENT_DAY_TABLES,
    LANDING_HOUR_TABLES,
    SNAPSHOT_TABLES,
    Partition,
    add_partitions,
    discover,
)
from hive.validate import InvalidValue, check_dt, check_hour

logger = logging.getLogger(__name__)

RUNS_FOLDER = "_runs"


@dataclass(frozen=True)
class RegisterResult:
    """What one registration did."""

    partitions: tuple[Partition, ...]
    event_days: tuple[str, ...]


def run_manifest_path(warehouse_dir: Path, dt: str) -> Path:
    """Where the run of landing day ``dt`` records what it wrote."""
    return Path(warehouse_dir) / RUNS_FOLDER / ("dt=%s.json" % check_dt(dt))


def read_run_event_days(warehouse_dir: Path, dt: str) -> list[str] | None:
    """The ``event_days`` of the run manifest of ``dt``, or None without one."""
    path = run_manifest_path(warehouse_dir, dt)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InvalidValue("cannot read run manifest %s: %s" % (path, exc)) from None
    days = manifest.get("event_days") if isinstance(manifest, dict) else None
    if days is None:
        return None
    if not isinstance(days, list):
        raise InvalidValue("%s: event_days must be a list of dates" % path)
    return sorted({check_dt(day) for day in days})


def register_run(
    cursor: Any,
    warehouse_dir: Path,
    warehouse: str,
    dt: str,
    hour: str | None = None,
) -> RegisterResult:
    """Register the complete partitions of landing day ``dt`` (and ``hour``) and rebuild events_dedup."""
    check_dt(dt)
    if hour is not None:
        check_hour(hour)
    landing = [p for table in LANDING_HOUR_TABLES for p in discover(warehouse_dir, table, dt, hour)]
    landing += [p for table in SNAPSHOT_TABLES for p in discover(warehouse_dir, table, dt)]
    add_partitions(cursor, landing, warehouse)

    event_days = read_run_event_days(warehouse_dir, dt)
    if event_days is None:
        event_days = touched_event_days(cursor, dt, hour)
        logger.info("no run manifest for %s; event days from events: %s", dt, event_days)
    daily = [p for table in EVENT_DAY_TABLES for day in event_days for p in discover(warehouse_dir, table, day)]
    add_partitions(cursor, daily, warehouse)

    rebuild_events_dedup(cursor, event_days)
    return RegisterResult(tuple(sorted(landing + daily)), tuple(event_days))
