"""The HBase extension: lazy pool, bounded calls, one transparent retry, then 503."""

from __future__ import annotations

import socket

import pytest
from api_samples import sample_hbase
from fake_hbase import FakeConnectionPool
from happybase.pool import NoConnectionsAvailable
from thriftpy2.thrift import TException
from thriftpy2.transport import TTransportException

from api.hbase import HBase, HBaseUnavailable


def make(pool=None, factory=None, **overrides):
    settings = dict(host="hbase.test", port=9090, table_prefix="kickback", timeout_ms=1500,
                    pool_size=3, pool_timeout_ms=2500, buckets=16, pool=pool)
    settings.update(overrides)
    if factory is not None:
        settings["pool_factory"] = factory
    return HBase(**settings)


def test_pool_is_created_lazily_once_with_the_timeouts():
    fake = sample_hbase()
    created = []

    def factory(size, **kwargs):
        created.append((size, kwargs))
        return FakeConnectionPool(fake)

    hbase = make(factory=factory)
    assert created == []
    hbase.call(lambda connection: connection.tables())
    hbase.call(lambda connection: connection.tables())
    assert created == [(3, {"host": "hbase.test", "port": 9090, "table_prefix": "kickback",
                            "timeout": 1500})]
    assert hbase.pool.timeouts == [2.5, 2.5]


def test_empty_table_prefix_means_none():
    created = []
    hbase = make(factory=lambda size, **kwargs: created.append(kwargs) or FakeConnectionPool(
        sample_hbase()), table_prefix="")
    hbase.call(lambda connection: None)
    assert created[0]["table_prefix"] is None


def test_pool_creation_failure_is_retried_then_503_and_tried_again_later():
    attempts = []

    def factory(size, **kwargs):
        attempts.append(1)
        if len(attempts) <= 2:
            raise TTransportException(TTransportException.NOT_OPEN, "Could not connect")
        return FakeConnectionPool(sample_hbase())

    hbase = make(factory=factory)
    with pytest.raises(HBaseUnavailable, match="unreachable"):
        hbase.call(lambda connection: connection.tables())
    assert len(attempts) == 2
    assert hbase.call(lambda connection: len(connection.tables())) == 5


def test_one_transient_failure_is_retried():
    fake = sample_hbase()
    pool = FakeConnectionPool(fake)
    fake.fail_next(1, BrokenPipeError(32, "Broken pipe"))
    assert make(pool).call(lambda connection: len(connection.tables())) == 5
    assert pool.checkouts == 2


def test_two_transient_failures_are_unavailable():
    fake = sample_hbase()
    fake.fail_next(2, socket.timeout("timed out"))
    with pytest.raises(HBaseUnavailable):
        make(FakeConnectionPool(fake)).call(lambda connection: connection.tables())


def test_no_free_connection_is_unavailable_without_retry():
    pool = FakeConnectionPool(sample_hbase())
    pool.exhausted = True
    with pytest.raises(HBaseUnavailable, match="no HBase connection free within 2500 ms"):
        make(pool).call(lambda connection: connection.tables())
    assert len(pool.timeouts) == 1


def test_other_thrift_errors_are_unavailable_without_retry():
    fake = sample_hbase()
    fake.fail_next(1, TException("IOError: table disabled"))
    pool = FakeConnectionPool(fake)
    with pytest.raises(HBaseUnavailable, match="failed the call"):
        make(pool).call(lambda connection: connection.tables())
    assert pool.checkouts == 1


def test_programming_errors_are_not_swallowed():
    with pytest.raises(KeyError):
        make(FakeConnectionPool(sample_hbase())).call(lambda connection: {}["x"])


def test_no_free_connection_is_a_503(monkeypatch):
    from api_samples import AUTH, api_config

    from api import create_app

    pool = FakeConnectionPool(sample_hbase())
    pool.exhausted = True
    response = create_app(api_config(pool)).test_client().get("/v1/members/m-1", headers=AUTH)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert NoConnectionsAvailable.__name__ not in response.get_data(as_text=True)
