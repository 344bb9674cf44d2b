"""The stack's cluster profile for integration tests (``-m cluster``).

A session fixture brings the cluster profile up with the settings of the
environment (so a test session chooses the var dir and every port) and stops
it at the end if it started it (``KICKBACK_KEEP_STACK=1`` keeps it). These
tests start about ten JVMs: they run only when selected with ``-m cluster``.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass

import pytest

from kickback.commands.stack import stack_config
from kickback.config import Settings
from stack import control, process
from stack.cluster import hadoop_user
from stack.java import find_java
from stack.paths import StackPaths


@dataclass(frozen=True)
class ClusterStack:
    """The running cluster profile: its settings, and whether this session started it."""

    settings: Settings
    started_here: bool

    @property
    def paths(self) -> StackPaths:
        return StackPaths.under(self.settings.stack_dir)

    @property
    def services(self) -> tuple[str, ...]:
        """Every service of the profile: the Hadoop daemons, HBase, Thrift, the Hive services."""
        return tuple(control.services_of(stack_config(self.settings), self.paths, find_java()))

    def webhdfs(self, path: str, op: str, **params: str) -> str:
        query = "&".join("%s=%s" % item for item in {"op": op, "user.name": hadoop_user(), **params}.items())
        return "http://127.0.0.1:%d/webhdfs/v1%s?%s" % (self.settings.hdfs_http_port, path, query)

    def rest(self, port: int, path: str) -> dict:
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                         headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)


def _selected(config: pytest.Config) -> bool:
    expression = config.getoption("markexpr") or ""
    return "cluster" in expression and "not cluster" not in expression


@pytest.fixture(scope="session")
def cluster_settings(request) -> Settings:
    """Settings of this session's cluster profile: the environment's, with the profile set."""
    if not _selected(request.config):
        pytest.skip("the cluster profile starts only with `pytest -m cluster` (and its own var dir and ports)")
    return Settings.load(stack_profile="cluster")


@pytest.fixture(scope="session")
def cluster_stack(cluster_settings) -> ClusterStack:
    """The cluster profile, up; stopped at the end if this session started it."""
    paths = StackPaths.under(cluster_settings.stack_dir)
    names = control.services_of(stack_config(cluster_settings), paths, find_java())
    was_running = all(process.running_pid(paths.pid_file(name)) for name in names)
    control.up(stack_config(cluster_settings))
    yield ClusterStack(cluster_settings, started_here=not was_running)
    if not was_running and os.environ.get("KICKBACK_KEEP_STACK") != "1":
        control.down(stack_config(cluster_settings))


@pytest.fixture
def cluster(cluster_stack, session_tag, tmp_path) -> Settings:
    """Cluster-profile settings with a private HDFS landing and warehouse, table prefix and database."""
    root = "%s/tmp/kickback-tests/%s/%s" % (cluster_stack.settings.hdfs_uri, session_tag, tmp_path.name)
    return cluster_stack.settings.replace(
        landing_dir=root + "/landing", warehouse_dir=root + "/warehouse",
        hbase_table_prefix=session_tag, hive_database=session_tag,
    )
