"""Configuration files of the local stack, rendered from its ``StackConfig``.

Everything binds to 127.0.0.1; web UIs are off; data lives under the stack's
data folder so it survives ``down``/``up``. A file is rewritten only when its
content changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping
from xml.sax.saxutils import escape

from stack.config import StackConfig
from stack.paths import StackPaths

LOG4J2 = """\
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5p [%t] %c{2}: %m%n
rootLogger = INFO,console
logger.zk.name = org.apache.zookeeper
logger.zk.level = WARN
logger.hadoop.name = org.apache.hadoop.hbase.shaded
logger.hadoop.level = WARN
"""

# Hadoop 3.4 clients log through reload4j (log4j 1 syntax).
LOG4J1 = """\
log4j.rootLogger=WARN,console
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.target=System.err
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %-5p %c{2}: %m%n
log4j.logger.org.apache.hadoop.mapreduce.Job=INFO
log4j.logger.org.apache.hadoop.streaming=INFO
# Pure-Java fallbacks are expected here; the warning only alarms mrjob.
log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR
"""


def site_xml(properties: Mapping[str, object]) -> str:
    """A Hadoop-style ``*-site.xml`` document."""
    rows = "".join(
        "  <property><name>%s</name><value>%s</value></property>\n"
        % (escape(str(name)), escape(str(value)))
        for name, value in properties.items()
    )
    return '<?xml version="1.0"?>\n<configuration>\n%s</configuration>\n' % rows


def hbase_site(config: StackConfig, paths: StackPaths) -> dict[str, object]:
    """Standalone HBase: master, region server and ZooKeeper in one JVM."""
    data = paths.data / "hbase"
    return {
        "hbase.cluster.distributed": "false",
        "hbase.rootdir": (data / "root").as_uri(),
        "hbase.tmp.dir": str(data / "tmp"),
        "hbase.zookeeper.property.dataDir": str(data / "zookeeper"),
        "hbase.zookeeper.quorum": "127.0.0.1",
        "hbase.zookeeper.property.clientPort": config.hbase_zk_port,
        # The local filesystem has no hflush/hsync; the WAL would refuse it.
        "hbase.unsafe.stream.capability.enforce": "false",
        "hbase.master.port": config.hbase_master_port,
        "hbase.regionserver.port": config.hbase_regionserver_port,
        "hbase.master.ipc.address": "127.0.0.1",
        "hbase.regionserver.ipc.address": "127.0.0.1",
        "hbase.master.hostname": "127.0.0.1",
        "hbase.regionserver.hostname": "127.0.0.1",
        "hbase.master.info.port": -1,
        "hbase.regionserver.info.port": -1,
        "hbase.thrift.info.port": -1,
        "hbase.thrift.server.socket.read.timeout": 60000,
        # Bulk loads (ImportTsv + BulkLoadHFilesTool) run as local MapReduce.
        "mapreduce.framework.name": "local",
        "fs.defaultFS": "file:///",
    }


def core_site(paths: StackPaths) -> dict[str, object]:
    """Hadoop client in local mode: local filesystem, LocalJobRunner."""
    return {
        "fs.defaultFS": "file:///",
        "hadoop.tmp.dir": str(paths.data / "hadoop-tmp"),
    }


def mapred_site() -> dict[str, object]:
    """MapReduce in-process, with one map and reduce slot per core."""
    return {
        "mapreduce.framework.name": "local",
        "mapreduce.local.map.tasks.maximum": 2,
        "mapreduce.local.reduce.tasks.maximum": 2,
    }


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds it."""
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return True


def render_all(config: StackConfig, paths: StackPaths,
               hbase_properties: Mapping[str, object] | None = None) -> None:
    """Write HBase's and the Hadoop launcher's files (``hbase_properties``: HBase's, if not the local ones).

    The Hive services' files are ``stack.hive.render_all``'s.
    """
    hbase = paths.conf / "hbase"
    write_if_changed(hbase / "hbase-site.xml", site_xml(hbase_properties or hbase_site(config, paths)))
    write_if_changed(hbase / "log4j2.properties", LOG4J2)
    hadoop = paths.conf / "hadoop"
    write_if_changed(hadoop / "core-site.xml", site_xml(core_site(paths)))
    write_if_changed(hadoop / "mapred-site.xml", site_xml(mapred_site()))
    write_if_changed(hadoop / "log4j.properties", LOG4J1)
