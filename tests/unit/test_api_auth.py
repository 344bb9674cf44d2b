"""Bearer API keys: constant-time over every key, never logged; open endpoints stay open."""

from __future__ import annotations

import hmac
import logging

import pytest
from api_samples import API_KEY, AUTH, MEMBER, api_config

from api import create_app
from api.auth import key_matches

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures


def test_key_matches():
    assert key_matches("b", ["a", "b", "c"])
    assert not key_matches("d", ["a", "b", "c"])
    assert not key_matches("a", [])
    assert not key_matches("ab", ["a"])


def test_every_key_is_compared_even_after_a_match(mocker):
    spy = mocker.spy(hmac, "compare_digest")
    assert key_matches("first", ["first", "second", "third"])
    assert spy.call_count == 3


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Bearer wrong", "Basic " + API_KEY, API_KEY,
    "Bearer " + API_KEY + "x", "Bearer " + API_KEY[:-1],
])
def test_missing_or_wrong_key_is_401(api_client, header):
    headers = {} if header is None else {"Authorization": header}
    response = api_client.get("/v1/members/%s" % MEMBER, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_scheme_is_case_insensitive(api_client):
    response = api_client.get("/v1/members/%s" % MEMBER,
                              headers={"Authorization": "bearer " + API_KEY})
    assert response.status_code == 200


@pytest.mark.parametrize("method, path", [
    ("get", "/v1/members/m-1"), ("get", "/v1/members/m-1/devices"),
    ("get", "/v1/members/m-1/daily"), ("get", "/v1/members/m-1/events"),
    ("post", "/v1/members:batchGet"), ("get", "/v1/devices/d-1"),
    ("get", "/v1/devices/d-1/daily"), ("post", "/v1/devices:batchGet"),
])
def test_every_v1_path_needs_a_key_and_reads_nothing_without(api_client, fake_hbase, method, path):
    response = getattr(api_client, method)(path, json={"ids": ["m-1"]})
    assert response.status_code == 401
    assert fake_hbase.calls == []


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/docs"])
def test_health_and_docs_are_open(api_client, path):
    assert api_client.get(path).status_code == 200


def test_any_configured_key_works_and_comma_separated_keys(fake_pool):
    api_client = create_app(api_config(fake_pool, API_KEYS="one, two ,,")).test_client()
    for key in ("one", "two"):
        assert api_client.get("/v1/members/%s" % MEMBER,
                          headers={"Authorization": "Bearer " + key}).status_code == 200
    assert api_client.get("/v1/members/%s" % MEMBER,
                      headers={"Authorization": "Bearer "}).status_code == 401


def test_no_keys_configured_refuses_everything(fake_pool):
    api_client = create_app(api_config(fake_pool, API_KEYS=[])).test_client()
    assert api_client.get("/v1/members/%s" % MEMBER, headers=AUTH).status_code == 401


def test_keys_are_never_logged(api_client, caplog):
    caplog.set_level(logging.DEBUG)
    api_client.get("/v1/members/%s" % MEMBER, headers=AUTH)
    api_client.get("/v1/members/%s" % MEMBER, headers={"Authorization": "Bearer guess-" + API_KEY})
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "api.access_log" in {record.name for record in caplog.records}
    assert API_KEY not in text
