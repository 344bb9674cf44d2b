"""create_app: config layering, KICKBACK-style dict config, nothing connects early."""

from __future__ import annotations

import happybase
import pytest
from api_samples import api_config, sample_hbase
from fake_hbase import FakeConnectionPool
from thriftpy2.transport import TTransportException

import api
from api import create_app
from api.config import ApiConfigError, api_keys
from api.hbase import EXTENSION, HBase


def clear_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("KICKBACK_"):
            monkeypatch.delenv(name)


def test_defaults(monkeypatch):
    clear_env(monkeypatch)
    app = create_app()
    assert app.config["HBASE_HOST"] == "127.0.0.1"
    assert app.config["HBASE_THRIFT_PORT"] == 9090
    assert app.config["HBASE_POOL_TIMEOUT_MS"] == app.config["HBASE_TIMEOUT_MS"] == 10000
    assert app.config["API_KEYS"] == ()
    assert app.config["MAX_CONTENT_LENGTH"] == 32 * 1024


def test_env_then_explicit_overrides(monkeypatch):
    clear_env(monkeypatch)
    monkeypatch.setenv("KICKBACK_HBASE_HOST", "hbase.env")
    monkeypatch.setenv("KICKBACK_HBASE_THRIFT_PORT", "9191")
    monkeypatch.setenv("KICKBACK_API_KEYS", "a,b")
    monkeypatch.setenv("KICKBACK_HBASE_BUCKETS", "32")
    app = create_app({"HBASE_HOST": "hbase.explicit"})
    assert app.config["HBASE_HOST"] == "hbase.explicit"
    assert app.config["HBASE_THRIFT_PORT"] == 9191
    assert app.config["API_KEYS"] == ("a", "b")
    assert app.extensions[EXTENSION].buckets == 32


def test_dict_config_with_injected_pool(monkeypatch):
    clear_env(monkeypatch)
    pool = FakeConnectionPool(sample_hbase())
    app = create_app({"HBASE_HOST": "h", "API_KEYS": ["k"], "HBASE_POOL": pool})
    hbase = app.extensions["kickback_hbase"]
    assert isinstance(hbase, HBase)
    assert hbase.pool is pool
    response = app.test_client().get("/readyz")
    assert response.status_code == 200


def test_nothing_connects_until_a_request_needs_hbase(monkeypatch):
    clear_env(monkeypatch)
    opened = []

    def refuse(connection):
        opened.append((connection.host, connection.port))
        raise TTransportException(TTransportException.NOT_OPEN, "refused")

    monkeypatch.setattr(happybase.Connection, "open", refuse)
    app = create_app({"API_KEYS": ["k"], "HBASE_HOST": "hbase.invalid"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/docs").status_code == 200
    assert opened == []
    response = client.get("/readyz")
    assert response.status_code == 503
    # happybase opens (and on failure re-opens) the pool's first connection; we try twice.
    assert set(opened) == {("hbase.invalid", 9090)}
    assert app.extensions[EXTENSION]._pool is None  # tried again on the next request


def test_readyz_503_when_a_table_is_missing():
    fake = sample_hbase()
    del fake.tables["member_events"]
    response = create_app(api_config(FakeConnectionPool(fake))).test_client().get("/readyz")
    assert response.status_code == 503
    assert "member_events" in response.json["detail"]


@pytest.mark.parametrize("config", [
    {"HBASE_THRIFT_PORT": "x"}, {"HBASE_THRIFT_PORT": 70000}, {"HBASE_POOL_SIZE": 0},
    {"HBASE_BUCKETS": 300}, {"HBASE_TIMEOUT_MS": True}, {"DAILY_MAX_AGE_S": -1},
])
def test_bad_config_is_rejected(monkeypatch, config):
    clear_env(monkeypatch)
    with pytest.raises(ApiConfigError):
        create_app(config)


def test_api_keys_forms():
    assert api_keys("a, b,,c ") == ("a", "b", "c")
    assert api_keys(["a", " ", "b"]) == ("a", "b")
    assert api_keys(None) == ()
    assert api_keys(123) == ("123",)


def test_package_exports_only_create_app():
    assert api.__all__ == ["create_app"]


def test_blueprints_one_per_resource():
    app = create_app(api_config(None))
    assert set(app.blueprints) == {"members", "devices", "health", "docs"}


# --- the environment: only the API's own keys, coerced and checked ---


def test_env_variables_the_api_does_not_take_are_ignored(monkeypatch):
    clear_env(monkeypatch)
    # Flask's from_prefixed_env took these raw: HBASE_POOL=1 made every request a 500.
    monkeypatch.setenv("KICKBACK_HBASE_POOL", "1")
    monkeypatch.setenv("KICKBACK_TESTING", "true")
    monkeypatch.setenv("KICKBACK_SECRET_KEY", "x")
    monkeypatch.setenv("KICKBACK_VAR_DIR", "/tmp/elsewhere")
    app = create_app({"API_KEYS": ["k"], "HBASE_HOST": "hbase.invalid"})
    assert app.config["HBASE_POOL"] is None
    assert app.config["TESTING"] is False
    assert "VAR_DIR" not in app.config
    assert app.config.get("SECRET_KEY") is None


def test_env_values_are_coerced_to_the_api_types(monkeypatch):
    clear_env(monkeypatch)
    monkeypatch.setenv("KICKBACK_HBASE_TIMEOUT_MS", " 2500 ")
    monkeypatch.setenv("KICKBACK_HBASE_POOL_TIMEOUT_MS", "700")
    monkeypatch.setenv("KICKBACK_API_KEYS", "123")
    monkeypatch.setenv("KICKBACK_PAGE_TOKEN_KEY", "42")
    monkeypatch.setenv("KICKBACK_HBASE_TABLE_PREFIX", "dev")
    app = create_app()
    assert app.config["HBASE_TIMEOUT_MS"] == 2500
    assert app.config["HBASE_POOL_TIMEOUT_MS"] == 700
    assert app.config["API_KEYS"] == ("123",)
    assert app.config["PAGE_TOKEN_KEY"] == b"42"
    assert app.extensions[EXTENSION].table_prefix == "dev"


@pytest.mark.parametrize("name, value, rule", [
    ("KICKBACK_HBASE_THRIFT_PORT", "x", "must be an integer, got 'x'"),
    ("KICKBACK_HBASE_THRIFT_PORT", "70000", "must be a TCP port (1-65535), got 70000"),
    ("KICKBACK_HBASE_POOL_SIZE", "0", "must be at least 1, got 0"),
    ("KICKBACK_HBASE_TIMEOUT_MS", "-1", "must be at least 1, got -1"),
    ("KICKBACK_HBASE_POOL_TIMEOUT_MS", "", "must be an integer, got ''"),
    ("KICKBACK_HBASE_BUCKETS", "300", "must be at most 256, got 300"),
    ("KICKBACK_DAILY_MAX_AGE_S", "true", "must be an integer, got 'true'"),
    ("KICKBACK_HBASE_HOST", "", "must not be empty"),
    ("KICKBACK_HBASE_HOST", "hbase host", "must be a host name or IP address"),
    ("KICKBACK_HBASE_TABLE_PREFIX", "kb;'", "must be an HBase table name"),
    ("KICKBACK_HBASE_TABLE_PREFIX", "my prefix", "must be an HBase table name"),
])
def test_a_bad_env_value_names_its_variable(monkeypatch, name, value, rule):
    clear_env(monkeypatch)
    monkeypatch.setenv(name, value)
    with pytest.raises(ApiConfigError) as caught:
        create_app()
    assert str(caught.value).startswith(name + " ")
    assert rule in str(caught.value)


def test_a_bad_explicit_value_names_its_key(monkeypatch):
    clear_env(monkeypatch)
    with pytest.raises(ApiConfigError, match=r"^HBASE_TABLE_PREFIX must be an HBase table name"):
        create_app({"HBASE_TABLE_PREFIX": "a b"})
    with pytest.raises(ApiConfigError, match=r"^HBASE_TIMEOUT_MS must be at least 1, got 0"):
        create_app({"HBASE_TIMEOUT_MS": 0})


def test_a_bad_env_value_fails_even_where_an_explicit_value_overrides_it(monkeypatch):
    clear_env(monkeypatch)
    monkeypatch.setenv("KICKBACK_HBASE_THRIFT_PORT", "x")
    with pytest.raises(ApiConfigError, match="KICKBACK_HBASE_THRIFT_PORT"):
        create_app({"HBASE_THRIFT_PORT": 9090})


def test_an_empty_table_prefix_still_means_none(monkeypatch):
    clear_env(monkeypatch)
    app = create_app({"HBASE_TABLE_PREFIX": ""})
    assert app.extensions[EXTENSION].table_prefix == ""
