"""Hive: DDL over the pipeline outputs, partition registration, the analysts' query kit.

Every function takes a DB-API cursor (PyHive) and plain values from
configuration; nothing here reads settings or connects on import.
"""

from hive.connection import HiveUnavailable, connect
from hive.ddl import apply_ddl
from hive.register import RegisterResult, register_run

__all__ = [
    "HiveUnavailable",
    "RegisterResult",
    "apply_ddl",
    "connect",
    "register_run",
]
