"""pytest fixtures of the API tests: the sample tables, a pool over them, the app and its client.

A test module loads them with ``pytest_plugins = ["api_fixtures"]`` and
imports the sample data it asserts on from ``api_samples``.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_samples import api_config, sample_hbase
from fake_hbase import FakeConnectionPool, FakeHBase


@pytest.fixture
def fake_hbase() -> FakeHBase:
    """The sample tables."""
    return sample_hbase()


@pytest.fixture
def fake_pool(fake_hbase: FakeHBase) -> FakeConnectionPool:
    """A pool over the sample tables."""
    return FakeConnectionPool(fake_hbase)


@pytest.fixture
def api_app(fake_pool: FakeConnectionPool) -> Any:
    """The API app over the fake pool."""
    from api import create_app

    return create_app(api_config(fake_pool))


@pytest.fixture
def api_client(api_app: Any) -> Any:
    """A test client of ``api_app``."""
    return api_app.test_client()
