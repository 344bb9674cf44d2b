"""The stack's Apache Hive 4.0.1: a Hive Metastore service and HiveServer2 on it.

Two services, each ``java -cp CONF:LIB/* <main class>`` from the jars of the
``hive`` Maven bundle (``stack/maven/hive/pom.xml``), bound to 127.0.0.1:

- ``metastore``: ``org.apache.hadoop.hive.metastore.HiveMetaStore`` (the
  standalone metastore), Thrift on ``hive_metastore_port``. Its URI,
  ``thrift://127.0.0.1:<hive_metastore_port>``, is what other engines that
  share the tables point ``hive.metastore.uris`` at. The catalog lives in an
  embedded Derby database, ``data/hive4/metastore_db``, which only this JVM
  opens.
- ``hive``: ``org.apache.hive.service.server.HiveServer2`` on ``hive_port``,
  a client of that metastore. Queries run as MapReduce: inside HiveServer2's
  JVM (LocalJobRunner, local file system) in the local profile; on the
  stack's YARN, with ``fs.defaultFS`` in its HDFS, in the cluster profile.

The metastore's schema is made by DataNucleus on first start
(``datanucleus.schema.autoCreateAll``) rather than by Hive's schema tool: the
tool needs Hive's 78 MB binary tarball for its SQL scripts, plus a separate
init step that must itself be made idempotent, while the first start on a
fresh Derby, schema included, finishes within the stack's start timeout
(``docs/hive.md`` "Operating the stack's Hive" has the figures).

Readiness: the metastore answers a real Thrift call (``get_all_databases``,
so Derby and the schema are up, not just the port); HiveServer2 opens a
PyHive session and runs ``SELECT 1`` and ``SHOW DATABASES`` (a metastore
round trip).

Each key of the rendered files says why it is there: REQUIRED (the stack
does not work without it, shown in the prototype of
/work/notes/hive4-report.md), SAFETY (a default that would break or hang
the stack in some case) or SPEED; the rest pin Hive 4.0.1's own defaults
that the project relies on.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from hbase_schema.errors import reason
from stack import profile
from stack.cluster.conf import FAST_START_FLAGS
from stack.cluster.layout import ClusterLayout
from stack.conf import site_xml, write_if_changed
from stack.config import StackConfig
from stack.java import JDK17_OPENS_BROAD
from stack.paths import StackPaths
from stack.process import port_open
from stack.services import Readiness, Service

# The Maven bundle both services run from.
BUNDLE = "hive"
HIVE_VERSION = "4.0.1"

METASTORE_MAIN = "org.apache.hadoop.hive.metastore.HiveMetaStore"
HIVESERVER2_MAIN = "org.apache.hive.service.server.HiveServer2"

# The metastore starts with C1 only and the serial GC (FAST_START_FLAGS:
# half the start-up CPU on 2 cores). HiveServer2 keeps the C2 compiler:
# local MapReduce runs inside it, and C2's faster steady state won on the
# registration benchmark (a week's rebuilds of events_dedup) over C1's
# quicker start.
HIVESERVER2_JVM_FLAGS = ("-XX:+UseSerialGC",)

# Both services log to stdout, which stack.process appends to
# logs/<service>.log. DataNucleus explains every schema step at INFO.
LOG4J2 = """\
status = warn
name = kickback-hive
# Hive's own appenders (the per-query operation logs) live here.
packages = org.apache.hadoop.hive.ql.log
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5p [%t] %c{2}: %m%n
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = console
logger.datanucleus.name = DataNucleus
logger.datanucleus.level = WARN
logger.datastore.name = Datastore
logger.datastore.level = WARN
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
"""
# The names each main class looks for on its classpath (LogUtils) besides
# -Dlog4j.configurationFile.
METASTORE_LOG4J2 = "metastore-log4j2.properties"
HIVESERVER2_LOG4J2 = "hive-log4j2.properties"


@dataclass(frozen=True)
class HiveLayout:
    """Where the stack's Hive keeps its configuration, catalog and scratch files."""

    paths: StackPaths

    @property
    def root(self) -> Path:
        """Hive 4's data (the Spark Thrift Server's Hive 2.3 catalog was ``data/hive``)."""
        return self.paths.data / "hive4"

    @property
    def metastore_db(self) -> Path:
        return self.root / "metastore_db"

    @property
    def warehouse(self) -> Path:
        """Local profile: the metastore's warehouse (tables created without LOCATION)."""
        return self.root / "warehouse"

    @property
    def tmp(self) -> Path:
        """Scratch: java.io.tmpdir, Hive's local scratch, operation logs."""
        return self.root / "tmp"

    @property
    def metastore_conf(self) -> Path:
        return self.paths.conf / "hive" / "metastore"

    @property
    def hiveserver2_conf(self) -> Path:
        return self.paths.conf / "hive" / "hiveserver2"

    @property
    def jars(self) -> Path:
        return self.paths.jars(BUNDLE)

    def make_dirs(self) -> None:
        """Create the folders the services expect to exist (idempotent)."""
        for folder in (self.root, self.tmp, self.metastore_conf, self.hiveserver2_conf):
            folder.mkdir(parents=True, exist_ok=True)


def metastore_uri(config: StackConfig) -> str:
    """The metastore's Thrift URI: HiveServer2's, and any other engine's, ``hive.metastore.uris``."""
    return "thrift://127.0.0.1:%d" % config.hive_metastore_port


def warehouse_dirs(config: StackConfig, layout: HiveLayout) -> tuple[str, str]:
    """The metastore's managed and external warehouse roots (where tables without LOCATION go)."""
    if profile.is_cluster(config):
        # Hive 4.0.1's own defaults, on the cluster profile's HDFS.
        return (config.hdfs_uri + "/user/hive/warehouse",
                config.hdfs_uri + "/warehouse/tablespace/external/hive")
    return (layout.warehouse / "managed").as_uri(), (layout.warehouse / "external").as_uri()


def default_fs(config: StackConfig) -> str:
    """``fs.defaultFS`` of both services: HDFS in the cluster profile, else the local file system."""
    return config.hdfs_uri if profile.is_cluster(config) else "file:///"


def metastore_site(config: StackConfig, paths: StackPaths) -> dict[str, object]:
    """``metastore-site.xml``: Thrift on 127.0.0.1, an embedded Derby catalog."""
    layout = HiveLayout(paths)
    managed, external = warehouse_dirs(config, layout)
    return {
        # REQUIRED: the port is a setting; the default bind is every interface.
        "metastore.thrift.bind.host": "127.0.0.1",
        "metastore.thrift.port": config.hive_metastore_port,
        # REQUIRED: the default is ./metastore_db in the working folder.
        "javax.jdo.option.ConnectionURL": "jdbc:derby:;databaseName=%s;create=true" % layout.metastore_db,
        "javax.jdo.option.ConnectionDriverName": "org.apache.derby.jdbc.EmbeddedDriver",
        # REQUIRED: no schema tool here (see the module's docstring), so
        # DataNucleus creates the tables, and the schema VERSION check that
        # only the tool's scripts satisfy is off.
        "datanucleus.schema.autoCreateAll": "true",
        "metastore.schema.verification": "false",
        # REQUIRED: the defaults are /user/hive/warehouse and
        # /warehouse/tablespace/external/hive on fs.defaultFS (the local
        # profile's root file system).
        "metastore.warehouse.dir": managed,
        "metastore.warehouse.external.dir": external,
        "fs.defaultFS": default_fs(config),
        # SPEED: otherwise every ADD PARTITION lists its folder for "fast stats".
        "metastore.stats.autogather": "false",
    }


def hiveserver2_site(config: StackConfig, paths: StackPaths) -> dict[str, object]:
    """``hive-site.xml`` of HiveServer2: the metastore service, 127.0.0.1, MapReduce in the profile's place."""
    layout = HiveLayout(paths)
    managed, external = warehouse_dirs(config, layout)
    tmp = layout.tmp
    site: dict[str, object] = {
        # REQUIRED: empty means an embedded metastore inside HiveServer2.
        "hive.metastore.uris": metastore_uri(config),
        # HiveServer2's copy of the warehouse roots (temporary and CTAS paths).
        "hive.metastore.warehouse.dir": managed,
        "hive.metastore.warehouse.external.dir": external,
        # REQUIRED: the endpoint (default 0.0.0.0:10000).
        "hive.server2.thrift.bind.host": "127.0.0.1",
        "hive.server2.thrift.port": config.hive_port,
        "hive.server2.transport.mode": "binary",
        # The server's side of the client's hive_auth (NONE: SASL PLAIN, any user).
        "hive.server2.authentication": config.hive_auth,
        # SAFETY: the web UI would bind 0.0.0.0:10002, a port no setting owns.
        "hive.server2.webui.port": 0,
        # Queries run as the HiveServer2 user, whatever user name PyHive sends.
        "hive.server2.enable.doAs": "false",
        # REQUIRED: at the default (60s) HiveServer2 polls the metastore's
        # notification log at start; the metastore refuses that call to a
        # non-superuser ("User ... is not allowed to perform this API call")
        # and the start fails.
        "hive.notification.event.poll.interval": "0s",
        # SAFETY: one start attempt; by default a failed start is retried 30
        # times, 60 s apart, with the port closed (30 silent minutes).
        "hive.server2.max.start.attempts": 1,
        # SAFETY: synchronous logging; a JVM that dies at start would lose
        # its last, buffered, lines (the ones the stack quotes).
        "hive.async.log.enabled": "false",
        # No Tez here: MapReduce (Hive 4 deprecates it, but it is what runs
        # from Maven Central jars alone).
        "hive.execution.engine": "mr",
        # REQUIRED: a map join's local task would otherwise start a child JVM
        # through /usr/bin/hadoop, which a jars-only install lacks ("return
        # code 1 from MapredLocalTask").
        "hive.exec.submit.local.task.via.child": "false",
        # REQUIRED: every scratch folder under the stack (defaults: /tmp/hive,
        # /tmp/<user>, /tmp/hadoop-<user>, shared by every stack on the machine).
        "hadoop.tmp.dir": str(tmp / "hadoop"),
        "hive.exec.local.scratchdir": str(tmp / "local-scratch"),
        "hive.downloaded.resources.dir": str(tmp / "resources"),
        "hive.querylog.location": str(tmp / "querylog"),
        "hive.server2.logging.operation.log.location": str(tmp / "operation_logs"),
        "hive.query.results.cache.directory": str(tmp / "results-cache"),
        # No ACID, no locks: plain external tables (all Hive 4.0.1 defaults).
        "hive.txn.manager": "org.apache.hadoop.hive.ql.lockmgr.DummyTxnManager",
        "hive.support.concurrency": "false",
        "hive.strict.managed.tables": "false",
        "hive.create.as.acid": "false",
        "hive.create.as.insert.only": "false",
        "hive.exec.dynamic.partition.mode": "nonstrict",
        # SPEED: no statistics jobs after every INSERT and ADD PARTITION.
        "hive.stats.autogather": "false",
        "hive.stats.column.autogather": "false",
        # SPEED: with no statistics (nothing here gathers them), planning
        # would estimate them by listing every partition's files and ask the
        # metastore for column statistics of each: compiling one rebuild of
        # events_dedup over a week of hourly partitions took 35 s (0.8 s
        # without), under load.
        "hive.stats.estimate": "false",
        "hive.stats.fetch.column.stats": "false",
        # SPEED: without Hadoop's native library each local file's
        # permissions cost an `ls -ld` process, and a job over a week of
        # hourly partitions lists about 200 paths: in parallel, not one by one.
        "mapreduce.input.fileinputformat.list-status.num-threads": 8,
        "hive.exec.input.listing.max.threads": 8,
        # SPEED: independent stages of one query at once; a rebuild of
        # events_dedup loads its nine partitions side by side (about 1 s).
        "hive.exec.parallel": "true",
        "hive.exec.parallel.thread.number": 8,
        # SPEED: no background pollers of metastore tables nobody uses here.
        "hive.scheduled.queries.executor.enabled": "false",
        "hive.server2.materializedviews.registry.impl": "DUMMY",
    }
    site.update(_execution(config, layout))
    return site


def _execution(config: StackConfig, layout: HiveLayout) -> dict[str, object]:
    """Where MapReduce runs and which file system paths resolve against."""
    if profile.is_cluster(config):
        return {
            # REQUIRED: tables and scratch in the cluster's HDFS; jobs on its YARN.
            "fs.defaultFS": config.hdfs_uri,
            "mapreduce.framework.name": "yarn",
            "yarn.resourcemanager.address": "%s:%d" % (config.yarn_host, config.yarn_port),
            "hive.exec.scratchdir": config.hdfs_uri + "/tmp/hive",
            # REQUIRED: Hive ships these with each job. Its tasks run on the
            # cluster's Hadoop 3.4 classpath plus hive-exec, and hive-exec
            # needs classes Hadoop 3.4 no longer carries (map tasks failed
            # with NoClassDefFoundError org/apache/commons/collections/CollectionUtils).
            "hive.aux.jars.path": ",".join(path.as_uri() for path in task_jars(layout)),
            # SPEED: a small job's tasks run inside its ApplicationMaster,
            # one container start per job instead of one per task (a GROUP BY
            # over a few files took about 30 s per job without it, under load).
            "mapreduce.job.ubertask.enable": "true",
        }
    return {
        "fs.defaultFS": "file:///",
        "mapreduce.framework.name": "local",
        "hive.exec.scratchdir": str(layout.tmp / "scratch"),
        # SAFETY: LocalJobRunner runs one map and one reduce at a time (the
        # defaults, pinned): two of Hive's map tasks in one JVM corrupt each
        # other's output ("Unable to deserialize reduce input key"), two
        # reducers collide on their output file names.
        "mapreduce.local.map.tasks.maximum": 1,
        "mapreduce.local.reduce.tasks.maximum": 1,
    }


# Jars of Hive's folder that its jobs' tasks need beside the cluster's
# Hadoop jars and hive-exec (which Hive ships itself).
TASK_JAR_PREFIXES = ("commons-collections-",)


def task_jars(layout: HiveLayout) -> list[Path]:
    """The jars Hive's jobs ship to YARN (``hive.aux.jars.path``), from Hive's own folder."""
    return sorted(path for path in layout.jars.glob("*.jar") if path.name.startswith(TASK_JAR_PREFIXES))


def render_all(config: StackConfig, paths: StackPaths) -> None:
    """Write both services' configuration folders."""
    layout = HiveLayout(paths)
    layout.make_dirs()
    write_if_changed(layout.metastore_conf / "metastore-site.xml", site_xml(metastore_site(config, paths)))
    write_if_changed(layout.metastore_conf / METASTORE_LOG4J2, LOG4J2)
    write_if_changed(layout.hiveserver2_conf / "hive-site.xml", site_xml(hiveserver2_site(config, paths)))
    write_if_changed(layout.hiveserver2_conf / HIVESERVER2_LOG4J2, LOG4J2)


def _classpath(config: StackConfig, layout: HiveLayout, conf: Path) -> str:
    folders = [str(conf)]
    if profile.is_cluster(config):
        # The cluster's client files (core, hdfs, yarn and mapred site): the
        # HDFS client's replication and the addresses and container sizes
        # that a job's application master reads from the job's configuration.
        folders.append(str(ClusterLayout(layout.paths).conf))
    return ":".join(folders + ["%s/*" % layout.jars])


def _argv(java: Path, heap: str, jvm_flags: tuple[str, ...], layout: HiveLayout, log_config: Path,
          classpath: str, main: str, *extra: str) -> tuple[str, ...]:
    return (
        str(java), "-Xmx" + heap, *jvm_flags, *JDK17_OPENS_BROAD,
        "-Djava.net.preferIPv4Stack=true",
        "-Djava.io.tmpdir=%s" % layout.tmp,
        "-Dlog4j.configurationFile=%s" % log_config,
        *extra,
        "-cp", classpath,
        main,
    )


def metastore_argv(config: StackConfig, paths: StackPaths, java: Path) -> tuple[str, ...]:
    """The metastore's java command line."""
    layout = HiveLayout(paths)
    return _argv(java, config.hive_metastore_heap, FAST_START_FLAGS, layout, layout.metastore_conf / METASTORE_LOG4J2,
                 _classpath(config, layout, layout.metastore_conf), METASTORE_MAIN,
                 "-Dderby.stream.error.file=%s" % (paths.logs / "derby.log"))


def hiveserver2_argv(config: StackConfig, paths: StackPaths, java: Path) -> tuple[str, ...]:
    """HiveServer2's java command line."""
    layout = HiveLayout(paths)
    return _argv(java, config.hive_heap, HIVESERVER2_JVM_FLAGS, layout, layout.hiveserver2_conf / HIVESERVER2_LOG4J2,
                 _classpath(config, layout, layout.hiveserver2_conf), HIVESERVER2_MAIN)


def get_all_databases(host: str, port: int, timeout_s: float = 5.0) -> list[str]:
    """The metastore's ``get_all_databases`` over Thrift (buffered transport, binary protocol)."""
    from thrift.protocol import TBinaryProtocol
    from thrift.Thrift import TApplicationException, TMessageType, TType
    from thrift.transport import TSocket, TTransport

    socket = TSocket.TSocket(host, port)
    socket.setTimeout(timeout_s * 1000)
    transport = TTransport.TBufferedTransport(socket)
    protocol = TBinaryProtocol.TBinaryProtocol(transport)
    transport.open()
    try:
        protocol.writeMessageBegin("get_all_databases", TMessageType.CALL, 1)
        protocol.writeStructBegin("get_all_databases_args")
        protocol.writeFieldStop()
        protocol.writeStructEnd()
        protocol.writeMessageEnd()
        transport.flush()
        _name, kind, _seqid = protocol.readMessageBegin()
        if kind == TMessageType.EXCEPTION:
            error = TApplicationException()
            error.read(protocol)
            raise error
        # get_all_databases_result: 0 = list<string> success, 1 = MetaException.
        databases, problem = None, None
        protocol.readStructBegin()
        while True:
            _, field_type, field_id = protocol.readFieldBegin()
            if field_type == TType.STOP:
                break
            if field_id == 0 and field_type == TType.LIST:
                _, size = protocol.readListBegin()
                databases = [protocol.readString() for _ in range(size)]
                protocol.readListEnd()
            elif field_id == 1 and field_type == TType.STRUCT:
                problem = _read_message(protocol)
            else:
                protocol.skip(field_type)
            protocol.readFieldEnd()
        protocol.readStructEnd()
        protocol.readMessageEnd()
    finally:
        transport.close()
    if databases is None:
        raise RuntimeError("MetaException: %s" % (problem or "no result"))
    return databases


def _read_message(protocol: Any) -> str:
    """The ``message`` (field 1) of a MetaException struct."""
    from thrift.Thrift import TType

    message = ""
    protocol.readStructBegin()
    while True:
        _, field_type, field_id = protocol.readFieldBegin()
        if field_type == TType.STOP:
            break
        if field_id == 1 and field_type == TType.STRING:
            message = protocol.readString()
        else:
            protocol.skip(field_type)
        protocol.readFieldEnd()
    protocol.readStructEnd()
    return message


def probe_metastore(host: str, port: int,
                    call: Callable[[str, int], list[str]] = get_all_databases) -> Readiness:
    """Whether the metastore answers ``get_all_databases`` (its catalog is open)."""
    if not port_open(host, port):
        return Readiness(False, "port %d not open yet" % port)
    try:
        databases = call(host, port)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
        return Readiness(False, "get_all_databases on %s:%d failed (%s)" % (host, port, reason(exc)))
    if "default" not in databases:
        return Readiness(False, "get_all_databases answered without the default database: %r" % (databases,))
    return Readiness(True, "get_all_databases answered (%d database%s)"
                     % (len(databases), "" if len(databases) == 1 else "s"))


def probe_hiveserver2(host: str, port: int, auth: str, username: str,
                      connect: Callable[..., Any] | None = None) -> Readiness:
    """Whether HiveServer2 opens a session, runs ``SELECT 1`` and lists databases from the metastore."""
    if connect is None:
        from pyhive import hive  # the stack only needs it when probing

        connect = hive.connect
    # Thrift logs every refused connect at ERROR level: ask the port first.
    if not port_open(host, port):
        return Readiness(False, "port %d not open yet" % port)
    try:
        connection = connect(host=host, port=port, auth=auth, username=username)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            one = cursor.fetchall()
            cursor.execute("SHOW DATABASES")
            databases = [row[0] for row in cursor.fetchall()]
        finally:
            with contextlib.suppress(Exception):
                connection.close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
        return Readiness(False, "no query on %s:%d (%s)" % (host, port, reason(exc)))
    if one != [(1,)]:
        return Readiness(False, "SELECT 1 returned %r" % (one,))
    if "default" not in databases:
        return Readiness(False, "SHOW DATABASES returned %r (no default database)" % (databases,))
    return Readiness(True, "SELECT 1 and SHOW DATABASES ran")


def define(config: StackConfig, paths: StackPaths, java: Path) -> dict[str, Service]:
    """The metastore and HiveServer2, in start order."""
    layout = HiveLayout(paths)
    where = "yarn %s:%d, hdfs" % (config.yarn_host, config.yarn_port) if profile.is_cluster(config) \
        else "local"
    metastore = Service(
        name="metastore",
        endpoint="%s (hive metastore %s, derby %s)" % (metastore_uri(config), HIVE_VERSION, layout.metastore_db),
        ports=(config.hive_metastore_port,),
        argv=metastore_argv(config, paths, java),
        probe=lambda: probe_metastore("127.0.0.1", config.hive_metastore_port),
    )
    hiveserver2 = Service(
        name="hive",
        endpoint="hiveserver2 %s:%d (hive %s, auth %s, mapreduce %s)"
        % (config.hive_host, config.hive_port, HIVE_VERSION, config.hive_auth, where),
        ports=(config.hive_port,),
        argv=hiveserver2_argv(config, paths, java),
        probe=lambda: probe_hiveserver2(config.hive_host, config.hive_port, config.hive_auth,
                                        config.hive_username),
    )
    return {service.name: service for service in (metastore, hiveserver2)}
