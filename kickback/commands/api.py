"""``kickback api serve``: run the lookup API under gunicorn.

The app is built in each gunicorn worker (``create_app`` in ``load``), so
every worker opens its own HBase pool on its first request. Settings map
onto the app's config keys in ``app_config``; the access log is the app's
own (one line per request with status and latency), gunicorn's is off.

The workers are gevent workers: each connection is a greenlet, so idle or
slow clients cost a greenlet each, never a worker. A connection gets
``api_keepalive_s`` to send each request's line and headers and to stay
idle between requests; then it is closed. Sync workers would be held by
one idle client each, and gunicorn's gthread workers by one client that
sent part of its headers (its thread then blocks reading the rest).
"""

from __future__ import annotations

import importlib.util
import logging
import math
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from kickback.config import ConfigError, Settings

logger = logging.getLogger(__name__)

ACCESS_LOGGER = "api.access_log"
WORKER_CLASS = "gevent"


def app_config(settings: Settings) -> dict[str, Any]:
    """The API's config keys from the project settings."""
    return {
        "HBASE_HOST": settings.hbase_host,
        "HBASE_THRIFT_PORT": settings.hbase_thrift_port,
        "HBASE_TABLE_PREFIX": settings.hbase_table_prefix,
        "HBASE_TIMEOUT_MS": settings.hbase_timeout_ms,
        "HBASE_POOL_SIZE": settings.hbase_pool_size,
        "HBASE_BUCKETS": settings.hbase_buckets,
        "API_KEYS": settings.api_key_list,
    }


def gunicorn_options(settings: Settings, host: str, port: int, workers: int) -> dict[str, Any]:
    """gunicorn settings: bind, gevent workers, keep-alive, and a worker timeout above two HBase tries."""
    bind_host = "[%s]" % host if ":" in host else host
    # A request may wait for a pooled connection and then try twice.
    worst_case_s = 2 * 2 * settings.hbase_timeout_ms / 1000
    return {
        "bind": "%s:%d" % (bind_host, port),
        "workers": workers,
        "worker_class": WORKER_CLASS,
        "worker_connections": settings.api_worker_connections,
        # Bounds both the idle time between requests and the time to send a
        # request's headers (gunicorn's async workers read them under it).
        "keepalive": settings.api_keepalive_s,
        "timeout": max(30, math.ceil(worst_case_s) + 10),
        "accesslog": None,
        "proc_name": "kickback-api",
        # gunicorn >= 24 opens a control socket under $HOME by default.
        "control_socket_disable": True,
    }


class ApiServer(BaseApplication):
    """gunicorn running ``api.create_app(config)`` in every worker."""

    def __init__(self, config: dict[str, Any], options: dict[str, Any]) -> None:
        self._config = config
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply our options instead of gunicorn's command line."""
        for name, value in self._options.items():
            if name in self.cfg.settings:  # options newer than this gunicorn are skipped
                self.cfg.set(name, value)

    def load(self) -> Any:
        """The WSGI app of one worker."""
        from api import create_app

        return create_app(self._config)


@click.group()
def api() -> None:
    """Serve the lookup API."""


@api.command()
@click.option("--host", default=None, help="Interface to bind (default: Settings.api_host).")
@click.option("--port", type=int, default=None, help="Port (default: Settings.api_port).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="gunicorn gevent workers (default: Settings.api_workers).")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the lookup API with gunicorn until interrupted."""
    host = host or settings.api_host
    port = port or settings.api_port
    workers = workers or settings.api_workers
    if not 0 < port < 65536:
        raise click.BadParameter("must be a TCP port", param_hint="--port")
    if not settings.api_key_list:
        click.echo("warning: KICKBACK_API_KEYS is empty: every /v1 request will get 401",
                   err=True)
    if importlib.util.find_spec(WORKER_CLASS) is None:
        raise click.ClickException("the API's workers need %s: pip install -e ." % WORKER_CLASS)
    try:
        # The workers build the app; a bad API variable must fail here, once.
        from api.config import ApiConfigError, from_env

        from_env()
    except ApiConfigError as exc:
        raise ConfigError(str(exc)) from None
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.INFO)
    click.echo("lookup API on http://%s:%d (%d %s workers x %d connections, keep-alive %d s, HBase %s:%d)"
               % (host, port, workers, WORKER_CLASS, settings.api_worker_connections,
                  settings.api_keepalive_s, settings.hbase_host, settings.hbase_thrift_port))
    ApiServer(app_config(settings), gunicorn_options(settings, host, port, workers)).run()
