"""Partition registration: add the warehouse's complete partitions to the metastore.

Which folders exist and which are complete (``_SUCCESS``) is the
warehouse's business (``warehouse.catalog``), so tables never expose
half-written partitions. Registration names exactly the complete folders
with ``ALTER TABLE ... ADD IF NOT EXISTS PARTITION ... LOCATION``
(rerunnable); ``repair`` (``MSCK REPAIR TABLE``) is for recovery only, as
it adds every folder it finds, complete or not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from hive.validate import InvalidValue, check_dt, check_hour, check_warehouse_uri
from warehouse import layout
from warehouse.catalog import Catalog
from warehouse.layout import Partition
from warehouse.storage import Storage

logger = logging.getLogger(__name__)

# Built by INSERT OVERWRITE, partitioned by event_dt=.
DERIVED_TABLES = ("events_dedup",)
# Tables over warehouse datasets: one table per dataset, named after it.
FILE_TABLES = layout.DATASETS
PARTITIONED_TABLES = FILE_TABLES + DERIVED_TABLES


def discover(catalog: Catalog, table: str, dt: str, hour: str | None = None) -> list[Partition]:
    """Complete partitions of ``table`` for day ``dt`` (and ``hour``)."""
    if table not in FILE_TABLES:
        raise InvalidValue("not a pipeline output table: %r" % (table,))
    check_dt(dt)
    if table not in layout.LANDING_HOUR_DATASETS:
        if hour is not None:
            raise InvalidValue("%s is not partitioned by hour" % table)
        candidates = [layout.partition(table, dt)]
    elif hour is not None:
        candidates = [layout.partition(table, dt, int(check_hour(hour)))]
    else:
        return catalog.hours(table, dt)
    found = []
    for partition in candidates:
        if catalog.is_complete(partition):
            found.append(partition)
        else:
            logger.info("skipping %s: missing or incomplete", partition.path)
    return found


def add_partitions(cursor: Any, partitions: Iterable[Partition], warehouse: Storage) -> int:
    """Register ``partitions`` at their folders in ``warehouse``, one statement per table."""
    by_table: dict[str, list[Partition]] = {}
    for partition in sorted(set(partitions)):
        by_table.setdefault(partition.dataset, []).append(partition)
    for table, group in by_table.items():
        if table not in FILE_TABLES:
            raise InvalidValue("not a pipeline output table: %r" % (table,))
        clauses, params = [], {}
        for i, partition in enumerate(group):
            spec = []
            for column, value in partition.spec.items():
                params["%s%d" % (column, i)] = value
                spec.append("%s=%%(%s%d)s" % (column, column, i))
            params["location%d" % i] = check_warehouse_uri(warehouse.uri(partition.path))
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
