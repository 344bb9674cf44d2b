"""The HBase client's settings: their defaults and rules, in one place.

Two floors configure an HBase client: the project's ``Settings``
(``KICKBACK_HBASE_*``, for the loader and the stack) and the lookup API's
app config (``HBASE_*`` keys). Both take their defaults from here and check
values with these rules, so the two cannot drift apart. A rule function
answers the rule a value breaks, or None; the caller names the setting and
raises its own error. The salt buckets are owned by ``hbase_schema.keys``.
"""

from __future__ import annotations

import ipaddress
import re

DEFAULT_HOST = "127.0.0.1"
DEFAULT_THRIFT_PORT = 9090
# happybase's table_prefix: the tables are <prefix>_member_summary and so on.
DEFAULT_TABLE_PREFIX = "kickback"
# The socket timeout of every call.
DEFAULT_TIMEOUT_MS = 10000
DEFAULT_POOL_SIZE = 4

# HBase's TableName rules, ASCII only: an optional namespace, then a
# qualifier of [A-Za-z0-9_.-] that does not start with "." or "-". The prefix
# is joined to each table name with "_", so a legal prefix makes legal names.
_TABLE_PREFIX = re.compile(r"(?:[A-Za-z0-9_]+:)?[A-Za-z0-9_][A-Za-z0-9_.-]*")
_HOST_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?")

TABLE_PREFIX_RULE = ("must be an HBase table name: letters, digits, _ . - (not first: . or -), "
                     "optionally after a namespace and ':'")
HOST_RULE = "must be a host name or IP address (no scheme, port or spaces)"


def host_rule(value: str) -> str | None:
    """The rule a host setting breaks (this one's, and any other host's), or None."""
    if not value:
        return "must not be empty"
    if ":" in value:
        try:
            ipaddress.IPv6Address(value)
            return None
        except ValueError:
            return HOST_RULE
    return None if _HOST_NAME.fullmatch(value) else HOST_RULE


def table_prefix_rule(value: str) -> str | None:
    """The rule a non-empty table prefix breaks, or None."""
    return None if _TABLE_PREFIX.fullmatch(value) else TABLE_PREFIX_RULE
