"""The HBase side of KickBack: row keys, table specs, creation and loading.

Modules, one concept each: ``keys`` (row keys, the only place they are
built or parsed), ``tables`` (table specs as data), ``admin`` (idempotent
create/describe), ``presplit`` (pre-splitting through our Java tool),
``rows`` (record -> row), ``reader`` (part files -> records), ``writer``
(parallel, retried batch writes), ``loader`` (one partition, verified),
``bulk`` (ImportTsv + bulk load), ``partitions`` (what a landing date loads).
"""

from hbase_schema.admin import create_tables, describe
from hbase_schema.bulk import bulk_load
from hbase_schema.errors import BadRecord, LoadError
from hbase_schema.loader import LoadReport, load_partition
from hbase_schema.tables import table_specs
from hbase_schema.writer import RetryPolicy

__all__ = [
    "BadRecord",
    "LoadError",
    "LoadReport",
    "RetryPolicy",
    "bulk_load",
    "create_tables",
    "describe",
    "load_partition",
    "table_specs",
]
