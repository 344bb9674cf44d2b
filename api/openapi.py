"""The OpenAPI 3 document, generated from the views' schemas with apispec.

Each view declares what it takes and returns with ``@operation(...)``
(``api.operation``): the same schema instances that load its arguments and
dump its answer when it runs. ``build_spec`` walks the
app's URL map, so every route appears and none is documented twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app

from api.errors import PROBLEM_MIMETYPE
from api.operation import Operation, declared_operation
from api.schemas.common import ProblemSchema

EXTENSION = "kickback_openapi"
TITLE = "KickBack lookup API"
VERSION = "1.0.0"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.0 document of every route of ``app``."""
    spec = APISpec(
        title=TITLE,
        version=VERSION,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Per-member and per-device answers read from HBase. "
                             "Errors are RFC 9457 problem documents."},
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=ProblemSchema)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        view = app.view_functions[rule.endpoint]
        declared = declared_operation(view)
        if declared is None:
            continue
        operations = paths.setdefault(openapi_path(rule.rule), {})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations[method.lower()] = _operation(rule.endpoint, view, declared)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: /v1/members/<member_id> -> /v1/members/{member_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def current_spec() -> dict[str, Any]:
    """The current app's document, built once."""
    if EXTENSION not in current_app.extensions:
        current_app.extensions[EXTENSION] = build_spec(current_app)
    return current_app.extensions[EXTENSION]


def _operation(endpoint: str, view: Callable[..., Any], declared: Operation) -> dict[str, Any]:
    summary = (view.__doc__ or endpoint).strip().splitlines()[0]
    parameters = []
    if declared.path is not None:
        parameters.append({"in": "path", "schema": declared.path})
    if declared.query is not None:
        parameters.append({"in": "query", "schema": declared.query})
    found: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"),
        "summary": summary,
        "tags": [endpoint.split(".")[0]],
        "parameters": parameters,
        "responses": _responses(declared),
        "security": [{"bearerAuth": []}] if declared.protected else [],
    }
    if declared.body is not None:
        found["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": declared.body}},
        }
    return found


def _responses(declared: Operation) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if declared.ok is not None:
        ok["content"] = {declared.ok_mimetype: {"schema": declared.ok}}
    elif declared.ok_mimetype == "text/html":
        ok["content"] = {"text/html": {"schema": {"type": "string"}}}
    else:
        ok["content"] = {declared.ok_mimetype: {"schema": {"type": "object"}}}
    responses: dict[str, Any] = {"200": ok}
    if declared.cached:
        ok["headers"] = {
            "ETag": {"description": "Hash of the body.", "schema": {"type": "string"}},
            "Cache-Control": {"description": "private, max-age=N", "schema": {"type": "string"}},
        }
        responses["304"] = {"description": "Not modified: If-None-Match matched the ETag."}
    if declared.path is not None or declared.query is not None or declared.body is not None:
        responses["400"] = _problem("Invalid input; the errors member has the messages per field.")
    if declared.protected:
        responses["401"] = _problem("Missing or unknown API key.", {
            "WWW-Authenticate": {"schema": {"type": "string"}},
        })
    if declared.not_found:
        responses["404"] = _problem("No such member or device.")
    if declared.body is not None:
        responses["413"] = _problem("Request body too large.")
    if declared.reads_hbase:
        responses["503"] = _problem("HBase is unreachable; retry after Retry-After seconds.", {
            "Retry-After": {"schema": {"type": "integer"}},
        })
    responses["default"] = _problem("Any other error (405, 500, ...).")
    return responses


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MIMETYPE: {"schema": PROBLEM_REF}},
    }
    if headers:
        response["headers"] = headers
    return response
