"""Which warehouse partitions a landing date's load must write to HBase.

Summaries are full snapshots partitioned by landing date: ``dt=<date>``.
Daily rollups and member events are partitioned by event day, and one
landing date can touch several event days (late events): those listed under
``event_days`` in the run manifest ``<warehouse>/_runs/dt=<date>.json``, or,
without a manifest, every ``dt=`` partition of the dataset.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from hbase_schema.tables import LAYOUTS

logger = logging.getLogger(__name__)

SUMMARY_DATASETS = tuple(n for n, layout in LAYOUTS.items() if layout.key_kind == "summary")
EVENT_DAY_DATASETS = tuple(n for n, layout in LAYOUTS.items() if layout.key_kind != "summary")


def manifest_path(warehouse: Path, landing_date: datetime.date) -> Path:
    """Where the pipeline records what a landing date's run touched."""
    return Path(warehouse) / "_runs" / ("dt=%s.json" % landing_date.isoformat())


def event_days(warehouse: Path, landing_date: datetime.date) -> list[datetime.date] | None:
    """Event days the run of ``landing_date`` touched, or None without a manifest."""
    path = manifest_path(warehouse, landing_date)
    if not path.exists():
        return None
    try:
        days = json.loads(path.read_text())["event_days"]
        return sorted({datetime.date.fromisoformat(day) for day in days})
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("run manifest %s is unreadable: %s" % (path, exc)) from None


def partitions_to_load(
    warehouse: Path,
    landing_date: datetime.date,
    datasets: Iterable[str],
) -> dict[str, list[Path]]:
    """Partition folders per dataset for one landing date, oldest first."""
    warehouse = Path(warehouse)
    days = event_days(warehouse, landing_date)
    if days is None:
        logger.info("no run manifest %s: loading every event-day partition",
                    manifest_path(warehouse, landing_date))
    plan: dict[str, list[Path]] = {}
    for dataset in datasets:
        if dataset not in LAYOUTS:
            raise ValueError("dataset %r has no HBase table" % dataset)
        root = warehouse / dataset
        if dataset in SUMMARY_DATASETS:
            folder = root / ("dt=%s" % landing_date.isoformat())
            if not folder.is_dir():
                raise FileNotFoundError("no %s partition for %s at %s: run the pipeline first"
                                        % (dataset, landing_date, folder))
            plan[dataset] = [folder]
        elif days is None:
            plan[dataset] = sorted(p for p in root.glob("dt=*") if p.is_dir())
        else:
            folders = [root / ("dt=%s" % day.isoformat()) for day in days]
            for folder in folders:
                if not folder.is_dir():
                    logger.info("%s has no partition %s (no rows that day)", dataset, folder.name)
            plan[dataset] = [folder for folder in folders if folder.is_dir()]
    return plan
