"""The one configuration object: defaults, then ``KICKBACK_*`` environment
variables, then explicit overrides.

Every host, port, path and knob of the project lives here, so the same code
talks to the local stack or to a real cluster by configuration alone. Field
``foo_bar`` is set from the environment variable ``KICKBACK_FOO_BAR``.
docs/configuration.md documents each field.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from hbase_schema import client_config, keys
from warehouse.storage import StorageError, StorageOptions, split_uri

ENV_PREFIX = "KICKBACK_"


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Every setting of the project, with its default."""

    # Where the local stack and the local data live (relative to the cwd).
    var_dir: Path = Path("var")
    # Raw landings: <landing_dir>/dt=YYYY-MM-DD/hour=HH/*.jsonl[.gz]. Like
    # warehouse_dir and scratch_dir: a path, or a file://, hdfs://host:port/,
    # s3://bucket/ or gs://bucket/ URI (warehouse.storage).
    landing_dir: str = "var/data/landing"
    # Pipeline outputs: <warehouse_dir>/<dataset>/dt=YYYY-MM-DD[/hour=HH]/
    warehouse_dir: str = "var/data/warehouse"
    # Where cluster runners keep a run's job files (mrjob's hadoop_tmp_dir);
    # empty: the run's staging folder inside warehouse_dir.
    scratch_dir: str = ""
    # The user WebHDFS calls run as (hdfs:// roots); empty: this process's user.
    hdfs_user: str = ""
    # An S3-compatible endpoint for s3:// roots (MinIO, moto); empty: AWS.
    # Credentials come from the usual AWS_* environment, never from here.
    s3_endpoint_url: str = ""

    # Hadoop streaming (mrjob -r hadoop); empty means the local stack's.
    hadoop_bin: str = ""
    hadoop_streaming_jar: str = ""
    # mrjob runner used by `kickback pipeline run`.
    runner: str = "local"
    # Extra mrjob config file (cluster settings for -r hadoop/emr/dataproc).
    mrjob_conf: str = ""

    # Stack profile (docs/design.md "Local stack"): "local" runs HBase, its
    # Thrift server, HiveServer2 and Hadoop streaming in local mode; "cluster"
    # adds HDFS and YARN (Hadoop 3.4.2) and keeps HBase's root dir in HDFS.
    stack_profile: str = "local"
    # HDFS NameNode: RPC (fs.defaultFS) and HTTP/WebHDFS.
    hdfs_host: str = "127.0.0.1"
    hdfs_port: int = 8020
    hdfs_http_port: int = 9870
    # YARN ResourceManager: client RPC and web/REST.
    yarn_host: str = "127.0.0.1"
    yarn_port: int = 8032
    yarn_web_port: int = 8088
    # The cluster profile's other daemon ports (Hadoop's defaults) and the
    # bands the MapReduce application master listens in ("first-last").
    hdfs_datanode_port: int = 9866
    hdfs_datanode_http_port: int = 9864
    hdfs_datanode_ipc_port: int = 9867
    hdfs_datanode_proxy_port: int = 9862
    yarn_scheduler_port: int = 8030
    yarn_tracker_port: int = 8031
    yarn_admin_port: int = 8033
    yarn_localizer_port: int = 8040
    yarn_nodemanager_port: int = 8041
    yarn_nodemanager_web_port: int = 8042
    mapreduce_shuffle_port: int = 13562
    mapreduce_am_ports: str = "50100-50199"
    mapreduce_am_web_ports: str = "50200-50299"
    # The cluster profile's daemon heaps and what the NodeManager offers.
    namenode_heap: str = "512m"
    datanode_heap: str = "256m"
    resourcemanager_heap: str = "512m"
    nodemanager_heap: str = "384m"
    yarn_nodemanager_memory_mb: int = 4096
    yarn_nodemanager_vcores: int = 4

    # HBase through its Thrift1 server.
    hbase_host: str = client_config.DEFAULT_HOST
    hbase_thrift_port: int = client_config.DEFAULT_THRIFT_PORT
    hbase_table_prefix: str = client_config.DEFAULT_TABLE_PREFIX
    hbase_timeout_ms: int = client_config.DEFAULT_TIMEOUT_MS
    hbase_pool_size: int = client_config.DEFAULT_POOL_SIZE
    hbase_buckets: int = keys.DEFAULT_BUCKETS
    hbase_daily_ttl_days: int = 400
    hbase_events_ttl_days: int = 90
    hbase_load_workers: int = 4
    hbase_batch_size: int = 1000

    # Local HBase standalone JVM.
    hbase_zk_port: int = 2181
    hbase_master_port: int = 16000
    hbase_regionserver_port: int = 16020
    hbase_heap: str = "2g"
    thrift_heap: str = "512m"

    # HiveServer2 endpoint (the local stack runs Apache Hive 4's).
    hive_host: str = "127.0.0.1"
    hive_port: int = 10000
    hive_auth: str = "NONE"
    hive_username: str = "kickback"
    hive_database: str = "kickback"
    # The local stack's Hive: the metastore service's Thrift port
    # (thrift://127.0.0.1:<port>) and both JVMs' heaps (local MapReduce runs
    # inside HiveServer2's).
    hive_metastore_port: int = 9083
    hive_heap: str = "1g"
    hive_metastore_heap: str = "512m"

    # Lookup API.
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    # gunicorn gevent workers (processes); each serves many connections.
    api_workers: int = 2
    # Open connections one worker serves at once (gunicorn worker_connections).
    api_worker_connections: int = 1000
    # Seconds a connection may stay idle between requests, and may take to
    # send a request's headers, before the server closes it.
    api_keepalive_s: int = 5
    # Comma-separated bearer keys; never logged.
    api_keys: str = field(default="", repr=False)

    # Seconds a service may take to answer after start.
    start_timeout_s: int = 180

    @classmethod
    def load(
        cls,
        env: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> "Settings":
        """Build settings from defaults, then ``env``, then ``overrides``."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        known = {f.name: f for f in fields(cls)}
        for name, spec in known.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is not None:
                values[name] = _coerce(name, spec.type, raw)
        values.update(_coerced(known, overrides))
        settings = cls(**values)
        settings = settings.with_profile_defaults(set(values))
        settings.validate()
        settings.check_places()
        return settings

    def with_profile_defaults(self, given: set[str]) -> "Settings":
        """In the cluster profile, what is not ``given`` defaults to the cluster.

        ``landing_dir`` and ``warehouse_dir`` live in the stack's HDFS
        (``<hdfs_uri>/kickback/landing``, ``.../warehouse``) and the runner is
        ``hadoop`` (YARN); anything set explicitly stays as it is.
        """
        if self.stack_profile != "cluster":
            return self
        changes: dict[str, Any] = {}
        for name, folder in (("landing_dir", "landing"), ("warehouse_dir", "warehouse")):
            if name not in given:
                changes[name] = "%s%s/%s" % (self.hdfs_uri, CLUSTER_ROOT, folder)
        if "runner" not in given:
            changes["runner"] = "hadoop"
        return dataclasses.replace(self, **changes)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed (coerced and checked, no file system access)."""
        new = dataclasses.replace(self, **_coerced({f.name: f for f in fields(self)}, changes))
        new.validate()
        return new

    def validate(self) -> None:
        """Reject values no component could use: types, ranges, character sets.

        Each failure is one line naming the ``KICKBACK_*`` variable, the rule
        and the value (``api_keys`` is never shown).
        """
        for spec in fields(self):
            value = getattr(self, spec.name)
            _check_type(spec.name, spec.type, value)
            if spec.name.endswith("_port"):
                _check_range(spec.name, value, 1, 65535, "must be a TCP port (1-65535)")
            check = _CHECKS.get(spec.name)
            if check is not None:
                check(spec.name, value)

    def check_places(self) -> None:
        """Reject local folders that cannot be made and an mrjob conf that is not one.

        Run by ``load`` (start-up), not by ``replace``: it reads the file
        system but never creates anything.
        """
        _check_folder("var_dir", self.var_dir, writable=True)
        for name in ("landing_dir", "warehouse_dir", "scratch_dir"):
            local = _local_root(getattr(self, name))
            if local is not None:
                _check_folder(name, local, writable=False)
        if self.mrjob_conf:
            _check_mrjob_conf(self.mrjob_conf)

    @property
    def api_key_list(self) -> list[str]:
        """The configured API keys, blanks dropped."""
        return [key.strip() for key in self.api_keys.split(",") if key.strip()]

    @property
    def stack_dir(self) -> Path:
        """Where the local stack keeps jars, configs, pids, logs and data."""
        return self.var_dir / "stack"

    @property
    def storage_options(self) -> StorageOptions:
        """How ``warehouse.storage`` reaches hdfs:// and s3:// roots."""
        return StorageOptions(hdfs_http_port=self.hdfs_http_port, hdfs_user=self.hdfs_user,
                              s3_endpoint_url=self.s3_endpoint_url)

    @property
    def hdfs_uri(self) -> str:
        """The HDFS file system URI (fs.defaultFS): ``hdfs://<hdfs_host>:<hdfs_port>``."""
        host = "[%s]" % self.hdfs_host if ":" in self.hdfs_host else self.hdfs_host
        return "hdfs://%s:%d" % (host, self.hdfs_port)


RUNNERS = ("inline", "local", "hadoop", "emr", "dataproc")
# The project's folder in the cluster profile's HDFS.
CLUSTER_ROOT = "/kickback"

# PyHive 0.7's other modes (LDAP, KERBEROS, CUSTOM) need a password or a
# Kerberos service name, which no setting provides: they fail before connecting.
HIVE_AUTH_MODES = ("NONE", "NOSASL")

# The rule of hive.validate.check_database (not imported: it pulls in PyHive).
_HIVE_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
# -Xmx: a whole number with a unit (no unit would mean bytes, so one is
# required).
_HEAP = re.compile(r"([1-9][0-9]*)([kKmMgGtT])")
_HEAP_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_MIN_HEAP = 64 << 20
# HBase keeps a TTL in seconds in a Java int.
_MAX_TTL_DAYS = 2147483647 // 86400
# The only top-level keys mrjob 0.7 reads from a conf file.
_MRJOB_CONF_KEYS = ("runners", "include")


def env_name(name: str) -> str:
    """The environment variable of setting ``name``."""
    return ENV_PREFIX + name.upper()


def _fail(name: str, rule: str, value: Any) -> ConfigError:
    shown = "***" if name == "api_keys" else repr(value)
    return ConfigError("%s %s, got %s" % (env_name(name), rule, shown))


def _coerced(known: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in overrides.items():
        if name not in known:
            raise ConfigError("unknown setting %r" % name)
        if value is not None:
            values[name] = _coerce(name, known[name].type, value)
    return values


def _coerce(name: str, kind: Any, raw: Any) -> Any:
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    if kind == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str):
            try:
                return int(raw)
            except ValueError:
                pass
        raise _fail(name, "must be an integer", raw)
    if kind == "Path":
        if isinstance(raw, str) and not raw.strip():
            # Path("") is the current folder: never what an unset-looking value means.
            raise _fail(name, "must not be empty (unset it to use the default)", raw)
        try:
            return Path(raw)
        except TypeError:
            raise _fail(name, "must be a path", raw) from None
    return raw if isinstance(raw, str) else str(raw)


def _check_type(name: str, kind: Any, value: Any) -> None:
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    expected = {"int": int, "Path": Path, "str": str}.get(kind)
    if expected is not None and (not isinstance(value, expected) or isinstance(value, bool)):
        raise _fail(name, "must be %s" % {"int": "an integer", "Path": "a path", "str": "a string"}[kind], value)


def _check_range(name: str, value: int, low: int, high: int | None = None, rule: str | None = None) -> None:
    if value < low:
        raise _fail(name, rule or "must be at least %d" % low, value)
    if high is not None and value > high:
        raise _fail(name, rule or "must be at most %d" % high, value)


def _at_least_1(name: str, value: int) -> None:
    _check_range(name, value, 1)


def _buckets(name: str, value: int) -> None:
    _check_range(name, value, 1, keys.MAX_BUCKETS)


def _ttl_days(name: str, value: int) -> None:
    _check_range(name, value, 1, _MAX_TTL_DAYS)


def _not_empty(name: str, value: str) -> None:
    if not value:
        raise _fail(name, "must not be empty", value)


def _host(name: str, value: str) -> None:
    rule = client_config.host_rule(value)
    if rule:
        raise _fail(name, rule, value)


def _table_prefix(name: str, value: str) -> None:
    _not_empty(name, value)
    rule = client_config.table_prefix_rule(value)
    if rule:
        raise _fail(name, rule, value)


def _hive_identifier(name: str, value: str) -> None:
    _not_empty(name, value)
    if not _HIVE_IDENTIFIER.fullmatch(value):
        raise _fail(name, "must be a Hive identifier: [A-Za-z_][A-Za-z0-9_]*, at most 128 characters", value)


def _heap(name: str, value: str) -> None:
    match = _HEAP.fullmatch(value)
    if match is None or int(match.group(1)) * _HEAP_UNITS[match.group(2).lower()] < _MIN_HEAP:
        raise _fail(name, "must be a JVM heap size such as 512m or 2g (a whole number with k, m, g "
                    "or t; at least 64m)", value)


def _user_name(name: str, value: str) -> None:
    _not_empty(name, value)
    if any(char.isspace() or not char.isprintable() for char in value):
        raise _fail(name, "must be a user name without spaces or control characters", value)


def _hive_auth(name: str, value: str) -> None:
    if value not in HIVE_AUTH_MODES:
        raise _fail(name, "must be NONE or NOSASL (PyHive's LDAP, KERBEROS and CUSTOM need "
                    "credentials no setting provides)", value)


def _runner(name: str, value: str) -> None:
    if value not in RUNNERS:
        raise _fail(name, "must be one of %s" % ", ".join(RUNNERS), value)


# The rule of hive.validate.check_warehouse_uri: the warehouse is written
# into Hive DDL (LOCATION '...'), where these would end or escape the literal.
_SQL_UNSAFE = re.compile(r"['\"`\\]|\$\{|[\x00-\x1f\x7f]")


def _storage_root(name: str, value: str, required: bool = True) -> None:
    if not value.strip():
        if required:
            raise _fail(name, "must not be empty (unset it to use the default)", value)
        return
    if value != value.strip():
        raise _fail(name, "must not start or end with spaces", value)
    try:
        split_uri(value)
    except StorageError as exc:
        raise _fail(name, "must be a path or a file://, hdfs://host:port/, s3://bucket/ or gs://bucket/ "
                    "URI (%s)" % exc, value) from None


def _landing_dir(name: str, value: str) -> None:
    _storage_root(name, value)


def _scratch_dir(name: str, value: str) -> None:
    _storage_root(name, value, required=False)


def _warehouse_dir(name: str, value: str) -> None:
    _storage_root(name, value)
    if _SQL_UNSAFE.search(str(value)):
        raise _fail(name, "must not contain quotes, backslashes, control characters or ${ "
                    "(it is written into Hive DDL)", str(value))


def _local_root(value: str) -> Path | None:
    """The local folder of a storage root, or None for a remote one (or none)."""
    if not value:
        return None
    scheme, _, path = split_uri(value)
    return Path(path) if scheme == "file" else None


def _s3_endpoint(name: str, value: str) -> None:
    if value and not re.fullmatch(r"https?://[A-Za-z0-9_.:\[\]-]+/?", value):
        raise _fail(name, "must be an http:// or https:// endpoint such as http://127.0.0.1:9000", value)


def _optional_user(name: str, value: str) -> None:
    if value:
        _user_name(name, value)


def _optional_path(name: str, value: str) -> None:
    if value and not value.strip():
        raise _fail(name, "must be a path, or unset", value)


def _keepalive_s(name: str, value: int) -> None:
    # 0 would turn keep-alive off, and with it the deadline for sending headers.
    _check_range(name, value, 1, 300)


def _worker_connections(name: str, value: int) -> None:
    _check_range(name, value, 1, 100_000)


# Checks beyond the type, per setting (ports are checked by their name).
_CHECKS = {
    "hadoop_bin": _optional_path,
    "hadoop_streaming_jar": _optional_path,
    "landing_dir": _landing_dir,
    "warehouse_dir": _warehouse_dir,
    "scratch_dir": _scratch_dir,
    "hdfs_user": _optional_user,
    "s3_endpoint_url": _s3_endpoint,
    "runner": _runner,
    "mrjob_conf": _optional_path,
    "hbase_host": _host,
    "hbase_table_prefix": _table_prefix,
    "hbase_timeout_ms": _at_least_1,
    "hbase_pool_size": _at_least_1,
    "hbase_buckets": _buckets,
    "hbase_daily_ttl_days": _ttl_days,
    "hbase_events_ttl_days": _ttl_days,
    "hbase_load_workers": _at_least_1,
    "hbase_batch_size": _at_least_1,
    "hbase_heap": _heap,
    "thrift_heap": _heap,
    "hive_host": _host,
    "hive_auth": _hive_auth,
    "hive_username": _user_name,
    "hive_database": _hive_identifier,
    "hive_heap": _heap,
    "hive_metastore_heap": _heap,
    "api_host": _host,
    "api_workers": _at_least_1,
    "api_worker_connections": _worker_connections,
    "api_keepalive_s": _keepalive_s,
    "start_timeout_s": _at_least_1,
}


# The stack profile and the cluster profile's settings (ports are checked by
# their name like every *_port).
STACK_PROFILES = ("local", "cluster")
_PORT_RANGE = re.compile(r"([0-9]{1,5})-([0-9]{1,5})")
# One AM (512 MB) and one task container (384 MB) must fit on the NodeManager.
_MIN_NODEMANAGER_MB = 1024


def _stack_profile(name: str, value: str) -> None:
    if value not in STACK_PROFILES:
        raise _fail(name, "must be one of %s" % ", ".join(STACK_PROFILES), value)


def _port_range(name: str, value: str) -> None:
    match = _PORT_RANGE.fullmatch(value)
    if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)) <= 65535:
        raise _fail(name, "must be a port range first-last, e.g. 50100-50199 (1-65535, first <= last)",
                    value)


def _nodemanager_memory_mb(name: str, value: int) -> None:
    _check_range(name, value, _MIN_NODEMANAGER_MB, 1 << 20)


def _nodemanager_vcores(name: str, value: int) -> None:
    _check_range(name, value, 1, 256)


_CHECKS.update({
    "stack_profile": _stack_profile,
    "hdfs_host": _host,
    "yarn_host": _host,
    "mapreduce_am_ports": _port_range,
    "mapreduce_am_web_ports": _port_range,
    "namenode_heap": _heap,
    "datanode_heap": _heap,
    "resourcemanager_heap": _heap,
    "nodemanager_heap": _heap,
    "yarn_nodemanager_memory_mb": _nodemanager_memory_mb,
    "yarn_nodemanager_vcores": _nodemanager_vcores,
})


def _check_folder(name: str, path: Path, writable: bool) -> None:
    """``path`` is a folder, or could be made as one (by a writer, if ``writable``)."""
    variable = "%s %s" % (env_name(name), path)
    try:
        if path.exists():
            if not path.is_dir():
                raise ConfigError("%s is not a directory" % variable)
            if writable and not os.access(path, os.W_OK | os.X_OK):
                raise ConfigError("%s is not writable" % variable)
            return
        parent = next(p for p in path.absolute().parents if p.exists())
    except OSError as exc:
        raise ConfigError("%s cannot be checked: %s" % (variable, exc.strerror or exc)) from None
    if not parent.is_dir():
        raise ConfigError("%s cannot be created: %s is not a directory" % (variable, parent))
    if writable and not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError("%s cannot be created: %s is not writable" % (variable, parent))


def _check_mrjob_conf(path: str) -> None:
    """``path`` parses the way mrjob reads it, as a mapping with ``runners:``."""
    # mrjob's own reader: YAML (with its !clear tag) if PyYAML is installed, else JSON.
    from mrjob.conf import _conf_object_at_path

    variable = "%s %s" % (env_name("mrjob_conf"), path)
    if not Path(path).is_file():
        raise ConfigError("%s is not a readable file" % variable)
    try:
        conf = _conf_object_at_path(path)
    except OSError as exc:
        raise ConfigError("%s is not a readable file (%s)" % (variable, exc.strerror or exc)) from None
    except Exception as exc:  # noqa: BLE001 - yaml.YAMLError, or ValueError from json
        detail = " ".join(str(exc).split())[:200]
        raise ConfigError("%s does not parse: %s" % (variable, detail)) from None
    if not isinstance(conf, dict) or not any(key in conf for key in _MRJOB_CONF_KEYS):
        shown = "nothing" if conf is None else "a %s" % type(conf).__name__
        raise ConfigError("%s must hold a mapping with a runners: key, got %s" % (variable, shown))
    unknown = sorted(str(key) for key in conf if key not in _MRJOB_CONF_KEYS)
    if unknown:
        raise ConfigError("%s has unknown top-level key %r (mrjob reads only runners: and include:)"
                          % (variable, unknown[0]))
    runners = conf.get("runners")
    if "runners" in conf and not (
        isinstance(runners, dict)
        and all(options is None or isinstance(options, dict) for options in runners.values())
    ):
        raise ConfigError("%s: runners: must map runner names to their options, e.g. "
                          "runners: {hadoop: {...}}" % variable)
