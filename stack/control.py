"""Bringing the local stack up, down, and asking how it is.

``up`` is idempotent: a service whose recorded process still runs is left
alone, so running it twice is harmless. ``down`` stops exactly the
processes ``up`` recorded. Data stays under the stack's data folder.

In the cluster profile (``stack.profile``) ``up`` first starts HDFS and
YARN (``stack.cluster``), makes the project's HDFS folders, and starts
HBase on that HDFS.

The lookup API (``stack.api``) is the one service ``up`` leaves alone:
``start_api`` starts it, once its tables are loaded. ``status`` lists it
once it was started; ``down`` stops it with the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from stack import api as api_service
from stack import cluster, conf, hadoop, jars, process, profile
from stack import hive as hive_services
from stack.cluster import conf as cluster_conf
from stack.cluster import webhdfs
from stack.config import StackConfig
from stack.errors import StackError
from stack.java import check_java, find_java
from stack.paths import StackPaths
from stack.services import Readiness, Service, define, probe_stack_hadoop, service_env

logger = logging.getLogger(__name__)

Say = Callable[[str], None]


@dataclass(frozen=True)
class ServiceStatus:
    """What ``status`` knows about one service."""

    name: str
    endpoint: str
    pid: int | None
    answers: bool
    log: Path
    # What the readiness probe saw (why it is not ready, or what it proved).
    detail: str = ""


def prepare(config: StackConfig, say: Say = logger.info) -> tuple[StackPaths, Path]:
    """Resolve jars, write configs and the hadoop launcher; no process starts."""
    paths = StackPaths.under(config.stack_dir)
    paths.make_dirs()
    java = find_java()
    check_java(java)
    for bundle in profile.bundles(config, jars.BUNDLES):
        if not (paths.jars(bundle) / ".pom.sha256").exists():
            say("resolving %s jars from Maven Central (first run only)..." % bundle)
        bundle_jars = jars.ensure_jars(paths, bundle)
        conf.write_if_changed(
            paths.classpath_file(bundle),
            jars.classpath(paths.conf / bundle, bundle_jars) + "\n",
        )
    hadoop_jars = sorted(paths.jars("hadoop").glob("*.jar"))
    if profile.is_cluster(config):
        layout = cluster.ClusterLayout(paths)
        cluster_conf.render_all(config, paths, cluster.hadoop_user())
        conf.render_all(config, paths, cluster_conf.hbase_on_hdfs(config, layout, conf.hbase_site(config, paths)))
        hadoop.write_launcher(paths, java, hadoop_jars, **cluster_conf.launcher_options(paths))
    else:
        cluster_conf.hbase_hdfs_site_file(paths).unlink(missing_ok=True)
        conf.render_all(config, paths)
        hadoop.write_launcher(paths, java, hadoop_jars)
    hive_services.render_all(config, paths)
    return paths, java


def services_of(config: StackConfig, paths: StackPaths, java: Path) -> dict[str, Service]:
    """Every service of the configured profile: the Hadoop daemons first in the cluster profile."""
    if not profile.is_cluster(config):
        return define(config, paths, java)
    shared = define(config, paths, java, cluster_conf.hbase_classpath(paths))
    return {**cluster.define(config, paths, java), **shared}


def up(config: StackConfig, say: Say = logger.info) -> list[ServiceStatus]:
    """Start every service that is not running and wait until all answer."""
    profile.check_switch(config, StackPaths.under(config.stack_dir))
    paths, java = prepare(config, say)
    paths.ready_marker.unlink(missing_ok=True)
    services = services_of(config, paths, java)
    if profile.is_cluster(config):
        cluster.check_ports(config, {name: service.ports for name, service in services.items()})
    profile.record(config, paths)
    if profile.is_cluster(config):
        _start_hdfs(config, services, paths, java, say)
        # The ResourceManager starts beside HBase and the Hive metastore.
        _ensure_started(services["resourcemanager"], paths, say)
    # HBase and the Hive metastore start side by side; Thrift needs HBase
    # first, and HiveServer2 the metastore (it tries once, and exits
    # without one).
    _ensure_started(services["hbase"], paths, say)
    _ensure_started(services["metastore"], paths, say)
    if profile.is_cluster(config):
        # The NodeManager registers once the ResourceManager listens
        # (started earlier, it would wait 30 s to retry).
        _wait_answers(services["resourcemanager"], paths, config.start_timeout_s, say)
        _ensure_started(services["nodemanager"], paths, say)
    _wait_answers(services["metastore"], paths, config.start_timeout_s, say)
    _ensure_started(services["hive"], paths, say)
    _wait_answers(services["hbase"], paths, config.start_timeout_s, say)
    _ensure_started(services["thrift"], paths, say)
    if profile.is_cluster(config):
        _wait_answers(services["nodemanager"], paths, config.start_timeout_s, say)
    _wait_answers(services["thrift"], paths, config.start_timeout_s, say)
    _wait_answers(services["hive"], paths, config.start_timeout_s, say)
    hadoop_ready = probe_stack_hadoop(paths, _hadoop_probe_dir(config))
    if not hadoop_ready:
        raise StackError("the hadoop launcher %s does not work: %s; try it by hand"
                         % (paths.hadoop_bin, hadoop_ready.detail))
    paths.ready_marker.write_text("ready\n")
    return status(config)


def _start_hdfs(config: StackConfig, services: dict[str, Service], paths: StackPaths, java: Path,
                say: Say) -> None:
    """Format on first start, start the NameNode and DataNode, make the project's folders."""
    if process.running_pid(paths.pid_file("namenode")) is None and cluster.format_namenode(config, paths, java):
        say("formatted HDFS in %s (first start)" % cluster.ClusterLayout(paths).name_dir)
    for name in ("namenode", "datanode"):
        _ensure_started(services[name], paths, say)
        _wait_answers(services[name], paths, config.start_timeout_s, say)
    made = webhdfs.make_folders("127.0.0.1", config.hdfs_http_port, cluster.hadoop_user())
    say("HDFS folders ready: %s" % ", ".join(made))


def _hadoop_probe_dir(config: StackConfig) -> str | None:
    # In the cluster profile the launcher's file system is HDFS.
    return webhdfs.folders(cluster.hadoop_user())[0][0] if profile.is_cluster(config) else None


def _ensure_started(service: Service, paths: StackPaths, say: Say) -> None:
    pid_file = paths.pid_file(service.name)
    pid = process.running_pid(pid_file)
    if pid is not None:
        say("%s already running (pid %d)" % (service.name, pid))
        return
    for port in service.ports:
        process.require_free_port(service.host, port, service.name)
    pid = process.start_detached(
        service.argv, paths.log_file(service.name), pid_file,
        env=service_env(service), cwd=service.cwd or paths.run,
    )
    say("started %s (pid %d), log %s" % (service.name, pid, paths.log_file(service.name)))


def _wait_answers(service: Service, paths: StackPaths, timeout_s: int, say: Say) -> None:
    pid_file = paths.pid_file(service.name)
    log = paths.log_file(service.name)

    last = [Readiness(False, "not probed")]

    def ready() -> bool:
        if process.running_pid(pid_file) is None:
            raise StackError(
                "%s exited during start; see its log: %s%s" % (service.name, log, _last_error(log))
            )
        last[0] = service.probe()
        return last[0].ready

    if not process.wait_for(ready, timeout_s, interval=1.0):
        raise StackError(
            "%s did not answer within %d s (%s); see its log: %s%s"
            % (service.name, timeout_s, last[0].detail, log, _last_error(log))
        )
    say("%s answers on %s: %s" % (service.name, service.endpoint, last[0].detail))


def _last_error(log: Path) -> str:
    """The last ERROR/Exception line of a log, as a hint."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    for line in reversed(lines[-400:]):
        if "ERROR" in line or "Exception" in line:
            return " (last error: %s)" % line.strip()[:300]
    return ""


def down(config: StackConfig, say: Say = logger.info) -> list[str]:
    """Stop what ``up`` started, newest first; return the stopped names."""
    paths = StackPaths.under(config.stack_dir)
    paths.ready_marker.unlink(missing_ok=True)
    stopped = []
    # The API, when `kickback run` started it, goes first: it reads HBase;
    # then HBase before the HDFS it writes to, whatever the configured profile.
    for name in profile.stop_order():
        if process.stop(paths.pid_file(name)):
            say("stopped %s" % name)
            stopped.append(name)
    profile.forget(paths)
    return stopped


def status(config: StackConfig) -> list[ServiceStatus]:
    """Each service, its endpoint, its recorded pid and whether it is ready (and why not)."""
    paths = StackPaths.under(config.stack_dir)
    java = find_java()
    services = list(services_of(config, paths, java).values())
    # The API only once it was started (``up`` does not start it).
    if paths.pid_file(api_service.NAME).exists():
        services.append(api_service.define(config))
    rows = []
    for service in services:
        pid = process.running_pid(paths.pid_file(service.name))
        readiness = service.probe()
        rows.append(ServiceStatus(
            service.name, service.endpoint, pid, readiness.ready, paths.log_file(service.name),
            readiness.detail,
        ))
    hadoop_ready = probe_stack_hadoop(paths, _hadoop_probe_dir(config))
    rows.append(ServiceStatus(
        "hadoop", "streaming launcher %s" % paths.hadoop_bin, None,
        hadoop_ready.ready, paths.logs, hadoop_ready.detail,
    ))
    return rows


def stop_service(config: StackConfig, name: str) -> bool:
    """Stop one service (used to test recovery); True if it was running."""
    return process.stop(StackPaths.under(config.stack_dir).pid_file(name))


def start_service(config: StackConfig, name: str, say: Say = logger.info) -> None:
    """Start one stopped service again and wait until it answers."""
    if name == api_service.NAME:
        start_api(config, say)
        return
    paths = StackPaths.under(config.stack_dir)
    service = services_of(config, paths, find_java())[name]
    _ensure_started(service, paths, say)
    _wait_answers(service, paths, config.start_timeout_s, say)


def start_api(config: StackConfig, say: Say = logger.info) -> str:
    """Start the lookup API unless it runs, wait until it answers; return a bearer key it accepts."""
    paths = StackPaths.under(config.stack_dir)
    keys = api_service.accepted_keys(config, paths)
    service = api_service.define(config, keys)
    _ensure_started(service, paths, say)
    _wait_answers(service, paths, config.start_timeout_s, say)
    return keys[0]
