"""bench.floor_app: the bare WSGI floor reads a member's row with the API's key and family."""

from __future__ import annotations

import contextlib
import json

import pytest
from werkzeug.test import Client

from bench import floor_app
from hbase_schema import keys

ROW = {b"s:points_balance": b"120", b"s:as_of": b"2026-11-27T09:00:00.000Z"}


class _Table:
    def __init__(self, reads):
        self.reads = reads

    def row(self, key, columns=None):
        self.reads.append((key, columns))
        return ROW if key == keys.summary_key("m-1", 16) else {}


class _Pool:
    def __init__(self):
        self.reads = []

    @contextlib.contextmanager
    def connection(self):
        yield self

    def table(self, name):
        assert name == "member_summary"
        return _Table(self.reads)


@pytest.fixture
def pool(monkeypatch):
    stub = _Pool()
    monkeypatch.setenv("FLOOR_BUCKETS", "16")
    monkeypatch.setitem(floor_app._state, "pool", stub)
    return stub


def test_member_get_answers_the_row_read_with_the_api_key_and_family(pool):
    response = Client(floor_app.app).get("/v1/members/m-1")
    assert response.status_code == 200
    assert json.loads(response.data) == {"s:points_balance": "120", "s:as_of": "2026-11-27T09:00:00.000Z"}
    assert pool.reads == [(keys.summary_key("m-1", 16), ["s"])]


@pytest.mark.parametrize("path", ["/v1/members/m-2", "/v1/members/m-1/daily", "/other"])
def test_anything_else_is_a_404(pool, path):
    assert Client(floor_app.app).get(path).status_code == 404


def test_healthz_does_not_read_hbase(pool):
    assert Client(floor_app.app).get("/healthz").status_code == 200
    assert pool.reads == []
