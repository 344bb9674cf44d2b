"""Configuration keys of the lookup API, their defaults and their checks.

``create_app`` layers: these defaults, then ``KICKBACK_*`` environment
variables (``app.config.from_prefixed_env("KICKBACK")``, so
``KICKBACK_HBASE_HOST`` sets ``HBASE_HOST``), then the explicit mapping it
was given. ``normalize`` turns the layered values into the types the app
uses and rejects values nothing could use.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Thrift1 server of HBase.
    "HBASE_HOST": "127.0.0.1",
    "HBASE_THRIFT_PORT": 9090,
    # happybase table_prefix: tables are <prefix>_member_summary etc.
    "HBASE_TABLE_PREFIX": "kickback",
    # Socket timeout of every HBase call.
    "HBASE_TIMEOUT_MS": 10000,
    "HBASE_POOL_SIZE": 4,
    # How long a request waits for a free pooled connection; None = HBASE_TIMEOUT_MS.
    "HBASE_POOL_TIMEOUT_MS": None,
    # Salt buckets of the row keys (must match the loader's).
    "HBASE_BUCKETS": 16,
    # A ready happybase.ConnectionPool (or a fake); None = create one lazily.
    "HBASE_POOL": None,
    # Retry-After seconds on 503 when HBase is unreachable.
    "HBASE_RETRY_AFTER_S": 5,
    # Bearer keys accepted on /v1 (list, or one comma-separated string).
    "API_KEYS": (),
    # HMAC key of page tokens; None = derived from API_KEYS.
    "PAGE_TOKEN_KEY": None,
    # Cache-Control max-age of daily rollups.
    "DAILY_MAX_AGE_S": 60,
    # Largest request body accepted (413 beyond); 100 ids fit in a few KiB.
    "MAX_CONTENT_LENGTH": 32 * 1024,
}

_POSITIVE_INTS = (
    "HBASE_THRIFT_PORT",
    "HBASE_TIMEOUT_MS",
    "HBASE_POOL_SIZE",
    "HBASE_BUCKETS",
    "MAX_CONTENT_LENGTH",
)
_NON_NEGATIVE_INTS = ("HBASE_RETRY_AFTER_S", "DAILY_MAX_AGE_S")


class ApiConfigError(ValueError):
    """An app config value that cannot be used."""


def normalize(config: MutableMapping[str, Any]) -> None:
    """Coerce the API's keys in place to their types; raise on bad values."""
    for name in _POSITIVE_INTS + _NON_NEGATIVE_INTS:
        config[name] = _integer(name, config[name], 1 if name in _POSITIVE_INTS else 0)
    if config["HBASE_POOL_TIMEOUT_MS"] is None:
        config["HBASE_POOL_TIMEOUT_MS"] = config["HBASE_TIMEOUT_MS"]
    config["HBASE_POOL_TIMEOUT_MS"] = _integer(
        "HBASE_POOL_TIMEOUT_MS", config["HBASE_POOL_TIMEOUT_MS"], 1
    )
    if config["HBASE_THRIFT_PORT"] > 65535:
        raise ApiConfigError("HBASE_THRIFT_PORT must be a TCP port")
    if config["HBASE_BUCKETS"] > 256:
        raise ApiConfigError("HBASE_BUCKETS must be at most 256")
    config["HBASE_HOST"] = str(config["HBASE_HOST"])
    config["HBASE_TABLE_PREFIX"] = str(config["HBASE_TABLE_PREFIX"])
    config["API_KEYS"] = api_keys(config["API_KEYS"])
    key = config["PAGE_TOKEN_KEY"]
    if key is not None and not isinstance(key, bytes):
        config["PAGE_TOKEN_KEY"] = str(key).encode("utf-8")
    if config["PAGE_TOKEN_KEY"] == b"":
        config["PAGE_TOKEN_KEY"] = None


def api_keys(value: Any) -> tuple[str, ...]:
    """API keys from a list or a comma-separated string, blanks dropped."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [str(item) for item in value]
    else:
        parts = str(value).split(",")
    return tuple(part.strip() for part in parts if part.strip())


def _integer(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool):
        raise ApiConfigError("%s must be an integer, got %r" % (name, value))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiConfigError("%s must be an integer, got %r" % (name, value)) from None
    if number < low:
        raise ApiConfigError("%s must be at least %d, got %d" % (name, low, number))
    return number
