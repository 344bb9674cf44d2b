"""Settings: defaults, then KICKBACK_* environment, then explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from kickback.config import ConfigError, Settings


def test_defaults_point_at_the_local_stack():
    settings = Settings.load(env={})
    assert (settings.hbase_host, settings.hbase_thrift_port) == ("127.0.0.1", 9090)
    assert (settings.hive_host, settings.hive_port) == ("127.0.0.1", 10000)
    assert settings.runner == "local"
    assert settings.stack_dir == Path("var/stack")


def test_environment_overrides_defaults_and_is_typed():
    settings = Settings.load(env={"KICKBACK_HBASE_THRIFT_PORT": "9191", "KICKBACK_WAREHOUSE_DIR": "/data/wh"})
    assert settings.hbase_thrift_port == 9191
    assert settings.warehouse_dir == Path("/data/wh")


def test_explicit_overrides_win_over_environment():
    settings = Settings.load(env={"KICKBACK_RUNNER": "inline"}, runner="hadoop")
    assert settings.runner == "hadoop"


def test_none_override_keeps_the_lower_layer():
    assert Settings.load(env={"KICKBACK_RUNNER": "inline"}, runner=None).runner == "inline"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"KICKBACK_HIVE_PORT": "ten"}, "KICKBACK_HIVE_PORT must be int"),
        ({"KICKBACK_HIVE_PORT": "70000"}, "hive_port must be a TCP port"),
        ({"KICKBACK_RUNNER": "spark"}, "runner must be one of"),
        ({"KICKBACK_HBASE_BUCKETS": "0"}, "hbase_buckets must be at least 1"),
        ({"KICKBACK_HIVE_AUTH": "PLAIN"}, "hive_auth must be"),
    ],
)
def test_bad_values_give_one_clear_error(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.load(env=env)


def test_unknown_override_is_an_error():
    with pytest.raises(ConfigError, match="unknown setting 'hbase_hots'"):
        Settings.load(env={}, hbase_hots="x")


def test_api_keys_are_split_and_never_shown_in_repr():
    settings = Settings.load(env={"KICKBACK_API_KEYS": " k1, ,k2 "})
    assert settings.api_key_list == ["k1", "k2"]
    assert "k1" not in repr(settings)


def test_replace_validates():
    with pytest.raises(ConfigError):
        Settings.load(env={}).replace(api_port=0)
