"""The warehouse contract (tests/warehouse_contract.py) on S3, through a
local S3-compatible endpoint: moto's server mode on 127.0.0.1, as s3fs's own
tests use it. What runs here is the s3:// path of warehouse.storage with
s3fs and botocore speaking real S3 HTTP; what does not is AWS itself.
"""

from __future__ import annotations

import uuid

import pytest

from tests.warehouse_contract import *  # noqa: F401,F403  (the shared tests)
from warehouse.storage import Storage, StorageOptions


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield "http://%s:%d" % (host, port)
    server.stop()


@pytest.fixture
def storage(s3_endpoint, monkeypatch):
    for name, value in (("AWS_ACCESS_KEY_ID", "kickback-test"), ("AWS_SECRET_ACCESS_KEY", "kickback-test"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    import boto3

    bucket = "kb-%s" % uuid.uuid4().hex[:12]
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    options = StorageOptions(s3_endpoint_url=s3_endpoint)
    storage = Storage("s3://%s/warehouse" % bucket, options)
    storage.fs.invalidate_cache()
    return storage


def test_s3_has_no_atomic_rename_and_says_so(storage):
    assert not storage.atomic_rename and not storage.is_local
    assert storage.uri("a").startswith("s3://")
