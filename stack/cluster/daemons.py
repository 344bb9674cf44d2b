"""The four Hadoop daemons of the cluster profile as stack services.

Each is ``java <heap> <flags> -cp CONF:LIB/* <main class>`` with the
configuration folder of ``stack.cluster.conf`` and the ``hadoop-cluster``
jars; its log4j output goes to stderr, which ``stack.process`` appends to
``logs/<daemon>.log``. Start order is ``DAEMONS``; the NameNode's metadata
folder is formatted once, before its first start.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from stack.cluster import probes
from stack.cluster.conf import FAST_START_FLAGS
from stack.cluster.layout import ClusterLayout
from stack.config import StackConfig
from stack.errors import StackError
from stack.paths import StackPaths
from stack.services import Service

DAEMONS = ("namenode", "datanode", "resourcemanager", "nodemanager")

MAIN_CLASSES = {
    "namenode": "org.apache.hadoop.hdfs.server.namenode.NameNode",
    "datanode": "org.apache.hadoop.hdfs.server.datanode.DataNode",
    "resourcemanager": "org.apache.hadoop.yarn.server.resourcemanager.ResourceManager",
    "nodemanager": "org.apache.hadoop.yarn.server.nodemanager.NodeManager",
}

# proved on JDK 17: Guice in the YARN web apps reflects into java.lang; the
# ResourceManager exits 255 (InaccessibleObjectException) without it.
_YARN_FLAGS = ("--add-opens=java.base/java.lang=ALL-UNNAMED",)

# Written into the formatted NameNode's VERSION; a fixed id lets an existing
# DataNode folder join a freshly formatted NameNode.
CLUSTER_ID = "kickback"


def daemon_argv(name: str, heap: str, layout: ClusterLayout, java: Path, *args: str) -> tuple[str, ...]:
    """The java command line of daemon ``name`` (``args`` go to its main class)."""
    flags = _YARN_FLAGS if name in ("resourcemanager", "nodemanager") else ()
    return (
        str(java), "-Xmx" + heap, *flags, *FAST_START_FLAGS,
        "-Djava.net.preferIPv4Stack=true",
        "-Dproc_%s" % name,
        "-Dhadoop.home.dir=%s" % layout.paths.root,
        "-Dhadoop.log.dir=%s" % layout.paths.logs,
        "-Dhadoop.log.file=%s.log" % name,
        "-Dhadoop.root.logger=INFO,console",
        "-cp", "%s:%s/*" % (layout.conf, layout.jars),
        MAIN_CLASSES[name], *args,
    )


def ports(config: StackConfig) -> dict[str, tuple[int, ...]]:
    """The ports each daemon binds, as pinned by the configuration."""
    return {
        "namenode": (config.hdfs_port, config.hdfs_http_port),
        "datanode": (config.hdfs_datanode_port, config.hdfs_datanode_http_port,
                     config.hdfs_datanode_ipc_port, config.hdfs_datanode_proxy_port),
        "resourcemanager": (config.yarn_port, config.yarn_scheduler_port, config.yarn_tracker_port,
                            config.yarn_admin_port, config.yarn_web_port),
        "nodemanager": (config.yarn_nodemanager_port, config.yarn_localizer_port,
                        config.yarn_nodemanager_web_port, config.mapreduce_shuffle_port),
    }


def heaps(config: StackConfig) -> dict[str, str]:
    """Each daemon's -Xmx."""
    return {
        "namenode": config.namenode_heap,
        "datanode": config.datanode_heap,
        "resourcemanager": config.resourcemanager_heap,
        "nodemanager": config.nodemanager_heap,
    }


def _endpoints(config: StackConfig) -> dict[str, str]:
    return {
        "namenode": "%s, web/webhdfs http://127.0.0.1:%d" % (config.hdfs_uri, config.hdfs_http_port),
        "datanode": "127.0.0.1:%d, web :%d, ipc :%d"
        % (config.hdfs_datanode_port, config.hdfs_datanode_http_port, config.hdfs_datanode_ipc_port),
        "resourcemanager": "127.0.0.1:%d, web http://127.0.0.1:%d (scheduler :%d, tracker :%d, admin :%d)"
        % (config.yarn_port, config.yarn_web_port, config.yarn_scheduler_port,
           config.yarn_tracker_port, config.yarn_admin_port),
        "nodemanager": "127.0.0.1:%d, web :%d, localizer :%d, shuffle :%d (%d MB, %d vcores)"
        % (config.yarn_nodemanager_port, config.yarn_nodemanager_web_port, config.yarn_localizer_port,
           config.mapreduce_shuffle_port, config.yarn_nodemanager_memory_mb,
           config.yarn_nodemanager_vcores),
    }


def _probes(config: StackConfig) -> dict:
    return {
        "namenode": lambda: probes.probe_namenode("127.0.0.1", config.hdfs_port, config.hdfs_http_port),
        "datanode": lambda: probes.probe_datanode(
            "127.0.0.1", config.hdfs_http_port, config.hdfs_datanode_http_port),
        "resourcemanager": lambda: probes.probe_resourcemanager(
            "127.0.0.1", config.yarn_port, config.yarn_web_port),
        "nodemanager": lambda: probes.probe_nodemanager(
            "127.0.0.1", config.yarn_web_port, config.yarn_nodemanager_web_port),
    }


def define(config: StackConfig, paths: StackPaths, java: Path) -> dict[str, Service]:
    """The four daemons, in start order."""
    layout = ClusterLayout(paths)
    endpoints, bound, heap, probe = _endpoints(config), ports(config), heaps(config), _probes(config)
    # The NodeManager hands JAVA_HOME to containers: the AM runs $JAVA_HOME/bin/java.
    env = {"JAVA_HOME": str(java.resolve().parent.parent)}
    return {
        name: Service(
            name=name,
            endpoint=endpoints[name],
            ports=bound[name],
            argv=daemon_argv(name, heap[name], layout, java),
            probe=probe[name],
            env=dict(env),
        )
        for name in DAEMONS
    }


def check_ports(config: StackConfig, others: dict[str, tuple[int, ...]]) -> None:
    """Fail with one line if two services of the stack would bind the same port."""
    seen: dict[int, str] = {}
    for name, numbers in {**others, **ports(config)}.items():
        for port in numbers:
            if port in seen and seen[port] != name:
                raise StackError("port %d is set for both %s and %s: give each its own port setting"
                                 % (port, seen[port], name))
            seen.setdefault(port, name)


def format_namenode(config: StackConfig, paths: StackPaths, java: Path) -> bool:
    """Format the NameNode's metadata folder unless it holds one; return whether it did."""
    layout = ClusterLayout(paths)
    if layout.formatted_marker.exists():
        return False
    log = paths.log_file("namenode")
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = daemon_argv("namenode", config.namenode_heap, layout, java,
                       "-format", "-nonInteractive", "-clusterId", CLUSTER_ID)
    with open(log, "ab") as out:
        try:
            result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    timeout=config.start_timeout_s, check=False, cwd=str(paths.run))
        except subprocess.TimeoutExpired:
            raise StackError("formatting HDFS (%s) took over %d s; see %s"
                             % (layout.name_dir, config.start_timeout_s, log)) from None
    if result.returncode != 0 or not layout.formatted_marker.exists():
        raise StackError("formatting HDFS (%s) failed (exit %d); see %s"
                         % (layout.name_dir, result.returncode, log))
    return True
