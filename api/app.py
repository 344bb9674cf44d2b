"""The application factory.

Configuration: ``api.config.DEFAULTS``, then the API's ``KICKBACK_*``
environment variables (``api.config.from_env``), then the mapping given to
``create_app``. Nothing connects here:
the HBase pool is created on the first request that needs it, unless one is
injected as ``HBASE_POOL``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from api import access_log, devices, docs, hbase, health, members, paging
from api.config import DEFAULTS, from_env, normalize
from api.errors import register_error_handlers

logger = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the lookup API app from defaults, ``KICKBACK_*`` env, then ``config``."""
    app = Flask(__name__, static_folder=None)
    app.config.update(DEFAULTS)
    # Only the API's own keys, checked: not from_prefixed_env, which takes
    # every KICKBACK_* variable raw (KICKBACK_HBASE_POOL=1 broke every request).
    app.config.update(from_env())
    if config:
        app.config.update(config)
    normalize(app.config)
    if not app.config["API_KEYS"]:
        logger.warning("no API keys configured (API_KEYS): every /v1 request will get 401")

    app.extensions[hbase.EXTENSION] = hbase.HBase(
        host=app.config["HBASE_HOST"],
        port=app.config["HBASE_THRIFT_PORT"],
        table_prefix=app.config["HBASE_TABLE_PREFIX"],
        timeout_ms=app.config["HBASE_TIMEOUT_MS"],
        pool_size=app.config["HBASE_POOL_SIZE"],
        pool_timeout_ms=app.config["HBASE_POOL_TIMEOUT_MS"],
        buckets=app.config["HBASE_BUCKETS"],
        pool=app.config["HBASE_POOL"],
    )
    app.extensions[paging.EXTENSION] = paging.PageTokens(
        paging.token_secret(app.config["PAGE_TOKEN_KEY"], app.config["API_KEYS"])
    )

    access_log.register(app)
    register_error_handlers(app)
    for blueprint in (members.bp, devices.bp, health.bp, docs.bp):
        app.register_blueprint(blueprint)
    return app
