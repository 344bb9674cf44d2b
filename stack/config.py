"""What the stack needs to know: its folder, its profile, every port, host and heap it binds or sets.

The stack never reads the project's settings: the CLI builds one
``StackConfig`` from them (``kickback.commands.stack.stack_config``) and
hands it down. Each field carries the setting of the same name (docs/configuration.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class StackConfig:
    """The settings the stack's services are configured, started and probed with."""

    # Where the stack keeps jars, configs, pids, logs and data.
    stack_dir: Path
    # "local" or "cluster" (stack.profile).
    stack_profile: str
    # Seconds a service may take to answer after it starts.
    start_timeout_s: int

    # HBase standalone (ZooKeeper, master and region server in one JVM) and its Thrift1 server.
    hbase_host: str
    hbase_thrift_port: int
    hbase_zk_port: int
    hbase_master_port: int
    hbase_regionserver_port: int
    hbase_heap: str
    thrift_heap: str

    # The Hive metastore service and HiveServer2.
    hive_host: str
    hive_port: int
    hive_auth: str
    hive_username: str
    hive_metastore_port: int
    hive_heap: str
    hive_metastore_heap: str

    # The cluster profile's HDFS: fs.defaultFS, the NameNode and the DataNode.
    hdfs_uri: str
    hdfs_host: str
    hdfs_port: int
    hdfs_http_port: int
    hdfs_datanode_port: int
    hdfs_datanode_http_port: int
    hdfs_datanode_ipc_port: int
    hdfs_datanode_proxy_port: int
    # Its YARN: the ResourceManager, the NodeManager, MapReduce's shuffle and AM port bands.
    yarn_host: str
    yarn_port: int
    yarn_web_port: int
    yarn_scheduler_port: int
    yarn_tracker_port: int
    yarn_admin_port: int
    yarn_localizer_port: int
    yarn_nodemanager_port: int
    yarn_nodemanager_web_port: int
    yarn_nodemanager_memory_mb: int
    yarn_nodemanager_vcores: int
    mapreduce_shuffle_port: int
    mapreduce_am_ports: str
    mapreduce_am_web_ports: str
    # The daemons' heaps.
    namenode_heap: str
    datanode_heap: str
    resourcemanager_heap: str
    nodemanager_heap: str

    # The lookup API (stack.api): where it binds, and the bearer keys it accepts (never shown).
    api_host: str
    api_port: int
    api_keys: tuple[str, ...] = field(repr=False)
