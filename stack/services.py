"""The services of the local stack: how each starts and how each is probed.

A service is data: a name, the endpoint it answers on, the command that
starts it and the probe that says it answers. ``stack.control`` runs them.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from stack.java import JDK17_FLAGS
from stack.paths import StackPaths
from stack.process import port_open

if TYPE_CHECKING:
    from kickback.config import Settings


@dataclass(frozen=True)
class Service:
    """One background process of the stack."""

    name: str
    endpoint: str
    ports: tuple[int, ...]
    argv: tuple[str, ...]
    probe: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)


def hbase_argv(settings: "Settings", paths: StackPaths, java: Path, main: tuple[str, ...], heap: str) -> tuple[str, ...]:
    """The java command line for an HBase main class."""
    conf = paths.conf / "hbase"
    return (
        str(java), "-Xmx" + heap, *JDK17_FLAGS,
        "-Dlog4j2.configurationFile=%s" % (conf / "log4j2.properties"),
        "-Dhbase.log.dir=%s" % paths.logs,
        "-Djava.net.preferIPv4Stack=true",
        "-cp", "%s:%s/*" % (conf, paths.jars("hbase")),
        *main,
    )


def probe_thrift(host: str, port: int, timeout_ms: int = 5000) -> bool:
    """Whether the HBase Thrift1 server answers a table listing."""
    import happybase  # the stack only needs it when probing

    if not port_open(host, port):
        return False
    try:
        connection = happybase.Connection(host, port, timeout=timeout_ms, autoconnect=False)
        connection.open()
        try:
            connection.tables()
        finally:
            connection.close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering yet"
        return False


def probe_hive(host: str, port: int, auth: str, username: str) -> bool:
    """Whether the HiveServer2 endpoint runs a trivial query."""
    from pyhive import hive  # the stack only needs it when probing

    if not port_open(host, port):
        return False
    try:
        connection = hive.connect(host=host, port=port, auth=auth, username=username)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            return cursor.fetchall() == [(1,)]
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - any failure means "not answering yet"
        return False


def probe_hadoop(hadoop_bin: Path) -> bool:
    """Whether the ``hadoop`` launcher reports a version."""
    if not hadoop_bin.exists():
        return False
    result = subprocess.run(
        [str(hadoop_bin), "version"], capture_output=True, text=True, timeout=60, check=False
    )
    return result.returncode == 0 and result.stdout.startswith("Hadoop ")


def spark_home() -> Path:
    """SPARK_HOME of the ``pyspark`` package installed with the project."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def define(settings: "Settings", paths: StackPaths, java: Path) -> dict[str, Service]:
    """Every background service of the stack, in start order."""
    hbase = Service(
        name="hbase",
        endpoint="zookeeper 127.0.0.1:%d, master :%d, regionserver :%d"
        % (settings.hbase_zk_port, settings.hbase_master_port, settings.hbase_regionserver_port),
        ports=(settings.hbase_zk_port, settings.hbase_master_port, settings.hbase_regionserver_port),
        argv=hbase_argv(settings, paths, java, ("org.apache.hadoop.hbase.master.HMaster", "start"), settings.hbase_heap),
        probe=lambda: all(
            port_open("127.0.0.1", port)
            for port in (settings.hbase_zk_port, settings.hbase_master_port, settings.hbase_regionserver_port)
        ),
    )
    thrift = Service(
        name="thrift",
        endpoint="hbase thrift1 %s:%d (buffered, binary)" % (settings.hbase_host, settings.hbase_thrift_port),
        ports=(settings.hbase_thrift_port,),
        argv=hbase_argv(
            settings, paths, java,
            ("org.apache.hadoop.hbase.thrift.ThriftServer", "-b", "127.0.0.1",
             "-p", str(settings.hbase_thrift_port), "-threadpool", "start"),
            settings.thrift_heap,
        ),
        probe=lambda: probe_thrift(settings.hbase_host, settings.hbase_thrift_port),
    )
    home = spark_home()
    hive_data = paths.data / "hive"
    hive = Service(
        name="hive",
        endpoint="hiveserver2 %s:%d (spark thrift server, auth %s)"
        % (settings.hive_host, settings.hive_port, settings.hive_auth),
        ports=(settings.hive_port,),
        argv=(
            str(home / "bin" / "spark-submit"),
            "--master", "local[2]",
            "--driver-memory", settings.spark_driver_memory,
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=127.0.0.1",
            "--conf", "spark.driver.bindAddress=127.0.0.1",
            "--conf", "spark.sql.warehouse.dir=%s" % (hive_data / "warehouse").as_uri(),
            "--conf", "spark.sql.shuffle.partitions=4",
            "--conf", "spark.driver.extraJavaOptions=-Dderby.system.home=%s -Dderby.stream.error.file=%s"
            % (hive_data, paths.logs / "derby.log"),
            "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
            "spark-internal",
        ),
        probe=lambda: probe_hive(settings.hive_host, settings.hive_port, settings.hive_auth, settings.hive_username),
        env={
            "SPARK_HOME": str(home),
            "SPARK_CONF_DIR": str(paths.conf / "spark"),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "JAVA_HOME": str(java.resolve().parent.parent),
        },
    )
    return {service.name: service for service in (hbase, thrift, hive)}


def service_env(service: Service) -> dict[str, str]:
    """The environment a service starts with: ours plus its own."""
    env = dict(os.environ)
    env.update(service.env)
    return env
