"""The local Hadoop-ecosystem stack: real HBase, Hadoop streaming and Apache
Hive (metastore service and HiveServer2), started on 127.0.0.1 from Maven
Central jars.

Public entry points: ``up``, ``down``, ``status`` (see ``stack.control``).
"""

from stack.control import down, status, up
from stack.errors import StackError

__all__ = ["StackError", "down", "status", "up"]
