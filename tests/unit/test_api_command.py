"""``kickback api serve``: settings -> app config and gunicorn options."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from api_samples import sample_hbase
from fake_hbase import FakeConnectionPool

from kickback.cli import main
from kickback.commands import api as command
from kickback.config import ConfigError, Settings


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


def test_workers_are_gevent_with_bounded_keepalive_and_connections():
    options = command.gunicorn_options(
        settings(api_keepalive_s=7, api_worker_connections=300), "127.0.0.1", 8081, 2)
    assert options["worker_class"] == "gevent"
    assert options["keepalive"] == 7
    assert options["worker_connections"] == 300


def test_default_serving_settings():
    options = command.gunicorn_options(settings(), "127.0.0.1", 8081, 2)
    assert options["keepalive"] == Settings.api_keepalive_s == 5
    assert options["worker_connections"] == Settings.api_worker_connections == 1000


def test_gunicorn_takes_every_option():
    server = command.ApiServer({}, command.gunicorn_options(
        settings(api_keepalive_s=9, api_worker_connections=50), "127.0.0.1", 8099, 3))
    assert server.cfg.worker_class_str == "gevent"
    assert server.cfg.keepalive == 9
    assert server.cfg.worker_connections == 50
    assert server.cfg.workers == 3


@pytest.mark.parametrize("name, value, rule", [
    ("api_keepalive_s", 0, "KICKBACK_API_KEEPALIVE_S must be at least 1, got 0"),
    ("api_keepalive_s", 301, "KICKBACK_API_KEEPALIVE_S must be at most 300, got 301"),
    ("api_worker_connections", 0, "KICKBACK_API_WORKER_CONNECTIONS must be at least 1, got 0"),
    ("api_worker_connections", 100001, "KICKBACK_API_WORKER_CONNECTIONS must be at most 100000"),
    ("api_workers", 0, "KICKBACK_API_WORKERS must be at least 1, got 0"),
])
def test_bad_serving_settings_name_the_setting_and_the_rule(name, value, rule):
    with pytest.raises(ConfigError, match=rule):
        settings(**{name: value})


def test_bad_serving_setting_from_the_environment_is_a_usage_error(mocker, monkeypatch):
    mocker.patch.object(command.ApiServer, "run")
    monkeypatch.setenv("KICKBACK_API_KEEPALIVE_S", "0")
    result = CliRunner().invoke(main, ["api", "serve"])
    assert result.exit_code == 2
    assert "KICKBACK_API_KEEPALIVE_S must be at least 1" in result.output


def test_serve_without_gevent_is_one_clear_error(mocker):
    run = mocker.patch.object(command.ApiServer, "run")
    mocker.patch.object(command.importlib.util, "find_spec", return_value=None)
    result = CliRunner().invoke(main, ["api", "serve"])
    assert result.exit_code != 0
    assert "gevent" in result.output
    run.assert_not_called()


def test_a_bad_api_only_variable_fails_before_gunicorn_starts(mocker):
    run = mocker.patch.object(command.ApiServer, "run")
    result = CliRunner().invoke(main, ["api", "serve"], env={"KICKBACK_DAILY_MAX_AGE_S": "x"})
    assert result.exit_code == 2
    assert "KICKBACK_DAILY_MAX_AGE_S" in result.output
    run.assert_not_called()
