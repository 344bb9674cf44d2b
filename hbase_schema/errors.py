"""Errors of the HBase layer, and the client errors it treats as transient.

happybase registers its Thrift IDL as the module ``Hbase_thrift`` when it is
imported, so that import comes first.
"""

from __future__ import annotations

import happybase  # noqa: F401  (registers Hbase_thrift)
from Hbase_thrift import AlreadyExists  # noqa: F401  (re-exported)
from Hbase_thrift import IOError as HBaseIOError  # noqa: F401  (re-exported)
from thriftpy2.protocol.exc import TProtocolException
from thriftpy2.thrift import TApplicationException, TDecodeException
from thriftpy2.transport import TTransportException

try:
    from thriftpy2.protocol.cybin import ProtocolError as CyProtocolError
except ImportError:  # pragma: no cover - thriftpy2 without its C extension
    CyProtocolError = TProtocolException

# A restarted Thrift server, a connection the server closed after its idle
# timeout (read 0 bytes, broken pipe, reset) or a refused connect: the write
# did not happen or is safe to repeat (same cells, same timestamps).
# socket.timeout, BrokenPipeError and ConnectionResetError are OSErrors.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (TTransportException, OSError)


# What a client gets when the port answers, but not as HBase's Thrift1
# (buffered transport, binary protocol): bytes that are no Thrift message
# (HTTP, HiveServer2's SASL, HBase RPC), or another Thrift service.
WRONG_PROTOCOL_ERRORS: tuple[type[BaseException], ...] = (
    TProtocolException, TDecodeException, CyProtocolError)
_WRONG_SERVICE = (
    TApplicationException.UNKNOWN_METHOD, TApplicationException.INVALID_MESSAGE_TYPE,
    TApplicationException.WRONG_METHOD_NAME, TApplicationException.BAD_SEQUENCE_ID,
    TApplicationException.PROTOCOL_ERROR,
)


def wrong_protocol(exc: BaseException) -> bool:
    """Whether ``exc`` says the server is not an HBase Thrift1 server."""
    if isinstance(exc, TApplicationException):
        return exc.type in _WRONG_SERVICE
    return isinstance(exc, WRONG_PROTOCOL_ERRORS)


def reason(exc: BaseException) -> str:
    """``Type: message`` on one line; happybase leaves server messages as bytes."""
    message = getattr(exc, "message", None)
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    if not isinstance(message, str):
        try:
            message = str(exc)
        except (TypeError, ValueError):  # a __str__ that returns bytes
            message = ""
    text = " ".join(message.split())
    return "%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__


class LoadError(RuntimeError):
    """A load could not complete; the message says where and why."""


class BadRecord(LoadError):
    """An input row that cannot be loaded (reported with file and line)."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__("%s:%d: %s" % (path, line, reason))
        self.path = path
        self.line = line
        self.reason = reason
