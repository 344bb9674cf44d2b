"""The cluster profile's configuration files, rendered from the stack's ``StackConfig``.

One folder (``conf/hadoop-cluster``) serves the four daemons and their
clients (the ``hadoop`` launcher, the MapReduce application master and
tasks). Every address the daemons bind is 127.0.0.1 with a port from
the configuration; ``fs.defaultFS`` is ``StackConfig.hdfs_uri``. Keys marked
"proved" were shown necessary by removing them in the prototype
(/work/notes/hadoop-proto-report.md); the others are reasoned in place.

HBase keeps its root dir in this HDFS: ``hbase_on_hdfs`` turns the local
profile's ``hbase-site.xml`` properties into those, and ``render_all`` puts
an ``hdfs-site.xml`` beside them (HBase's own HDFS client reads it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from stack.cluster.layout import ClusterLayout
from stack.conf import site_xml, write_if_changed
from stack.config import StackConfig
from stack.java import JDK17_OPENS_BROAD
from stack.paths import StackPaths

# C1 only and the serial GC: on 2 cores JVM start is JIT-bound; measured in
# the prototype, this halves daemon start and MapReduce AM time (+40-60 MB RSS).
FAST_START_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
CLIENT_FLAGS = (*FAST_START_FLAGS, "-Djava.net.preferIPv4Stack=true")

# Container sizes: an AM of 512 MB (heap 384m) and tasks of 384 MB (heap
# 256m) fit mrjob's streaming tasks, whose Python runs outside the heap.
AM_MB, AM_HEAP = 512, "384m"
TASK_MB, TASK_HEAP = 384, "256m"
# The smallest container YARN hands out (the default 1024 would round 384 up).
MIN_ALLOCATION_MB = 128
# Share of the NodeManager's memory AMs may hold: half leaves room for tasks
# (at 1.0 AMs could fill the node and wait for tasks forever; at the default
# 0.1 a 512 MB AM on a 4 GB node waits in ACCEPTED forever).
AM_SHARE = 0.5

_LOG4J = """\
# The cluster profile's Hadoop logging (reload4j, log4j 1 syntax). Clients
# log INFO on stderr: mrjob parses "Submitted application ..." from it (at
# WARN it cannot). Daemons log the same way; their stderr is their log file
# under the stack's logs folder.
hadoop.root.logger=INFO,console
log4j.rootLogger=${hadoop.root.logger}
log4j.threshold=ALL
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.target=System.err
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %-5p %c{2}: %m%n
# Pure-Java fallbacks are expected here; the warning only alarms mrjob.
log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR
log4j.logger.org.apache.hadoop.conf.Configuration.deprecation=WARN
# One line per file operation or block otherwise: HBase's WAL alone would
# fill the daemons' logs.
log4j.logger.org.apache.hadoop.hdfs.server.namenode.FSNamesystem.audit=WARN
log4j.logger.org.apache.hadoop.hdfs.StateChange=WARN
log4j.logger.org.apache.hadoop.hdfs.server.datanode.DataNode.clienttrace=WARN
log4j.logger.org.apache.hadoop.yarn.server.resourcemanager.RMAuditLogger=WARN
log4j.logger.org.apache.hadoop.yarn.server.nodemanager.NMAuditLogger=WARN
"""


def _at(port: int) -> str:
    return "127.0.0.1:%d" % port


def core_site(config: StackConfig, layout: ClusterLayout, user: str) -> dict[str, object]:
    """The file system every daemon and client uses."""
    return {
        "fs.defaultFS": config.hdfs_uri,
        "hadoop.tmp.dir": str(layout.tmp),
        # Who the web UIs act as when no user.name is given.
        "hadoop.http.staticuser.user": user,
        # A stopped daemon fails a client in seconds, not in 10 retries.
        "ipc.client.connect.max.retries": 3,
    }


def hdfs_site(config: StackConfig, layout: ClusterLayout) -> dict[str, object]:
    """One NameNode and one DataNode, replication 1, on 127.0.0.1."""
    return {
        "dfs.namenode.name.dir": layout.name_dir.as_uri(),
        "dfs.datanode.data.dir": layout.data_dir.as_uri(),
        "dfs.replication": 1,
        "dfs.permissions.enabled": "false",
        # proved: otherwise every restart waits 30 s in safe mode.
        "dfs.namenode.safemode.extension": 0,
        "dfs.namenode.rpc-address": _at(config.hdfs_port),
        "dfs.namenode.http-address": _at(config.hdfs_http_port),
        "dfs.datanode.address": _at(config.hdfs_datanode_port),
        "dfs.datanode.http.address": _at(config.hdfs_datanode_http_port),
        "dfs.datanode.ipc.address": _at(config.hdfs_datanode_ipc_port),
        # proved: otherwise the DataNode's internal web server takes a random port.
        "dfs.datanode.http.internal-proxy.port": config.hdfs_datanode_proxy_port,
        # WebHDFS redirects to the DataNode by this name: a literal loopback IP.
        "dfs.datanode.hostname": "127.0.0.1",
        "dfs.webhdfs.enabled": "true",
        "dfs.blocksize": 134217728,
        "dfs.datanode.du.reserved": 0,
        **_block_close_keys(),
    }


def _block_close_keys() -> dict[str, object]:
    # proved: at replication 1 nearly every file close otherwise waited
    # 400 ms for the block to be reported (a small WebHDFS create 450 -> 75 ms).
    return {
        "dfs.client.block.write.locateFollowingBlock.initial.delay.ms": 20,
        "dfs.client.block.write.locateFollowingBlock.retries": 10,
    }


def yarn_site(config: StackConfig, layout: ClusterLayout) -> dict[str, object]:
    """One ResourceManager (capacity scheduler) and one NodeManager with the MapReduce shuffle."""
    return {
        "yarn.resourcemanager.hostname": "127.0.0.1",
        "yarn.resourcemanager.address": _at(config.yarn_port),
        "yarn.resourcemanager.scheduler.address": _at(config.yarn_scheduler_port),
        "yarn.resourcemanager.resource-tracker.address": _at(config.yarn_tracker_port),
        "yarn.resourcemanager.admin.address": _at(config.yarn_admin_port),
        "yarn.resourcemanager.webapp.address": _at(config.yarn_web_port),
        "yarn.resourcemanager.scheduler.class":
            "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler",
        "yarn.nodemanager.hostname": "127.0.0.1",
        # Its default is a random port.
        "yarn.nodemanager.address": _at(config.yarn_nodemanager_port),
        "yarn.nodemanager.localizer.address": _at(config.yarn_localizer_port),
        "yarn.nodemanager.webapp.address": _at(config.yarn_nodemanager_web_port),
        "yarn.nodemanager.aux-services": "mapreduce_shuffle",
        "yarn.nodemanager.aux-services.mapreduce_shuffle.class": "org.apache.hadoop.mapred.ShuffleHandler",
        "yarn.nodemanager.local-dirs": str(layout.yarn_local),
        # proved for mrjob: it reads task tracebacks from <dir>/userlogs/<app>/container_*/stderr.
        "yarn.nodemanager.log-dirs": str(layout.userlogs),
        "yarn.nodemanager.resource.memory-mb": config.yarn_nodemanager_memory_mb,
        "yarn.nodemanager.resource.cpu-vcores": config.yarn_nodemanager_vcores,
        # A streaming task's JVM plus Python peaks near 3 GB of virtual memory.
        "yarn.nodemanager.pmem-check-enabled": "false",
        "yarn.nodemanager.vmem-check-enabled": "false",
        # A nearly full disk would otherwise mark the node unhealthy (no containers).
        "yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage": 99,
        # Keep finished containers' folders 10 minutes for debugging.
        "yarn.nodemanager.delete.debug-delay-sec": 600,
        "yarn.scheduler.minimum-allocation-mb": MIN_ALLOCATION_MB,
        "yarn.scheduler.maximum-allocation-mb": config.yarn_nodemanager_memory_mb,
        "yarn.scheduler.minimum-allocation-vcores": 1,
        "yarn.scheduler.maximum-allocation-vcores": config.yarn_nodemanager_vcores,
        "yarn.timeline-service.enabled": "false",
        "yarn.log-aggregation-enable": "false",
        "yarn.resourcemanager.recovery.enabled": "false",
        "yarn.nodemanager.recovery.enabled": "false",
        "yarn.application.classpath": _application_classpath(layout),
    }


def _application_classpath(layout: ClusterLayout) -> str:
    # proved: with neither this nor mapreduce.application.classpath the AM exits 1.
    return "%s,%s/*" % (layout.conf, layout.jars)


def mapred_site(config: StackConfig, layout: ClusterLayout) -> dict[str, object]:
    """MapReduce on YARN with container sizes for this machine."""
    # The opens: a Hive job's AM and tasks run Hive's classes (Guice and
    # cglib in the AM, Kryo in the tasks), which reflect into java.base on
    # JDK 17; without them the AM of Hive's first job exits at start-up.
    am_opts = " ".join(("-Xmx" + AM_HEAP, *CLIENT_FLAGS, *JDK17_OPENS_BROAD))
    task_opts = " ".join(("-Xmx" + TASK_HEAP, *CLIENT_FLAGS, *JDK17_OPENS_BROAD))
    return {
        "mapreduce.framework.name": "yarn",
        "mapreduce.application.classpath": _application_classpath(layout),
        "yarn.app.mapreduce.am.resource.mb": AM_MB,
        "yarn.app.mapreduce.am.command-opts": am_opts,
        "mapreduce.map.memory.mb": TASK_MB,
        "mapreduce.map.java.opts": task_opts,
        "mapreduce.reduce.memory.mb": TASK_MB,
        "mapreduce.reduce.java.opts": task_opts,
        # Must fit the task heap with room to spare.
        "mapreduce.task.io.sort.mb": 64,
        # The shuffle handler binds the wildcard address on this port (no bind-host key).
        "mapreduce.shuffle.port": config.mapreduce_shuffle_port,
        "yarn.app.mapreduce.am.staging-dir": "/tmp/hadoop-yarn/staging",
        # proved: a known band instead of random ports (the AM still binds the wildcard).
        "yarn.app.mapreduce.am.job.client.port-range": config.mapreduce_am_ports,
        "yarn.app.mapreduce.am.webapp.port-range": config.mapreduce_am_web_ports,
    }


def capacity_scheduler() -> dict[str, object]:
    """One queue, ``default``, with all of the cluster (proved: the RM exits without this file)."""
    queue = "yarn.scheduler.capacity.root.default."
    return {
        "yarn.scheduler.capacity.root.queues": "default",
        queue + "capacity": 100,
        queue + "maximum-capacity": 100,
        queue + "state": "RUNNING",
        queue + "acl_submit_applications": "*",
        queue + "acl_administer_queue": "*",
        "yarn.scheduler.capacity.maximum-am-resource-percent": AM_SHARE,
        "yarn.scheduler.capacity.maximum-applications": 100,
        # One node: waiting for locality only delays containers.
        "yarn.scheduler.capacity.node-locality-delay": -1,
    }


def hbase_on_hdfs(config: StackConfig, layout: ClusterLayout, local: Mapping[str, object]) -> dict[str, object]:
    """The local profile's HBase properties with the root dir (and default file system) in HDFS."""
    site = dict(local)
    # HDFS has hflush/hsync: the WAL's stream capability check stays on.
    site.pop("hbase.unsafe.stream.capability.enforce", None)
    site.update({
        "hbase.rootdir": config.hdfs_uri + "/hbase",
        "fs.defaultFS": config.hdfs_uri,
        # Own local folders: ZooKeeper's state belongs to one root dir.
        "hbase.tmp.dir": str(layout.hbase_local / "tmp"),
        "hbase.zookeeper.property.dataDir": str(layout.hbase_local / "zookeeper"),
    })
    return site


def hbase_hdfs_site() -> dict[str, object]:
    """HBase's HDFS client keys (without them it writes with replication 3)."""
    return {"dfs.replication": 1, **_block_close_keys()}


def render_all(config: StackConfig, paths: StackPaths, user: str) -> None:
    """Write the cluster profile's files: the Hadoop folder and HBase's hdfs-site.xml."""
    layout = ClusterLayout(paths)
    files = {
        "core-site.xml": core_site(config, layout, user),
        "hdfs-site.xml": hdfs_site(config, layout),
        "yarn-site.xml": yarn_site(config, layout),
        "mapred-site.xml": mapred_site(config, layout),
        "capacity-scheduler.xml": capacity_scheduler(),
    }
    for name, properties in files.items():
        write_if_changed(layout.conf / name, site_xml(properties))
    write_if_changed(layout.conf / "log4j.properties", _LOG4J)
    write_if_changed(hbase_hdfs_site_file(paths), site_xml(hbase_hdfs_site()))


def hbase_hdfs_site_file(paths: StackPaths) -> Path:
    """HBase's ``hdfs-site.xml``; the local profile has none."""
    return paths.conf / "hbase" / "hdfs-site.xml"


# Hadoop 2.10's servlet-api-2.5 (pulled in by HBase's Hadoop client) breaks
# the Thrift server's info server on HDFS (NoSuchMethodError
# ServletContext.createFilter): it stays off HBase's daemon classpath.
HBASE_EXCLUDED_JARS = ("servlet-api-2.5.jar",)


def hbase_classpath(paths: StackPaths) -> str:
    """HBase's daemon classpath in the cluster profile: its conf folder, then its jars but the excluded ones."""
    jars = sorted(paths.jars("hbase").glob("*.jar"))
    kept = [str(jar) for jar in jars if jar.name not in HBASE_EXCLUDED_JARS]
    return ":".join([str(paths.conf / "hbase"), *kept])


def launcher_options(paths: StackPaths) -> dict[str, object]:
    """``stack.hadoop.write_launcher`` arguments for the cluster's client configuration."""
    return {
        "conf_dir": ClusterLayout(paths).conf,
        "heap": "512m",
        "extra_opts": CLIENT_FLAGS,
        "mode": "on the stack's HDFS and YARN",
    }


def client_summary(config: StackConfig) -> list[str]:
    """What clients of the cluster profile point at: file system and ResourceManager."""
    return [
        "filesystem      %s (fs.defaultFS; WebHDFS http://%s:%d/webhdfs/v1)"
        % (config.hdfs_uri, config.hdfs_host, config.hdfs_http_port),
        "resourcemanager %s:%d (web http://%s:%d)"
        % (config.yarn_host, config.yarn_port, config.yarn_host, config.yarn_web_port),
    ]
