"""The warehouse contract (tests/warehouse_contract.py) on the local filesystem."""

from __future__ import annotations

import pytest

from tests.warehouse_contract import *  # noqa: F401,F403  (the shared tests)
from warehouse.storage import Storage, StorageError, split_uri


@pytest.fixture
def storage(tmp_path):
    return Storage(str(tmp_path / "warehouse"))


@pytest.mark.parametrize("uri, parts", [
    ("/w/x", ("file", "", "/w/x")),
    ("file:///w/x", ("file", "", "/w/x")),
    ("hdfs://nn:8020/w/x/", ("hdfs", "nn:8020", "/w/x")),
    ("s3://bucket/w", ("s3", "bucket", "/w")),
    ("gs://bucket", ("gs", "bucket", "/")),
])
def test_roots_in_every_spelling(uri, parts):
    assert split_uri(uri) == parts


@pytest.mark.parametrize("uri", ["", "ftp://h/x", "hdfs:///x", "s3:///x", "file://host/x"])
def test_roots_that_cannot_be_used(uri):
    with pytest.raises(StorageError):
        split_uri(uri)


def test_a_plain_path_and_its_uri_are_one_root(tmp_path):
    assert Storage(str(tmp_path)).uri("a") == Storage("file://%s" % tmp_path).uri("a") == "file://%s/a" % tmp_path
