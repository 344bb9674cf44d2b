"""The one configuration object: defaults, then ``KICKBACK_*`` environment
variables, then explicit overrides.

Every host, port, path and knob of the project lives here, so the same code
talks to the local stack or to a real cluster by configuration alone. Field
``foo_bar`` is set from the environment variable ``KICKBACK_FOO_BAR``.
docs/configuration.md documents each field.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "KICKBACK_"


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Every setting of the project, with its default."""

    # Where the local stack and the local data live (relative to the cwd).
    var_dir: Path = Path("var")
    # Raw landings: <landing_dir>/dt=YYYY-MM-DD/hour=HH/*.jsonl[.gz]
    landing_dir: Path = Path("var/data/landing")
    # Pipeline outputs: <warehouse_dir>/<dataset>/dt=YYYY-MM-DD[/hour=HH]/
    warehouse_dir: Path = Path("var/data/warehouse")

    # Hadoop streaming (mrjob -r hadoop); empty means the local stack's.
    hadoop_bin: str = ""
    hadoop_streaming_jar: str = ""
    # mrjob runner used by `kickback pipeline run`.
    runner: str = "local"
    # Extra mrjob config file (cluster settings for -r hadoop/emr/dataproc).
    mrjob_conf: str = ""

    # HBase through its Thrift1 server.
    hbase_host: str = "127.0.0.1"
    hbase_thrift_port: int = 9090
    hbase_table_prefix: str = "kickback"
    hbase_timeout_ms: int = 10000
    hbase_pool_size: int = 4
    hbase_buckets: int = 16
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

    # HiveServer2 endpoint (the local stack runs the Spark Thrift Server).
    hive_host: str = "127.0.0.1"
    hive_port: int = 10000
    hive_auth: str = "NONE"
    hive_username: str = "kickback"
    hive_database: str = "kickback"
    spark_driver_memory: str = "1g"

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
        settings.validate()
        settings.check_places()
        return settings

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
        _check_folder("landing_dir", self.landing_dir, writable=False)
        _check_folder("warehouse_dir", self.warehouse_dir, writable=False)
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


RUNNERS = ("inline", "local", "hadoop", "emr", "dataproc")

# PyHive 0.7's other modes (LDAP, KERBEROS, CUSTOM) need a password or a
# Kerberos service name, which no setting provides: they fail before connecting.
HIVE_AUTH_MODES = ("NONE", "NOSASL")

# HBase's TableName rules, ASCII only: an optional namespace, then a
# qualifier of [A-Za-z0-9_.-] that does not start with "." or "-". The prefix
# is joined to each table name with "_", so a legal prefix makes legal names.
_HBASE_PREFIX = re.compile(r"(?:[A-Za-z0-9_]+:)?[A-Za-z0-9_][A-Za-z0-9_.-]*")
# The rule of hive.validate.check_database (not imported: it pulls in PyHive).
_HIVE_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_HOST_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?")
# -Xmx / --driver-memory: a whole number with a unit (no unit means bytes to
# the JVM but MiB to Spark, so one is required).
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
    _check_range(name, value, 1, 256)


def _ttl_days(name: str, value: int) -> None:
    _check_range(name, value, 1, _MAX_TTL_DAYS)


def _not_empty(name: str, value: str) -> None:
    if not value:
        raise _fail(name, "must not be empty", value)


def _host(name: str, value: str) -> None:
    _not_empty(name, value)
    if ":" in value:
        try:
            ipaddress.IPv6Address(value)
            return
        except ValueError:
            pass
    elif _HOST_NAME.fullmatch(value):
        return
    raise _fail(name, "must be a host name or IP address (no scheme, port or spaces)", value)


def _table_prefix(name: str, value: str) -> None:
    _not_empty(name, value)
    if not _HBASE_PREFIX.fullmatch(value):
        raise _fail(name, "must be an HBase table name: letters, digits, _ . - (not first: . or -), "
                    "optionally after a namespace and ':'", value)


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


def _warehouse_dir(name: str, value: Path) -> None:
    if _SQL_UNSAFE.search(str(value)):
        raise _fail(name, "must not contain quotes, backslashes, control characters or ${ "
                    "(it is written into Hive DDL)", str(value))


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
    "warehouse_dir": _warehouse_dir,
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
    "spark_driver_memory": _heap,
    "api_host": _host,
    "api_workers": _at_least_1,
    "api_worker_connections": _worker_connections,
    "api_keepalive_s": _keepalive_s,
    "start_timeout_s": _at_least_1,
}


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
