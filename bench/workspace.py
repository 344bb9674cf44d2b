"""The benchmarks' scratch folders and the settings they run with.

Everything a run writes goes under ``<var_dir>/bench`` (the stack keeps its
own ``var_dir``): generated landings and warehouses per size, the
PerformanceEvaluation jars, logs and temporary files. The stack is shared
with development, so the benchmarks keep to their own HBase table prefix
and Hive database, chosen here by overriding values of the one Settings
object (no new settings).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kickback.config import Settings

logger = logging.getLogger(__name__)

TABLE_PREFIX = "kbbench"
BULK_TABLE_PREFIX = "kbbench_bulk"
PE_TABLE = "kbbench_pe"
HIVE_DATABASE = "kickback_bench"
API_KEY = "benchkey"


@dataclass(frozen=True)
class Workspace:
    """Where the benchmarks keep their files."""

    root: Path

    @classmethod
    def under(cls, var_dir: Path) -> "Workspace":
        """The workspace of a stack whose var folder is ``var_dir``."""
        return cls(Path(var_dir).resolve() / "bench")

    def data(self, label: str) -> Path:
        """Landing and warehouse of one generated data set (``x1``, ``hive7d``...)."""
        return self.root / "data" / label

    def landing(self, label: str) -> Path:
        """The landing root of a data set."""
        return self.data(label) / "landing"

    def warehouse(self, label: str) -> Path:
        """The warehouse root of a data set."""
        return self.data(label) / "warehouse"

    @property
    def lib(self) -> Path:
        """PerformanceEvaluation's test jars."""
        return self.root / "lib"

    @property
    def logs(self) -> Path:
        """Logs of the processes the benchmarks start."""
        return self.root / "logs"

    @property
    def tmp(self) -> Path:
        """Scratch for the loaders' work files."""
        return self.root / "tmp"

    def make_dirs(self) -> None:
        """Create the fixed folders."""
        for path in (self.root, self.lib, self.logs, self.tmp):
            path.mkdir(parents=True, exist_ok=True)


def bench_settings(base: Settings, workspace: Workspace, label: str) -> Settings:
    """``base`` with the data set's landing/warehouse and the bench's prefix and database."""
    return base.replace(
        landing_dir=workspace.landing(label),
        warehouse_dir=workspace.warehouse(label),
        hbase_table_prefix=TABLE_PREFIX,
        hive_database=HIVE_DATABASE,
        api_keys=API_KEY,
    )
