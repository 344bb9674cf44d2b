"""After a pipeline run: register its partitions, then rebuild ``events_dedup``.

A run for landing day D writes ``events``/``quarantine`` hours and the
summary snapshots under ``dt=D`` and rewrites the daily rollups of every
event day it touched (late data included). The day's run manifest
(``warehouse.manifest``) lists those days under ``event_days``; without one
they are read back from the registered ``events`` partitions of D.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from hive.dedup import rebuild_events_dedup, touched_event_days
from hive.partitions import add_partitions, discover
from hive.validate import InvalidValue, check_dt, check_hour
from warehouse import layout, manifest
from warehouse.catalog import Catalog
from warehouse.layout import Partition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegisterResult:
    """What one registration did."""

    partitions: tuple[Partition, ...]
    event_days: tuple[str, ...]


def register_run(cursor: Any, catalog: Catalog, dt: str, hour: str | None = None) -> RegisterResult:
    """Register the complete partitions of landing day ``dt`` (and ``hour``) and rebuild events_dedup."""
    check_dt(dt)
    if hour is not None:
        check_hour(hour)
    landing = [p for table in layout.LANDING_HOUR_DATASETS for p in discover(catalog, table, dt, hour)]
    landing += [p for table in layout.SNAPSHOT_DATASETS for p in discover(catalog, table, dt)]
    add_partitions(cursor, landing, catalog.storage)

    try:
        event_days = manifest.event_days(catalog.storage, dt)
    except manifest.BadManifest as exc:
        raise InvalidValue(str(exc)) from None
    if event_days is None:
        event_days = touched_event_days(cursor, dt, hour)
        logger.info("no run manifest for %s; event days from events: %s", dt, event_days)
    daily = [p for table in layout.EVENT_DAY_DATASETS for day in event_days for p in discover(catalog, table, day)]
    add_partitions(cursor, daily, catalog.storage)

    rebuild_events_dedup(cursor, event_days)
    return RegisterResult(tuple(sorted(landing + daily)), tuple(event_days))
