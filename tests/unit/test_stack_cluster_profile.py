"""Profile selection, the guard against switching profiles under running services, and ``down``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kickback.commands.stack import stack_config
from stack import conf, control, jars, process, profile
from stack.cluster import conf as cluster_conf
from stack.cluster.layout import ClusterLayout
from stack.errors import StackError
from stack.paths import StackPaths


@pytest.fixture
def local(tmp_settings):
    return stack_config(tmp_settings)


@pytest.fixture
def cluster(tmp_settings):
    return stack_config(tmp_settings.replace(stack_profile="cluster"))


@pytest.fixture
def paths(tmp_settings):
    stack = StackPaths.under(tmp_settings.stack_dir)
    stack.make_dirs()
    return stack


def pretend_running(paths: StackPaths, *names: str) -> None:
    """Record this test's own (running) process as the given services."""
    for name in names:
        paths.pid_file(name).write_text("%d\n" % os.getpid())


def test_the_default_profile_is_local(local):
    assert local.stack_profile == "local"
    assert not profile.is_cluster(local)


def test_only_the_cluster_profile_resolves_the_daemons_jars(local, cluster):
    assert profile.bundles(local, jars.BUNDLES) == ("hbase", "hadoop", "hive")
    assert profile.bundles(cluster, jars.BUNDLES) == ("hbase", "hadoop", "hive", "hadoop-cluster")
    assert (Path(jars.__file__).parent / "maven" / "hadoop-cluster" / "pom.xml").is_file()


def test_nothing_running_lets_either_profile_start(local, cluster, paths):
    profile.check_switch(local, paths)
    profile.check_switch(cluster, paths)


def test_cluster_up_is_refused_while_the_local_profile_runs(cluster, paths):
    pretend_running(paths, "hbase", "thrift")
    (paths.run / "profile").write_text("local\n")
    with pytest.raises(StackError) as error:
        profile.check_switch(cluster, paths)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("the local profile of the stack in %s is running (" % paths.root)
    assert "hbase pid %d" % os.getpid() in message
    assert "run `kickback stack down` first" in message and "KICKBACK_STACK_PROFILE=cluster" in message


def test_local_up_is_refused_while_the_cluster_profile_runs(local, paths):
    pretend_running(paths, "namenode")
    (paths.run / "profile").write_text("cluster\n")
    with pytest.raises(StackError, match="the cluster profile .* run `kickback stack down` first"):
        profile.check_switch(local, paths)


def test_the_same_profile_may_start_again(local, cluster, paths):
    pretend_running(paths, "hbase")
    (paths.run / "profile").write_text("cluster\n")
    profile.check_switch(cluster, paths)


def test_a_stack_started_before_profiles_were_recorded_is_told_by_hbases_root_dir(local, cluster, paths):
    pretend_running(paths, "hbase")
    conf.render_all(local, paths)  # HBase on the local file system, as today's stack writes it
    assert profile.running_profile(paths) == "local"
    with pytest.raises(StackError, match="the local profile"):
        profile.check_switch(cluster, paths)
    site = cluster_conf.hbase_on_hdfs(cluster, ClusterLayout(paths), conf.hbase_site(cluster, paths))
    conf.render_all(cluster, paths, site)
    assert profile.running_profile(paths) == "cluster"


def test_a_running_hadoop_daemon_means_the_cluster_profile(paths):
    pretend_running(paths, "datanode")
    assert profile.running_profile(paths) == "cluster"


def test_dead_pids_do_not_count(cluster, paths):
    paths.pid_file("hbase").write_text("999999999\n")
    (paths.run / "profile").write_text("local\n")
    assert profile.running_profile(paths) is None
    profile.check_switch(cluster, paths)


def test_down_stops_every_recorded_service_hbase_before_hdfs_and_forgets_the_profile(local, paths):
    """Whatever the settings' profile, ``down`` stops exactly what was recorded, newest first."""
    started = {}
    for name in ("namenode", "datanode", "resourcemanager", "nodemanager", "hbase", "thrift", "api"):
        started[name] = process.start_detached(
            [sys.executable, "-c", "import time; time.sleep(120)"], paths.log_file(name), paths.pid_file(name))
    bystander = process.start_detached(
        [sys.executable, "-c", "import time; time.sleep(120)"], paths.logs / "other.log", paths.root / "other.pid")
    (paths.run / "profile").write_text("cluster\n")
    try:
        stopped = control.down(local, say=lambda line: None)
        # The API first: it reads HBase.
        assert stopped == ["api", "thrift", "hbase", "nodemanager", "resourcemanager", "datanode", "namenode"]
        assert [name for name, pid in started.items() if process.is_alive(pid)] == []
        assert process.is_alive(bystander)
        assert not (paths.run / "profile").exists()
    finally:
        process.stop(paths.root / "other.pid", grace_s=5)


def test_prepare_renders_the_settings_profile_and_switches_back_cleanly(local, cluster, paths, mocker):
    mocker.patch("stack.control.find_java", return_value=Path(sys.executable))
    mocker.patch("stack.control.check_java")
    resolved = []

    def fake_jars(stack_paths, bundle):
        resolved.append(bundle)
        folder = stack_paths.jars(bundle)
        folder.mkdir(parents=True, exist_ok=True)
        jar = folder / ("hadoop-streaming-3.4.2.jar" if bundle == "hadoop" else "%s.jar" % bundle)
        jar.write_bytes(b"")
        return [jar]

    mocker.patch("stack.jars.ensure_jars", side_effect=fake_jars)
    hbase_site = paths.conf / "hbase" / "hbase-site.xml"

    control.prepare(cluster, say=lambda line: None)
    assert resolved == ["hbase", "hadoop", "hive", "hadoop-cluster"]
    assert profile.hbase_rootdir(paths) == "hdfs://127.0.0.1:8020/hbase"
    assert (paths.conf / "hbase" / "hdfs-site.xml").exists()
    assert "conf/hadoop-cluster:" in paths.hadoop_bin.read_text()

    resolved.clear()
    control.prepare(local, say=lambda line: None)
    assert resolved == ["hbase", "hadoop", "hive"]
    assert profile.hbase_rootdir(paths).startswith("file:")
    assert not (paths.conf / "hbase" / "hdfs-site.xml").exists()
    assert "conf/hadoop:" in paths.hadoop_bin.read_text()
    assert "hbase.unsafe.stream.capability.enforce" in hbase_site.read_text()
