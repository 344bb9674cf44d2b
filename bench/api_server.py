"""Start and stop the lookup API (gunicorn, as ``kickback api serve``) or its floor for a benchmark.

The server runs detached in its own session on a free loopback port, with
its log under the bench workspace; ``stop`` ends exactly that process
group (the gunicorn master and its workers), by id.
"""

from __future__ import annotations

import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Mapping

from bench.child import python_env

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
_SERVE = "from kickback.cli import run; run()"


class ServerFailed(RuntimeError):
    """The API did not come up."""


def free_port(host: str = HOST) -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start(port: int, workers: int, env: Mapping[str, str], log_file: Path,
          timeout_s: float = 90) -> subprocess.Popen:
    """Start the API (gunicorn) on ``HOST:port`` and wait until /healthz answers."""
    argv = [sys.executable, "-c", _SERVE, "api", "serve", "--host", HOST, "--port", str(port),
            "--workers", str(workers)]
    return _start("the API", argv, port, env, log_file, timeout_s)


def start_floor(port: int, options: Mapping[str, Any], env: Mapping[str, str], log_file: Path,
                timeout_s: float = 90) -> subprocess.Popen:
    """Start ``bench.floor_app`` on gunicorn with the API's worker ``options`` and wait for /healthz."""
    argv = [sys.executable, "-m", "gunicorn", "--worker-class", str(options["worker_class"]),
            "--workers", str(options["workers"]), "--worker-connections", str(options["worker_connections"]),
            "--keep-alive", str(options["keepalive"]), "--bind", "%s:%d" % (HOST, port),
            "--no-control-socket", "bench.floor_app:app"]
    return _start("the floor app", argv, port, env, log_file, timeout_s)


def _start(name: str, argv: list[str], port: int, env: Mapping[str, str], log_file: Path,
           timeout_s: float) -> subprocess.Popen:
    Path(log_file).parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=python_env(env), start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerFailed("%s exited with %s during start; log: %s" % (name, proc.returncode, log_file))
        if _answers(port):
            return proc
        time.sleep(0.5)
    stop(proc)
    raise ServerFailed("%s did not answer within %.0f s; log: %s" % (name, timeout_s, log_file))


def stop(proc: subprocess.Popen, timeout_s: float = 30) -> None:
    """Stop the server's process group (TERM, then KILL after ``timeout_s``)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout_s)
    except ProcessLookupError:
        pass


def parse_stat(text: str) -> tuple[int, int]:
    """(parent pid, user + system clock ticks) from a /proc/<pid>/stat line."""
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU seconds used so far by ``root_pid`` and its direct children (gunicorn's workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent, ticks = parse_stat((entry / "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if int(entry.name) == root_pid or parent == root_pid:
            total += ticks
    return total / os.sysconf("SC_CLK_TCK")


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
