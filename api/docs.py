"""The OpenAPI document and a human-readable page rendered from it, both open.

The page is plain HTML from our own template: no script, no CDN.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from api.openapi import current_spec
from api.operation import operation

bp = Blueprint("docs", __name__)

_METHOD_ORDER = ("get", "post", "put", "patch", "delete")


@bp.get("/openapi.json")
@operation(protected=False, reads_hbase=False)
def openapi_json() -> dict[str, Any]:
    """This API's OpenAPI 3 document."""
    return current_spec()


@bp.get("/docs")
@operation(ok_mimetype="text/html", protected=False, reads_hbase=False)
def docs_page() -> str:
    """A human-readable page of this API, rendered from its OpenAPI document."""
    spec = current_spec()
    return render_template("docs.html", spec=spec, operations=operations(spec), type_of=type_of)


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of ``spec`` with its method and path, in path order."""
    found = []
    for path in sorted(spec.get("paths", {})):
        for method in _METHOD_ORDER:
            op = spec["paths"][path].get(method)
            if op is not None:
                found.append({"method": method.upper(), "path": path,
                              "anchor": "op-%s" % op["operationId"], **op})
    return found


def type_of(schema: dict[str, Any] | None) -> str:
    """A short human-readable type of a JSON schema ('MemberSummary', 'string (date)', ...)."""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of %s" % type_of(schema.get("items"))
    if kind == "object" and "additionalProperties" in schema:
        return "map of %s" % type_of(schema["additionalProperties"])
    details = [schema[key] for key in ("format",) if key in schema]
    if "enum" in schema:
        details.append("one of " + ", ".join(str(value) for value in schema["enum"]))
    if "pattern" in schema:
        details.append("pattern " + schema["pattern"])
    if "minimum" in schema or "maximum" in schema:
        details.append("%s-%s" % (schema.get("minimum", ""), schema.get("maximum", "")))
    if schema.get("nullable"):
        details.append("nullable")
    return kind + (" (%s)" % "; ".join(str(detail) for detail in details) if details else "")
