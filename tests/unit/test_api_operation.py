"""``@operation`` loads a view's arguments and dumps its answer through the declared schemas."""

from __future__ import annotations

import datetime

import pytest
from flask import Flask
from marshmallow import Schema, fields, validate

from api.errors import register_error_handlers
from api.operation import declared_operation, operation

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures


class ThingPath(Schema):
    thing_id = fields.String(required=True, validate=validate.Regexp(r"\At-[0-9]+\Z"))


class ThingQuery(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))
    since = fields.Date(data_key="from", load_default=None)


class ThingBody(Schema):
    names = fields.List(fields.String(), required=True)


class Thing(Schema):
    thing_id = fields.String()
    day = fields.Date()


@pytest.fixture
def calls():
    return []


@pytest.fixture
def client(calls):
    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/things/<thing_id>")
    @operation(path=ThingPath(), query=ThingQuery(), ok=Thing())
    def get_thing(thing_id, limit, since):
        calls.append((thing_id, limit, since))
        return {"thing_id": thing_id, "day": datetime.date(2026, 11, 27), "secret": "not in the schema"}

    @app.post("/things")
    @operation(body=ThingBody(), ok=Thing(many=True))
    def post_things(names):
        calls.append(names)
        return [{"thing_id": name, "day": datetime.date(2026, 1, 2)} for name in names]

    @app.get("/cached/<thing_id>")
    @operation(path=ThingPath(), ok=Thing(), cached=True)
    def cached_thing(thing_id):
        return {"thing_id": thing_id, "day": datetime.date(2026, 11, 27)}

    app.config["DAILY_MAX_AGE_S"] = 30
    return app.test_client()


def test_arguments_are_loaded_and_passed_by_name(client, calls):
    response = client.get("/things/t-7?limit=3&from=2026-11-01")
    assert response.status_code == 200
    assert calls == [("t-7", 3, datetime.date(2026, 11, 1))]


def test_query_defaults_come_from_the_schema(client, calls):
    client.get("/things/t-7")
    assert calls == [("t-7", 10, None)]


def test_the_answer_is_dumped_through_ok(client):
    assert client.get("/things/t-7").json == {"thing_id": "t-7", "day": "2026-11-27"}


@pytest.mark.parametrize("url, detail, field", [
    ("/things/x-7", "Invalid path parameter.", "thing_id"),
    ("/things/t-7?limit=0", "Invalid query parameters.", "limit"),
    ("/things/t-7?color=red", "Invalid query parameters.", "color"),
])
def test_invalid_input_is_a_400_and_the_view_never_runs(client, calls, url, detail, field):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] == detail
    assert field in response.json["errors"]
    assert calls == []


def test_body_fields_are_passed_by_name(client, calls):
    response = client.post("/things", json={"names": ["a", "b"]})
    assert response.status_code == 200
    assert calls == [["a", "b"]]
    assert [thing["thing_id"] for thing in response.json] == ["a", "b"]


def test_a_bad_body_is_a_400(client, calls):
    response = client.post("/things", json={"names": "a", "extra": 1})
    assert response.status_code == 400
    assert response.json["detail"] == "Invalid request body."
    assert {"names", "extra"} <= set(response.json["errors"])
    assert calls == []


def test_cached_answers_carry_an_etag_and_answer_304(client):
    first = client.get("/cached/t-1")
    assert first.json == {"thing_id": "t-1", "day": "2026-11-27"}
    assert first.cache_control.max_age == 30
    again = client.get("/cached/t-1", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_name_in_both_path_and_query_is_refused_when_declared():
    class Clash(Schema):
        thing_id = fields.String()

    with pytest.raises(ValueError, match="thing_id"):
        operation(path=ThingPath(), query=Clash())


def test_every_view_of_the_app_runs_its_declared_path_schema(api_app):
    """The document is what runs: each route's path arguments are exactly its path schema's fields."""
    for rule in api_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        declared = declared_operation(api_app.view_functions[rule.endpoint])
        assert declared is not None, rule.rule
        path_fields = set() if declared.path is None else set(declared.path.fields)
        assert path_fields == set(rule.arguments), rule.rule
