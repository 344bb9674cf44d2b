"""The served API (``kickback api serve`` under gunicorn) against idle and slow clients.

No HBase is needed: /healthz never reads it. The server runs in its own
process group on a free loopback port and is stopped, by id, at the end.
"""

from __future__ import annotations

import http.client
import socket
import time

import pytest

from bench import api_server

pytestmark = pytest.mark.integration

WORKERS = 2
HELD = 8
# Seconds a connection may take to send its headers (and stay idle between
# requests): long enough that the held connections are still held while
# /healthz is asked, short enough for the test that they are then closed.
KEEPALIVE_S = 5
PARTIAL_HEADERS = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The port of a served API; the server is stopped after the module."""
    port = api_server.free_port()
    log = tmp_path_factory.mktemp("api") / "api.log"
    env = {"KICKBACK_API_KEYS": "slow-clients-key", "KICKBACK_API_KEEPALIVE_S": str(KEEPALIVE_S)}
    proc = api_server.start(port, WORKERS, env, log)
    try:
        yield port
    finally:
        api_server.stop(proc)


def held_connections(port, count, payload):
    """``count`` connections that sent ``payload`` and wait there."""
    held = []
    for _ in range(count):
        sock = socket.create_connection((api_server.HOST, port), timeout=10)
        if payload:
            sock.sendall(payload)
        held.append(sock)
    return held


def healthz_round_trip(port, timeout_s=10):
    """Seconds from sending GET /healthz on a connected socket to its answer, and the status."""
    connection = http.client.HTTPConnection(api_server.HOST, port, timeout=timeout_s)
    try:
        connection.connect()
        began = time.monotonic()
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return time.monotonic() - began, response.status
    except socket.timeout:
        return float("inf"), None
    finally:
        connection.close()


def test_healthz_answers_while_connections_hang_mid_headers(served):
    healthz_round_trip(served)  # the workers are up and the app is loaded
    held = held_connections(served, HELD, PARTIAL_HEADERS)
    try:
        time.sleep(0.5)  # let the workers take the held connections first
        elapsed, status = healthz_round_trip(served)
    finally:
        for sock in held:
            sock.close()
    assert elapsed < 1.0, "GET /healthz took %.1f s with %d connections mid-headers" % (elapsed, HELD)
    assert status == 200


def test_connection_is_kept_alive_between_requests(served):
    connection = http.client.HTTPConnection(api_server.HOST, served, timeout=30)
    try:
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        sock = connection.sock
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        second.read()
        reused = sock is not None and connection.sock is sock
    finally:
        connection.close()
    assert first.status == second.status == 200
    assert (first.getheader("Connection") or "").lower() != "close"
    assert reused, "the second request needed a new connection"


@pytest.mark.parametrize("payload", [b"", PARTIAL_HEADERS], ids=["idle", "mid-headers"])
def test_server_closes_a_connection_that_sends_no_full_request(served, payload):
    (sock,) = held_connections(served, 1, payload)
    try:
        sock.settimeout(KEEPALIVE_S + 25)
        try:
            data = sock.recv(4096)
        except socket.timeout:
            pytest.fail("the server kept a connection without a full request for %d s"
                        % (KEEPALIVE_S + 25))
        except ConnectionResetError:
            data = b""
    finally:
        sock.close()
    assert data == b""
