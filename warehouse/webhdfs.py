"""HDFS over WebHDFS: fsspec's WebHDFS with the answers it ignores checked.

fsspec's ``WebHDFS`` speaks the NameNode's REST API, so no JVM or libhdfs
is needed. Three of its calls are not safe as they stand (seen on Hadoop
3.4): ``mv`` ignores the ``{"boolean": false}`` a failed RENAME answers
with, ``rm`` ignores the one a DELETE of a missing path answers with, and a
write is a CREATE of an empty file plus one APPEND per 5 MiB. This subclass
checks RENAME, writes a whole file in one two-step CREATE, and offers an
exclusive create (``overwrite=false``), which the NameNode decides
atomically.
"""

from __future__ import annotations

from fsspec.implementations.webhdfs import WebHDFS


class WebHdfs(WebHDFS):
    """WebHDFS on ``host:http_port`` as ``user``."""

    def __init__(self, host: str, port: int, user: str, **kwargs):
        super().__init__(host, port=port, user=user, **kwargs)

    def rename_checked(self, source: str, target: str, overwrite: bool = False) -> None:
        """RENAME, raising OSError unless the NameNode says it renamed."""
        extra = {"renameoptions": "OVERWRITE"} if overwrite else {}
        if overwrite:
            # RENAME with options answers with an empty body, or an error.
            self._call("RENAME", method="put", path=source, destination=target, **extra)
            return
        answer = self._call("RENAME", method="put", path=source, destination=target).json()
        if answer.get("boolean") is not True:
            raise OSError("HDFS did not rename %s to %s" % (source, target))

    def mv(self, path1, path2, **kwargs):
        self.rename_checked(path1, path2)

    def pipe_file(self, path, value, mode="overwrite", **kwargs):
        """Write a whole file in one CREATE (``mode="create"``: fail if it exists)."""
        if not self._create(path, value, overwrite=mode != "create"):
            raise FileExistsError(path)

    def create_exclusive(self, path: str, data: bytes) -> bool:
        """Create ``path`` with ``data`` unless it exists; False if it does."""
        return self._create(path, data, overwrite=False)

    def _create(self, path: str, data: bytes, overwrite: bool) -> bool:
        try:
            first = self._call("CREATE", method="put", path=path, redirect=False,
                               overwrite="true" if overwrite else "false")
        except RuntimeError as exc:
            if "already exists" in str(exc) or "FileAlreadyExists" in str(exc):
                return False
            raise
        location = self._apply_proxy(first.headers["Location"])
        answer = self.session.put(location, data=data, headers={"content-type": "application/octet-stream"})
        if answer.status_code == 403 and "FileAlreadyExistsException" in answer.text:
            return False
        answer.raise_for_status()
        self.invalidate_cache(path)
        return True
