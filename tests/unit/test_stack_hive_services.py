"""The stack's Hive services (stack.hive): rendered configuration, command lines, probes, order.

The real services are covered by the integration tests that start the
stack (tests/integration/test_stack_hive.py).
"""

from __future__ import annotations

import socket
import sys
import threading
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

import pytest
from thrift.protocol import TBinaryProtocol
from thrift.Thrift import TMessageType, TType
from thrift.transport import TSocket, TTransport
from thriftpy2.transport import TTransportException

from kickback.commands.stack import stack_config
from stack import control, profile
from stack import hive as stack_hive
from stack.java import JDK17_OPENS_BROAD
from stack.paths import StackPaths
from stack.services import Readiness, Service

HIVE = {"hive_port": 10100, "hive_metastore_port": 19183, "hive_heap": "768m", "hive_metastore_heap": "384m"}


@pytest.fixture
def config(tmp_settings):
    return stack_config(tmp_settings.replace(**HIVE))


@pytest.fixture
def cluster(tmp_settings):
    return stack_config(tmp_settings.replace(**HIVE, stack_profile="cluster", hdfs_port=18020, yarn_host="127.0.0.1",
                                             yarn_port=18032))


@pytest.fixture
def paths(config):
    paths = StackPaths.under(config.stack_dir)
    paths.make_dirs()
    return paths


def read_site(path: Path) -> dict[str, str]:
    root = ElementTree.parse(path).getroot()
    return {prop.findtext("name"): prop.findtext("value") for prop in root.iter("property")}


# --- rendered configuration ---


def test_the_metastore_binds_loopback_and_keeps_its_derby_catalog_under_the_stack(config, paths):
    site = stack_hive.metastore_site(config, paths)

    assert site["metastore.thrift.bind.host"] == "127.0.0.1"
    assert site["metastore.thrift.port"] == 19183
    db = paths.data / "hive4" / "metastore_db"
    assert site["javax.jdo.option.ConnectionURL"] == "jdbc:derby:;databaseName=%s;create=true" % db
    assert site["datanucleus.schema.autoCreateAll"] == "true"
    assert site["metastore.schema.verification"] == "false"
    assert site["metastore.warehouse.dir"] == (paths.data / "hive4" / "warehouse" / "managed").as_uri()
    assert site["metastore.warehouse.external.dir"] == (paths.data / "hive4" / "warehouse" / "external").as_uri()
    assert site["fs.defaultFS"] == "file:///"


def test_hiveserver2_uses_the_metastore_service_and_local_mapreduce(config, paths):
    site = stack_hive.hiveserver2_site(config, paths)

    assert site["hive.metastore.uris"] == "thrift://127.0.0.1:19183" == stack_hive.metastore_uri(config)
    assert site["hive.server2.thrift.bind.host"] == "127.0.0.1"
    assert site["hive.server2.thrift.port"] == 10100
    assert site["hive.server2.authentication"] == "NONE"
    assert site["fs.defaultFS"] == "file:///"
    assert site["mapreduce.framework.name"] == "local"
    assert site["hive.execution.engine"] == "mr"
    assert site["hive.metastore.warehouse.dir"] == stack_hive.metastore_site(config, paths)["metastore.warehouse.dir"]
    assert "yarn.resourcemanager.address" not in site


def test_a_broken_hiveserver2_start_fails_once_and_fast(config, paths):
    site = stack_hive.hiveserver2_site(config, paths)

    assert site["hive.server2.max.start.attempts"] == 1
    # The metastore refuses the notification poll to a non-superuser: the start would fail.
    assert site["hive.notification.event.poll.interval"] == "0s"
    assert site["hive.server2.webui.port"] == 0


def test_hiveserver2_runs_map_join_local_tasks_in_process_and_without_acid(config, paths):
    site = stack_hive.hiveserver2_site(config, paths)

    assert site["hive.exec.submit.local.task.via.child"] == "false"
    assert site["hive.txn.manager"] == "org.apache.hadoop.hive.ql.lockmgr.DummyTxnManager"
    assert site["hive.support.concurrency"] == "false"
    assert site["hive.create.as.acid"] == "false"


def test_local_mapreduce_runs_one_task_at_a_time(config, paths):
    site = stack_hive.hiveserver2_site(config, paths)

    # Two of Hive's map tasks in one JVM corrupt each other's output.
    assert site["mapreduce.local.map.tasks.maximum"] == 1
    assert site["mapreduce.local.reduce.tasks.maximum"] == 1


def test_planning_does_not_list_every_partition_for_statistics(config, paths):
    site = stack_hive.hiveserver2_site(config, paths)

    assert site["hive.stats.estimate"] == "false"
    assert site["hive.stats.autogather"] == "false"


def test_every_local_scratch_folder_is_under_the_stack(config, paths):
    site = stack_hive.hiveserver2_site(config, paths)
    folders = ("hadoop.tmp.dir", "hive.exec.scratchdir", "hive.exec.local.scratchdir", "hive.downloaded.resources.dir",
               "hive.querylog.location", "hive.server2.logging.operation.log.location",
               "hive.query.results.cache.directory")

    assert all(str(site[key]).startswith(str(paths.data / "hive4" / "tmp")) for key in folders), site


def test_the_auth_mode_follows_the_client_setting(config, paths):
    site = stack_hive.hiveserver2_site(replace(config, hive_auth="NOSASL"), paths)

    assert site["hive.server2.authentication"] == "NOSASL"


def test_the_cluster_profile_puts_tables_in_hdfs_and_jobs_on_yarn(cluster, paths):
    hs2 = stack_hive.hiveserver2_site(cluster, paths)
    metastore = stack_hive.metastore_site(cluster, paths)

    assert hs2["fs.defaultFS"] == cluster.hdfs_uri == "hdfs://127.0.0.1:18020"
    assert hs2["mapreduce.framework.name"] == "yarn"
    assert hs2["yarn.resourcemanager.address"] == "127.0.0.1:18032"
    assert hs2["hive.exec.scratchdir"] == "hdfs://127.0.0.1:18020/tmp/hive"
    assert metastore["fs.defaultFS"] == "hdfs://127.0.0.1:18020"
    assert metastore["metastore.warehouse.dir"] == "hdfs://127.0.0.1:18020/user/hive/warehouse"
    assert metastore["metastore.warehouse.external.dir"] == "hdfs://127.0.0.1:18020/warehouse/tablespace/external/hive"
    assert hs2["hive.metastore.warehouse.dir"] == metastore["metastore.warehouse.dir"]
    assert hs2["hive.metastore.warehouse.external.dir"] == metastore["metastore.warehouse.external.dir"]
    # The catalog itself stays in the local Derby.
    assert metastore["javax.jdo.option.ConnectionURL"].startswith("jdbc:derby:;databaseName=%s" % paths.data)


def test_cluster_jobs_ship_the_jars_hive_exec_needs_beyond_hadoop(cluster, paths):
    jars = stack_hive.HiveLayout(paths).jars
    jars.mkdir(parents=True)
    for name in ("commons-collections-3.2.2.jar", "commons-collections4-4.1.jar", "hive-exec-4.0.1.jar"):
        (jars / name).write_bytes(b"")
    hs2 = stack_hive.hiveserver2_site(cluster, paths)
    assert hs2["hive.aux.jars.path"] == (jars / "commons-collections-3.2.2.jar").as_uri()
    assert hs2["mapreduce.job.ubertask.enable"] == "true"
    # Local MapReduce runs inside HiveServer2, whose classpath has them all.
    assert "hive.aux.jars.path" not in stack_hive.hiveserver2_site(replace(cluster, stack_profile="local"), paths)


def test_the_cluster_profile_reads_the_cluster_client_files(cluster, paths):
    services = stack_hive.define(cluster, paths, Path("/usr/bin/java"))
    cluster_conf = str(paths.conf / "hadoop-cluster")

    for name in ("metastore", "hive"):
        classpath = services[name].argv[services[name].argv.index("-cp") + 1].split(":")
        assert classpath[1] == cluster_conf, name
    local = stack_hive.define(replace(cluster, stack_profile="local"), paths, Path("/usr/bin/java"))
    assert all(cluster_conf not in service.argv[service.argv.index("-cp") + 1] for service in local.values())


def test_render_all_writes_both_folders_and_the_files_parse(config, paths):
    stack_hive.render_all(config, paths)

    metastore = read_site(paths.conf / "hive" / "metastore" / "metastore-site.xml")
    hs2 = read_site(paths.conf / "hive" / "hiveserver2" / "hive-site.xml")
    assert metastore["metastore.thrift.port"] == "19183"
    assert hs2["hive.metastore.uris"] == "thrift://127.0.0.1:19183"
    assert (paths.conf / "hive" / "metastore" / stack_hive.METASTORE_LOG4J2).is_file()
    assert (paths.conf / "hive" / "hiveserver2" / stack_hive.HIVESERVER2_LOG4J2).is_file()
    assert (paths.data / "hive4" / "tmp").is_dir()


def test_prepare_renders_the_hive_files_of_the_settings_profile(config, cluster, paths, mocker):
    mocker.patch("stack.control.find_java", return_value=Path(sys.executable))
    mocker.patch("stack.control.check_java")

    def fake_jars(stack_paths, bundle):
        folder = stack_paths.jars(bundle)
        folder.mkdir(parents=True, exist_ok=True)
        jar = folder / ("hadoop-streaming-3.4.2.jar" if bundle == "hadoop" else "%s.jar" % bundle)
        jar.write_bytes(b"")
        return [jar]

    mocker.patch("stack.jars.ensure_jars", side_effect=fake_jars)
    hive_site = paths.conf / "hive" / "hiveserver2" / "hive-site.xml"

    control.prepare(cluster, say=lambda line: None)
    assert read_site(hive_site)["mapreduce.framework.name"] == "yarn"
    control.prepare(config, say=lambda line: None)
    assert read_site(hive_site)["mapreduce.framework.name"] == "local"
    assert not (paths.conf / "spark").exists()


# --- command lines ---


def test_both_services_run_from_the_hive_bundle_with_their_heaps_and_opens(config, paths):
    services = stack_hive.define(config, paths, Path("/usr/bin/java"))
    metastore, hs2 = services["metastore"].argv, services["hive"].argv

    assert list(services) == ["metastore", "hive"]
    assert metastore[:2] == ("/usr/bin/java", "-Xmx384m") and hs2[:2] == ("/usr/bin/java", "-Xmx768m")
    assert metastore[-1] == "org.apache.hadoop.hive.metastore.HiveMetaStore"
    assert hs2[-1] == "org.apache.hive.service.server.HiveServer2"
    for argv in (metastore, hs2):
        classpath = argv[argv.index("-cp") + 1].split(":")
        assert classpath[-1] == "%s/*" % paths.jars("hive")
        assert set(JDK17_OPENS_BROAD) <= set(argv)
        assert "--add-opens=java.base/java.util.regex=ALL-UNNAMED" in argv
    assert "-Dlog4j.configurationFile=%s" % (paths.conf / "hive" / "metastore" / "metastore-log4j2.properties") \
        in metastore
    assert services["metastore"].ports == (19183,) and services["hive"].ports == (10100,)
    assert "thrift://127.0.0.1:19183" in services["metastore"].endpoint


def test_the_stack_defines_the_metastore_before_hiveserver2(config, paths):
    defined = control.services_of(config, paths, Path("/usr/bin/java"))

    names = list(defined)
    assert names.index("metastore") < names.index("hive")
    assert "spark" not in " ".join(" ".join(service.argv) for service in defined.values())


def test_down_stops_hiveserver2_before_its_metastore():
    order = profile.stop_order()

    assert order.index("hive") < order.index("metastore") < order.index("hbase")


def test_up_starts_hiveserver2_only_once_the_metastore_answers(config, paths, mocker):
    events = []
    services = {name: Service(name, name, (), (), lambda: Readiness(True)) for name in
                ("hbase", "thrift", "metastore", "hive")}
    mocker.patch("stack.control.prepare", return_value=(paths, Path("/usr/bin/java")))
    mocker.patch("stack.control.services_of", return_value=services)
    mocker.patch("stack.control._ensure_started", side_effect=lambda service, *a: events.append("start " + service.name))
    mocker.patch("stack.control._wait_answers", side_effect=lambda service, *a: events.append("wait " + service.name))
    mocker.patch("stack.control.probe_stack_hadoop", return_value=Readiness(True))
    mocker.patch("stack.control.status", return_value=[])

    control.up(config, say=lambda line: None)

    assert events.index("start metastore") < events.index("wait metastore") < events.index("start hive")
    assert events.index("start hive") < events.index("wait hive")


# --- probes: the metastore answers a real call ---


class FakeMetastore:
    """A Thrift server on a free port that answers one call the way the metastore does."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        connection, _ = self.server.accept()
        accepted = TSocket.TSocket()
        accepted.handle = connection
        transport = TTransport.TBufferedTransport(accepted)
        protocol = TBinaryProtocol.TBinaryProtocol(transport)
        name, _, seqid = protocol.readMessageBegin()
        protocol.skip(TType.STRUCT)
        protocol.readMessageEnd()
        self.calls.append(name)
        self.answer(protocol, name, seqid)
        transport.flush()
        connection.close()

    def close(self):
        self.thread.join(5)
        self.server.close()


def answer_databases(*names):
    def answer(protocol, name, seqid):
        protocol.writeMessageBegin(name, TMessageType.REPLY, seqid)
        protocol.writeStructBegin("get_all_databases_result")
        protocol.writeFieldBegin("success", TType.LIST, 0)
        protocol.writeListBegin(TType.STRING, len(names))
        for db in names:
            protocol.writeString(db)
        protocol.writeListEnd()
        protocol.writeFieldEnd()
        protocol.writeFieldStop()
        protocol.writeStructEnd()
        protocol.writeMessageEnd()
    return answer


def answer_meta_exception(message):
    def answer(protocol, name, seqid):
        protocol.writeMessageBegin(name, TMessageType.REPLY, seqid)
        protocol.writeStructBegin("get_all_databases_result")
        protocol.writeFieldBegin("o1", TType.STRUCT, 1)
        protocol.writeStructBegin("MetaException")
        protocol.writeFieldBegin("message", TType.STRING, 1)
        protocol.writeString(message)
        protocol.writeFieldEnd()
        protocol.writeFieldStop()
        protocol.writeStructEnd()
        protocol.writeFieldEnd()
        protocol.writeFieldStop()
        protocol.writeStructEnd()
        protocol.writeMessageEnd()
    return answer


def test_get_all_databases_speaks_the_metastore_protocol():
    server = FakeMetastore(answer_databases("default", "kickback"))
    try:
        assert stack_hive.get_all_databases("127.0.0.1", server.port) == ["default", "kickback"]
    finally:
        server.close()
    assert server.calls == ["get_all_databases"]


def test_a_meta_exception_is_raised_with_its_message():
    server = FakeMetastore(answer_meta_exception("Derby is not booted"))
    try:
        with pytest.raises(RuntimeError, match="Derby is not booted"):
            stack_hive.get_all_databases("127.0.0.1", server.port)
    finally:
        server.close()


def test_the_metastore_is_ready_when_it_lists_the_default_database(monkeypatch):
    monkeypatch.setattr(stack_hive, "port_open", lambda host, port: True)

    result = stack_hive.probe_metastore("127.0.0.1", 19183, call=lambda host, port: ["default", "kickback"])

    assert result.ready and result.detail == "get_all_databases answered (2 databases)"


@pytest.mark.parametrize("call, detail", [
    (lambda host, port: [], "without the default database"),
    (lambda host, port: (_ for _ in ()).throw(TTransportException(TTransportException.END_OF_FILE, "read 0 bytes")),
     "read 0 bytes"),
])
def test_the_metastore_is_not_ready_until_its_catalog_answers(monkeypatch, call, detail):
    monkeypatch.setattr(stack_hive, "port_open", lambda host, port: True)

    result = stack_hive.probe_metastore("127.0.0.1", 19183, call=call)

    assert not result and detail in result.detail


def test_the_metastore_is_not_called_while_its_port_is_closed(monkeypatch):
    monkeypatch.setattr(stack_hive, "port_open", lambda host, port: False)

    def never(host, port):
        raise AssertionError("called a closed port")

    result = stack_hive.probe_metastore("127.0.0.1", 19183, call=never)
    assert not result and "port 19183 not open" in result.detail


# --- probes: HiveServer2 runs SELECT 1 and SHOW DATABASES ---


class FakeCursor:
    def __init__(self, results):
        self.results = dict(results)
        self.statements = []
        self.last = None

    def execute(self, statement):
        self.statements.append(statement)
        self.last = statement

    def fetchall(self):
        return self.results[self.last]


class FakeHiveConnection:
    def __init__(self, cursor):
        self._cursor = cursor
        self.closed = False

    def cursor(self):
        return self._cursor

    def close(self):
        self.closed = True


@pytest.fixture
def hs2_port_open(monkeypatch):
    monkeypatch.setattr(stack_hive, "port_open", lambda host, port: True)


def test_hiveserver2_is_ready_when_a_query_and_a_metastore_call_run(hs2_port_open):
    cursor = FakeCursor({"SELECT 1": [(1,)], "SHOW DATABASES": [("default",), ("kickback",)]})
    connection = FakeHiveConnection(cursor)

    result = stack_hive.probe_hiveserver2("127.0.0.1", 10100, "NONE", "kb", connect=lambda **kw: connection)

    assert result.ready and result.detail == "SELECT 1 and SHOW DATABASES ran"
    assert cursor.statements == ["SELECT 1", "SHOW DATABASES"]
    assert connection.closed


def test_hiveserver2_is_not_ready_while_its_port_is_closed(monkeypatch):
    monkeypatch.setattr(stack_hive, "port_open", lambda host, port: False)

    def never(**kwargs):
        raise AssertionError("connected to a closed port")

    result = stack_hive.probe_hiveserver2("127.0.0.1", 10100, "NONE", "kb", connect=never)
    assert not result and "port 10100 not open" in result.detail


def test_hiveserver2_is_not_ready_when_the_session_fails(hs2_port_open):
    def refuse(**kwargs):
        raise TTransportException(TTransportException.NOT_OPEN, "TSocket read 0 bytes")

    result = stack_hive.probe_hiveserver2("127.0.0.1", 10100, "NONE", "kb", connect=refuse)
    assert not result and "TSocket read 0 bytes" in result.detail


@pytest.mark.parametrize("results, detail", [
    ({"SELECT 1": [(2,)], "SHOW DATABASES": [("default",)]}, "SELECT 1 returned [(2,)]"),
    ({"SELECT 1": [(1,)], "SHOW DATABASES": []}, "no default database"),
])
def test_hiveserver2_is_not_ready_on_a_wrong_answer(hs2_port_open, results, detail):
    connection = FakeHiveConnection(FakeCursor(results))

    result = stack_hive.probe_hiveserver2("127.0.0.1", 10100, "NONE", "kb", connect=lambda **kw: connection)

    assert not result and detail in result.detail
    assert connection.closed
