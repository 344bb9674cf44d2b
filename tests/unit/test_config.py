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
    assert settings.warehouse_dir == "/data/wh"


def test_explicit_overrides_win_over_environment():
    settings = Settings.load(env={"KICKBACK_RUNNER": "inline"}, runner="hadoop")
    assert settings.runner == "hadoop"


def test_none_override_keeps_the_lower_layer():
    assert Settings.load(env={"KICKBACK_RUNNER": "inline"}, runner=None).runner == "inline"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"KICKBACK_HIVE_PORT": "ten"}, "KICKBACK_HIVE_PORT must be an integer"),
        ({"KICKBACK_HIVE_PORT": "70000"}, "KICKBACK_HIVE_PORT must be a TCP port"),
        ({"KICKBACK_RUNNER": "spark"}, "KICKBACK_RUNNER must be one of"),
        ({"KICKBACK_HBASE_BUCKETS": "0"}, "KICKBACK_HBASE_BUCKETS must be at least 1"),
        ({"KICKBACK_HIVE_AUTH": "PLAIN"}, "KICKBACK_HIVE_AUTH must be"),
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


# --- every bad value is one line naming its KICKBACK_ variable and the rule ---


@pytest.mark.parametrize(
    "env, message",
    [
        ({"KICKBACK_HBASE_TIMEOUT_MS": "0"}, "KICKBACK_HBASE_TIMEOUT_MS must be at least 1, got 0"),
        ({"KICKBACK_HBASE_TIMEOUT_MS": "-5"}, "KICKBACK_HBASE_TIMEOUT_MS must be at least 1, got -5"),
        ({"KICKBACK_HBASE_THRIFT_PORT": "0"}, "KICKBACK_HBASE_THRIFT_PORT must be a TCP port"),
        ({"KICKBACK_HBASE_BUCKETS": "300"}, "KICKBACK_HBASE_BUCKETS must be at most 256"),
        ({"KICKBACK_HBASE_DAILY_TTL_DAYS": "100000"}, "KICKBACK_HBASE_DAILY_TTL_DAYS must be at most 24855"),
        ({"KICKBACK_HBASE_TABLE_PREFIX": "my prefix"}, "KICKBACK_HBASE_TABLE_PREFIX must be an HBase table name"),
        ({"KICKBACK_HBASE_TABLE_PREFIX": "kb;'"}, "KICKBACK_HBASE_TABLE_PREFIX must be an HBase table name"),
        ({"KICKBACK_HBASE_TABLE_PREFIX": "-kb"}, "KICKBACK_HBASE_TABLE_PREFIX must be an HBase table name"),
        ({"KICKBACK_HBASE_TABLE_PREFIX": ""}, "KICKBACK_HBASE_TABLE_PREFIX must not be empty"),
        ({"KICKBACK_HIVE_DATABASE": "kick-back"}, "KICKBACK_HIVE_DATABASE must be a Hive identifier"),
        ({"KICKBACK_HIVE_DATABASE": "db; DROP"}, "KICKBACK_HIVE_DATABASE must be a Hive identifier"),
        ({"KICKBACK_HIVE_DATABASE": ""}, "KICKBACK_HIVE_DATABASE must not be empty"),
        ({"KICKBACK_WAREHOUSE_DIR": ""}, "KICKBACK_WAREHOUSE_DIR must not be empty"),
        ({"KICKBACK_LANDING_DIR": "  "}, "KICKBACK_LANDING_DIR must not be empty"),
        ({"KICKBACK_VAR_DIR": ""}, "KICKBACK_VAR_DIR must not be empty"),
        ({"KICKBACK_HBASE_HEAP": "2 GB"}, "KICKBACK_HBASE_HEAP must be a JVM heap size"),
        ({"KICKBACK_HBASE_HEAP": "2gb"}, "KICKBACK_HBASE_HEAP must be a JVM heap size"),
        ({"KICKBACK_THRIFT_HEAP": "16k"}, "KICKBACK_THRIFT_HEAP must be a JVM heap size"),
        ({"KICKBACK_HIVE_HEAP": "lots"}, "KICKBACK_HIVE_HEAP must be a JVM heap size"),
        ({"KICKBACK_HIVE_METASTORE_HEAP": "32m"}, "KICKBACK_HIVE_METASTORE_HEAP must be a JVM heap size"),
        ({"KICKBACK_HIVE_METASTORE_PORT": "0"}, "KICKBACK_HIVE_METASTORE_PORT must be a TCP port"),
        ({"KICKBACK_HBASE_HOST": ""}, "KICKBACK_HBASE_HOST must not be empty"),
        ({"KICKBACK_HIVE_HOST": "hive host"}, "KICKBACK_HIVE_HOST must be a host name or IP address"),
        ({"KICKBACK_API_HOST": "http://0.0.0.0"}, "KICKBACK_API_HOST must be a host name or IP address"),
        ({"KICKBACK_HIVE_AUTH": "LDAP"}, "KICKBACK_HIVE_AUTH must be NONE or NOSASL"),
        ({"KICKBACK_HIVE_AUTH": "none"}, "got 'none'"),
        ({"KICKBACK_HIVE_USERNAME": ""}, "KICKBACK_HIVE_USERNAME must not be empty"),
        ({"KICKBACK_RUNNER": ""}, "KICKBACK_RUNNER must be one of inline, local"),
        ({"KICKBACK_HIVE_PORT": "ten"}, "KICKBACK_HIVE_PORT must be an integer, got 'ten'"),
    ],
)
def test_bad_values_name_their_variable_and_rule(env, message):
    with pytest.raises(ConfigError) as caught:
        Settings.load(env=env)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("prefix", ["kb", "kb_dev-2.test", "_kb", "dev:kickback"])
def test_table_prefixes_hbase_accepts_are_accepted(prefix):
    assert Settings.load(env={"KICKBACK_HBASE_TABLE_PREFIX": prefix}).hbase_table_prefix == prefix


@pytest.mark.parametrize("heap", ["512m", "2g", "2G", "1024M", "1t"])
def test_jvm_heap_sizes_are_accepted(heap):
    assert Settings.load(env={"KICKBACK_HBASE_HEAP": heap}).hbase_heap == heap


@pytest.mark.parametrize("host", ["127.0.0.1", "hbase-1.prod.example", "::1", "localhost"])
def test_hosts_are_accepted(host):
    assert Settings.load(env={"KICKBACK_HBASE_HOST": host}).hbase_host == host


def test_an_override_is_checked_like_the_environment():
    with pytest.raises(ConfigError, match="KICKBACK_HBASE_TIMEOUT_MS must be at least 1"):
        Settings.load(env={}, hbase_timeout_ms=0)
    with pytest.raises(ConfigError, match="KICKBACK_HBASE_BUCKETS must be an integer, got True"):
        Settings.load(env={}, hbase_buckets=True)
    with pytest.raises(ConfigError, match="KICKBACK_HBASE_TABLE_PREFIX"):
        Settings.load(env={}).replace(hbase_table_prefix="a b")


# --- local folders: var_dir must be creatable and writable ---


def test_var_dir_under_a_file_is_refused(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.raises(ConfigError) as caught:
        Settings.load(env={"KICKBACK_VAR_DIR": str(blocker / "var")})
    message = str(caught.value)
    assert message.startswith("KICKBACK_VAR_DIR")
    assert "is not a directory" in message and str(blocker) in message


def test_var_dir_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "var"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="KICKBACK_VAR_DIR .* is not a directory"):
        Settings.load(env={"KICKBACK_VAR_DIR": str(blocker)})


def test_var_dir_in_a_folder_we_cannot_write_is_refused(tmp_path, monkeypatch):
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # Root may write anywhere, so the permission check is faked for this folder.
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == locked
                        else real_access(path, mode, **kw))
    with pytest.raises(ConfigError, match="KICKBACK_VAR_DIR .*cannot be created: .*locked is not writable"):
        Settings.load(env={"KICKBACK_VAR_DIR": str(locked / "var")})


def test_var_dir_that_does_not_exist_yet_is_fine_and_not_created(tmp_path):
    settings = Settings.load(env={"KICKBACK_VAR_DIR": str(tmp_path / "new" / "var")})
    assert settings.var_dir == tmp_path / "new" / "var"
    assert not (tmp_path / "new").exists()


def test_warehouse_dir_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "wh"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="KICKBACK_WAREHOUSE_DIR .* is not a directory"):
        Settings.load(env={"KICKBACK_WAREHOUSE_DIR": str(blocker)})


# --- mrjob_conf must be an mrjob conf: a YAML/JSON mapping with runners: ---

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.mark.parametrize("name", ["mrjob.hadoop.conf", "mrjob.emr.conf"])
def test_the_documented_mrjob_confs_are_accepted(name):
    path = str(EXAMPLES / name)
    assert Settings.load(env={"KICKBACK_MRJOB_CONF": path}).mrjob_conf == path


def test_a_json_mrjob_conf_is_accepted(tmp_path):
    conf = tmp_path / "mrjob.json"
    conf.write_text('{"runners": {"hadoop": {"label": "kb"}}}')
    assert Settings.load(env={"KICKBACK_MRJOB_CONF": str(conf)}).mrjob_conf == str(conf)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("runners: [hadoop\n", "does not parse"),
        ("- hadoop\n- emr\n", "must hold a mapping with a runners: key"),
        ("", "must hold a mapping with a runners: key"),
        ("hadoop:\n  label: kb\n", "must hold a mapping with a runners: key"),
        ("runners: hadoop\n", "runners: must map runner names to their options"),
        ("runners:\n  hadoop: [1, 2]\n", "runners: must map runner names to their options"),
        ("runners:\n  hadoop: {}\nrunner: x\n", "unknown top-level key 'runner'"),
    ],
)
def test_a_file_that_is_not_an_mrjob_conf_is_refused(tmp_path, text, rule):
    conf = tmp_path / "mrjob.conf"
    conf.write_text(text)
    with pytest.raises(ConfigError) as caught:
        Settings.load(env={"KICKBACK_MRJOB_CONF": str(conf)})
    message = str(caught.value)
    assert message.startswith("KICKBACK_MRJOB_CONF %s" % conf)
    assert rule in message
    assert "\n" not in message


def test_a_missing_mrjob_conf_is_refused_at_load(tmp_path):
    with pytest.raises(ConfigError, match="KICKBACK_MRJOB_CONF .*nope.conf is not a readable file"):
        Settings.load(env={"KICKBACK_MRJOB_CONF": str(tmp_path / "nope.conf")})


@pytest.mark.parametrize("path", ["/data/wh'x", '/data/"wh"', "/data/wh\\x", "/data/${env:HOME}", "/data/w\th"])
def test_a_warehouse_dir_that_cannot_go_into_hive_ddl_is_refused(path):
    with pytest.raises(ConfigError, match="KICKBACK_WAREHOUSE_DIR must not contain quotes"):
        Settings.load(env={"KICKBACK_WAREHOUSE_DIR": path})


def test_the_cluster_profile_defaults_to_its_hdfs_and_yarn():
    settings = Settings.load(env={"KICKBACK_STACK_PROFILE": "cluster", "KICKBACK_HDFS_PORT": "28020"})
    assert settings.landing_dir == "hdfs://127.0.0.1:28020/kickback/landing"
    assert settings.warehouse_dir == "hdfs://127.0.0.1:28020/kickback/warehouse"
    assert settings.runner == "hadoop"
    chosen = Settings.load(env={"KICKBACK_STACK_PROFILE": "cluster", "KICKBACK_RUNNER": "inline",
                                "KICKBACK_WAREHOUSE_DIR": "/tmp/wh"})
    assert (chosen.runner, chosen.warehouse_dir) == ("inline", "/tmp/wh")
    assert Settings.load(env={}).warehouse_dir == "var/data/warehouse"
