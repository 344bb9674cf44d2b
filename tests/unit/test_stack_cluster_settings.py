"""The cluster profile's settings: names other code depends on, defaults, environment, checks."""

from __future__ import annotations

from dataclasses import fields

import pytest

from kickback.config import ConfigError, Settings

CLIENT_DEFAULTS = {
    "hdfs_host": "127.0.0.1", "hdfs_port": 8020, "hdfs_http_port": 9870,
    "yarn_host": "127.0.0.1", "yarn_port": 8032, "yarn_web_port": 8088,
}
DAEMON_PORT_DEFAULTS = {
    "hdfs_datanode_port": 9866, "hdfs_datanode_http_port": 9864, "hdfs_datanode_ipc_port": 9867,
    "hdfs_datanode_proxy_port": 9862, "yarn_scheduler_port": 8030, "yarn_tracker_port": 8031,
    "yarn_admin_port": 8033, "yarn_localizer_port": 8040, "yarn_nodemanager_port": 8041,
    "yarn_nodemanager_web_port": 8042, "mapreduce_shuffle_port": 13562,
}


def test_client_facing_settings_have_their_exact_names_and_defaults():
    settings = Settings.load(env={})
    assert {name: getattr(settings, name) for name in CLIENT_DEFAULTS} == CLIENT_DEFAULTS
    assert settings.hdfs_uri == "hdfs://127.0.0.1:8020"
    assert settings.stack_profile == "local"


def test_every_daemon_port_is_a_setting_with_hadoops_default():
    settings = Settings.load(env={})
    assert {name: getattr(settings, name) for name in DAEMON_PORT_DEFAULTS} == DAEMON_PORT_DEFAULTS
    assert (settings.mapreduce_am_ports, settings.mapreduce_am_web_ports) == ("50100-50199", "50200-50299")


def test_memory_defaults_fit_the_two_core_machine():
    settings = Settings.load(env={})
    assert (settings.namenode_heap, settings.datanode_heap) == ("512m", "256m")
    assert (settings.resourcemanager_heap, settings.nodemanager_heap) == ("512m", "384m")
    assert (settings.yarn_nodemanager_memory_mb, settings.yarn_nodemanager_vcores) == (4096, 4)


def test_the_environment_sets_them():
    settings = Settings.load(env={
        "KICKBACK_STACK_PROFILE": "cluster", "KICKBACK_HDFS_HOST": "localhost", "KICKBACK_HDFS_PORT": "28020",
        "KICKBACK_YARN_WEB_PORT": "28088", "KICKBACK_MAPREDUCE_AM_PORTS": "25100-25199",
    })
    assert settings.stack_profile == "cluster"
    assert settings.hdfs_uri == "hdfs://localhost:28020"
    assert settings.yarn_web_port == 28088
    assert settings.mapreduce_am_ports == "25100-25199"


def test_an_ipv6_namenode_host_is_bracketed_in_the_uri():
    assert Settings.load(env={}, hdfs_host="::1").hdfs_uri == "hdfs://[::1]:8020"


@pytest.mark.parametrize("name", sorted(n for n in [*CLIENT_DEFAULTS, *DAEMON_PORT_DEFAULTS] if n.endswith("_port")))
def test_ports_are_checked_like_every_port(name):
    for bad in (0, 65536):
        with pytest.raises(ConfigError, match="KICKBACK_%s must be a TCP port \\(1-65535\\)" % name.upper()):
            Settings.load(env={}, **{name: bad})
    with pytest.raises(ConfigError, match="KICKBACK_%s must be an integer" % name.upper()):
        Settings.load(env={"KICKBACK_%s" % name.upper(): "eighty"})


@pytest.mark.parametrize("value", ["", "50100", "50199-50100", "0-10", "1-65536", "a-b", "1 - 2"])
def test_port_ranges_must_be_first_last(value):
    with pytest.raises(ConfigError, match="KICKBACK_MAPREDUCE_AM_WEB_PORTS must be a port range first-last"):
        Settings.load(env={}, mapreduce_am_web_ports=value)


def test_a_single_port_range_is_fine():
    assert Settings.load(env={}, mapreduce_am_ports="25100-25100").mapreduce_am_ports == "25100-25100"


@pytest.mark.parametrize("name, bad, rule", [
    ("stack_profile", "pseudo", "must be one of local, cluster"),
    ("hdfs_host", "hdfs://x", "must be a host name or IP address"),
    ("yarn_host", "", "must not be empty"),
    ("namenode_heap", "512", "must be a JVM heap size"),
    ("nodemanager_heap", "32m", "must be a JVM heap size"),
    ("yarn_nodemanager_memory_mb", 512, "must be at least 1024"),
    ("yarn_nodemanager_vcores", 0, "must be at least 1"),
])
def test_other_cluster_settings_are_checked(name, bad, rule):
    with pytest.raises(ConfigError, match="KICKBACK_%s %s" % (name.upper(), rule)):
        Settings.load(env={}, **{name: bad})


def test_every_cluster_setting_is_documented():
    from tests.unit.test_configuration_docs import DOC

    text = DOC.read_text()
    names = [f.name for f in fields(Settings) if f.name in {
        *CLIENT_DEFAULTS, *DAEMON_PORT_DEFAULTS, "stack_profile", "mapreduce_am_ports", "mapreduce_am_web_ports",
        "namenode_heap", "datanode_heap", "resourcemanager_heap", "nodemanager_heap",
        "yarn_nodemanager_memory_mb", "yarn_nodemanager_vcores"}]
    assert len(names) == 26
    assert [n for n in names if "| `%s` | `KICKBACK_%s` |" % (n, n.upper()) not in text] == []
