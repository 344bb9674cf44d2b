"""HBase plumbing shared by the HBase and API benchmarks.

Tables are dropped and created under the benchmarks' own prefixes only
(never the development prefix), by name: a prefix's listing would also
show longer prefixes (``kbbench`` lists ``kbbench_bulk_*`` too).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import happybase

from hbase_schema import admin, tables
from hbase_schema.jvm import JavaTools
from hbase_schema.loader import LoadReport, load_partition
from hbase_schema.presplit import java_splitter
from kickback.config import Settings
from warehouse.catalog import Catalog
from warehouse.storage import Storage

logger = logging.getLogger(__name__)

_LOADED = "hbase-loaded.json"


def java_tools(settings: Settings) -> JavaTools:
    """HBase's JVM tools with the stack's java, jars, conf and JDK 17 flags."""
    from stack.java import JDK17_FLAGS, find_java
    from stack.paths import StackPaths

    paths = StackPaths.under(settings.stack_dir)
    classpath = paths.classpath_file("hbase")
    if not classpath.exists():
        raise FileNotFoundError("HBase jars not found (%s): run `kickback stack up`" % classpath)
    return JavaTools(str(find_java()), classpath.read_text().strip(), paths.conf / "hbase",
                     tuple(JDK17_FLAGS))


def make_pool(settings: Settings, prefix: str | None) -> happybase.ConnectionPool:
    """A happybase pool on the stack's Thrift server for table prefix ``prefix``."""
    return happybase.ConnectionPool(settings.hbase_pool_size, host=settings.hbase_host,
                                    port=settings.hbase_thrift_port, table_prefix=prefix,
                                    timeout=settings.hbase_timeout_ms)


def drop_tables(pool: happybase.ConnectionPool, names: Iterable[str]) -> list[str]:
    """Drop the named tables of the pool's prefix that exist; return those dropped."""
    dropped = []
    with pool.connection() as connection:
        existing = {name.decode() if isinstance(name, bytes) else name for name in connection.tables()}
        for name in names:
            if name in existing:
                connection.delete_table(name, disable=True)
                dropped.append(name)
    return dropped


def recreate_tables(settings: Settings, pool: happybase.ConnectionPool, names: Sequence[str],
                    tools: JavaTools) -> None:
    """Empty, pre-split tables ``names`` (dropped first if they exist)."""
    drop_tables(pool, names)
    specs = tables.table_specs(settings.hbase_daily_ttl_days, settings.hbase_events_ttl_days)
    wanted = {name: specs[name] for name in names}
    splitter = java_splitter(tools, settings.stack_dir / "classes")
    with pool.connection() as connection:
        admin.create_tables(connection, wanted, settings.hbase_buckets, splitter)


def dataset_files(warehouse: Path, dataset: str) -> list[str]:
    """Every part file of every complete partition of ``dataset``."""
    storage = Storage(str(warehouse))
    catalog = Catalog(storage)
    files = [storage.local_path(rel) for partition in catalog.partitions(dataset)
             for rel in catalog.data_files(partition)]
    if not files:
        raise FileNotFoundError("no complete %s partitions under %s" % (dataset, warehouse))
    return files


def load_dataset(settings: Settings, pool: happybase.ConnectionPool, warehouse: Path,
                 dataset: str) -> LoadReport:
    """Batch-load every partition of ``dataset`` with the project's loader settings."""
    return load_partition(pool, dataset, dataset_files(warehouse, dataset),
                          buckets=settings.hbase_buckets, workers=settings.hbase_load_workers,
                          batch_size=settings.hbase_batch_size)


def mark_loaded(root: Path, info: dict[str, Any]) -> None:
    """Record which data set the bench tables hold."""
    (Path(root) / _LOADED).write_text(json.dumps(info, sort_keys=True))


def loaded(root: Path) -> dict[str, Any] | None:
    """What ``mark_loaded`` recorded, if anything."""
    try:
        return json.loads((Path(root) / _LOADED).read_text())
    except (OSError, ValueError):
        return None


def forget_loaded(root: Path) -> None:
    """The bench tables are about to change."""
    (Path(root) / _LOADED).unlink(missing_ok=True)
