"""The app's HBase pool: created lazily, every call bounded and retried once.

The pool lives in ``app.extensions["kickback_hbase"]`` as an ``HBase``
object. Nothing connects at import time or in ``create_app``: happybase's
``ConnectionPool`` opens its first connection when constructed, so it is
built on the first request (or injected, e.g. a fake in tests).

``HBase.call(fetch)`` runs ``fetch(connection)`` inside one
``pool.connection()`` block. Only fetching belongs there; callers shape the
result afterwards, so a pooled connection is never held while processing.
A connection that broke or that the Thrift server closed while idle fails
with a transport or socket error: happybase then replaces it, and the call
is repeated once. A second failure, a pool with no free connection in time,
or any other Thrift error becomes ``HBaseUnavailable`` (503). So does an
answer in another protocol (an HTTP server, HiveServer2 or another Thrift
service on HBASE_THRIFT_PORT): its message names the endpoint and the keys.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import happybase
from flask import current_app
from happybase.pool import NoConnectionsAvailable
from thriftpy2.protocol.exc import TProtocolException
from thriftpy2.thrift import TException

from hbase_schema.errors import TRANSIENT_ERRORS, CyProtocolError, reason, wrong_protocol

logger = logging.getLogger(__name__)

EXTENSION = "kickback_hbase"
T = TypeVar("T")

class HBaseUnavailable(Exception):
    """HBase did not answer; the request may be retried later."""


class HBase:
    """A lazily created happybase connection pool with bounded, retried calls."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        table_prefix: str,
        timeout_ms: int,
        pool_size: int,
        pool_timeout_ms: int,
        buckets: int,
        pool: Any = None,
        pool_factory: Callable[..., Any] = happybase.ConnectionPool,
    ) -> None:
        self.host = host
        self.port = port
        self.table_prefix = table_prefix
        self.timeout_ms = timeout_ms
        self.pool_size = pool_size
        self.pool_timeout_s = pool_timeout_ms / 1000.0
        self.buckets = buckets
        self._pool = pool
        self._pool_factory = pool_factory
        self._lock = threading.Lock()

    @property
    def pool(self) -> Any:
        """The connection pool, created on first use."""
        with self._lock:
            if self._pool is None:
                logger.info(
                    "opening HBase pool of %d to %s:%d (table prefix %r)",
                    self.pool_size, self.host, self.port, self.table_prefix,
                )
                self._pool = self._pool_factory(
                    self.pool_size,
                    host=self.host,
                    port=self.port,
                    table_prefix=self.table_prefix or None,
                    timeout=self.timeout_ms,
                )
            return self._pool

    def call(self, fetch: Callable[[Any], T]) -> T:
        """``fetch(connection)`` on a pooled connection; one retry if it broke."""
        for attempt in (1, 2):
            try:
                with self.pool.connection(timeout=self.pool_timeout_s) as connection:
                    try:
                        return fetch(connection)
                    except CyProtocolError as exc:
                        # Not a TException, so happybase would pool the connection
                        # again, unread garbage and all; as one it is replaced.
                        raise TProtocolException(TProtocolException.INVALID_DATA, str(exc)) from exc
            except NoConnectionsAvailable as exc:
                raise HBaseUnavailable(
                    "no HBase connection free within %d ms" % (self.pool_timeout_s * 1000)
                ) from exc
            except TRANSIENT_ERRORS as exc:
                if attempt == 2:
                    raise HBaseUnavailable(
                        "HBase at %s:%d is unreachable (%s)"
                        % (self.host, self.port, type(exc).__name__)
                    ) from exc
                logger.warning("HBase connection broke (%s: %s); retrying once",
                               type(exc).__name__, exc)
            except TException as exc:
                if wrong_protocol(exc):
                    raise HBaseUnavailable(
                        "%s:%d does not answer as an HBase Thrift1 server (buffered transport, "
                        "binary protocol: %s); check HBASE_HOST and HBASE_THRIFT_PORT"
                        % (self.host, self.port, reason(exc))
                    ) from exc
                raise HBaseUnavailable("HBase failed the call (%s)" % type(exc).__name__) from exc
        raise AssertionError("unreachable")  # pragma: no cover


def current_hbase() -> HBase:
    """The HBase of the current app."""
    return current_app.extensions[EXTENSION]
