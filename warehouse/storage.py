"""One filesystem layer for every root the project reads or writes, by URI.

A landing, a warehouse or a scratch space is a ``Storage``: a root URI on
one filesystem, through fsspec:

| root | filesystem | atomic directory rename |
|---|---|---|
| ``/data/x``, ``file:///data/x`` | fsspec's local filesystem | yes (``rename(2)``) |
| ``hdfs://nn:8020/x`` | WebHDFS on the NameNode's HTTP port (``hdfs.WebHdfs``) | yes (one NameNode call) |
| ``s3://bucket/x`` | s3fs | no |
| ``gs://bucket/x`` | gcsfs | no |

Paths given to a ``Storage`` are relative to its root, ``/``-separated.
``rename`` refuses an existing target (HDFS would move the source inside
it; S3 has no rename) and raises ``StorageError`` when the filesystem says
it did not rename. On stores without atomic rename, ``rename`` copies then
deletes; the publish protocol (``warehouse.publish``) never relies on it
being atomic there.

No process is started per file: HDFS is spoken over HTTP.
"""

from __future__ import annotations

import getpass
import io
import os
import posixpath
import uuid
from dataclasses import dataclass
from typing import IO, Any

import fsspec

SCHEMES = ("file", "hdfs", "s3", "gs")
ATOMIC_RENAME = ("file", "hdfs")


class StorageError(OSError):
    """A filesystem operation that did not happen, with what and where."""


@dataclass(frozen=True)
class StorageOptions:
    """How to reach the remote filesystems (from Settings, at the edge)."""

    # WebHDFS port of every NameNode named in an hdfs:// URI.
    hdfs_http_port: int = 9870
    # The user WebHDFS calls run as ("" = this process's user).
    hdfs_user: str = ""
    # An S3-compatible endpoint (MinIO, moto) instead of AWS ("" = AWS).
    s3_endpoint_url: str = ""


@dataclass(frozen=True)
class Entry:
    """One entry of a folder listing."""

    name: str
    is_dir: bool
    size: int


def split_uri(uri: str) -> tuple[str, str, str]:
    """``(scheme, authority, path)`` of a root; a plain path is ``file``."""
    text = str(uri)
    if not text.strip():
        raise StorageError("empty storage location")
    if "://" not in text:
        if text.startswith("file:"):
            return "file", "", os.path.abspath(text[len("file:"):])
        return "file", "", os.path.abspath(text)
    scheme, rest = text.split("://", 1)
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise StorageError("unsupported storage scheme %r in %s (use a path, file://, hdfs://, s3:// or gs://)"
                           % (scheme, text))
    authority, _, path = rest.partition("/")
    if scheme == "file":
        if authority not in ("", "localhost"):
            raise StorageError("file:// URIs name no host: %s" % text)
        return "file", "", os.path.abspath("/" + path)
    if not authority:
        raise StorageError("%s:// needs a %s: %s" % (scheme, "namenode host:port" if scheme == "hdfs" else "bucket", text))
    return scheme, authority, "/" + path.strip("/") if path.strip("/") else "/"


class Storage:
    """A root on one filesystem; every path is relative to it."""

    def __init__(self, uri: str, options: StorageOptions | None = None, fs: Any = None):
        self.options = options or StorageOptions()
        self.scheme, self.authority, root = split_uri(uri)
        self.fs = fs if fs is not None else _filesystem(self.scheme, self.authority, self.options)
        # fsspec paths: absolute for file and hdfs, "bucket/key" for s3 and gs.
        if self.scheme in ("s3", "gs"):
            self.root = (self.authority + root).rstrip("/")
        else:
            self.root = root.rstrip("/") or "/"

    def __repr__(self) -> str:
        return "Storage(%r)" % self.uri()

    @property
    def atomic_rename(self) -> bool:
        """Whether a folder rename is one atomic step here."""
        return self.scheme in ATOMIC_RENAME

    @property
    def is_local(self) -> bool:
        """Whether the root is on this machine's filesystem."""
        return self.scheme == "file"

    def path(self, rel: str = "") -> str:
        """The filesystem path of ``rel`` (what fsspec takes)."""
        rel = _clean(rel)
        if not rel:
            return self.root
        return posixpath.join(self.root, rel)

    def uri(self, rel: str = "") -> str:
        """The full URI of ``rel``: what Hive, mrjob and Hadoop are given."""
        path = self.path(rel)
        if self.scheme == "file":
            return "file://" + path
        if self.scheme == "hdfs":
            return "hdfs://%s%s" % (self.authority, path)
        return "%s://%s" % (self.scheme, path)

    def display(self, rel: str = "") -> str:
        """How to name ``rel`` to a person: a local path, or the URI."""
        return self.path(rel) if self.is_local else self.uri(rel)

    def local_path(self, rel: str = "") -> str:
        """The local path of ``rel``; StorageError if the root is not local."""
        if not self.is_local:
            raise StorageError("%s is not on the local filesystem" % self.uri(rel))
        return self.path(rel)

    def child(self, rel: str) -> "Storage":
        """A Storage rooted at ``rel`` under this root (same filesystem)."""
        return Storage(self.uri(rel), self.options, fs=self.fs)

    # --- reading -------------------------------------------------------

    def exists(self, rel: str = "") -> bool:
        return self.fs.exists(self.path(rel))

    def isdir(self, rel: str = "") -> bool:
        return self.fs.isdir(self.path(rel))

    def isfile(self, rel: str = "") -> bool:
        return self.fs.isfile(self.path(rel))

    def size(self, rel: str) -> int:
        return int(self.fs.info(self.path(rel))["size"])

    def ls(self, rel: str = "") -> list[Entry]:
        """The entries of a folder, sorted by name ([] if it does not exist)."""
        try:
            found = self.fs.ls(self.path(rel), detail=True)
        except FileNotFoundError:
            return []
        base = self.path(rel).rstrip("/")
        entries = []
        for info in found:
            name = posixpath.basename(str(info["name"]).rstrip("/"))
            full = str(info["name"]).rstrip("/")
            if not name or full.lstrip("/") == base.lstrip("/"):
                continue  # object stores list the folder itself
            entries.append(Entry(name, info.get("type") == "directory", int(info.get("size") or 0)))
        return sorted(entries, key=lambda entry: entry.name)

    def open(self, rel: str, mode: str = "rb") -> IO:
        """A file object (binary modes); writing makes the parent folders."""
        if "w" in mode:
            self.fs.makedirs(posixpath.dirname(self.path(rel)), exist_ok=True)
        if "w" in mode and self.scheme == "hdfs":
            # One CREATE of up to 64 MiB instead of CREATE + APPEND per 5 MiB.
            return self.fs.open(self.path(rel), mode, block_size=64 << 20)
        return self.fs.open(self.path(rel), mode)

    def read_bytes(self, rel: str) -> bytes:
        return self.fs.cat_file(self.path(rel))

    def read_text(self, rel: str) -> str:
        return self.read_bytes(rel).decode("utf-8")

    # --- writing -------------------------------------------------------

    def makedirs(self, rel: str = "") -> None:
        self.fs.makedirs(self.path(rel), exist_ok=True)

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Write a whole file; readers see the old file or the new one.

        Where folders rename atomically the bytes go to a temporary name
        first; object stores put an object in one call anyway.
        """
        target = self.path(rel)
        self.fs.makedirs(posixpath.dirname(target), exist_ok=True)
        if not self.atomic_rename:
            self.fs.pipe_file(target, data)
            return
        temp = posixpath.join(posixpath.dirname(target), ".%s.%s.tmp" % (posixpath.basename(target), uuid.uuid4().hex[:8]))
        self.fs.pipe_file(temp, data)
        try:
            self._replace_file(temp, target)
        except BaseException:
            self._rm_quietly(temp)
            raise

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def create_exclusive(self, rel: str, data: bytes) -> bool:
        """Create a file only if it does not exist; False if it does."""
        target = self.path(rel)
        self.fs.makedirs(posixpath.dirname(target), exist_ok=True)
        if self.scheme == "file":
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            return True
        if self.scheme == "hdfs":
            return self.fs.create_exclusive(target, data)
        try:
            self.fs.pipe_file(target, data, mode="create")
        except FileExistsError:
            return False
        except OSError as exc:  # S3 answers 412 Precondition Failed
            if "PreconditionFailed" in str(exc) or "412" in str(exc):
                return False
            raise
        return True

    def put_file(self, local: str, rel: str) -> None:
        """Copy a local file to ``rel``."""
        target = self.path(rel)
        self.fs.makedirs(posixpath.dirname(target), exist_ok=True)
        if self.scheme == "file":
            self.fs.put_file(local, target)
            return
        with open(local, "rb") as source, self.open(rel, "wb") as sink:
            for chunk in iter(lambda: source.read(8 << 20), b""):
                sink.write(chunk)

    def rm(self, rel: str, recursive: bool = True) -> None:
        """Remove a file or folder; nothing happens if it is not there."""
        self._rm_quietly(self.path(rel), recursive)

    def rename(self, src: str, dst: str) -> None:
        """Move ``src`` to ``dst``, which must not exist; atomic where supported."""
        source, target = self.path(src), self.path(dst)
        if self.fs.exists(target):
            raise StorageError("cannot rename %s to %s: the target exists" % (self.uri(src), self.uri(dst)))
        if not self.fs.exists(source):
            raise StorageError("cannot rename %s: it does not exist" % self.uri(src))
        self.fs.makedirs(posixpath.dirname(target), exist_ok=True)
        if self.scheme == "file":
            os.rename(source, target)
        elif self.scheme == "hdfs":
            self.fs.rename_checked(source, target)
        else:
            self.fs.copy(source, target, recursive=True)
            self.fs.rm(source, recursive=True)

    def copy(self, src: str, dst: str) -> None:
        """Copy the file ``src`` to ``dst``, replacing it."""
        self.fs.copy(self.path(src), self.path(dst))

    def _replace_file(self, temp: str, target: str) -> None:
        if self.scheme == "file":
            os.replace(temp, target)
        else:
            self.fs.rename_checked(temp, target, overwrite=True)

    def _rm_quietly(self, path: str, recursive: bool = True) -> None:
        try:
            if self.fs.exists(path):
                self.fs.rm(path, recursive=recursive)
        except FileNotFoundError:
            pass


def _clean(rel: str) -> str:
    rel = str(rel).strip("/")
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise StorageError("'..' is not allowed in a storage path: %r" % rel)
    return "/".join(parts)


def _filesystem(scheme: str, authority: str, options: StorageOptions) -> Any:
    if scheme == "file":
        return fsspec.filesystem("file")
    if scheme == "hdfs":
        from warehouse.webhdfs import WebHdfs

        host, _, _ = authority.partition(":")
        return WebHdfs(host or "127.0.0.1", options.hdfs_http_port, options.hdfs_user or getpass.getuser())
    if scheme == "s3":
        kwargs: dict[str, Any] = {}
        if options.s3_endpoint_url:
            kwargs["client_kwargs"] = {"endpoint_url": options.s3_endpoint_url}
        return fsspec.filesystem("s3", **kwargs)
    return fsspec.filesystem("gs")


def text_reader(handle: IO[bytes]) -> io.TextIOWrapper:
    """A UTF-8 text view of a binary file object."""
    return io.TextIOWrapper(handle, encoding="utf-8", newline="")
