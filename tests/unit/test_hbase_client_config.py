"""The HBase client's defaults and rules have one owner: the project's Settings and the API agree."""

from __future__ import annotations

import re

import pytest

from api.config import DEFAULTS, ApiConfigError, normalize
from hbase_schema import client_config, keys
from kickback.config import ConfigError, Settings

PAIRS = [
    ("hbase_host", "HBASE_HOST"),
    ("hbase_thrift_port", "HBASE_THRIFT_PORT"),
    ("hbase_table_prefix", "HBASE_TABLE_PREFIX"),
    ("hbase_timeout_ms", "HBASE_TIMEOUT_MS"),
    ("hbase_pool_size", "HBASE_POOL_SIZE"),
    ("hbase_buckets", "HBASE_BUCKETS"),
]


@pytest.mark.parametrize("setting, key", PAIRS)
def test_settings_and_api_defaults_are_the_same(setting, key):
    assert getattr(Settings(), setting) == DEFAULTS[key]


@pytest.mark.parametrize("value", ["kickback", "ns:kb_1", "a.b-c", "127.0.0.1"])
def test_good_values_pass_both(value):
    assert client_config.table_prefix_rule(value) is None
    Settings(hbase_table_prefix=value).validate()
    config = dict(DEFAULTS, HBASE_TABLE_PREFIX=value)
    normalize(config)
    assert config["HBASE_TABLE_PREFIX"] == value


@pytest.mark.parametrize("setting, key, value, rule", [
    ("hbase_table_prefix", "HBASE_TABLE_PREFIX", "kb;' x", client_config.TABLE_PREFIX_RULE),
    ("hbase_table_prefix", "HBASE_TABLE_PREFIX", ".hidden", client_config.TABLE_PREFIX_RULE),
    ("hbase_host", "HBASE_HOST", "http://hbase", client_config.HOST_RULE),
    ("hbase_host", "HBASE_HOST", "fe80::1::2", client_config.HOST_RULE),
    ("hbase_host", "HBASE_HOST", "", "must not be empty"),
])
def test_bad_values_fail_both_with_the_same_rule(setting, key, value, rule):
    with pytest.raises(ConfigError, match="KICKBACK_%s %s" % (setting.upper(), re.escape(rule))):
        Settings(**{setting: value}).validate()
    with pytest.raises(ApiConfigError, match="%s %s" % (key, re.escape(rule))):
        normalize(dict(DEFAULTS, **{key: value}))


@pytest.mark.parametrize("buckets", [0, keys.MAX_BUCKETS + 1])
def test_buckets_beyond_what_a_salt_tells_apart_fail_both(buckets):
    with pytest.raises(ConfigError, match="KICKBACK_HBASE_BUCKETS"):
        Settings(hbase_buckets=buckets).validate()
    with pytest.raises(ApiConfigError, match="HBASE_BUCKETS"):
        normalize(dict(DEFAULTS, HBASE_BUCKETS=buckets))
    with pytest.raises(ValueError):
        keys.bucket("m-1", buckets)
