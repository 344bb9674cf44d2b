"""``kickback api serve``: settings -> app config and gunicorn options."""

from __future__ import annotations

from click.testing import CliRunner
from fake_hbase import FakeConnectionPool, sample_hbase

from kickback.cli import main
from kickback.commands import api as command
from kickback.config import Settings


def settings(**overrides):
    return Settings.load(env={}, **overrides)


def test_app_config_from_settings():
    config = command.app_config(settings(hbase_host="hb", hbase_thrift_port=9191,
                                         hbase_table_prefix="dev", api_keys="a, b"))
    assert config == {
        "HBASE_HOST": "hb", "HBASE_THRIFT_PORT": 9191, "HBASE_TABLE_PREFIX": "dev",
        "HBASE_TIMEOUT_MS": 10000, "HBASE_POOL_SIZE": 4, "HBASE_BUCKETS": 16,
        "API_KEYS": ["a", "b"],
    }


def test_gunicorn_options():
    options = command.gunicorn_options(settings(hbase_timeout_ms=20000), "::1", 8081, 3)
    assert options["bind"] == "[::1]:8081"
    assert options["workers"] == 3
    assert options["timeout"] >= 4 * 20
    assert options["accesslog"] is None


def test_server_loads_the_app_with_the_config():
    pool = FakeConnectionPool(sample_hbase())
    server = command.ApiServer({"HBASE_POOL": pool, "API_KEYS": ["k"]},
                               command.gunicorn_options(settings(), "127.0.0.1", 8099, 2))
    assert server.cfg.bind == ["127.0.0.1:8099"]
    assert server.cfg.workers == 2
    app = server.load()
    assert app.test_client().get("/readyz").status_code == 200


def test_serve_uses_settings_and_options(mocker, monkeypatch):
    run = mocker.patch.object(command.ApiServer, "run")
    init = mocker.spy(command.ApiServer, "__init__")
    monkeypatch.setenv("KICKBACK_API_PORT", "8123")
    monkeypatch.setenv("KICKBACK_API_KEYS", "k1")
    result = CliRunner().invoke(main, ["api", "serve", "--workers", "5"])
    assert result.exit_code == 0, result.output
    run.assert_called_once()
    _, config, options = init.call_args.args
    assert options["bind"].endswith(":8123")
    assert options["workers"] == 5
    assert config["API_KEYS"] == ["k1"]
    assert "k1" not in result.output


def test_serve_warns_without_keys(mocker, monkeypatch):
    mocker.patch.object(command.ApiServer, "run")
    monkeypatch.setenv("KICKBACK_API_KEYS", "")
    result = CliRunner().invoke(main, ["api", "serve"])
    assert result.exit_code == 0
    assert "every /v1 request will get 401" in result.output


def test_bad_port_is_a_usage_error(mocker):
    mocker.patch.object(command.ApiServer, "run")
    result = CliRunner().invoke(main, ["api", "serve", "--port", "70000"])
    assert result.exit_code == 2
