"""A port that answers another protocol is a 503 naming the endpoint, never a 500."""

from __future__ import annotations

import os

import pytest
from api_samples import api_config, sample_hbase
from fake_hbase import FakeConnectionPool
from other_servers import http_server, other_thrift_server
from thriftpy2.thrift import TApplicationException

from api import create_app


@pytest.fixture(autouse=True)
def no_kickback_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("KICKBACK_"):
            monkeypatch.delenv(name)


def app_on(port: int):
    return create_app({"HBASE_HOST": "127.0.0.1", "HBASE_THRIFT_PORT": port, "API_KEYS": ["k"],
                       "HBASE_TIMEOUT_MS": 5000, "HBASE_POOL_SIZE": 1})


def assert_wrong_protocol_503(response, port: int) -> None:
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    detail = response.json["detail"]
    assert "127.0.0.1:%d" % port in detail
    assert "does not answer as an HBase Thrift1 server" in detail
    assert "HBASE_THRIFT_PORT" in detail
    assert "Retry-After" in response.headers


def test_an_http_server_on_the_thrift_port_is_a_503():
    with http_server() as port:
        client = app_on(port).test_client()
        assert_wrong_protocol_503(client.get("/readyz"), port)
        # The tainted pooled connection was replaced: the next request says the same.
        assert_wrong_protocol_503(client.get("/readyz"), port)
        assert_wrong_protocol_503(client.get("/v1/members/m1", headers={"Authorization": "Bearer k"}), port)


def test_another_thrift_service_on_the_thrift_port_is_a_503(tmp_path):
    with other_thrift_server(tmp_path) as port:
        assert_wrong_protocol_503(app_on(port).test_client().get("/readyz"), port)


def test_a_server_side_thrift_error_is_still_a_503_of_its_own():
    fake = sample_hbase()
    fake.fail_next(1, TApplicationException(TApplicationException.INTERNAL_ERROR, "<exception str() failed>"))
    response = create_app(api_config(FakeConnectionPool(fake))).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["detail"].startswith("HBase failed the call (TApplicationException")


def test_another_thrift_service_with_a_bytes_message_is_a_503_naming_it():
    # happybase leaves strings undecoded: str() of this exception raises TypeError.
    fake = sample_hbase()
    fake.fail_next(1, TApplicationException(TApplicationException.UNKNOWN_METHOD,
                                            b"Invalid method name: 'getTableNames'"))
    config = api_config(FakeConnectionPool(fake), HBASE_HOST="hs2.example", HBASE_THRIFT_PORT=10000)
    response = create_app(config).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["detail"].startswith(
        "hs2.example:10000 does not answer as an HBase Thrift1 server (buffered transport, binary "
        "protocol: TApplicationException: Invalid method name: 'getTableNames'); check HBASE_HOST")
