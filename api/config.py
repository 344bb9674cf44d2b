"""Configuration keys of the lookup API, their defaults and their checks.

``create_app`` layers: these defaults, then ``KICKBACK_*`` environment
variables (``from_env``: ``KICKBACK_HBASE_HOST`` sets ``HBASE_HOST``; only
the keys below, never ``HBASE_POOL``, and each checked as it is read), then
the explicit mapping it was given. ``normalize`` turns the layered values
into the types the app uses and rejects values nothing could use. Every
error is one line naming the variable (or the key) and the rule.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from hbase_schema import client_config, keys

DEFAULTS: dict[str, Any] = {
    # Thrift1 server of HBase; the HBase client's defaults and rules are
    # hbase_schema.client_config's, shared with the project's Settings.
    "HBASE_HOST": client_config.DEFAULT_HOST,
    "HBASE_THRIFT_PORT": client_config.DEFAULT_THRIFT_PORT,
    "HBASE_TABLE_PREFIX": client_config.DEFAULT_TABLE_PREFIX,
    "HBASE_TIMEOUT_MS": client_config.DEFAULT_TIMEOUT_MS,
    "HBASE_POOL_SIZE": client_config.DEFAULT_POOL_SIZE,
    # How long a request waits for a free pooled connection; None = HBASE_TIMEOUT_MS.
    "HBASE_POOL_TIMEOUT_MS": None,
    # Salt buckets of the row keys (must match the loader's).
    "HBASE_BUCKETS": keys.DEFAULT_BUCKETS,
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

ENV_PREFIX = "KICKBACK_"


class ApiConfigError(ValueError):
    """An app config value that cannot be used."""


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The API's keys set as ``KICKBACK_<KEY>`` variables, coerced and checked."""
    environ = os.environ if environ is None else environ
    config = {}
    for key, check in _CHECKS.items():
        variable = ENV_PREFIX + key
        if variable in environ:
            config[key] = check(variable, environ[variable])
    return config


def normalize(config: MutableMapping[str, Any]) -> None:
    """Coerce the API's keys in place to their types; raise on bad values."""
    for key, check in _CHECKS.items():
        config[key] = check(key, config[key])
    if config["HBASE_POOL_TIMEOUT_MS"] is None:
        config["HBASE_POOL_TIMEOUT_MS"] = config["HBASE_TIMEOUT_MS"]


def api_keys(value: Any) -> tuple[str, ...]:
    """API keys from a list or a comma-separated string, blanks dropped."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [str(item) for item in value]
    else:
        parts = str(value).split(",")
    return tuple(part.strip() for part in parts if part.strip())


def _integer(name: str, value: Any, low: int, high: int | None = None, rule: str | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ApiConfigError("%s must be an integer, got %r" % (name, value))
    try:
        number = int(value)
    except ValueError:
        raise ApiConfigError("%s must be an integer, got %r" % (name, value)) from None
    if number < low:
        raise ApiConfigError("%s %s, got %d" % (name, rule or "must be at least %d" % low, number))
    if high is not None and number > high:
        raise ApiConfigError("%s %s, got %d" % (name, rule or "must be at most %d" % high, number))
    return number


def _at_least(low: int) -> Callable[[str, Any], int]:
    return lambda name, value: _integer(name, value, low)


def _port(name: str, value: Any) -> int:
    return _integer(name, value, 1, 65535, "must be a TCP port (1-65535)")


def _buckets(name: str, value: Any) -> int:
    return _integer(name, value, 1, keys.MAX_BUCKETS)


def _pool_timeout(name: str, value: Any) -> int | None:
    # None: the same as HBASE_TIMEOUT_MS (filled in by normalize).
    return None if value is None else _integer(name, value, 1)


def _host(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ApiConfigError("%s must be a host name, got %r" % (name, value))
    rule = client_config.host_rule(value)
    if rule:
        raise ApiConfigError("%s %s, got %r" % (name, rule, value))
    return value


def _table_prefix(name: str, value: Any) -> str:
    # "" means no prefix (happybase table_prefix=None).
    text = "" if value is None else str(value)
    rule = text and client_config.table_prefix_rule(text)
    if rule:
        raise ApiConfigError("%s %s, got %r" % (name, rule, text))
    return text


def _api_keys(name: str, value: Any) -> tuple[str, ...]:
    return api_keys(value)


def _page_token_key(name: str, value: Any) -> bytes | None:
    if value is None or isinstance(value, bytes):
        key = value
    else:
        key = str(value).encode("utf-8")
    return key or None


# What each key may hold; every key of DEFAULTS but HBASE_POOL (an object,
# never read from the environment).
_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "HBASE_HOST": _host,
    "HBASE_THRIFT_PORT": _port,
    "HBASE_TABLE_PREFIX": _table_prefix,
    "HBASE_TIMEOUT_MS": _at_least(1),
    "HBASE_POOL_SIZE": _at_least(1),
    "HBASE_POOL_TIMEOUT_MS": _pool_timeout,
    "HBASE_BUCKETS": _buckets,
    "HBASE_RETRY_AFTER_S": _at_least(0),
    "API_KEYS": _api_keys,
    "PAGE_TOKEN_KEY": _page_token_key,
    "DAILY_MAX_AGE_S": _at_least(0),
    "MAX_CONTENT_LENGTH": _at_least(1),
}
