"""The API benchmark's floor: a bare WSGI app doing only a member GET's HBase read.

No Flask, no schemas, no auth, no access log: ``GET /v1/members/<id>``
reads the member's summary row through a happybase pool exactly as the
API does (same key, family and pool size) and answers its cells as JSON.
It runs on the same gunicorn worker model as the API, so API / floor is
what the API's own code costs and floor / raw happybase what the HTTP
server and the extra hop cost on this machine.

Configured by environment (set by ``bench.api_server.start_floor``):
``FLOOR_HBASE_HOST``, ``FLOOR_HBASE_PORT``, ``FLOOR_TABLE_PREFIX``,
``FLOOR_BUCKETS``, ``FLOOR_POOL_SIZE``, ``FLOOR_TIMEOUT_MS``. The pool is
opened by a worker's first request.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

import happybase

from hbase_schema import keys
from hbase_schema.tables import LAYOUTS

_LAYOUT = LAYOUTS["member_summary"]
_state: dict[str, Any] = {}
_lock = threading.Lock()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The WSGI entry point."""
    path = environ.get("PATH_INFO", "")
    if path == "/healthz":
        return _answer(start_response, "200 OK", {"status": "ok"})
    prefix = "/v1/members/"
    if not path.startswith(prefix) or "/" in path[len(prefix):]:
        return _answer(start_response, "404 Not Found", {"status": 404})
    member_id = path[len(prefix):]
    with _pool().connection() as connection:
        cells = connection.table(_LAYOUT.table).row(
            keys.summary_key(member_id, int(os.environ["FLOOR_BUCKETS"])), columns=[_LAYOUT.family])
    if not cells:
        return _answer(start_response, "404 Not Found", {"status": 404})
    return _answer(start_response, "200 OK", {
        column.decode("utf-8"): value.decode("utf-8") for column, value in cells.items()})


def _answer(start_response: Callable[..., Any], status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _pool() -> happybase.ConnectionPool:
    with _lock:
        if "pool" not in _state:
            _state["pool"] = happybase.ConnectionPool(
                int(os.environ["FLOOR_POOL_SIZE"]), host=os.environ["FLOOR_HBASE_HOST"],
                port=int(os.environ["FLOOR_HBASE_PORT"]), table_prefix=os.environ["FLOOR_TABLE_PREFIX"],
                timeout=int(os.environ["FLOOR_TIMEOUT_MS"]))
        return _state["pool"]
