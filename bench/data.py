"""The benchmarks' data: generated landings and the warehouses the pipeline makes of them.

Each data set has a label (``x1``, ``x4``, ``x16``, ``hive7d``) and lives
under ``<workspace>/data/<label>``. Generation is deterministic (fixed
seed), so a landing whose recorded knobs match is reused; a warehouse is
reused when its marker says which landing and code produced it. Neither is
ever part of a timed figure.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.workspace import Workspace
from generator.landing import generate_landing

logger = logging.getLogger(__name__)

Say = Callable[[str], None]

DAY = dt.date(2026, 11, 27)
SEED = 42
# The generator's default proportions: 20 events per member, 10 per device.
EVENTS_PER_MEMBER = 20
EVENTS_PER_DEVICE = 10
_LANDING_MARKER = "landing.json"
_WAREHOUSE_MARKER = "warehouse.json"


def knobs(events: int, days: Sequence[dt.date]) -> dict[str, Any]:
    """Generator arguments for a data set of ``events`` events per landing day."""
    if events < 1:
        raise ValueError("events must be at least 1")
    return {
        "events": int(events),
        "members": max(10, events // EVENTS_PER_MEMBER),
        "devices": max(20, events // EVENTS_PER_DEVICE),
        "seed": SEED,
        "days": [day.isoformat() for day in days],
    }


def landing_files(root: Path, days: Sequence[dt.date]) -> list[Path]:
    """Every raw landing file of ``days`` under ``root``, sorted."""
    files: list[Path] = []
    for day in days:
        files += sorted((Path(root) / ("dt=%s" % day.isoformat())).glob("hour=*/*.jsonl*"))
    return files


def ensure_landing(workspace: Workspace, label: str, events: int,
                   days: Sequence[dt.date] = (DAY,), say: Say = logger.info) -> Path:
    """Generate the landing of data set ``label`` unless an identical one exists."""
    wanted = knobs(events, days)
    root = workspace.landing(label)
    if has_landing(workspace, label, events, days):
        return root
    shutil.rmtree(workspace.data(label), ignore_errors=True)
    root.mkdir(parents=True)
    marker = workspace.data(label) / _LANDING_MARKER
    for day in days:
        say("generating %s: %d events for %s" % (label, events, day))
        generate_landing(root, day, range(24), events=events, members=wanted["members"],
                         devices=wanted["devices"], seed=SEED, progress=False)
    marker.write_text(json.dumps(wanted, sort_keys=True))
    return root


def has_landing(workspace: Workspace, label: str, events: int, days: Sequence[dt.date] = (DAY,)) -> bool:
    """Whether data set ``label`` already holds the landing ``ensure_landing`` would generate."""
    marker = workspace.data(label) / _LANDING_MARKER
    return _marker(marker) == knobs(events, days) and bool(landing_files(workspace.landing(label), days))


def reset_warehouse(workspace: Workspace, label: str) -> Path:
    """An empty warehouse for data set ``label`` (its marker removed)."""
    (workspace.data(label) / _WAREHOUSE_MARKER).unlink(missing_ok=True)
    shutil.rmtree(workspace.warehouse(label), ignore_errors=True)
    workspace.warehouse(label).mkdir(parents=True)
    return workspace.warehouse(label)


def mark_warehouse(workspace: Workspace, label: str, info: dict[str, Any]) -> None:
    """Record that the warehouse of ``label`` is complete for its landing."""
    landing = _marker(workspace.data(label) / _LANDING_MARKER)
    (workspace.data(label) / _WAREHOUSE_MARKER).write_text(
        json.dumps({"landing": landing, **info}, sort_keys=True))


def warehouse_ready(workspace: Workspace, label: str) -> bool:
    """Whether ``label``'s warehouse was completed from its current landing."""
    done = _marker(workspace.data(label) / _WAREHOUSE_MARKER)
    landing = _marker(workspace.data(label) / _LANDING_MARKER)
    return bool(done) and landing is not None and done.get("landing") == landing


def ensure_warehouse(workspace: Workspace, label: str, events: int,
                     days: Sequence[dt.date] = (DAY,), runner: str = "local",
                     say: Say = logger.info) -> Path:
    """The warehouse of data set ``label``: reused, or made by running the pipeline day by day."""
    from kickback.config import Settings
    from kickback.pipeline import run_pipeline

    landing = ensure_landing(workspace, label, events, days, say)
    if warehouse_ready(workspace, label):
        return workspace.warehouse(label)
    warehouse = reset_warehouse(workspace, label)
    settings = Settings.load(landing_dir=landing, warehouse_dir=warehouse)
    for day in sorted(days):
        say("running the pipeline (%s runner) for %s %s" % (runner, label, day))
        run_pipeline(settings, day, input_root=landing, runner=runner, say=lambda _: None)
    mark_warehouse(workspace, label, {"runner": runner})
    return warehouse


def _marker(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
