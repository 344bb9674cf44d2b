"""The stack's cluster profile against the real Hadoop 3.4.2 daemons.

A session fixture brings the cluster profile up with the settings it is
given (``cluster_settings``: the environment's ``KICKBACK_*``, so a test
session chooses the var dir and every port) and stops it at the end if it
started it (``KICKBACK_KEEP_STACK=1`` keeps it). The tests check that
readiness means what it says: a file written through WebHDFS reads back,
the project's folders exist, the NodeManager is RUNNING at the
ResourceManager, HBase keeps its root dir in HDFS; ``status`` names the file
system and the ResourceManager; the other profile is refused while this one
runs; ``down`` stops exactly the stack's processes. Nothing is submitted to
YARN here.

These tests start about ten JVMs: they run only when selected with
``-m cluster`` (a plain ``pytest`` or ``make test`` skips them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest_cluster import ClusterStack

from kickback.commands.stack import stack_config, stack_group
from stack import control, process, profile
from stack.cluster import DAEMONS, ClusterLayout, hadoop_user
from stack.cluster.daemons import ports as daemon_ports
from stack.errors import StackError

pytestmark = pytest.mark.cluster


def _pids(stack: ClusterStack) -> dict[str, int | None]:
    return {name: process.running_pid(stack.paths.pid_file(name)) for name in stack.services}


def test_every_service_of_the_profile_answers(cluster_stack):
    rows = control.status(stack_config(cluster_stack.settings))
    names = [row.name for row in rows]
    assert names[:4] == list(DAEMONS) and names[-1] == "hadoop"
    assert {"hbase", "thrift", "hive"} <= set(names)
    assert [(row.name, row.detail) for row in rows if not row.answers] == []
    assert all(_pids(cluster_stack).values())


def test_a_file_written_through_webhdfs_reads_back(cluster_stack):
    path = "/tmp/kickback-stack-test-%s.txt" % uuid.uuid4().hex[:8]
    body = ("written through WebHDFS %s\n" % uuid.uuid4().hex).encode() * 100
    # The NameNode names the DataNode to write to (noredirect: as JSON, not a 307).
    create = urllib.request.Request(cluster_stack.webhdfs(path, "CREATE", noredirect="true"), method="PUT",
                                    data=b"")
    with urllib.request.urlopen(create, timeout=10) as response:
        location = json.load(response)["Location"]
    assert location.startswith("http://127.0.0.1:%d/" % cluster_stack.settings.hdfs_datanode_http_port)
    write = urllib.request.Request(location, method="PUT", data=body,
                                   headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(write, timeout=30) as response:
        assert response.status == 201
    try:
        with urllib.request.urlopen(cluster_stack.webhdfs(path, "OPEN"), timeout=30) as response:
            assert response.read() == body
        with urllib.request.urlopen(cluster_stack.webhdfs(path, "GETFILESTATUS"), timeout=10) as response:
            status = json.load(response)["FileStatus"]
        assert (status["length"], status["replication"]) == (len(body), 1)
    finally:
        delete = urllib.request.Request(cluster_stack.webhdfs(path, "DELETE"), method="DELETE")
        with urllib.request.urlopen(delete, timeout=10) as response:
            assert json.load(response) == {"boolean": True}


def test_the_projects_folders_exist_and_tmp_is_world_writable_and_sticky(cluster_stack):
    def status(path):
        with urllib.request.urlopen(cluster_stack.webhdfs(path, "GETFILESTATUS"), timeout=10) as response:
            return json.load(response)["FileStatus"]

    assert status("/tmp")["permission"] == "1777"
    for path in ("/kickback", "/user/%s" % hadoop_user()):
        assert status(path)["type"] == "DIRECTORY"


def test_the_nodemanager_is_running_at_the_resourcemanager(cluster_stack):
    settings = cluster_stack.settings
    assert cluster_stack.rest(settings.yarn_web_port, "/ws/v1/cluster/info")["clusterInfo"]["state"] == "STARTED"
    nodes = cluster_stack.rest(settings.yarn_web_port, "/ws/v1/cluster/nodes")["nodes"]["node"]
    running = [node for node in nodes if node["state"] == "RUNNING"]
    assert len(running) == 1
    assert running[0]["nodeHTTPAddress"].endswith(":%d" % settings.yarn_nodemanager_web_port)
    # Containers of the jobs run before this test may still be winding down.
    node = running[0]
    assert node["availMemoryMB"] + node["usedMemoryMB"] == settings.yarn_nodemanager_memory_mb


def test_hbase_keeps_its_root_dir_in_hdfs(cluster_stack):
    # The Thrift probe's table, created through HBase, lives in HDFS.
    table = "/hbase/data/default/kickback_stack_probe"
    with urllib.request.urlopen(cluster_stack.webhdfs(table, "GETFILESTATUS"), timeout=10) as response:
        assert json.load(response)["FileStatus"]["type"] == "DIRECTORY"
    assert profile.hbase_rootdir(cluster_stack.paths) == cluster_stack.settings.hdfs_uri + "/hbase"
    for name in ("hbase", "thrift"):
        pid = process.running_pid(cluster_stack.paths.pid_file(name))
        cmdline = Path("/proc/%d/cmdline" % pid).read_bytes()
        assert b"hbase-server-" in cmdline and b"servlet-api-2.5.jar" not in cmdline


def test_the_hadoop_launcher_talks_to_hdfs(cluster_stack):
    result = subprocess.run([str(cluster_stack.paths.hadoop_bin), "fs", "-ls", "/"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert " /kickback\n" in result.stdout and " /hbase\n" in result.stdout
    launcher = cluster_stack.paths.hadoop_bin.read_text()
    assert str(ClusterLayout(cluster_stack.paths).conf) in launcher


def test_status_prints_the_file_system_and_the_resourcemanager(cluster_stack):
    settings = cluster_stack.settings
    result = CliRunner().invoke(stack_group, ["status"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "filesystem      hdfs://127.0.0.1:%d (fs.defaultFS" % settings.hdfs_port in result.output
    assert ("resourcemanager 127.0.0.1:%d (web http://127.0.0.1:%d)"
            % (settings.yarn_port, settings.yarn_web_port)) in result.output
    for name in DAEMONS:
        assert any(line.startswith(name) and " answers " in line for line in result.output.splitlines())


def test_up_again_leaves_everything_as_it_is(cluster_stack):
    version = ClusterLayout(cluster_stack.paths).formatted_marker
    before, formatted = _pids(cluster_stack), version.read_text()
    lines = []
    control.up(stack_config(cluster_stack.settings), say=lines.append)
    assert _pids(cluster_stack) == before
    assert version.read_text() == formatted
    assert not any(line.startswith(("formatted", "started")) for line in lines)


def test_the_local_profile_is_refused_while_the_cluster_profile_runs(cluster_stack):
    before = _pids(cluster_stack)
    with pytest.raises(StackError, match="the cluster profile .* is running .* run `kickback stack down` first"):
        control.up(stack_config(cluster_stack.settings.replace(stack_profile="local")))
    assert _pids(cluster_stack) == before
    assert profile.hbase_rootdir(cluster_stack.paths).startswith("hdfs://")


@pytest.mark.stops_stack
def test_down_stops_exactly_the_stacks_processes(cluster_stack):
    """It stops the stack the session started, so it runs last (conftest)."""
    if not cluster_stack.started_here or os.environ.get("KICKBACK_KEEP_STACK") == "1":
        pytest.skip("the stack was running before this session (or is kept): not stopping it")
    settings = cluster_stack.settings
    pids = _pids(cluster_stack)
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
    try:
        stopped = control.down(stack_config(settings))
        assert sorted(stopped) == sorted(pids)
        # HBase and the Hive services first, then the daemons in reverse start order.
        assert stopped[-5:] == ["hbase", "nodemanager", "resourcemanager", "datanode", "namenode"]
        assert [name for name, pid in pids.items() if process.is_alive(pid)] == []
        assert [name for name in pids if cluster_stack.paths.pid_file(name).exists()] == []
        assert bystander.poll() is None
        bound = [port for ports in daemon_ports(stack_config(settings)).values() for port in ports]
        assert [port for port in bound if process.port_open("127.0.0.1", port)] == []
        # Data survives: the next `up` is a warm start, not a format.
        assert ClusterLayout(cluster_stack.paths).formatted_marker.exists()
    finally:
        bystander.kill()
        bystander.wait()
