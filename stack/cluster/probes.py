"""Readiness of the Hadoop daemons, asked over HTTP (JMX and REST), no JVM.

Each probe answers ``Readiness`` and is true only when what it names holds:

- namenode: its JMX says the NameNode is ``active`` (image loaded) and its
  RPC port accepts connections; safe mode is reported, not required (the
  NameNode leaves it only once a DataNode has reported its blocks).
- datanode: the DataNode itself reports its block-pool actor ``RUNNING``
  (the NameNode keeps a killed DataNode "live" for about 10 minutes, so its
  count alone proves nothing about a restarted one), and the NameNode is out
  of safe mode, ``Operational``, with at least one live DataNode: HDFS takes
  writes.
- resourcemanager: ``/ws/v1/cluster/info`` says ``STARTED`` and ``ACTIVE``.
- nodemanager: the NodeManager's own id is ``RUNNING`` in the
  ResourceManager's ``/ws/v1/cluster/nodes`` with a health report newer than
  the NodeManager's start (the ResourceManager keeps a stopped node's entry).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from stack.process import port_open
from stack.services import Readiness

_TIMEOUT_S = 3.0


class Unanswered(Exception):
    """An endpoint did not give a usable answer; the message says why."""


def get_json(url: str, timeout_s: float = _TIMEOUT_S) -> dict[str, Any]:
    """The JSON object at ``url``; ``Unanswered`` when there is none."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            document = json.load(response)
    except urllib.error.HTTPError as exc:
        raise Unanswered("%s answered HTTP %d" % (url, exc.code)) from None
    except (urllib.error.URLError, OSError) as exc:
        why = getattr(exc, "reason", None) or exc
        raise Unanswered("no answer from %s (%s)" % (url, why)) from None
    except ValueError:
        raise Unanswered("%s did not answer JSON" % url) from None
    if not isinstance(document, dict):
        raise Unanswered("%s did not answer a JSON object" % url)
    return document


def jmx_bean(base_url: str, query: str) -> dict[str, Any]:
    """The one JMX bean ``query`` names, from a Hadoop daemon's ``/jmx`` servlet."""
    url = "%s/jmx?qry=%s" % (base_url, query)
    beans = get_json(url).get("beans") or []
    if not beans:
        raise Unanswered("%s has no bean %s yet" % (base_url, query))
    return beans[0]


def _http(host: str, port: int) -> str:
    return "http://%s:%d" % ("[%s]" % host if ":" in host else host, port)


_NN = "Hadoop:service=NameNode,name="
_DN_INFO = "Hadoop:service=DataNode,name=DataNodeInfo"


def probe_namenode(host: str, rpc_port: int, http_port: int) -> Readiness:
    """Whether the NameNode is active and takes RPC connections (safe mode is reported)."""
    base = _http(host, http_port)
    try:
        state = jmx_bean(base, _NN + "NameNodeStatus").get("State")
        safemode = jmx_bean(base, _NN + "NameNodeInfo").get("Safemode", "")
    except Unanswered as exc:
        return Readiness(False, str(exc))
    if state != "active":
        return Readiness(False, "NameNode state is %r, not active" % state)
    if not port_open(host, rpc_port):
        return Readiness(False, "NameNode RPC port %d not open yet" % rpc_port)
    return Readiness(True, "active, %s" % ("in safe mode" if safemode else "out of safe mode"))


def probe_datanode(nn_host: str, nn_http_port: int, dn_http_port: int) -> Readiness:
    """Whether the DataNode's block pool runs and HDFS takes writes (out of safe mode, a live DataNode)."""
    try:
        info = jmx_bean(_http("127.0.0.1", dn_http_port), _DN_INFO)
        actors = json.loads(info.get("BPServiceActorInfo") or "[]")
    except Unanswered as exc:
        return Readiness(False, str(exc))
    except ValueError:
        return Readiness(False, "DataNode's BPServiceActorInfo is not JSON")
    states = [actor.get("ActorState") for actor in actors]
    if "RUNNING" not in states:
        return Readiness(False, "DataNode block-pool actor not RUNNING yet (%s)"
                         % (", ".join(map(str, states)) or "no actor"))
    base = _http(nn_host, nn_http_port)
    try:
        safemode = jmx_bean(base, _NN + "NameNodeInfo").get("Safemode", "")
        fs_state = jmx_bean(base, _NN + "FSNamesystemState")
    except Unanswered as exc:
        return Readiness(False, str(exc))
    if safemode:
        return Readiness(False, "NameNode in safe mode: %s" % " ".join(str(safemode).split())[:200])
    if fs_state.get("FSState") != "Operational":
        return Readiness(False, "NameNode file system state is %r" % fs_state.get("FSState"))
    live = fs_state.get("NumLiveDataNodes", 0)
    if live < 1:
        return Readiness(False, "NameNode counts no live DataNode yet")
    return Readiness(True, "block pool RUNNING; NameNode out of safe mode with %d live DataNode%s"
                     % (live, "" if live == 1 else "s"))


def probe_resourcemanager(host: str, rpc_port: int, web_port: int) -> Readiness:
    """Whether the ResourceManager is started, active and takes client connections."""
    try:
        info = get_json(_http(host, web_port) + "/ws/v1/cluster/info").get("clusterInfo") or {}
    except Unanswered as exc:
        return Readiness(False, str(exc))
    state, ha = info.get("state"), info.get("haState")
    if state != "STARTED" or ha != "ACTIVE":
        return Readiness(False, "ResourceManager is %s/%s, not STARTED/ACTIVE" % (state, ha))
    if not port_open(host, rpc_port):
        return Readiness(False, "ResourceManager port %d not open yet" % rpc_port)
    return Readiness(True, "STARTED, ACTIVE")


def probe_nodemanager(rm_host: str, rm_web_port: int, nm_web_port: int) -> Readiness:
    """Whether this NodeManager is RUNNING at the ResourceManager since it started."""
    try:
        me = get_json(_http("127.0.0.1", nm_web_port) + "/ws/v1/node/info").get("nodeInfo") or {}
        nodes = get_json(_http(rm_host, rm_web_port) + "/ws/v1/cluster/nodes").get("nodes") or {}
    except Unanswered as exc:
        return Readiness(False, str(exc))
    node_id, started = me.get("id"), me.get("nmStartupTime", 0)
    if not node_id:
        return Readiness(False, "NodeManager does not report its id yet")
    for node in nodes.get("node") or []:
        if node.get("id") != node_id:
            continue
        if node.get("state") != "RUNNING":
            return Readiness(False, "NodeManager %s is %s at the ResourceManager" % (node_id, node.get("state")))
        if node.get("lastHealthUpdate", 0) < started:
            return Readiness(False, "the ResourceManager's entry for %s predates this NodeManager" % node_id)
        return Readiness(True, "%s RUNNING at the ResourceManager, %s MB and %s vcores free"
                         % (node_id, node.get("availMemoryMB", "?"), node.get("availableVirtualCores", "?")))
    return Readiness(False, "NodeManager %s not registered with the ResourceManager yet" % node_id)
