"""Where the cluster profile keeps its configuration, jars and data.

Everything sits under the stack's folders (``StackPaths``): HDFS metadata
and blocks in ``data/hdfs``, the NodeManager's working folders in
``data/yarn``, container logs in ``logs/userlogs``, and one configuration
folder, ``conf/hadoop-cluster``, shared by the daemons and their clients
(the local profile's client configuration stays in ``conf/hadoop``).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from stack.paths import StackPaths

# The Maven bundle (stack/maven/hadoop-cluster/pom.xml) the daemons run from.
BUNDLE = "hadoop-cluster"


def hadoop_user() -> str:
    """The user Hadoop's simple authentication acts as: $HADOOP_USER_NAME, else the login user."""
    return os.environ.get("HADOOP_USER_NAME") or getpass.getuser()


@dataclass(frozen=True)
class ClusterLayout:
    """The cluster profile's files, under one stack's folders."""

    paths: StackPaths

    @property
    def conf(self) -> Path:
        return self.paths.conf / "hadoop-cluster"

    @property
    def jars(self) -> Path:
        return self.paths.jars(BUNDLE)

    @property
    def name_dir(self) -> Path:
        return self.paths.data / "hdfs" / "name"

    @property
    def data_dir(self) -> Path:
        return self.paths.data / "hdfs" / "data"

    @property
    def yarn_local(self) -> Path:
        return self.paths.data / "yarn" / "local"

    @property
    def tmp(self) -> Path:
        """hadoop.tmp.dir: the base of Hadoop's local scratch folders."""
        return self.paths.data / "hadoop-cluster-tmp"

    @property
    def hbase_local(self) -> Path:
        """HBase's local folders (tmp, ZooKeeper) when its root dir is in HDFS."""
        return self.paths.data / "hbase-hdfs"

    @property
    def userlogs(self) -> Path:
        """Container logs; mrjob looks for task tracebacks under ``userlogs/``."""
        return self.paths.logs / "userlogs"

    @property
    def formatted_marker(self) -> Path:
        """Written by ``NameNode -format``: its absence means never formatted."""
        return self.name_dir / "current" / "VERSION"
