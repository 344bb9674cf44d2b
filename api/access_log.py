"""One access log line per request: method, path, status and latency in ms.

Logged at INFO on this module's logger (``api.access_log``); the query
string and headers (so the API key) are never logged. The method and path
come from the client, so they are escaped (``api.log_text``): a path with
an encoded line break cannot write a second, forged line.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from api.log_text import escape

logger = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Time every request of ``app`` and log it when answered."""
    app.before_request(_start)
    app.after_request(_log)


def _start() -> None:
    g.kickback_started = time.perf_counter()


def _log(response: Response) -> Response:
    started = g.get("kickback_started")
    elapsed_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    logger.info("%s %s %d %.1fms", escape(request.method), escape(request.path),
                response.status_code, elapsed_ms)
    return response
