"""Opening HiveServer2 sessions and turning their failures into one-line messages.

Nothing connects at import time: callers pass host, port and the rest from
configuration and own the connection they get back.
"""

from __future__ import annotations

import logging
from typing import Any

from pyhive import exc as pyhive_exc
from pyhive import hive
from thrift.Thrift import TException
from thrift.transport.TTransport import TTransportException

logger = logging.getLogger(__name__)

# Apache Hive's messages ("Error while compiling statement: FAILED:
# SemanticException [Error 10001]: ...") are kept as they are. The Spark
# Thrift Server, a HiveServer2 some clusters run, prefixes its errors with
# this and a Java class name; the rest is what the analyst needs.
_SERVER_PREFIX = "Error running query: "

# Errors a HiveServer2 call can raise: server-side failures and a dropped
# transport.
HIVE_ERRORS = (pyhive_exc.Error, TException)


class HiveUnavailable(ConnectionError):
    """HiveServer2 cannot be reached, or would not open a session."""

    def __init__(self, host: str, port: int, reason: str | None = None):
        if reason is None:
            message = "cannot reach HiveServer2 at %s:%d: is the stack up? Try `kickback stack up`" % (host, port)
        else:
            message = "HiveServer2 at %s:%d would not open a session (%s); does hive_auth match the server?" % (
                host, port, reason)
        super().__init__(message)
        self.host, self.port = host, port


def connect(
    host: str,
    port: int,
    username: str,
    auth: str = "NONE",
    database: str | None = None,
) -> Any:
    """A PyHive connection; raises ``HiveUnavailable`` when nothing answers."""
    kwargs: dict[str, Any] = {"host": host, "port": port, "username": username, "auth": auth}
    if database is not None:
        kwargs["database"] = database
    # Thrift logs a failed connect at ERROR level before raising; the
    # exception below says it once, in our words.
    socket_logger = logging.getLogger("thrift.transport.TSocket")
    previous = socket_logger.disabled
    socket_logger.disabled = True
    try:
        return hive.connect(**kwargs)
    except TTransportException as exc:
        logger.debug("connect to %s:%d failed: %s", host, port, exc)
        if exc.type == TTransportException.NOT_OPEN:
            raise HiveUnavailable(host, port) from exc
        raise HiveUnavailable(host, port, str(exc) or type(exc).__name__) from exc
    except OSError as exc:
        logger.debug("connect to %s:%d failed: %s", host, port, exc)
        raise HiveUnavailable(host, port) from exc
    finally:
        socket_logger.disabled = previous


def error_message(error: BaseException) -> str:
    """One line saying what HiveServer2 (or the transport) reported, without a stack trace."""
    detail = error.args[0] if error.args else None
    status = getattr(detail, "status", None)
    message = getattr(status, "errorMessage", None) or getattr(detail, "errorMessage", None)
    if not message:
        message = str(detail if detail is not None else error) or type(error).__name__
    first = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    first = first.removeprefix(_SERVER_PREFIX)
    # "[CODE] org.apache.spark.sql.AnalysisException: [CODE] text" -> "[CODE] text"
    code, _, rest = first.partition(" ")
    if code.startswith("[") and code.endswith("]"):
        java_class, sep, text = rest.partition(": ")
        if sep and "." in java_class and " " not in java_class:
            first = text if text.startswith(code) else "%s %s" % (code, text)
    return first.strip()
