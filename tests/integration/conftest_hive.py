"""Fixtures for the Hive integration tests (imported by tests/integration/conftest.py).

Builds on that conftest's ``settings`` (a private warehouse per test and
the session's database name). ``hive_cursor`` creates that database with
`kickback hive init`'s DDL over the test's own warehouse, and drops it when
the test ends, so every test starts from empty tables.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import hive
from kickback.config import Settings
from mapreduce import records, tsv
from warehouse.catalog import Catalog
from warehouse.storage import Storage

logger = logging.getLogger(__name__)


def hive_connect(settings: Settings, database: str | None = None) -> Any:
    """A PyHive connection as `kickback hive` opens it."""
    return hive.connect(
        settings.hive_host, settings.hive_port, settings.hive_username,
        settings.hive_auth, database=database,
    )


@pytest.fixture
def hive_cursor(settings: Settings) -> Iterator[Any]:
    """A cursor on a freshly initialised ``settings.hive_database``, dropped after the test."""
    admin = hive_connect(settings)
    admin_cursor = admin.cursor()
    try:
        hive.apply_ddl(admin_cursor, settings.hive_database, Storage(str(settings.warehouse_dir)).uri())
        connection = hive_connect(settings, settings.hive_database)
        try:
            cursor = connection.cursor()
            yield cursor
            cursor.close()
        finally:
            connection.close()
    finally:
        # The name is a checked identifier (apply_ddl validated it).
        admin_cursor.execute("DROP DATABASE IF EXISTS %s CASCADE" % settings.hive_database)
        admin.close()


class Warehouse:
    """Writes pipeline-output partitions the way the jobs do (records.py columns, tsv.py rows)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def partition(
        self,
        dataset: str,
        dt: str,
        rows: list[Mapping[str, Any]],
        hour: str | None = None,
        complete: bool = True,
    ) -> Path:
        """Write one partition folder (with ``_SUCCESS`` unless ``complete`` is False)."""
        columns = records.DATASETS[dataset]
        unknown = {key for row in rows for key in row} - set(columns)
        assert not unknown, "not columns of %s: %s" % (dataset, sorted(unknown))
        folder = self.root / dataset / ("dt=%s" % dt)
        if hour is not None:
            folder = folder / ("hour=%s" % hour)
        folder.mkdir(parents=True, exist_ok=True)
        lines = [tsv.encode_row(row.get(c) for c in columns) + "\n" for row in rows]
        (folder / "part-00000").write_text("".join(lines), encoding="utf-8")
        if complete:
            (folder / "_SUCCESS").write_text("")
        return folder

    def manifest(self, dt: str, event_days: list[str]) -> None:
        """Write the run manifest ``_runs/dt=<dt>.json``."""
        path = self.root / "_runs" / ("dt=%s.json" % dt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"event_days": event_days}), encoding="utf-8")


@pytest.fixture
def warehouse(settings: Settings) -> Warehouse:
    """Writer for the test's warehouse tree."""
    return Warehouse(settings.warehouse_dir)


@pytest.fixture
def register(settings: Settings, hive_cursor: Any):
    """``register(dt, hour=None)``: what `kickback hive register` does, on the test warehouse."""
    def run(dt: str, hour: str | None = None) -> hive.RegisterResult:
        return hive.register_run(hive_cursor, Catalog(Storage(str(settings.warehouse_dir))), dt, hour)
    return run


def event(event_id: str, event_time: str, landing_dt: str, **fields: Any) -> dict[str, Any]:
    """An ``events`` row; ``event_dt`` and ``late`` follow from the times given."""
    event_dt = event_time[:10]
    row: dict[str, Any] = {
        "event_id": event_id,
        "device_id": "dev-1",
        "device_type": "phone",
        "event_type": "app_open",
        "event_time": event_time,
        "event_dt": event_dt,
        "late": event_dt < landing_dt,
        "source_file": "landing/dt=%s/batch.jsonl" % landing_dt,
    }
    row.update(fields)
    return row
