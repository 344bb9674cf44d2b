"""Readiness of the Hadoop daemons, probed over HTTP against a fake with Hadoop's answers.

What each probe must prove: the NameNode is active and takes RPC
connections; the DataNode's own block-pool actor runs and the NameNode is
out of safe mode with a live DataNode; the ResourceManager is STARTED and
ACTIVE; this NodeManager is RUNNING at the ResourceManager since it started.
"""

from __future__ import annotations

import json
import socket

import pytest

from stack.cluster import probes
from tests.unit.fake_hadoop_http import FakeHadoopHTTP

NN_STATUS = "Hadoop:service=NameNode,name=NameNodeStatus"
NN_INFO = "Hadoop:service=NameNode,name=NameNodeInfo"
NN_FS = "Hadoop:service=NameNode,name=FSNamesystemState"
DN_INFO = "Hadoop:service=DataNode,name=DataNodeInfo"


@pytest.fixture
def fake():
    with FakeHadoopHTTP() as server:
        yield server


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy_hdfs(fake, actor_state="RUNNING", safemode="", fs_state="Operational", live=1):
    fake.jmx(NN_STATUS, {"State": "active"})
    fake.jmx(NN_INFO, {"Safemode": safemode})
    fake.jmx(NN_FS, {"FSState": fs_state, "NumLiveDataNodes": live})
    actors = [{"NamenodeAddress": "127.0.0.1:8020", "ActorState": actor_state}]
    fake.jmx(DN_INFO, {"BPServiceActorInfo": json.dumps(actors)})


# --- NameNode ---


def test_namenode_is_ready_when_active_and_its_rpc_port_is_open(fake):
    healthy_hdfs(fake)
    result = probes.probe_namenode("127.0.0.1", fake.port, fake.port)
    assert result.ready, result.detail
    assert result.detail == "active, out of safe mode"


def test_namenode_in_safe_mode_still_answers_and_says_so(fake):
    healthy_hdfs(fake, safemode="Safe mode is ON. The reported blocks 0 needs additional 3 blocks.")
    result = probes.probe_namenode("127.0.0.1", fake.port, fake.port)
    assert result.ready
    assert "in safe mode" in result.detail


def test_standby_namenode_is_not_ready(fake):
    healthy_hdfs(fake)
    fake.jmx(NN_STATUS, {"State": "standby"})
    result = probes.probe_namenode("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "standby" in result.detail


def test_namenode_without_its_beans_yet_is_not_ready(fake):
    fake.jmx(NN_STATUS, None)
    result = probes.probe_namenode("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "no bean" in result.detail


def test_namenode_whose_rpc_port_is_closed_is_not_ready(fake):
    healthy_hdfs(fake)
    port = closed_port()
    result = probes.probe_namenode("127.0.0.1", port, fake.port)
    assert not result
    assert "RPC port %d" % port in result.detail


def test_unreachable_namenode_is_not_ready():
    result = probes.probe_namenode("127.0.0.1", closed_port(), closed_port())
    assert not result
    assert "no answer from http://127.0.0.1:" in result.detail


# --- DataNode: its own actor, and HDFS taking writes ---


def test_datanode_is_ready_when_its_actor_runs_and_hdfs_is_out_of_safe_mode(fake):
    healthy_hdfs(fake)
    result = probes.probe_datanode("127.0.0.1", fake.port, fake.port)
    assert result.ready, result.detail
    assert "block pool RUNNING" in result.detail and "1 live DataNode" in result.detail


def test_datanode_still_connecting_is_not_ready_even_if_the_namenode_counts_it_live(fake):
    # A killed DataNode stays "live" at the NameNode for minutes: its own word decides.
    healthy_hdfs(fake, actor_state="CONNECTING", live=1)
    result = probes.probe_datanode("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "not RUNNING yet (CONNECTING)" in result.detail


def test_datanode_without_actors_is_not_ready(fake):
    healthy_hdfs(fake)
    fake.jmx(DN_INFO, {"BPServiceActorInfo": "[]"})
    result = probes.probe_datanode("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "no actor" in result.detail


def test_hdfs_in_safe_mode_is_not_ready(fake):
    healthy_hdfs(fake, safemode="Safe mode is ON.")
    result = probes.probe_datanode("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "safe mode" in result.detail


def test_hdfs_without_a_live_datanode_is_not_ready(fake):
    healthy_hdfs(fake, live=0)
    result = probes.probe_datanode("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "no live DataNode" in result.detail


def test_hdfs_not_operational_is_not_ready(fake):
    healthy_hdfs(fake, fs_state="safeMode")
    result = probes.probe_datanode("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "'safeMode'" in result.detail


def test_garbled_actor_info_is_not_ready(fake):
    healthy_hdfs(fake)
    fake.jmx(DN_INFO, {"BPServiceActorInfo": "not json"})
    assert not probes.probe_datanode("127.0.0.1", fake.port, fake.port)


# --- ResourceManager ---


def cluster_info(state="STARTED", ha="ACTIVE"):
    return (200, {"clusterInfo": {"state": state, "haState": ha}})


def test_resourcemanager_started_and_active_is_ready(fake):
    fake.routes["/ws/v1/cluster/info"] = cluster_info()
    result = probes.probe_resourcemanager("127.0.0.1", fake.port, fake.port)
    assert result.ready, result.detail


@pytest.mark.parametrize("state, ha", [("INITED", "ACTIVE"), ("STARTED", "STANDBY"), (None, None)])
def test_resourcemanager_not_started_or_not_active_is_not_ready(fake, state, ha):
    fake.routes["/ws/v1/cluster/info"] = cluster_info(state, ha)
    result = probes.probe_resourcemanager("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "not STARTED/ACTIVE" in result.detail


def test_resourcemanager_whose_client_port_is_closed_is_not_ready(fake):
    fake.routes["/ws/v1/cluster/info"] = cluster_info()
    assert not probes.probe_resourcemanager("127.0.0.1", closed_port(), fake.port)


# --- NodeManager: RUNNING at the ResourceManager since it started ---


def node_manager(fake, state="RUNNING", health_update=2000, started=1000, node_id="localhost:8041"):
    fake.routes["/ws/v1/node/info"] = (200, {"nodeInfo": {"id": "localhost:8041", "nmStartupTime": started}})
    nodes = [{"id": node_id, "state": state, "lastHealthUpdate": health_update,
              "availMemoryMB": 4096, "availableVirtualCores": 4}]
    fake.routes["/ws/v1/cluster/nodes"] = (200, {"nodes": {"node": nodes}})


def test_nodemanager_running_at_the_resourcemanager_is_ready(fake):
    node_manager(fake)
    result = probes.probe_nodemanager("127.0.0.1", fake.port, fake.port)
    assert result.ready, result.detail
    assert result.detail.startswith("localhost:8041 RUNNING at the ResourceManager, 4096 MB")


def test_restarted_nodemanager_is_not_ready_on_the_previous_registration(fake):
    node_manager(fake, health_update=900, started=1000)
    result = probes.probe_nodemanager("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "predates this NodeManager" in result.detail


@pytest.mark.parametrize("state", ["NEW", "UNHEALTHY", "LOST", "SHUTDOWN"])
def test_nodemanager_not_running_at_the_resourcemanager_is_not_ready(fake, state):
    node_manager(fake, state=state)
    result = probes.probe_nodemanager("127.0.0.1", fake.port, fake.port)
    assert not result
    assert state in result.detail


def test_unregistered_nodemanager_is_not_ready(fake):
    node_manager(fake, node_id="otherhost:8041")
    result = probes.probe_nodemanager("127.0.0.1", fake.port, fake.port)
    assert not result
    assert "not registered" in result.detail


def test_resourcemanager_without_nodes_is_not_ready(fake):
    node_manager(fake)
    fake.routes["/ws/v1/cluster/nodes"] = (200, {"nodes": None})
    assert not probes.probe_nodemanager("127.0.0.1", fake.port, fake.port)


# --- the HTTP layer ---


def test_http_error_is_unanswered(fake):
    fake.routes["/ws/v1/cluster/info"] = (500, {"x": 1})
    with pytest.raises(probes.Unanswered, match="HTTP 500"):
        probes.get_json("http://127.0.0.1:%d/ws/v1/cluster/info" % fake.port)


def test_non_json_is_unanswered(fake):
    fake.routes["/ws/v1/cluster/info"] = (200, b"<html>starting</html>")
    with pytest.raises(probes.Unanswered, match="did not answer JSON"):
        probes.get_json("http://127.0.0.1:%d/ws/v1/cluster/info" % fake.port)


def test_json_that_is_not_an_object_is_unanswered(fake):
    fake.routes["/ws/v1/cluster/info"] = (200, [1, 2])
    with pytest.raises(probes.Unanswered, match="not .*a JSON object"):
        probes.get_json("http://127.0.0.1:%d/ws/v1/cluster/info" % fake.port)


def test_probes_ask_for_json(fake):
    fake.routes["/ws/v1/cluster/info"] = cluster_info()
    probes.probe_resourcemanager("127.0.0.1", fake.port, fake.port)
    assert fake.requests == [("GET", "/ws/v1/cluster/info")]
    assert fake.accepts == ["application/json"]
