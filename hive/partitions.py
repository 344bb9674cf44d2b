"""Partition registration: find complete partition folders, add them to the metastore.

A pipeline output folder counts only once it holds ``_SUCCESS``, so tables
never expose half-written partitions. Registration names exactly those
folders with ``ALTER TABLE ... ADD IF NOT EXISTS PARTITION ... LOCATION``
(rerunnable); ``repair`` (``MSCK REPAIR TABLE``) is for recovery only, as it
adds every folder it finds, complete or not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hive.validate import InvalidValue, check_dt, check_hour, check_warehouse_uri

logger = logging.getLogger(__name__)

SUCCESS_MARKER = "_SUCCESS"

# Partitioned by landing day and hour (dt=, hour=).
LANDING_HOUR_TABLES = ("events", "quarantine")
# Partitioned by event day (dt=).
EVENT_DAY_TABLES = ("device_daily", "member_daily", "member_events")
# One full snapshot per landing day (dt=).
SNAPSHOT_TABLES = ("device_summary", "member_summary")
# Built by INSERT OVERWRITE, partitioned by event_dt=.
DERIVED_TABLES = ("events_dedup",)

FILE_TABLES = LANDING_HOUR_TABLES + EVENT_DAY_TABLES + SNAPSHOT_TABLES
PARTITIONED_TABLES = FILE_TABLES + DERIVED_TABLES


@dataclass(frozen=True, order=True)
class Partition:
    """One complete partition folder of a pipeline output table."""

    table: str
    dt: str
    hour: str | None = None

    @property
    def path(self) -> str:
        """The folder relative to the warehouse root."""
        path = "%s/dt=%s" % (self.table, self.dt)
        return path if self.hour is None else "%s/hour=%s" % (path, self.hour)

    @property
    def spec(self) -> dict[str, str]:
        """Partition column -> value."""
        return {"dt": self.dt} if self.hour is None else {"dt": self.dt, "hour": self.hour}


def discover(warehouse_dir: Path, table: str, dt: str, hour: str | None = None) -> list[Partition]:
    """Complete partitions of ``table`` for day ``dt`` (and ``hour``) under a local warehouse."""
    if table not in FILE_TABLES:
        raise InvalidValue("not a pipeline output table: %r" % (table,))
    check_dt(dt)
    day = Path(warehouse_dir) / table / ("dt=%s" % dt)
    if table not in LANDING_HOUR_TABLES:
        if hour is not None:
            raise InvalidValue("%s is not partitioned by hour" % table)
        candidates = [Partition(table, dt)]
    elif hour is not None:
        candidates = [Partition(table, dt, check_hour(hour))]
    else:
        candidates = [Partition(table, dt, h) for h in _hour_folders(day)]
    found = []
    for partition in candidates:
        if (Path(warehouse_dir) / partition.path / SUCCESS_MARKER).is_file():
            found.append(partition)
        else:
            logger.info("skipping %s: no %s (missing or incomplete)", partition.path, SUCCESS_MARKER)
    return found


def _hour_folders(day: Path) -> list[str]:
    if not day.is_dir():
        return []
    hours = []
    for entry in sorted(day.iterdir()):
        value = entry.name[len("hour="):] if entry.name.startswith("hour=") else None
        if not entry.is_dir() or value is None:
            continue
        try:
            hours.append(check_hour(value))
        except InvalidValue:
            logger.warning("ignoring folder %s: not an hour partition", entry)
    return hours


def add_partitions(cursor: Any, partitions: Iterable[Partition], warehouse: str) -> int:
    """Register ``partitions`` at ``<warehouse>/<path>``, one statement per table; return the count."""
    root = check_warehouse_uri(warehouse)
    by_table: dict[str, list[Partition]] = {}
    for partition in sorted(set(partitions)):
        by_table.setdefault(partition.table, []).append(partition)
    for table, group in by_table.items():
        if table not in FILE_TABLES:
            raise InvalidValue("not a pipeline output table: %r" % (table,))
        clauses, params = [], {}
        for i, partition in enumerate(group):
            check_dt(partition.dt)
            if partition.hour is not None:
                check_hour(partition.hour)
            spec = []
            for column, value in partition.spec.items():
                params["%s%d" % (column, i)] = value
                spec.append("%s=%%(%s%d)s" % (column, column, i))
            params["location%d" % i] = "%s/%s" % (root, partition.path)
            clauses.append("PARTITION (%s) LOCATION %%(location%d)s" % (", ".join(spec), i))
        # Table names come from the fixed list above; values are checked and
        # passed as parameters.
        cursor.execute("ALTER TABLE %s ADD IF NOT EXISTS %s" % (table, " ".join(clauses)), params)
        logger.info("registered %d partition(s) of %s", len(group), table)
    return sum(len(group) for group in by_table.values())


def repair(cursor: Any, tables: Iterable[str] = PARTITIONED_TABLES) -> list[str]:
    """Run ``MSCK REPAIR TABLE`` on each partitioned table (recovery only); return the tables."""
    repaired = []
    for table in tables:
        if table not in PARTITIONED_TABLES:
            raise InvalidValue("not a partitioned table: %r" % (table,))
        cursor.execute("MSCK REPAIR TABLE %s" % table)
        repaired.append(table)
    return repaired
