"""The lookup API as a stack service: its definition, keys, probe, and start/status/down through stack.control.

The "API" started here is a small Python HTTP server standing in for
``kickback api serve`` (the real one is started by the integration tests'
``kickback run``): it answers ``/readyz`` and tells which keys it got.
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import stat
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from kickback.commands.stack import stack_config
from stack import api, control, process, profile
from stack.errors import StackError
from stack.paths import StackPaths
from stack.services import Readiness

# Stands in for `kickback api serve --host H --port P`: /readyz, and /keys echoing its KICKBACK_API_KEYS.
FAKE_API = """
import http.server, os, sys
host, port = sys.argv[sys.argv.index("--host") + 1], int(sys.argv[sys.argv.index("--port") + 1])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = {"/readyz": b"ok", "/keys": os.environ.get("KICKBACK_API_KEYS", "").encode()}.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"")
    def log_message(self, *args):
        pass
http.server.HTTPServer((host, port), Handler).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def config(tmp_settings):
    return stack_config(tmp_settings.replace(api_port=free_port(), start_timeout_s=20))


@pytest.fixture
def paths(config):
    paths = StackPaths.under(config.stack_dir)
    paths.make_dirs()
    return paths


# --- the definition ---


def test_the_api_runs_the_projects_serve_command_where_the_config_says(config):
    service = api.define(replace(config, api_host="::1"), keys=("k1", "k2"))
    assert service.name == "api"
    assert service.argv == (sys.executable, "-m", "kickback", "api", "serve",
                            "--host", "::1", "--port", str(config.api_port))
    assert service.ports == (config.api_port,)
    assert (service.host, service.endpoint) == ("::1", "http://[::1]:%d" % config.api_port)
    assert service.env == {"KICKBACK_API_KEYS": "k1,k2"}
    assert "k1" not in repr(service)
    # Relative paths in the settings it loads mean what they mean to its caller.
    assert service.cwd == Path.cwd()


def test_a_definition_for_status_carries_no_keys(config):
    assert api.define(config).env == {}


def test_configured_keys_are_the_ones_the_api_accepts(config, paths):
    assert api.accepted_keys(replace(config, api_keys=("a", "b")), paths) == ("a", "b")
    assert not api.key_file(paths).exists()


def test_without_configured_keys_the_stack_makes_its_own_once(config, paths):
    keys = api.accepted_keys(config, paths)
    assert len(keys) == 1 and len(keys[0]) >= 32
    assert stat.S_IMODE(api.key_file(paths).stat().st_mode) == 0o600
    assert api.accepted_keys(config, paths) == keys


# --- the probe: GET /readyz ---


@pytest.fixture
def answering():
    """A local HTTP server; ``answering.status`` is what /readyz returns."""

    class Handler(http.server.BaseHTTPRequestHandler):
        status = 200

        def do_GET(self):
            self.send_response(Handler.status if self.path == "/readyz" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.handler = Handler
    yield server
    server.shutdown()
    server.server_close()


def test_the_api_is_ready_when_readyz_answers_200(answering):
    result = api.probe_api("127.0.0.1", answering.server_address[1])
    assert result == Readiness(True, "GET /readyz answered 200")


def test_the_api_is_not_ready_when_readyz_fails(answering):
    answering.handler.status = 503
    result = api.probe_api("127.0.0.1", answering.server_address[1])
    assert not result and "answered 503" in result.detail


def test_the_api_is_not_ready_when_nothing_listens():
    result = api.probe_api("127.0.0.1", free_port(), timeout_s=0.5)
    assert not result and "no answer" in result.detail


# --- start, already running, status, down ---


@pytest.fixture
def fake_api(monkeypatch, config, paths, mocker):
    """start_api runs FAKE_API instead of `kickback api serve`; status probes only the API."""
    monkeypatch.setattr(api, "SERVE", ("-c", FAKE_API))
    mocker.patch("stack.control.find_java", return_value=Path(sys.executable))
    mocker.patch("stack.control.services_of", return_value={})
    mocker.patch("stack.control.probe_stack_hadoop", return_value=Readiness(True, "not asked"))
    yield
    process.stop(paths.pid_file("api"), grace_s=5)


def test_start_api_starts_it_with_its_keys_and_says_where_it_answers(config, paths, fake_api):
    said = []
    key = control.start_api(config, say=said.append)

    pid = process.running_pid(paths.pid_file("api"))
    assert pid is not None and paths.log_file("api").exists()
    assert key == api.local_key(paths)
    assert said[0].startswith("started api (pid %d), log %s" % (pid, paths.log_file("api")))
    assert said[-1] == "api answers on http://127.0.0.1:%d: GET /readyz answered 200" % config.api_port
    with socket.create_connection(("127.0.0.1", config.api_port), timeout=5) as sock:
        sock.sendall(b"GET /keys HTTP/1.0\r\n\r\n")
        assert sock.makefile("rb").read().endswith(key.encode())


def test_a_running_api_is_left_alone(config, paths, fake_api):
    key = control.start_api(replace(config, api_keys=("k",)), say=lambda line: None)
    pid = process.running_pid(paths.pid_file("api"))
    said = []
    assert control.start_api(replace(config, api_keys=("k",)), say=said.append) == key == "k"
    assert said[0] == "api already running (pid %d)" % pid
    assert process.running_pid(paths.pid_file("api")) == pid


def test_status_lists_the_api_once_started_and_down_stops_it_first(config, paths, fake_api):
    assert [row.name for row in control.status(config)] == ["hadoop"]
    control.start_api(config, say=lambda line: None)
    pid = process.running_pid(paths.pid_file("api"))

    rows = {row.name: row for row in control.status(config)}
    assert list(rows) == ["api", "hadoop"]
    assert (rows["api"].pid, rows["api"].answers, rows["api"].endpoint) == (
        pid, True, "http://127.0.0.1:%d" % config.api_port)
    assert profile.running(paths) == {"api": pid}

    assert control.down(config, say=lambda line: None) == ["api"]
    assert not process.is_alive(pid)
    assert [row.name for row in control.status(config)] == ["hadoop"]


def test_an_api_that_died_shows_as_down(config, paths, fake_api):
    control.start_api(config, say=lambda line: None)
    pid = process.running_pid(paths.pid_file("api"))
    os.kill(pid, signal.SIGKILL)
    process.wait_for(lambda: not process.is_alive(pid), 10)
    rows = {row.name: row for row in control.status(config)}
    assert (rows["api"].pid, rows["api"].answers) == (None, False)
    assert "no answer" in rows["api"].detail


def test_an_api_that_exits_at_start_names_its_log(config, paths, monkeypatch):
    monkeypatch.setattr(api, "SERVE", ("-c", "import sys; print('ERROR no HBase settings'); sys.exit(3)"))
    with pytest.raises(StackError, match="api exited during start; see its log: .*api.log.*ERROR no HBase"):
        control.start_api(config, say=lambda line: None)


def test_a_taken_port_is_refused_before_anything_starts(config, paths, fake_api):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", config.api_port))
        holder.listen()
        with pytest.raises(StackError, match="cannot start api: port %d is already taken" % config.api_port):
            control.start_api(config, say=lambda line: None)
    assert not paths.pid_file("api").exists()


def test_start_service_starts_the_api_like_any_other(config, paths, fake_api):
    control.start_service(config, "api", say=lambda line: None)
    assert control.stop_service(config, "api") is True
    assert not paths.pid_file("api").exists()
