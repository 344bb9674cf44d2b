"""Errors of the HBase layer, and the client errors it treats as transient.

happybase registers its Thrift IDL as the module ``Hbase_thrift`` when it is
imported, so that import comes first.
"""

from __future__ import annotations

import happybase  # noqa: F401  (registers Hbase_thrift)
from Hbase_thrift import AlreadyExists  # noqa: F401  (re-exported)
from Hbase_thrift import IOError as HBaseIOError  # noqa: F401  (re-exported)
from thriftpy2.transport import TTransportException

# A restarted Thrift server, a connection the server closed after its idle
# timeout (read 0 bytes, broken pipe, reset) or a refused connect: the write
# did not happen or is safe to repeat (same cells, same timestamps).
# socket.timeout, BrokenPipeError and ConnectionResetError are OSErrors.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (TTransportException, OSError)


class LoadError(RuntimeError):
    """A load could not complete; the message says where and why."""


class BadRecord(LoadError):
    """An input row that cannot be loaded (reported with file and line)."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__("%s:%d: %s" % (path, line, reason))
        self.path = path
        self.line = line
        self.reason = reason
