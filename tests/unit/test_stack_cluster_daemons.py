"""The Hadoop daemons as stack services: command lines, ports, formatting, and where they join the stack."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from kickback.commands.stack import stack_config
from stack import control
from stack.cluster import daemons
from stack.cluster.layout import ClusterLayout
from stack.errors import StackError
from stack.paths import StackPaths

JAVA = Path("/usr/lib/jvm/java-17-openjdk-amd64/bin/java")


@pytest.fixture
def config(tmp_settings):
    return stack_config(tmp_settings.replace(stack_profile="cluster", namenode_heap="640m", nodemanager_heap="300m"))


@pytest.fixture
def paths(config):
    return StackPaths.under(config.stack_dir)


def test_the_four_daemons_come_in_start_order_with_their_main_classes(config, paths):
    services = daemons.define(config, paths, JAVA)
    assert list(services) == ["namenode", "datanode", "resourcemanager", "nodemanager"]
    for name, service in services.items():
        assert daemons.MAIN_CLASSES[name] in service.argv
        assert service.argv[0] == str(JAVA)


def test_daemons_run_from_the_cluster_conf_and_jars_with_their_heaps(config, paths):
    services = daemons.define(config, paths, JAVA)
    layout = ClusterLayout(paths)
    for service in services.values():
        argv = service.argv
        assert argv[argv.index("-cp") + 1] == "%s:%s/*" % (layout.conf, layout.jars)
        assert "-XX:TieredStopAtLevel=1" in argv and "-XX:+UseSerialGC" in argv
        assert "-Dhadoop.root.logger=INFO,console" in argv
    assert "-Xmx640m" in services["namenode"].argv
    assert "-Xmx256m" in services["datanode"].argv
    assert "-Xmx512m" in services["resourcemanager"].argv
    assert "-Xmx300m" in services["nodemanager"].argv


def test_only_the_yarn_daemons_open_java_lang(config, paths):
    services = daemons.define(config, paths, JAVA)
    opens = "--add-opens=java.base/java.lang=ALL-UNNAMED"
    assert [name for name, s in services.items() if opens in s.argv] == ["resourcemanager", "nodemanager"]


def test_the_nodemanager_gives_containers_a_java_home(config, paths):
    services = daemons.define(config, paths, JAVA)
    assert services["nodemanager"].env["JAVA_HOME"] == str(JAVA.resolve().parent.parent)


def test_each_daemon_checks_its_ports(config, paths):
    services = daemons.define(config, paths, JAVA)
    assert services["namenode"].ports == (8020, 9870)
    assert services["datanode"].ports == (9866, 9864, 9867, 9862)
    assert services["resourcemanager"].ports == (8032, 8030, 8031, 8033, 8088)
    assert services["nodemanager"].ports == (8041, 8040, 8042, 13562)


def test_two_services_on_one_port_are_refused_in_one_line(config):
    clash = replace(config, yarn_web_port=config.hbase_master_port)
    with pytest.raises(StackError, match="port 16000 is set for both hbase and resourcemanager"):
        daemons.check_ports(clash, {"hbase": (2181, 16000, 16020)})
    daemons.check_ports(config, {"hbase": (2181, 16000, 16020), "hive": (10000,)})


def test_a_formatted_namenode_is_not_formatted_again(config, paths, mocker):
    marker = ClusterLayout(paths).formatted_marker
    marker.parent.mkdir(parents=True)
    marker.write_text("clusterID=kickback\n")
    run = mocker.patch("subprocess.run")
    assert daemons.format_namenode(config, paths, JAVA) is False
    run.assert_not_called()


def test_a_new_namenode_is_formatted_once_non_interactively(config, paths, mocker):
    marker = ClusterLayout(paths).formatted_marker
    paths.make_dirs()

    def fake_format(argv, **kwargs):
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("clusterID=kickback\n")
        return subprocess.CompletedProcess(argv, 0)

    run = mocker.patch("subprocess.run", side_effect=fake_format)
    assert daemons.format_namenode(config, paths, JAVA) is True
    argv = run.call_args.args[0]
    assert argv[-5:] == (daemons.MAIN_CLASSES["namenode"], "-format", "-nonInteractive", "-clusterId", "kickback")
    assert daemons.format_namenode(config, paths, JAVA) is False
    assert run.call_count == 1


def test_a_failed_format_names_the_log(config, paths, mocker):
    paths.make_dirs()
    mocker.patch("subprocess.run", return_value=subprocess.CompletedProcess([], 1))
    with pytest.raises(StackError, match="formatting HDFS .* failed \\(exit 1\\); see .*namenode.log"):
        daemons.format_namenode(config, paths, JAVA)


def test_the_cluster_profile_runs_the_daemons_first_and_hbase_without_servlet_api_2_5(config, paths):
    lib = paths.jars("hbase")
    lib.mkdir(parents=True)
    for name in ("hbase-server-2.6.1.jar", "servlet-api-2.5.jar"):
        (lib / name).write_bytes(b"")
    services = control.services_of(config, paths, JAVA)
    assert list(services)[:4] == list(daemons.DAEMONS)
    assert {"hbase", "thrift", "hive"} <= set(services)
    for name in ("hbase", "thrift"):
        classpath = services[name].argv[services[name].argv.index("-cp") + 1]
        assert "hbase-server-2.6.1.jar" in classpath and "servlet-api-2.5" not in classpath


def test_the_local_profile_has_no_daemons_and_hbase_keeps_all_its_jars(config, paths):
    services = control.services_of(replace(config, stack_profile="local"), paths, JAVA)
    assert not set(daemons.DAEMONS) & set(services)
    argv = services["hbase"].argv
    assert argv[argv.index("-cp") + 1] == "%s:%s/*" % (paths.conf / "hbase", paths.jars("hbase"))
