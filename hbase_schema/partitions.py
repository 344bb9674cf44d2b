"""Which warehouse partitions a landing date's load must write to HBase.

Summaries are full snapshots partitioned by landing date: ``dt=<date>``.
Daily rollups and member events are partitioned by event day, and one
landing date can touch several event days (late events): those listed under
``event_days`` in the day's run manifest (``warehouse.manifest``), or,
without a manifest, every complete partition of the dataset. Only complete
partitions (``warehouse.catalog``) are ever loaded.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from hbase_schema.tables import LAYOUTS
from warehouse import layout, manifest
from warehouse.catalog import Catalog, IncompletePartition
from warehouse.layout import Partition

logger = logging.getLogger(__name__)

SUMMARY_DATASETS = tuple(n for n, spec in LAYOUTS.items() if spec.key_kind == "summary")
EVENT_DAY_DATASETS = tuple(n for n, spec in LAYOUTS.items() if spec.key_kind != "summary")


def partitions_to_load(
    catalog: Catalog,
    landing_date: datetime.date,
    datasets: Iterable[str],
) -> dict[str, list[Partition]]:
    """Complete partitions per dataset for one landing date, oldest first."""
    try:
        days = manifest.event_days(catalog.storage, landing_date)
    except manifest.BadManifest as exc:
        raise ValueError(str(exc)) from None
    if days is None:
        logger.info("no run manifest for %s: loading every event-day partition", landing_date)
    plan: dict[str, list[Partition]] = {}
    for dataset in datasets:
        if dataset not in LAYOUTS:
            raise ValueError("dataset %r has no HBase table" % dataset)
        if dataset in SUMMARY_DATASETS:
            partition = layout.partition(dataset, landing_date)
            if not catalog.is_complete(partition):
                raise IncompletePartition("no complete %s partition for %s at %s: run the pipeline first"
                                          % (dataset, landing_date, catalog.storage.display(partition.path)))
            plan[dataset] = [partition]
        elif days is None:
            plan[dataset] = catalog.partitions(dataset)
        else:
            wanted = [layout.partition(dataset, day) for day in days]
            for partition in wanted:
                if not catalog.is_complete(partition):
                    logger.info("%s has no complete partition %s (no rows that day)", dataset, partition.path)
            plan[dataset] = [partition for partition in wanted if catalog.is_complete(partition)]
    return plan
