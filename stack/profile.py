"""Which stack profile runs, and the guard against switching under it.

``local`` runs HBase (root dir on the local file system), Thrift, the
HiveServer2 endpoint and Hadoop streaming in local mode; ``cluster`` adds
the Hadoop daemons of ``stack.cluster`` and keeps HBase's root dir in HDFS.
The two cannot share one stack folder while running: an HBase started on
one root dir must not be joined by services configured for the other. ``up``
records the profile in ``run/profile``; a later ``up`` for the other
profile, while any service runs, is refused in one line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from stack import process
from stack.api import NAME as API
from stack.cluster.daemons import DAEMONS
from stack.cluster.layout import BUNDLE
from stack.config import StackConfig
from stack.errors import StackError
from stack.paths import StackPaths

# The services both profiles run, in stop order: HiveServer2 (hive) before
# the metastore it uses, Thrift before HBase.
SHARED_SERVICES = ("hive", "metastore", "thrift", "hbase")


def is_cluster(config: StackConfig) -> bool:
    """Whether ``config`` asks for the cluster profile."""
    return config.stack_profile == "cluster"


def bundles(config: StackConfig, local: tuple[str, ...]) -> tuple[str, ...]:
    """The Maven bundles to resolve: the local ones, plus the daemons' in the cluster profile."""
    return (*local, BUNDLE) if is_cluster(config) else tuple(local)


def stop_order() -> tuple[str, ...]:
    """Every service ``down`` stops, in order: the API before the HBase it reads, HBase before its HDFS."""
    return (API, *SHARED_SERVICES, *reversed(DAEMONS))


def marker(paths: StackPaths):
    """The file holding the running profile's name."""
    return paths.run / "profile"


def running(paths: StackPaths) -> dict[str, int]:
    """Each recorded service whose process runs, with its pid."""
    found = {}
    for name in stop_order():
        pid = process.running_pid(paths.pid_file(name))
        if pid is not None:
            found[name] = pid
    return found


def running_profile(paths: StackPaths, services: dict[str, int] | None = None) -> str | None:
    """The profile of the running services, or None when nothing runs."""
    services = running(paths) if services is None else services
    if not services:
        return None
    try:
        recorded = marker(paths).read_text().strip()
    except OSError:
        recorded = ""
    if recorded:
        return recorded
    # Started before profiles were recorded: tell by what runs and where HBase keeps its data.
    if any(name in services for name in DAEMONS):
        return "cluster"
    return "cluster" if hbase_rootdir(paths).startswith("hdfs:") else "local"


def hbase_rootdir(paths: StackPaths) -> str:
    """``hbase.rootdir`` of the rendered hbase-site.xml ("" if there is none)."""
    try:
        root = ElementTree.parse(paths.conf / "hbase" / "hbase-site.xml").getroot()
    except (OSError, ElementTree.ParseError):
        return ""
    for prop in root.iter("property"):
        if prop.findtext("name") == "hbase.rootdir":
            return (prop.findtext("value") or "").strip()
    return ""


def check_switch(config: StackConfig, paths: StackPaths) -> None:
    """Refuse, in one line, to start one profile while services of the other run."""
    services = running(paths)
    current = running_profile(paths, services)
    if current is None or current == config.stack_profile:
        return
    shown = ", ".join("%s pid %d" % item for item in services.items())
    raise StackError(
        "the %s profile of the stack in %s is running (%s): run `kickback stack down` first, "
        "then `kickback stack up` with KICKBACK_STACK_PROFILE=%s"
        % (current, paths.root, shown, config.stack_profile)
    )


def record(config: StackConfig, paths: StackPaths) -> None:
    """Note the profile ``up`` is starting."""
    marker(paths).parent.mkdir(parents=True, exist_ok=True)
    marker(paths).write_text(config.stack_profile + "\n")


def forget(paths: StackPaths) -> None:
    """Drop the note once nothing runs any more."""
    if not running(paths):
        marker(paths).unlink(missing_ok=True)
