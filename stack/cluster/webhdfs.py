"""The project's HDFS folders, made through WebHDFS (HTTP, no ``hadoop fs`` JVM).

``up`` calls ``make_folders``: ``MKDIRS`` is idempotent, and ``/tmp`` gets
mode 1777 with ``SETPERMISSION`` (``MKDIRS`` applies the umask, which
drops nothing but would not add the sticky bit on an existing folder).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from stack.errors import StackError

_TIMEOUT_S = 10.0


def folders(user: str) -> tuple[tuple[str, str | None], ...]:
    """Each folder the project uses, with the mode it must have (None: leave it)."""
    return (
        ("/kickback", None),
        # The MapReduce staging dir (/tmp/hadoop-yarn/staging) lives here.
        ("/tmp", "1777"),
        # mrjob's default hadoop_tmp_dir is hdfs:///user/<user>/tmp/mrjob.
        ("/user/%s" % user, None),
    )


def url(host: str, http_port: int, path: str, op: str, user: str, **params: str) -> str:
    """The WebHDFS URL of operation ``op`` on ``path``."""
    query = urllib.parse.urlencode({"op": op, "user.name": user, **params})
    netloc = "[%s]:%d" % (host, http_port) if ":" in host else "%s:%d" % (host, http_port)
    return "http://%s/webhdfs/v1%s?%s" % (netloc, urllib.parse.quote(path), query)


def call(method: str, address: str, timeout_s: float = _TIMEOUT_S) -> dict[str, Any]:
    """One WebHDFS request without a body; its JSON answer (``{}`` if empty)."""
    request = urllib.request.Request(address, method=method, data=b"" if method == "PUT" else None)
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise StackError("WebHDFS %s %s failed: HTTP %d %s"
                         % (method, address.split("?")[0], exc.code, _remote_message(exc.read()))) from None
    except (urllib.error.URLError, OSError) as exc:
        raise StackError("WebHDFS %s %s: no answer (%s)"
                         % (method, address.split("?")[0], getattr(exc, "reason", exc))) from None
    return json.loads(body) if body.strip() else {}


def _remote_message(body: bytes) -> str:
    try:
        remote = json.loads(body)["RemoteException"]
        return "%s: %s" % (remote.get("exception"), remote.get("message"))
    except (ValueError, KeyError, TypeError):
        return body.decode(errors="replace").strip()[:200]


def mkdirs(host: str, http_port: int, path: str, user: str, mode: str | None = None) -> None:
    """Make ``path`` and its parents (harmless when they exist); then set ``mode`` if given."""
    answer = call("PUT", url(host, http_port, path, "MKDIRS", user))
    if answer.get("boolean") is not True:
        raise StackError("WebHDFS MKDIRS %s answered %r" % (path, answer))
    if mode is not None:
        call("PUT", url(host, http_port, path, "SETPERMISSION", user, permission=mode))


def make_folders(host: str, http_port: int, user: str) -> list[str]:
    """Make every folder the project uses; return their paths."""
    made = []
    for path, mode in folders(user):
        mkdirs(host, http_port, path, user, mode)
        made.append(path)
    return made
