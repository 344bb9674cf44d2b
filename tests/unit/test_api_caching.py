"""Daily rollups carry a strong ETag and Cache-Control; If-None-Match gives 304."""

from __future__ import annotations

import hashlib

import pytest
from api_samples import AUTH, MEMBER, PHONE

pytest_plugins = ["api_fixtures"]  # the fake HBase and app fixtures

DAILY_PATHS = ["/v1/members/%s/daily" % MEMBER, "/v1/devices/%s/daily" % PHONE]


@pytest.mark.parametrize("path", DAILY_PATHS)
def test_etag_is_a_hash_of_the_body_and_cache_control_is_private(api_client, path):
    response = api_client.get(path, headers=AUTH)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"%s"' % hashlib.sha256(response.data).hexdigest()[:32]
    assert response.cache_control.private
    assert response.cache_control.max_age == 60


@pytest.mark.parametrize("path", DAILY_PATHS)
def test_if_none_match_gives_304_without_body(api_client, path):
    etag = api_client.get(path, headers=AUTH).headers["ETag"]
    response = api_client.get(path, headers={**AUTH, "If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag


def test_stale_etag_gives_200(api_client):
    response = api_client.get(DAILY_PATHS[0], headers={**AUTH, "If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert response.json["items"]


def test_etag_differs_between_pages(api_client):
    first = api_client.get(DAILY_PATHS[0], headers=AUTH, query_string={"page_size": 2})
    second = api_client.get(DAILY_PATHS[0], headers=AUTH, query_string={
        "page_size": 2, "page_token": first.json["next_page_token"]})
    assert first.headers["ETag"] != second.headers["ETag"]


def test_summaries_are_not_cached(api_client):
    response = api_client.get("/v1/members/%s" % MEMBER, headers=AUTH)
    assert "ETag" not in response.headers


def test_errors_carry_no_etag(api_client):
    response = api_client.get("/v1/members/%s/daily?page_size=0" % MEMBER, headers=AUTH)
    assert response.status_code == 400
    assert "ETag" not in response.headers
