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
    api_workers: int = 2
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
        for name, value in overrides.items():
            if name not in known:
                raise ConfigError("unknown setting %r" % name)
            if value is not None:
                values[name] = _coerce(name, known[name].type, value)
        settings = cls(**values)
        settings.validate()
        return settings

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed (and checked)."""
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new

    def validate(self) -> None:
        """Reject values no component could use."""
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name.endswith("_port") and not 0 < value < 65536:
                raise ConfigError("%s must be a TCP port, got %r" % (spec.name, value))
        for name in ("hbase_buckets", "hbase_pool_size", "hbase_load_workers",
                     "hbase_batch_size", "api_workers", "start_timeout_s",
                     "hbase_daily_ttl_days", "hbase_events_ttl_days"):
            if getattr(self, name) < 1:
                raise ConfigError("%s must be at least 1" % name)
        if self.hbase_buckets > 256:
            raise ConfigError("hbase_buckets must be at most 256")
        if self.hive_auth not in ("NONE", "NOSASL", "LDAP", "KERBEROS", "CUSTOM"):
            raise ConfigError("hive_auth must be NONE, NOSASL, LDAP, KERBEROS or CUSTOM")
        if self.runner not in RUNNERS:
            raise ConfigError(
                "runner must be one of %s, got %r" % (", ".join(RUNNERS), self.runner)
            )

    @property
    def api_key_list(self) -> list[str]:
        """The configured API keys, blanks dropped."""
        return [key.strip() for key in self.api_keys.split(",") if key.strip()]

    @property
    def stack_dir(self) -> Path:
        """Where the local stack keeps jars, configs, pids, logs and data."""
        return self.var_dir / "stack"


RUNNERS = ("inline", "local", "hadoop", "emr", "dataproc")


def _coerce(name: str, kind: Any, raw: Any) -> Any:
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if kind == "int":
            return int(raw)
        if kind == "Path":
            return Path(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            "%s%s must be %s, got %r" % (ENV_PREFIX, name.upper(), kind, raw)
        ) from None
