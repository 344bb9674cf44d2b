"""A generated landing run through the pipeline and loaded into the real stack.

Session-scoped, because generating, running and loading take a while: the
tables use the session's prefix and database, and are dropped at the end.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import happybase
import pytest

import hive as hive_pkg
from generator import generate_landing
from hbase_schema import tables as hbase_tables
from kickback.commands.hbase import create as hbase_create
from kickback.commands.hbase import load as hbase_load
from kickback.pipeline import run_pipeline
from warehouse.catalog import Catalog
from warehouse.storage import Storage

DAY = dt.date(2026, 11, 27)
HOURS = (7, 8, 9)


@pytest.fixture(scope="session")
def pipeline_run(stack_settings, session_tag, tmp_path_factory):
    """(settings, report, manifest) of a small generated day run inline."""
    root = tmp_path_factory.mktemp("e2e")
    settings = stack_settings.replace(
        landing_dir=root / "landing", warehouse_dir=root / "warehouse",
        # Hive tests recreate the session database per test; keep out of its way.
        hbase_table_prefix=session_tag, hive_database=session_tag + "_e2e",
    )
    manifest = generate_landing(
        Path(settings.landing_dir), DAY, HOURS, seed=11, members=60, devices=150, events=4000,
        bad_rate=0.02, duplicate_rate=0.03, late_rate=0.05, progress=False,
    )
    report = run_pipeline(settings, DAY, runner="inline", say=lambda _: None)
    return settings, report, manifest


@pytest.fixture(scope="session")
def loaded_hbase(pipeline_run):
    """The pipeline's outputs for DAY, loaded into this session's tables."""
    settings = pipeline_run[0]
    hbase_create.main([], obj=settings, standalone_mode=False)
    hbase_load.main(["--date", DAY.isoformat(), "--no-progress"], obj=settings, standalone_mode=False)
    yield settings
    connection = happybase.Connection(settings.hbase_host, settings.hbase_thrift_port,
                                      table_prefix=settings.hbase_table_prefix)
    try:
        existing = set(connection.tables())
        for name in hbase_tables.TABLES:
            if name.encode() in existing:
                connection.delete_table(name, disable=True)
    finally:
        connection.close()


@pytest.fixture(scope="session")
def registered_hive(pipeline_run):
    """Hive tables of this session's database over the pipeline's outputs."""
    settings = pipeline_run[0]
    connection = hive_pkg.connect(settings.hive_host, settings.hive_port, settings.hive_username,
                                  settings.hive_auth)
    cursor = connection.cursor()
    storage = Storage(str(settings.warehouse_dir))
    hive_pkg.apply_ddl(cursor, settings.hive_database, storage.uri())
    cursor.execute("USE %s" % settings.hive_database)
    hive_pkg.register_run(cursor, Catalog(storage), DAY.isoformat())
    yield cursor
    cursor.execute("DROP DATABASE IF EXISTS %s CASCADE" % settings.hive_database)
    connection.close()
