"""A small HTTP server that answers like Hadoop's JMX, REST and WebHDFS endpoints.

Tests set ``routes``: "<path>?<query>" (or "<path>" to match any query) ->
(status, JSON-able body or raw bytes). Every request is recorded as
(method, path?query) in ``requests`` and its Accept header in ``accepts``. It listens on 127.0.0.1 at a free port,
so the probes' real urllib code runs against it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeHadoopHTTP:
    """Canned answers per path and query; records what was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.accepts: list[str | None] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                fake.requests.append((self.command, self.path))
                fake.accepts.append(self.headers.get("Accept"))
                path = self.path.split("?", 1)[0]
                status, body = fake.routes.get(self.path) or fake.routes.get(path) or (404, {"error": "no route"})
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_PUT = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def __enter__(self) -> "FakeHadoopHTTP":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def jmx(self, query: str, bean: dict[str, Any] | None) -> None:
        """Answer ``/jmx?qry=<query>`` with one bean (None: no bean)."""
        self.routes["/jmx?qry=%s" % query] = (200, {"beans": [bean] if bean is not None else []})
