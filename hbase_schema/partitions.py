"""Which warehouse partitions, and which of their files, a landing date's
load must write to HBase.

Summaries are full snapshots partitioned by landing date: ``dt=<date>``,
loaded whole. Daily rollups and member events are partitioned by event
day, and one landing date can touch several event days (late events):
those listed under ``event_days`` in the day's run manifest
(``warehouse.manifest``), or, without a manifest, every complete partition
of the dataset. Of such a partition, only the files holding rows the
day's runs wrote are loaded (``manifest.changed_files``): a late event
costs its old day's load the rows it added or changed, not the day.
When the manifest cannot tell them any more (the partition was
republished by a later run, or the manifest predates the record), the
partition is loaded whole, which is always right: loads are idempotent.
Only complete partitions (``warehouse.catalog``) are ever loaded.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from hbase_schema.tables import LAYOUTS
from warehouse import layout, manifest
from warehouse.catalog import Catalog, IncompletePartition
from warehouse.layout import Partition

logger = logging.getLogger(__name__)

SUMMARY_DATASETS = tuple(n for n, spec in LAYOUTS.items() if spec.key_kind == "summary")
EVENT_DAY_DATASETS = tuple(n for n, spec in LAYOUTS.items() if spec.key_kind != "summary")


@dataclass(frozen=True)
class PartitionLoad:
    """One partition to load: its files (relative to the root), and whether
    they are all of it or only those the landing date's runs wrote."""

    partition: Partition
    files: list[str]
    whole: bool


def partitions_to_load(
    catalog: Catalog,
    landing_date: datetime.date,
    datasets: Iterable[str],
) -> dict[str, list[PartitionLoad]]:
    """Complete partitions per dataset for one landing date, oldest first."""
    try:
        days = manifest.event_days(catalog.storage, landing_date)
    except manifest.BadManifest as exc:
        raise ValueError(str(exc)) from None
    if days is None:
        logger.info("no run manifest for %s: loading every event-day partition", landing_date)
    plan: dict[str, list[PartitionLoad]] = {}
    for dataset in datasets:
        if dataset not in LAYOUTS:
            raise ValueError("dataset %r has no HBase table" % dataset)
        if dataset in SUMMARY_DATASETS:
            partition = layout.partition(dataset, landing_date)
            if not catalog.is_complete(partition):
                raise IncompletePartition("no complete %s partition for %s at %s: run the pipeline first"
                                          % (dataset, landing_date, catalog.storage.display(partition.path)))
            plan[dataset] = [_whole(catalog, partition)]
        elif days is None:
            plan[dataset] = [_whole(catalog, partition) for partition in catalog.partitions(dataset)]
        else:
            wanted = [layout.partition(dataset, day) for day in days]
            for partition in wanted:
                if not catalog.is_complete(partition):
                    logger.info("%s has no complete partition %s (no rows that day)", dataset, partition.path)
            plan[dataset] = [_changes(catalog, landing_date, partition)
                             for partition in wanted if catalog.is_complete(partition)]
    return plan


def _whole(catalog: Catalog, partition: Partition) -> PartitionLoad:
    return PartitionLoad(partition, catalog.data_files(partition), whole=True)


def _changes(catalog: Catalog, landing_date: datetime.date, partition: Partition) -> PartitionLoad:
    try:
        files = manifest.changed_files(catalog, landing_date, partition)
    except manifest.BadManifest as exc:
        raise ValueError(str(exc)) from None
    if files is None:
        logger.info("%s: the runs of %s are not told apart from later ones: loading it whole",
                    partition.path, landing_date)
        return _whole(catalog, partition)
    return PartitionLoad(partition, files, whole=False)
