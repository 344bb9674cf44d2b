"""The real local stack for integration tests.

The session starts the stack (``kickback stack up`` is idempotent) and, if
it was not already running, stops it at the end unless
KICKBACK_KEEP_STACK=1. Each test session gets its own HBase table prefix
and Hive database so that it never touches the data of ``make run``.
"""

from __future__ import annotations

import os
import uuid

import pytest

from kickback.commands.stack import stack_config
from kickback.config import Settings
from stack import control
from stack.paths import StackPaths
from stack.process import running_pid

SERVICES = ("hbase", "thrift", "metastore", "hive")


def pytest_collection_modifyitems(items):
    """Every test under tests/integration is an integration test; tests that
    stop the stack run after every other test of the session."""
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
    items.sort(key=lambda item: item.get_closest_marker("stops_stack") is not None)


@pytest.fixture(scope="session")
def stack_settings() -> Settings:
    """Settings of the running local stack; starts it when needed."""
    settings = Settings.load()
    paths = StackPaths.under(settings.stack_dir)
    was_running = all(running_pid(paths.pid_file(name)) for name in SERVICES)
    control.up(stack_config(settings))
    yield settings
    if not was_running and os.environ.get("KICKBACK_KEEP_STACK") != "1":
        control.down(stack_config(settings))


@pytest.fixture(scope="session")
def session_tag() -> str:
    """A short unique name for this test session's tables and databases."""
    return "kbtest_%s" % uuid.uuid4().hex[:8]


@pytest.fixture
def settings(stack_settings, session_tag, tmp_path) -> Settings:
    """Stack settings with private local paths, table prefix and database."""
    return stack_settings.replace(
        landing_dir=tmp_path / "landing",
        warehouse_dir=tmp_path / "warehouse",
        hbase_table_prefix=session_tag,
        hive_database=session_tag,
    )


# Fixtures of each concern live beside this file; pytest finds fixtures only
# in conftest.py, so they are imported here.
from conftest_hbase import hbase_pool, hbase_settings, hbase_tools, sample_warehouse  # noqa: E402,F401
from conftest_cluster import cluster, cluster_settings, cluster_stack  # noqa: E402,F401
from conftest_hive import hive_cursor, register, warehouse  # noqa: E402,F401
from conftest_pipeline import loaded_hbase, pipeline_run, registered_hive  # noqa: E402,F401
