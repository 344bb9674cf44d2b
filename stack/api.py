"""The lookup API as a stack service: ``kickback api serve`` (gunicorn) on ``api_host:api_port``.

``up`` does not start it: it serves the HBase tables that ``kickback run``
creates and loads, so ``kickback run`` asks for it last
(``stack.control.start_api``). From then on it is a service like the
others: its pid and log live with theirs, ``status`` lists it, ``down``
stops it first (it reads HBase).

Readiness: ``GET /readyz`` answers 200, so its workers serve and HBase
answers with every table the API reads: a client can get answers.
(``/healthz`` only says the process is alive.)

Keys: the API accepts the configured bearer keys; with none configured,
one key made for this stack on the API's first start and kept in
``<stack>/api.key`` (mode 600), so that local clients have one to send.
"""

from __future__ import annotations

import http.client
import secrets
import sys
from pathlib import Path
from typing import Sequence

from stack.config import StackConfig
from stack.paths import StackPaths
from stack.services import Readiness, Service

NAME = "api"
READY_PATH = "/readyz"
# The project's own command, under this interpreter.
SERVE = ("-m", "kickback", "api", "serve")
# The variable `kickback api serve` reads its bearer keys from.
KEYS_VARIABLE = "KICKBACK_API_KEYS"


def base_url(host: str, port: int) -> str:
    """Where clients reach the API: ``http://host:port`` (an IPv6 host in brackets)."""
    return "http://%s:%d" % ("[%s]" % host if ":" in host else host, port)


def key_file(paths: StackPaths) -> Path:
    """Where this stack keeps its own bearer key."""
    return paths.root / "api.key"


def local_key(paths: StackPaths) -> str:
    """This stack's own bearer key, made once (mode 600)."""
    path = key_file(paths)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def accepted_keys(config: StackConfig, paths: StackPaths) -> tuple[str, ...]:
    """The bearer keys the API starts with: the configured ones, else this stack's own."""
    return config.api_keys or (local_key(paths),)


def probe_api(host: str, port: int, timeout_s: float = 2.0) -> Readiness:
    """Whether the API answers ``GET /readyz`` with 200 (it serves, HBase answers, its tables exist)."""
    # http.client, not urllib: no proxy from the environment between us and a local port.
    connection = http.client.HTTPConnection(host, port, timeout=timeout_s)
    try:
        connection.request("GET", READY_PATH)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as exc:
        return Readiness(False, "GET %s on %s: no answer (%s)" % (READY_PATH, base_url(host, port), exc))
    finally:
        connection.close()
    if response.status != 200:
        return Readiness(False, "GET %s answered %d %s" % (READY_PATH, response.status, response.reason))
    return Readiness(True, "GET %s answered 200" % READY_PATH)


def define(config: StackConfig, keys: Sequence[str] = ()) -> Service:
    """The API as a stack service (``keys``: the bearer keys it accepts; only its start needs them)."""
    return Service(
        name=NAME,
        endpoint=base_url(config.api_host, config.api_port),
        ports=(config.api_port,),
        argv=(sys.executable, *SERVE, "--host", config.api_host, "--port", str(config.api_port)),
        probe=lambda: probe_api(config.api_host, config.api_port),
        env={KEYS_VARIABLE: ",".join(keys)} if keys else {},
        host=config.api_host,
        # The caller's folder: the settings the API loads from the environment may be relative paths.
        cwd=Path.cwd(),
    )
