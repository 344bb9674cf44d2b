"""The OpenAPI document covers every route; /docs lists every path with no CDN."""

from __future__ import annotations

import re

from api.openapi import build_spec, openapi_path

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures

ISSUE_PATHS = {
    "/v1/members/{member_id}": {"get"},
    "/v1/members/{member_id}/devices": {"get"},
    "/v1/members/{member_id}/daily": {"get"},
    "/v1/members/{member_id}/events": {"get"},
    "/v1/devices/{device_id}": {"get"},
    "/v1/devices/{device_id}/daily": {"get"},
    "/v1/members:batchGet": {"post"},
    "/v1/devices:batchGet": {"post"},
    "/healthz": {"get"},
    "/readyz": {"get"},
    "/openapi.json": {"get"},
    "/docs": {"get"},
}


def test_exactly_the_issue_paths(api_client):
    spec = api_client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in spec["paths"].items()} == ISSUE_PATHS


def test_every_route_of_the_app_is_documented(api_app):
    spec = build_spec(api_app)
    for rule in api_app.url_map.iter_rules():
        methods = {method.lower() for method in rule.methods - {"HEAD", "OPTIONS"}}
        assert methods <= set(spec["paths"][openapi_path(rule.rule)])


def test_security_open_and_protected(api_client):
    paths = api_client.get("/openapi.json").json["paths"]
    for path, operations in paths.items():
        for operation in operations.values():
            protected = path.startswith("/v1/")
            assert bool(operation["security"]) == protected, path
            assert ("401" in operation["responses"]) == protected


def test_parameters_from_the_schemas(api_client):
    paths = api_client.get("/openapi.json").json["paths"]
    operation = paths["/v1/members/{member_id}/events"]["get"]
    params = {(param["in"], param["name"]): param for param in operation["parameters"]}
    assert set(params) == {("path", "member_id"), ("query", "start"), ("query", "end"),
                           ("query", "type"), ("query", "page_size"), ("query", "page_token")}
    assert params[("path", "member_id")]["required"] is True
    assert params[("path", "member_id")]["schema"]["pattern"] == "^[A-Za-z0-9_-]{1,64}$"
    assert params[("query", "type")]["schema"]["enum"] == ["checkin", "purchase", "redeem"]
    assert params[("query", "page_size")]["schema"]["maximum"] == 366
    assert params[("query", "page_size")]["schema"]["default"] == 30


def test_errors_are_problem_documents_and_503_has_retry_after(api_client):
    spec = api_client.get("/openapi.json").json
    daily = spec["paths"]["/v1/members/{member_id}/daily"]["get"]["responses"]
    assert set(daily) >= {"200", "304", "400", "401", "503", "default"}
    assert "Retry-After" in daily["503"]["headers"]
    assert "ETag" in daily["200"]["headers"]
    assert list(daily["400"]["content"]) == ["application/problem+json"]
    assert spec["components"]["schemas"]["Problem"]["required"] == ["status", "title", "type"]
    batch = spec["paths"]["/v1/members:batchGet"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MemberBatchGet"}
    assert {"413", "400"} <= set(batch["responses"])
    assert "404" in spec["paths"]["/v1/devices/{device_id}"]["get"]["responses"]


def test_summaries_come_from_the_view_docstrings(api_client):
    spec = api_client.get("/openapi.json").json
    summary = spec["paths"]["/healthz"]["get"]["summary"]
    assert summary == "The process is alive (HBase is not asked)."
    operation_ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_docs_page_lists_every_operation_and_loads_nothing_remote(api_client):
    response = api_client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path, methods in ISSUE_PATHS.items():
        for method in methods:
            assert "%s %s" % (method.upper(), path) in html
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "MemberSummary" in html and "amount_cents" in html
