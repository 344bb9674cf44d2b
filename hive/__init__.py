"""Hive: DDL over the pipeline outputs, partition registration, the analysts' query kit.

Every function takes a DB-API cursor (PyHive) and plain values from
configuration; nothing here reads settings or connects on import.
"""

from hive.connection import HIVE_ERRORS, HiveUnavailable, connect, error_message
from hive.ddl import DdlError, apply_ddl, load_ddl, render
from hive.dedup import rebuild_events_dedup, touched_event_days
from hive.output import FORMATS, format_rows
from hive.partitions import PARTITIONED_TABLES, add_partitions, discover, repair
from hive.queries import (
    Query,
    QueryError,
    bind_params,
    fetch,
    list_queries,
    load_query,
    run_query,
)
from hive.register import RegisterResult, register_run
from hive.validate import InvalidValue, check_warehouse_uri

__all__ = [
    "FORMATS",
    "HIVE_ERRORS",
    "PARTITIONED_TABLES",
    "DdlError",
    "HiveUnavailable",
    "InvalidValue",
    "Query",
    "QueryError",
    "RegisterResult",
    "add_partitions",
    "apply_ddl",
    "bind_params",
    "connect",
    "discover",
    "error_message",
    "fetch",
    "format_rows",
    "list_queries",
    "load_ddl",
    "load_query",
    "rebuild_events_dedup",
    "register_run",
    "render",
    "repair",
    "run_query",
    "touched_event_days",
    "check_warehouse_uri",
]
