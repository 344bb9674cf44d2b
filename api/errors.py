"""The one error envelope: every error is an RFC 9457 problem document.

All error handlers of the app are registered here. A response is
``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and ``instance``; 400s add ``errors``, the messages per field
(dotted paths such as ``ids.3``). No handler ever returns a stack trace:
unexpected errors are logged and answered with a bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from api.hbase import HBaseUnavailable
from api.log_text import escape
from api.paging import BadPageToken
from api.schemas.common import PROBLEM

logger = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"

_WHERE = {
    "path": "Invalid path parameter.",
    "query": "Invalid query parameters.",
    "body": "Invalid request body.",
}


class InvalidInput(Exception):
    """Input that failed its schema: where it was and the messages per field."""

    def __init__(self, where: str, messages: Any) -> None:
        super().__init__(_WHERE[where])
        self.where = where
        self.messages = messages


def problem(
    status: int,
    detail: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A problem+json response."""
    document: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "instance": request.path,
    }
    if detail:
        document["detail"] = detail
    if errors:
        document["errors"] = dict(errors)
    response = current_app.json.response(PROBLEM.dump(document))
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {dotted field: [message, ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for name, nested in messages.items():
            path = str(name) if not prefix else "%s.%s" % (prefix, name)
            for key, values in field_messages(nested, path).items():
                flat.setdefault(key, []).extend(values)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            for key, values in field_messages(item, prefix).items():
                flat.setdefault(key, []).extend(values)
    else:
        flat.setdefault(prefix or "_schema", []).append(str(messages))
    return flat


def register_error_handlers(app: Flask) -> None:
    """Answer every error of ``app`` with a problem document."""
    app.register_error_handler(InvalidInput, _invalid_input)
    app.register_error_handler(BadPageToken, _bad_page_token)
    app.register_error_handler(HBaseUnavailable, _hbase_unavailable)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)


def _invalid_input(exc: InvalidInput) -> Response:
    return problem(400, str(exc), field_messages(exc.messages))


def _bad_page_token(exc: BadPageToken) -> Response:
    return problem(400, _WHERE["query"], {"page_token": [str(exc)]})


def _hbase_unavailable(exc: HBaseUnavailable) -> Response:
    logger.warning("503 on %s %s: %s", escape(request.method), escape(request.path), exc)
    retry_after = str(current_app.config["HBASE_RETRY_AFTER_S"])
    detail = "%s; retry later." % str(exc).rstrip(".")
    return problem(503, detail, headers={"Retry-After": retry_after})


def _http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {
        name: value for name, value in exc.get_headers()
        if name.lower() not in ("content-type", "content-length")
    }
    return problem(status, exc.description, headers=headers)


def _unexpected(exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", escape(request.method), escape(request.path))
    return problem(500, "The server could not answer; the error is logged.")
