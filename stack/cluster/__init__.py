"""The stack's cluster profile: a pseudo-distributed Apache Hadoop 3.4.2.

HDFS (NameNode, DataNode) and YARN (ResourceManager, NodeManager with the
MapReduce shuffle) run as plain ``java -cp CONF:LIB/* <main class>``
processes on 127.0.0.1, from the Maven Central jars of the
``hadoop-cluster`` bundle. ``stack.control`` starts them before HBase, which
keeps its root dir in that HDFS.

- ``layout``: where the profile keeps its configuration and data;
- ``conf``: the ``*-site.xml`` files, for the daemons and their clients;
- ``daemons``: each daemon's command line, ports and readiness probe;
- ``probes``: readiness over HTTP (JMX and REST), no JVM;
- ``webhdfs``: the project's HDFS folders, made through WebHDFS.
"""

from stack.cluster.daemons import DAEMONS, check_ports, define, format_namenode
from stack.cluster.layout import ClusterLayout, hadoop_user

__all__ = ["DAEMONS", "ClusterLayout", "check_ports", "define", "format_namenode", "hadoop_user"]
