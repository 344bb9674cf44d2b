"""KickBack device analytics: the ``kickback`` command and its orchestration.

The domain packages (``mapreduce``, ``hbase_schema``, ``hive``, ``api``,
``stack``, ``generator``) never import this package; it imports them.
"""

__version__ = "0.1.0"
