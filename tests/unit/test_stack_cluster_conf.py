"""The cluster profile's rendered configuration: addresses, folders, sizes, HBase on HDFS, the launcher."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import fields, replace
from pathlib import Path

import pytest

from kickback.commands.stack import stack_config
from kickback.config import Settings
from stack import conf, hadoop
from stack.cluster import conf as cluster_conf
from stack.cluster import daemons
from stack.cluster.layout import ClusterLayout
from stack.config import StackConfig
from stack.java import JDK17_OPENS_BROAD
from stack.paths import StackPaths

# Ports away from Hadoop's defaults, so a value taken from a default would show.
PORTS = {
    "hdfs_port": 28020, "hdfs_http_port": 29870, "hdfs_datanode_port": 29866,
    "hdfs_datanode_http_port": 29864, "hdfs_datanode_ipc_port": 29867, "hdfs_datanode_proxy_port": 29862,
    "yarn_port": 28032, "yarn_web_port": 28088, "yarn_scheduler_port": 28030, "yarn_tracker_port": 28031,
    "yarn_admin_port": 28033, "yarn_localizer_port": 28040, "yarn_nodemanager_port": 28041,
    "yarn_nodemanager_web_port": 28042, "mapreduce_shuffle_port": 23562,
}


@pytest.fixture
def config(tmp_settings) -> StackConfig:
    return stack_config(tmp_settings.replace(stack_profile="cluster", **PORTS))


@pytest.fixture
def layout(config) -> ClusterLayout:
    return ClusterLayout(StackPaths.under(config.stack_dir))


def every_site(config, layout) -> dict[str, object]:
    return {
        **cluster_conf.core_site(config, layout, "alice"),
        **cluster_conf.hdfs_site(config, layout),
        **cluster_conf.yarn_site(config, layout),
        **cluster_conf.mapred_site(config, layout),
    }


def test_the_file_system_is_the_settings_hdfs_uri(config, layout):
    assert cluster_conf.core_site(config, layout, "alice")["fs.defaultFS"] == "hdfs://127.0.0.1:28020"
    assert config.hdfs_uri == "hdfs://127.0.0.1:28020"


@pytest.mark.parametrize("key, setting", [
    ("dfs.namenode.rpc-address", "hdfs_port"),
    ("dfs.namenode.http-address", "hdfs_http_port"),
    ("dfs.datanode.address", "hdfs_datanode_port"),
    ("dfs.datanode.http.address", "hdfs_datanode_http_port"),
    ("dfs.datanode.ipc.address", "hdfs_datanode_ipc_port"),
    ("yarn.resourcemanager.address", "yarn_port"),
    ("yarn.resourcemanager.scheduler.address", "yarn_scheduler_port"),
    ("yarn.resourcemanager.resource-tracker.address", "yarn_tracker_port"),
    ("yarn.resourcemanager.admin.address", "yarn_admin_port"),
    ("yarn.resourcemanager.webapp.address", "yarn_web_port"),
    ("yarn.nodemanager.address", "yarn_nodemanager_port"),
    ("yarn.nodemanager.localizer.address", "yarn_localizer_port"),
    ("yarn.nodemanager.webapp.address", "yarn_nodemanager_web_port"),
])
def test_every_address_is_loopback_with_its_settings_port(config, layout, key, setting):
    assert every_site(config, layout)[key] == "127.0.0.1:%d" % getattr(config, setting)


def test_every_cluster_port_setting_is_pinned_in_the_configuration(config, layout):
    site = every_site(config, layout)
    rendered = {str(value).rsplit(":", 1)[-1] for value in site.values()}
    port_fields = [f.name for f in fields(Settings)
                   if f.name.startswith(("hdfs_", "yarn_", "mapreduce_")) and f.name.endswith("_port")]
    assert sorted(port_fields) == sorted(PORTS)
    assert [name for name in port_fields if str(getattr(config, name)) not in rendered] == []
    # ...and each daemon checks exactly those ports are free before it starts.
    assert sorted(p for ports in daemons.ports(config).values() for p in ports) == sorted(PORTS.values())


def test_the_application_master_listens_in_the_configured_bands(config, layout):
    site = cluster_conf.mapred_site(replace(config, mapreduce_am_ports="25100-25199"), layout)
    assert site["yarn.app.mapreduce.am.job.client.port-range"] == "25100-25199"
    assert site["yarn.app.mapreduce.am.webapp.port-range"] == "50200-50299"


@pytest.mark.parametrize("key", [
    "yarn.app.mapreduce.am.command-opts", "mapreduce.map.java.opts", "mapreduce.reduce.java.opts",
])
def test_containers_open_java_base_for_hives_jobs(config, layout, key):
    # Hive's jobs run its classes in the AM and the tasks (Guice, cglib, Kryo).
    opts = cluster_conf.mapred_site(config, layout)[key].split()
    assert set(JDK17_OPENS_BROAD) <= set(opts)
    assert opts[0].startswith("-Xmx")


def test_data_and_logs_live_under_the_stack(config, layout):
    site = every_site(config, layout)
    stack = config.stack_dir.resolve()
    assert site["dfs.namenode.name.dir"] == (stack / "data" / "hdfs" / "name").as_uri()
    assert site["dfs.datanode.data.dir"] == (stack / "data" / "hdfs" / "data").as_uri()
    assert site["yarn.nodemanager.local-dirs"] == str(stack / "data" / "yarn" / "local")
    assert site["yarn.nodemanager.log-dirs"] == str(stack / "logs" / "userlogs")
    assert Path(site["hadoop.tmp.dir"]).parent == stack / "data"


def test_keys_the_prototype_proved_necessary_are_set(config, layout):
    site = every_site(config, layout)
    assert site["dfs.namenode.safemode.extension"] == 0
    assert site["dfs.datanode.http.internal-proxy.port"] == 29862
    assert site["dfs.client.block.write.locateFollowingBlock.initial.delay.ms"] == 20
    assert site["yarn.nodemanager.aux-services"] == "mapreduce_shuffle"
    assert site["yarn.nodemanager.aux-services.mapreduce_shuffle.class"] == "org.apache.hadoop.mapred.ShuffleHandler"
    classpath = "%s,%s/*" % (layout.conf, layout.jars)
    assert site["yarn.application.classpath"] == site["mapreduce.application.classpath"] == classpath
    assert site["mapreduce.framework.name"] == "yarn"
    assert site["dfs.replication"] == 1


def test_containers_fit_the_nodemanager_and_heaps_fit_their_containers(config, layout):
    site = every_site(config, layout)
    offered = site["yarn.nodemanager.resource.memory-mb"]
    assert offered == config.yarn_nodemanager_memory_mb == site["yarn.scheduler.maximum-allocation-mb"]
    am = site["yarn.app.mapreduce.am.resource.mb"]
    share = cluster_conf.capacity_scheduler()["yarn.scheduler.capacity.maximum-am-resource-percent"]
    assert am + site["mapreduce.map.memory.mb"] <= offered
    assert am <= offered * share  # else the AM waits in ACCEPTED forever
    for memory, opts in (("yarn.app.mapreduce.am.resource.mb", "yarn.app.mapreduce.am.command-opts"),
                         ("mapreduce.map.memory.mb", "mapreduce.map.java.opts"),
                         ("mapreduce.reduce.memory.mb", "mapreduce.reduce.java.opts")):
        heap = int(site[opts].split()[0][len("-Xmx"):-1])
        assert heap < site[memory] and "-XX:+UseSerialGC" in site[opts]
    assert site["mapreduce.task.io.sort.mb"] < 256
    assert site["yarn.scheduler.minimum-allocation-mb"] <= site["mapreduce.map.memory.mb"]


def test_the_smallest_nodemanager_still_runs_one_application_master(config, layout):
    small = replace(config, yarn_nodemanager_memory_mb=1024)
    share = cluster_conf.capacity_scheduler()["yarn.scheduler.capacity.maximum-am-resource-percent"]
    assert cluster_conf.AM_MB <= small.yarn_nodemanager_memory_mb * share


def test_the_capacity_scheduler_has_one_running_default_queue():
    queues = cluster_conf.capacity_scheduler()
    assert queues["yarn.scheduler.capacity.root.queues"] == "default"
    assert queues["yarn.scheduler.capacity.root.default.capacity"] == 100
    assert queues["yarn.scheduler.capacity.root.default.state"] == "RUNNING"


def parse(path: Path) -> dict[str, str]:
    root = ElementTree.parse(path).getroot()
    return {p.findtext("name"): p.findtext("value") for p in root.iter("property")}


def test_render_all_writes_the_cluster_folder_and_leaves_the_local_one(config):
    paths = StackPaths.under(config.stack_dir)
    conf.render_all(config, paths)
    local_before = {p.name: p.read_text() for p in (paths.conf / "hadoop").iterdir()}
    cluster_conf.render_all(config, paths, "alice")
    folder = paths.conf / "hadoop-cluster"
    assert sorted(p.name for p in folder.iterdir()) == [
        "capacity-scheduler.xml", "core-site.xml", "hdfs-site.xml", "log4j.properties",
        "mapred-site.xml", "yarn-site.xml"]
    assert parse(folder / "core-site.xml")["fs.defaultFS"] == "hdfs://127.0.0.1:28020"
    assert parse(folder / "core-site.xml")["hadoop.http.staticuser.user"] == "alice"
    assert parse(folder / "mapred-site.xml")["mapreduce.framework.name"] == "yarn"
    assert {p.name: p.read_text() for p in (paths.conf / "hadoop").iterdir()} == local_before
    assert parse(paths.conf / "hadoop" / "mapred-site.xml")["mapreduce.framework.name"] == "local"
    hbase_hdfs = parse(paths.conf / "hbase" / "hdfs-site.xml")
    assert hbase_hdfs == {
        "dfs.replication": "1",
        "dfs.client.block.write.locateFollowingBlock.initial.delay.ms": "20",
        "dfs.client.block.write.locateFollowingBlock.retries": "10",
    }


def test_clients_log_info_on_stderr_for_mrjob(config):
    paths = StackPaths.under(config.stack_dir)
    cluster_conf.render_all(config, paths, "alice")
    log4j = (paths.conf / "hadoop-cluster" / "log4j.properties").read_text()
    assert "hadoop.root.logger=INFO,console" in log4j
    assert "log4j.appender.console.target=System.err" in log4j


def test_hbase_on_hdfs_moves_only_the_root_dir_file_system_and_local_folders(config, layout):
    local = conf.hbase_site(config, layout.paths)
    site = cluster_conf.hbase_on_hdfs(config, layout, local)
    assert site["hbase.rootdir"] == "hdfs://127.0.0.1:28020/hbase"
    assert site["fs.defaultFS"] == "hdfs://127.0.0.1:28020"
    assert "hbase.unsafe.stream.capability.enforce" not in site
    assert site["hbase.zookeeper.property.dataDir"] != local["hbase.zookeeper.property.dataDir"]
    assert site["hbase.tmp.dir"].startswith(str(layout.paths.data))
    moved = {"hbase.rootdir", "fs.defaultFS", "hbase.tmp.dir", "hbase.zookeeper.property.dataDir",
             "hbase.unsafe.stream.capability.enforce"}
    assert {k: v for k, v in site.items() if k not in moved} == {k: v for k, v in local.items() if k not in moved}
    assert local["hbase.rootdir"].startswith("file:")  # the local profile's stays as it was


def test_hbase_classpath_leaves_out_servlet_api_2_5(config):
    paths = StackPaths.under(config.stack_dir)
    lib = paths.jars("hbase")
    lib.mkdir(parents=True)
    for name in ("hbase-server-2.6.1.jar", "servlet-api-2.5.jar", "javax.servlet-api-3.1.0.jar"):
        (lib / name).write_bytes(b"")
    classpath = cluster_conf.hbase_classpath(paths).split(":")
    assert classpath[0] == str(paths.conf / "hbase")
    assert [Path(entry).name for entry in classpath[1:]] == ["hbase-server-2.6.1.jar", "javax.servlet-api-3.1.0.jar"]


def write_launcher(paths: StackPaths, **options) -> str:
    jar = paths.jars("hadoop") / "hadoop-streaming-3.4.2.jar"
    jar.parent.mkdir(parents=True, exist_ok=True)
    jar.write_bytes(b"")
    return hadoop.write_launcher(paths, Path("/usr/bin/java"), [jar], **options).read_text()


def test_the_cluster_launcher_uses_the_cluster_client_configuration(config):
    paths = StackPaths.under(config.stack_dir)
    paths.make_dirs()
    script = write_launcher(paths, **cluster_conf.launcher_options(paths))
    assert "CP='%s:%s/*'" % (paths.conf / "hadoop-cluster", paths.jars("hadoop")) in script
    assert "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true" in script
    assert "Hadoop 3.4.2 on the stack's HDFS and YARN" in script


def test_the_local_launcher_keeps_its_local_configuration(config):
    paths = StackPaths.under(config.stack_dir)
    paths.make_dirs()
    script = write_launcher(paths)
    assert "CP='%s:%s/*'" % (paths.conf / "hadoop", paths.jars("hadoop")) in script
    assert "TieredStopAtLevel" not in script and "-Xmx1g" in script
    assert "Hadoop 3.4.2 in local mode" in script


def test_client_summary_names_the_file_system_and_the_resourcemanager(config):
    lines = cluster_conf.client_summary(config)
    assert lines[0].startswith("filesystem      hdfs://127.0.0.1:28020 (fs.defaultFS")
    assert lines[1] == "resourcemanager 127.0.0.1:28032 (web http://127.0.0.1:28088)"
