"""Servers on a local port that are not an HBase Thrift1 server, for client tests.

``http_server()`` answers every request with an HTTP 400, as a web server
(or a misrouted proxy) would; ``bytes_server(reply)`` answers with any
bytes (e.g. what another RPC protocol sends). ``other_thrift_server()`` speaks Thrift
(buffered, binary, like HBase's) but serves another service, as
HiveServer2 with NOSASL does: HBase calls get "unknown method". Both run in
a daemon thread on 127.0.0.1 and a free port, and yield that port.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import thriftpy2
from thriftpy2.rpc import make_server

OTHER_IDL = """
service Other {
    string ping()
}
"""


HTTP_400 = (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n"
            b"Connection: close\r\n\r\nBad Request")


def http_server() -> contextlib.AbstractContextManager[int]:
    """A port where an HTTP server answers 400 to anything."""
    return bytes_server(HTTP_400)


@contextlib.contextmanager
def bytes_server(reply: bytes) -> Iterator[int]:
    """A port that answers whatever it is sent with ``reply``, then closes."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(65536)
            self.request.sendall(reply)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def other_thrift_server(tmp_path: Path) -> Iterator[int]:
    """A port where a Thrift server of another service answers."""
    idl = tmp_path / "other.thrift"
    idl.write_text(OTHER_IDL)
    other = thriftpy2.load(str(idl), module_name="other_thrift")

    class Handler:
        def ping(self) -> str:
            return "pong"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # No client timeout: an idle test connection is not an error worth a log line.
    server = make_server(other.Other, Handler(), host="127.0.0.1", port=port, client_timeout=None)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        # serve() binds in its thread: wait until it accepts.
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
            threading.Event().wait(0.02)
        yield port
    finally:
        server.close()
