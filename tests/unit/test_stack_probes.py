"""Readiness probes of the local stack, against fakes with real semantics.

A service is ready when a client can use it: HBase when its master has
finished initialising (hbase:meta online), Thrift when a table can be
created, written and read through it, the hadoop
launcher when it reports a version and its file system shell works. The
real behaviour is covered by the integration tests that start the stack.
The Hive services' probes are tested in test_stack_hive.py.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fake_hbase import FakeConnection, FakeHBase
from thriftpy2.transport import TTransportException

from hbase_schema.errors import HBaseIOError
from stack import control, services
from stack.errors import StackError
from stack.services import PROBE_TABLE, Readiness, Service

# --- Thrift: create (if missing), put, get ---


def connect_to(hbase: FakeHBase, connection_type=FakeConnection):
    def connect():
        connection = connection_type(hbase)
        connection.open()
        return connection
    return connect


def test_thrift_is_ready_when_a_probe_table_round_trips():
    hbase = FakeHBase()
    result = services.probe_thrift("127.0.0.1", 9090, connect=connect_to(hbase))
    assert result.ready, result.detail
    assert PROBE_TABLE == "kickback_stack_probe"
    assert PROBE_TABLE in hbase.tables
    # The next probe reuses the table and still reads what it wrote.
    assert services.probe_thrift("127.0.0.1", 9090, connect=connect_to(hbase)).ready
    assert list(hbase.tables) == [PROBE_TABLE]


class InitialisingMaster(FakeConnection):
    """Lists tables, but every call the master must serve fails, as while it initialises."""

    def create_table(self, name, families):
        raise HBaseIOError(message=b"org.apache.hadoop.hbase.PleaseHoldException: Master is initializing")


def test_thrift_is_not_ready_while_the_master_initialises():
    result = services.probe_thrift("127.0.0.1", 9090, connect=connect_to(FakeHBase(), InitialisingMaster))
    assert not result
    assert "PleaseHoldException: Master is initializing" in result.detail


class LosesWrites(FakeConnection):
    """Accepts puts and drops them."""

    def table(self, name):
        table = super().table(name)
        table.put = lambda row, data, timestamp=None: None
        return table


def test_thrift_is_not_ready_when_the_write_does_not_read_back():
    result = services.probe_thrift("127.0.0.1", 9090, connect=connect_to(FakeHBase(), LosesWrites))
    assert not result
    assert "read back" in result.detail


def test_thrift_is_not_ready_when_nothing_listens():
    def refuse():
        raise TTransportException(TTransportException.NOT_OPEN, "Could not connect to ('127.0.0.1', 9)")

    result = services.probe_thrift("127.0.0.1", 9, connect=refuse)
    assert not result
    assert "Could not connect" in result.detail


# --- HBase: the master has completed its initialisation since it last started ---

START = "2026-12-01T21:37:08,760 INFO  [main] master.HMaster: STARTING service HMaster\n"
META = ("2026-12-01T21:38:32,810 INFO  [PEWorker-10] zookeeper.MetaTableLocator: Setting hbase:meta "
        "replicaId=0 location in ZooKeeper as 127.0.0.1,26020,1796161071092, state=OPEN\n")
DONE = ("2026-12-01T21:38:45,053 INFO  [master/localhost:26000:becomeActiveMaster] master.HMaster: "
        "Master has completed initialization 50.935sec\n")
NOISE = "2026-12-01T21:38:00,000 INFO  [main] regionserver.HRegionServer: whatever\n"


@pytest.fixture
def ports_open(monkeypatch):
    monkeypatch.setattr(services, "port_open", lambda host, port: True)


@pytest.mark.parametrize("log, ready, detail", [
    (START + NOISE, False, "still initialising"),
    (START + NOISE + META, False, "still initialising"),
    (START + NOISE + META + DONE, True, "master initialised"),
    # A previous run's completion says nothing about this run.
    (START + META + DONE + START + NOISE, False, "still initialising"),
    (START + META + DONE + START + NOISE + META + DONE + NOISE, True, "master initialised"),
    ("", False, "has not logged its start"),
    # A long-lived master logs on and on: its start is found however far back it is.
    (START + META + DONE + NOISE * 400, True, "master initialised"),
    (START + META + DONE + START + NOISE * 400, False, "still initialising"),
    (NOISE * 400, False, "has not logged its start"),
])
@pytest.mark.parametrize("chunk", [1 << 20, 50, 7])
def test_hbase_is_ready_once_its_master_has_initialised(tmp_path, ports_open, monkeypatch, log, ready, detail,
                                                        chunk):
    # Small chunks put the markers across the boundaries of the log's backward reads.
    monkeypatch.setattr(services, "_LOG_CHUNK_BYTES", chunk)
    path = tmp_path / "hbase.log"
    path.write_text(log)
    result = services.probe_hbase((2181, 16000, 16020), path)
    assert result.ready is ready
    assert detail in result.detail


def test_a_master_that_logged_megabytes_since_its_start_is_ready(tmp_path, ports_open):
    # A day of loads and compactions: its start was once looked for in the last 8 MiB only.
    path = tmp_path / "hbase.log"
    path.write_text(START + META + DONE + NOISE * ((12 << 20) // len(NOISE)))
    assert services.probe_hbase((2181, 16000, 16020), path).ready


def test_hbase_is_not_ready_without_its_log(tmp_path, ports_open):
    result = services.probe_hbase((2181,), tmp_path / "missing.log")
    assert not result and "missing.log" in result.detail


def test_hbase_is_not_ready_while_a_port_is_closed(tmp_path, monkeypatch):
    path = tmp_path / "hbase.log"
    path.write_text(START + META + DONE)
    monkeypatch.setattr(services, "port_open", lambda host, port: port != 16020)
    result = services.probe_hbase((2181, 16000, 16020), path)
    assert not result and "16020" in result.detail


# --- the hadoop launcher: version, and its file system shell ---


def launcher(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bin" / "hadoop"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


WORKING = """case "$1" in
  version) echo "Hadoop 3.4.2"; echo "Source code repository ..." ;;
  fs) [ "$2" = "-test" ] && [ "$3" = "-d" ] && [ -d "$4" ] ;;
  *) exit 1 ;;
esac
"""


def test_hadoop_is_ready_when_version_and_fs_work(tmp_path):
    jar = tmp_path / "hadoop-streaming-3.4.2.jar"
    jar.write_bytes(b"")
    result = services.probe_hadoop(launcher(tmp_path, WORKING), jar, tmp_path)
    assert result.ready, result.detail


def test_hadoop_is_not_ready_when_its_fs_shell_fails(tmp_path):
    jar = tmp_path / "hadoop-streaming-3.4.2.jar"
    jar.write_bytes(b"")
    broken = 'case "$1" in version) echo "Hadoop 3.4.2" ;; *) echo "NoClassDefFoundError: FsShell" >&2; exit 1 ;; esac\n'
    result = services.probe_hadoop(launcher(tmp_path, broken), jar, tmp_path)
    assert not result and "NoClassDefFoundError" in result.detail


def test_hadoop_is_not_ready_without_the_streaming_jar(tmp_path):
    result = services.probe_hadoop(launcher(tmp_path, WORKING), tmp_path / "nope.jar", tmp_path)
    assert not result and "nope.jar" in result.detail


def test_a_launcher_that_cannot_run_is_not_ready_and_raises_nothing(tmp_path):
    path = tmp_path / "hadoop"
    path.write_text("not a script")
    path.chmod(0o644)
    jar = tmp_path / "hadoop-streaming-3.4.2.jar"
    jar.write_bytes(b"")
    if os.geteuid() == 0:
        path.write_bytes(b"\x7fELF garbage")
        path.chmod(0o755)
    result = services.probe_hadoop(path, jar, tmp_path)
    assert not result and str(path) in result.detail


# --- control: the probe's reason reaches the user ---


def test_a_service_that_never_gets_ready_says_why(tmp_path):
    from stack.paths import StackPaths

    paths = StackPaths.under(tmp_path)
    paths.make_dirs()
    paths.pid_file("hbase").write_text("%d\n" % os.getpid())
    service = Service("hbase", "somewhere", (), (), lambda: Readiness(False, "master still initialising"))
    with pytest.raises(StackError, match="hbase did not answer within 0 s .*master still initialising"):
        control._wait_answers(service, paths, 0, say=lambda line: None)
