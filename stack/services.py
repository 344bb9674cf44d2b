"""The services of the local stack: how each starts and how each is probed.

A service is data: a name, the endpoint it answers on, the command that
starts it and the probe that says it answers. ``stack.control`` runs them.

A probe answers ``Readiness``: ready only when a client could use the
service now, and otherwise why not.

- hbase: its three ports accept connections and, since the JVM last
  started, the master logged "Master has completed initialization" (it
  logs that only once hbase:meta and the system tables are online; until
  then every client call fails with PleaseHoldException).
- thrift: through the Thrift1 server, the probe creates the table
  ``kickback_stack_probe`` (one family ``p``, one version) if it is
  missing, writes a fresh token into row ``probe`` and reads it back.
- metastore and hive (Apache Hive 4's metastore service and HiveServer2):
  see ``stack.hive``.
- hadoop: the launcher prints its version, its file system shell
  (``hadoop fs -test -d``) runs with the stack's configuration, and the
  streaming jar is there.
- api (the lookup API, which ``up`` leaves to ``kickback run``): see ``stack.api``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from hbase_schema.errors import reason
from stack.config import StackConfig
from stack.hadoop import streaming_jar
from stack.java import JDK17_FLAGS
from stack.paths import StackPaths
from stack.process import port_open

# The table the Thrift probe creates, writes and reads (no table prefix).
PROBE_TABLE = "kickback_stack_probe"
_PROBE_ROW = b"probe"
_PROBE_COLUMN = b"p:token"

# What the HBase master logs (log4j2 at INFO, see stack.conf) when its JVM
# starts and when it can serve clients.
_MASTER_STARTING = b"STARTING service HMaster"
_MASTER_INITIALISED = b"Master has completed initialization"
# The master's log is read backwards in chunks of this size until its last start.
_LOG_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Readiness:
    """A probe's answer: ready or not, and what it saw."""

    ready: bool
    detail: str = ""

    def __bool__(self) -> bool:
        return self.ready


@dataclass(frozen=True)
class Service:
    """One background process of the stack."""

    name: str
    endpoint: str
    ports: tuple[int, ...]
    argv: tuple[str, ...]
    probe: Callable[[], Readiness]
    # Added to the caller's environment; may hold secrets (the API's keys).
    env: dict[str, str] = field(default_factory=dict, repr=False)
    # Where its ports must be free before it starts.
    host: str = "127.0.0.1"
    # The folder it runs in; None: the stack's run folder.
    cwd: Path | None = None


def hbase_argv(config: StackConfig, paths: StackPaths, java: Path, main: tuple[str, ...], heap: str,
               classpath: str | None = None) -> tuple[str, ...]:
    """The java command line for an HBase main class (``classpath``: instead of conf dir + all jars)."""
    conf = paths.conf / "hbase"
    return (
        str(java), "-Xmx" + heap, *JDK17_FLAGS,
        "-Dlog4j2.configurationFile=%s" % (conf / "log4j2.properties"),
        "-Dhbase.log.dir=%s" % paths.logs,
        "-Djava.net.preferIPv4Stack=true",
        "-cp", classpath or "%s:%s/*" % (conf, paths.jars("hbase")),
        *main,
    )


def probe_hbase(ports: Sequence[int], log_file: Path) -> Readiness:
    """Whether HBase's ports are open and its master finished initialising since it started."""
    closed = [port for port in ports if not port_open("127.0.0.1", port)]
    if closed:
        return Readiness(False, "port %s not open yet" % ", ".join(map(str, closed)))
    try:
        initialised = _initialised_since_start(log_file)
    except OSError as exc:
        return Readiness(False, "cannot read the master's log %s (%s)" % (log_file, exc.strerror or exc))
    if initialised is None:
        return Readiness(False, "the master has not logged its start in %s" % log_file)
    if not initialised:
        return Readiness(False, "the master is still initialising (hbase:meta and system tables)")
    return Readiness(True, "master initialised")


def _initialised_since_start(log_file: Path) -> bool | None:
    """Whether the master logged its initialisation after its last start (None: no start logged).

    The log grows over restarts and a long-lived master keeps logging, so
    its last start can be any distance from the end: the log is read
    backwards, a chunk at a time, until it is found.
    """
    overlap = max(len(_MASTER_STARTING), len(_MASTER_INITIALISED)) - 1
    initialised_later = False
    with open(log_file, "rb") as log:
        at = log.seek(0, os.SEEK_END)
        later = b""
        while at > 0:
            step = min(_LOG_CHUNK_BYTES, at)
            at -= step
            log.seek(at)
            # With the start of the chunk after it: a marker across the boundary is whole here.
            data = log.read(step) + later[:overlap]
            start = data.rfind(_MASTER_STARTING)
            if start >= 0:
                return initialised_later or data.find(_MASTER_INITIALISED, start) >= 0
            initialised_later = initialised_later or _MASTER_INITIALISED in data
            later = data
    return None


def probe_thrift(host: str, port: int, timeout_ms: int = 5000,
                 connect: Callable[[], Any] | None = None) -> Readiness:
    """Whether a table can be created, written and read through the Thrift1 server."""
    if connect is None:
        def connect() -> Any:
            import happybase  # the stack only needs it when probing

            connection = happybase.Connection(host, port, timeout=timeout_ms, autoconnect=False)
            connection.open()
            return connection
    try:
        connection = connect()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
        return Readiness(False, "cannot connect to %s:%d (%s)" % (host, port, reason(exc)))
    try:
        return _round_trip(connection)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
        return Readiness(False, "%s round trip failed (%s)" % (PROBE_TABLE, reason(exc)))
    finally:
        with contextlib.suppress(Exception):
            connection.close()


def _round_trip(connection: Any) -> Readiness:
    import happybase  # noqa: F401  (registers Hbase_thrift)
    from Hbase_thrift import AlreadyExists

    if PROBE_TABLE.encode() not in connection.tables():
        try:
            connection.create_table(PROBE_TABLE, {"p": {"max_versions": 1}})
        except AlreadyExists:
            pass  # another probe made it in between
    table = connection.table(PROBE_TABLE)
    token = uuid.uuid4().hex.encode()
    table.put(_PROBE_ROW, {_PROBE_COLUMN: token})
    got = table.row(_PROBE_ROW, columns=[_PROBE_COLUMN]).get(_PROBE_COLUMN)
    if got != token:
        return Readiness(False, "wrote %r to %s but read back %r" % (token, PROBE_TABLE, got))
    return Readiness(True, "created, wrote and read %s" % PROBE_TABLE)


def probe_hadoop(hadoop_bin: Path, jar: Path, fs_dir: Path, timeout_s: float = 120) -> Readiness:
    """Whether the ``hadoop`` launcher reports a version and its ``fs`` shell runs."""
    if not jar.is_file():
        return Readiness(False, "no hadoop streaming jar at %s" % jar)
    checks = (
        (["version"], lambda out: out.startswith("Hadoop ")),
        (["fs", "-test", "-d", str(fs_dir)], lambda out: True),
    )
    for args, output_ok in checks:
        command = "%s %s" % (hadoop_bin, " ".join(args))
        try:
            result = subprocess.run([str(hadoop_bin), *args], capture_output=True, text=True,
                                    timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            return Readiness(False, "`%s` did not finish within %d s" % (command, timeout_s))
        except OSError as exc:
            return Readiness(False, "`%s` cannot run (%s)" % (command, exc.strerror or exc))
        if result.returncode != 0 or not output_ok(result.stdout):
            said = (result.stderr.strip() or result.stdout.strip()).splitlines()
            return Readiness(False, "`%s` failed (exit %d%s)" % (
                command, result.returncode, ": " + said[-1][:200] if said else ""))
    return Readiness(True, "version and fs ran")


def probe_stack_hadoop(paths: StackPaths, fs_dir: str | None = None) -> Readiness:
    """``probe_hadoop`` for the stack's launcher and jars (``fs_dir``: a folder of its file system)."""
    try:
        jar = streaming_jar(sorted(paths.jars("hadoop").glob("*.jar")))
    except FileNotFoundError as exc:
        return Readiness(False, str(exc))
    return probe_hadoop(paths.hadoop_bin, jar, fs_dir or paths.root)


def define(config: StackConfig, paths: StackPaths, java: Path,
           hbase_classpath: str | None = None) -> dict[str, Service]:
    """Every background service of the stack, in start order (``hbase_classpath``: HBase's, if not all its jars)."""
    hbase = Service(
        name="hbase",
        endpoint="zookeeper 127.0.0.1:%d, master :%d, regionserver :%d"
        % (config.hbase_zk_port, config.hbase_master_port, config.hbase_regionserver_port),
        ports=(config.hbase_zk_port, config.hbase_master_port, config.hbase_regionserver_port),
        argv=hbase_argv(config, paths, java, ("org.apache.hadoop.hbase.master.HMaster", "start"), config.hbase_heap,
                        hbase_classpath),
        probe=lambda: probe_hbase(
            (config.hbase_zk_port, config.hbase_master_port, config.hbase_regionserver_port),
            paths.log_file("hbase"),
        ),
    )
    thrift = Service(
        name="thrift",
        endpoint="hbase thrift1 %s:%d (buffered, binary)" % (config.hbase_host, config.hbase_thrift_port),
        ports=(config.hbase_thrift_port,),
        argv=hbase_argv(
            config, paths, java,
            ("org.apache.hadoop.hbase.thrift.ThriftServer", "-b", "127.0.0.1",
             "-p", str(config.hbase_thrift_port), "-threadpool", "start"),
            config.thrift_heap,
            hbase_classpath,
        ),
        probe=lambda: probe_thrift(config.hbase_host, config.hbase_thrift_port),
    )
    # The metastore and HiveServer2 (stack.hive, which builds on this module).
    from stack import hive

    return {**{service.name: service for service in (hbase, thrift)}, **hive.define(config, paths, java)}


def service_env(service: Service) -> dict[str, str]:
    """The environment a service starts with: ours plus its own."""
    env = dict(os.environ)
    env.update(service.env)
    return env
