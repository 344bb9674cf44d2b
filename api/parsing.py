"""The parse step of every view: path, query string and body through a schema.

Each helper loads through a marshmallow schema (unknown fields rejected)
and raises ``InvalidInput`` (400 with per-field messages) on failure. A
query parameter given more than once is passed on as a list, so a
single-valued field rejects it instead of silently taking one value. A
body that is not JSON, or is nested too deeply to decode, is a 400 too.
"""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import BadRequest

from api.errors import InvalidInput


def parse_path(schema: Schema, **values: str) -> dict[str, Any]:
    """The path parameters, validated."""
    return _load(schema, values, "path")


def parse_query(schema: Schema) -> dict[str, Any]:
    """The query string, validated."""
    data = {
        name: values[0] if len(values) == 1 else values
        for name, values in request.args.lists()
    }
    return _load(schema, data, "query")


def parse_body(schema: Schema) -> dict[str, Any]:
    """The JSON body (any content type), validated; 400 if not JSON, 413 if too large."""
    return _load(schema, _json_body(), "body")


def _json_body() -> Any:
    try:
        return request.get_json(force=True)
    except RecursionError:
        # The decoder recurses once per level: a few thousand '[' exhaust the
        # stack. That is bad input, not a fault of the server.
        raise BadRequest("Failed to decode JSON object: nested too deeply.") from None


def _load(schema: Schema, data: Any, where: str) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(where, exc.messages) from None
