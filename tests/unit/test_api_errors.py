"""Every error is an RFC 9457 problem from the one handler module, never a trace."""

from __future__ import annotations

import socket

import pytest
from api_samples import AUTH, MEMBER, api_config
from fake_tables import put_raw_cells
from marshmallow import ValidationError
from thriftpy2.transport import TTransportException

from api import create_app
from api.errors import field_messages

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert PROBLEM_KEYS <= set(response.json)
    assert response.json["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return response.json


@pytest.mark.parametrize("path", [
    "/v1/members/bad%20id",
    "/v1/members/" + "m" * 65,
    "/v1/members/m.dot",            # dots are device-only
    "/v1/members/bad!/daily",
    "/v1/members/bad!/events",
    "/v1/members/bad!/devices",
    "/v1/devices/bad%7Cpipe",
    "/v1/devices/bad!/daily",
])
def test_bad_ids_are_400_with_the_field(api_client, path):
    problem = assert_problem(api_client.get(path, headers=AUTH), 400)
    assert set(problem["errors"]) <= {"member_id", "device_id"} and problem["errors"]


@pytest.mark.parametrize("path, query, field", [
    ("/v1/members/m-1/daily", "page_size=0", "page_size"),
    ("/v1/members/m-1/daily", "page_size=367", "page_size"),
    ("/v1/members/m-1/daily", "page_size=ten", "page_size"),
    ("/v1/members/m-1/daily", "page_size=1&page_size=2", "page_size"),
    ("/v1/members/m-1/daily", "start=2026-13-01", "start"),
    ("/v1/members/m-1/daily", "start=2026-11-02&end=2026-11-01", "start"),
    ("/v1/members/m-1/daily", "colour=blue", "colour"),
    ("/v1/members/m-1/events", "type=heartbeat", "type"),
    ("/v1/members/m-1/events", "start=2026-11-01T00:00:00", "start"),
    ("/v1/members/m-1/events", "end=yesterday", "end"),
    ("/v1/members/m-1/events", "start=2026-11-02T00:00:00Z&end=2026-11-01T00:00:00Z", "start"),
    ("/v1/members/m-1/events", "page_token=", "page_token"),
    ("/v1/members/m-1", "verbose=1", "verbose"),
    ("/v1/members/m-1/devices", "x=1", "x"),
    ("/v1/devices/d-1", "page_size=3", "page_size"),
    ("/v1/devices/d-1/daily", "type=purchase", "type"),
    ("/v1/devices:batchGet", "x=1", "x"),
])
def test_bad_or_unknown_query_parameters_are_400_per_field(api_client, path, query, field):
    method = api_client.post if "batchGet" in path else api_client.get
    response = method(path + "?" + query, headers=AUTH, json={"ids": ["d-1"]})
    problem = assert_problem(response, 400)
    assert field in problem["errors"]
    assert problem["detail"] == "Invalid query parameters."


@pytest.mark.parametrize("body", [
    b"not json", b"", b"null", b"[]", b'{"ids": "m-1"}', b'{"ids": [1]}',
    b'{"ids": ["m-1"], "extra": true}', b'{}', b'\xff\xfe',
])
def test_bad_bodies_are_400(api_client, body):
    response = api_client.post("/v1/members:batchGet", headers=AUTH, data=body,
                           content_type="application/json")
    assert_problem(response, 400)


def test_body_problem_names_fields(api_client):
    response = api_client.post("/v1/members:batchGet", headers=AUTH, json={"ids": ["m-1"], "x": 1})
    problem = assert_problem(response, 400)
    assert problem["errors"] == {"x": ["Unknown field."]}
    assert problem["detail"] == "Invalid request body."


def test_body_without_json_content_type_is_still_parsed(api_client):
    response = api_client.post("/v1/members:batchGet", headers=AUTH, data=b'{"ids": ["m-1"]}',
                           content_type="text/plain")
    assert response.status_code == 200


def test_401_without_key(api_client):
    response = api_client.get("/v1/members/%s" % MEMBER)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_404_for_unknown_route(api_client):
    assert_problem(api_client.get("/v2/members/m-1", headers=AUTH), 404)


def test_405_with_allow_header(api_client):
    response = api_client.delete("/v1/members/%s" % MEMBER, headers=AUTH)
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_problem(api_client.get("/v1/members:batchGet", headers=AUTH), 405)


def test_413_for_oversized_body(fake_pool):
    api_client = create_app(api_config(fake_pool, MAX_CONTENT_LENGTH=1024)).test_client()
    response = api_client.post("/v1/members:batchGet", headers=AUTH,
                           json={"ids": ["m-%060d" % n for n in range(100)]})
    assert_problem(response, 413)


def test_503_with_retry_after_when_hbase_fails_twice(api_client, fake_hbase):
    fake_hbase.fail_next(2)
    response = api_client.get("/v1/members/%s" % MEMBER, headers=AUTH)
    problem = assert_problem(response, 503)
    assert response.headers["Retry-After"] == "7"
    assert "retry later" in problem["detail"]
    assert len(fake_hbase.calls) == 2


@pytest.mark.parametrize("error", [
    TTransportException(TTransportException.END_OF_FILE, "TSocket read 0 bytes"),
    BrokenPipeError(32, "Broken pipe"),
    ConnectionResetError(104, "Connection reset by peer"),
    socket.timeout("timed out"),
])
def test_transient_error_once_is_retried_transparently(api_client, fake_hbase, fake_pool, error):
    fake_hbase.fail_next(1, error)
    response = api_client.get("/v1/members/%s/daily" % MEMBER, headers=AUTH)
    assert response.status_code == 200
    assert len(response.json["items"]) == 30
    assert len(fake_hbase.calls) == 2
    assert fake_pool.refreshes == 1


def test_503_on_every_hbase_endpoint(api_client, fake_hbase):
    for method, path in [
        ("get", "/v1/members/m-1"), ("get", "/v1/members/m-1/devices"),
        ("get", "/v1/members/m-1/daily"), ("get", "/v1/members/m-1/events"),
        ("get", "/v1/devices/d-1"), ("get", "/v1/devices/d-1/daily"),
        ("post", "/v1/members:batchGet"), ("post", "/v1/devices:batchGet"), ("get", "/readyz"),
    ]:
        fake_hbase.fail_next(2)
        response = getattr(api_client, method)(path, headers=AUTH, json={"ids": ["m-1"]})
        assert_problem(response, 503)


def test_unexpected_error_is_a_bare_500_and_logged(api_client, fake_hbase, caplog):
    fake_hbase.fail_next(1, ZeroDivisionError("boom"))
    response = api_client.get("/v1/members/%s" % MEMBER, headers=AUTH)
    problem = assert_problem(response, 500)
    assert "boom" not in response.get_data(as_text=True)
    assert "ZeroDivisionError" not in response.get_data(as_text=True)
    assert problem["detail"] == "The server could not answer; the error is logged."
    assert any("unhandled error" in record.getMessage() for record in caplog.records)


def test_corrupt_stored_cell_is_500_not_400(api_client, fake_hbase):
    from hbase_schema import keys

    put_raw_cells(fake_hbase, "member_summary", keys.summary_key("m-corrupt"), {
        b"s:points_balance": b"lots", b"s:as_of": b""})
    assert_problem(api_client.get("/v1/members/m-corrupt", headers=AUTH), 500)


def test_field_messages_flatten_nested_marshmallow_errors():
    error = ValidationError(
        {"ids": {1: ["Not a member id."], 3: ["Bad."]}, "x": ["Unknown field."]})
    assert field_messages(error.messages) == {
        "ids.1": ["Not a member id."], "ids.3": ["Bad."], "x": ["Unknown field."]}
    assert field_messages(["whole body"]) == {"_schema": ["whole body"]}



@pytest.mark.parametrize("body", [
    b"[" * 5000,
    b"[" * 5000 + b"]" * 5000,
    b'{"ids": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
], ids=["open-arrays", "closed-arrays", "nested-ids", "nested-objects"])
def test_deeply_nested_json_body_is_a_400_problem(api_client, body, caplog):
    for path in ("/v1/members:batchGet", "/v1/devices:batchGet"):
        response = api_client.post(path, headers=AUTH, data=body, content_type="application/json")
        problem = assert_problem(response, 400)
        assert "nested" in problem["detail"]
    assert not any(record.exc_info for record in caplog.records)


def test_json_body_nested_below_the_limit_is_still_validated(api_client):
    response = api_client.post("/v1/members:batchGet", headers=AUTH,
                               data=b'{"ids": ' + b"[" * 50 + b"]" * 50 + b"}",
                               content_type="application/json")
    problem = assert_problem(response, 400)
    assert problem["detail"] == "Invalid request body."


def test_logged_request_values_are_escaped(api_app, caplog):
    def boom(rest):
        raise ZeroDivisionError("boom")

    api_app.add_url_rule("/boom/<rest>", view_func=boom)
    response = api_app.test_client().get("/boom/a%0Aforged line%1B")
    assert_problem(response, 500)
    (record,) = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert record.getMessage() == "unhandled error on GET /boom/a\\nforged line\\x1b"
