"""Writing landing files atomically, plain or gzip, byte-identical per input.

A file is written under a hidden temporary name in its final folder, flushed
to disk, then renamed over the final name, so a reader never sees half a
file under a name that looks complete, and a rerun replaces files whole.
Gzip output has no file name and mtime 0 in its header, so the same lines
always give the same bytes.
"""

from __future__ import annotations

import gzip as gz
import logging
import os
import re
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Callable, Iterable

logger = logging.getLogger(__name__)

PART_RE = re.compile(r"^part-\d{5}\.jsonl(\.gz)?$")
FLUSH_LINES = 4096
GZIP_LEVEL = 3  # nearly the ratio of 6 at twice the speed


def part_name(index: int, gzip: bool) -> str:
    """File name of the ``index``-th part of an hour."""
    return "part-%05d.jsonl%s" % (index, ".gz" if gzip else "")


class AtomicFile:
    """A file that appears under its name only once it is completely written."""

    def __init__(self, path: Path, gzip: bool = False) -> None:
        self.path = Path(path)
        self.gzip = gzip
        self.temp = self.path.with_name(".%s.%d.tmp" % (self.path.name, os.getpid()))
        self._raw: BinaryIO | None = None
        self._out: BinaryIO | None = None

    def __enter__(self) -> "AtomicFile":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = open(self.temp, "wb")
        if self.gzip:
            self._out = gz.GzipFile(filename="", mode="wb", fileobj=self._raw,
                                    compresslevel=GZIP_LEVEL, mtime=0)
        else:
            self._out = self._raw
        return self

    def write(self, data: bytes) -> None:
        """Append ``data``."""
        assert self._out is not None, "write outside of 'with'"
        self._out.write(data)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._raw is not None and self._out is not None
        try:
            if self._out is not self._raw:
                self._out.close()
            self._raw.flush()
            if exc_type is None:
                os.fsync(self._raw.fileno())
        finally:
            self._raw.close()
        if exc_type is None:
            os.replace(self.temp, self.path)
        else:
            self.temp.unlink(missing_ok=True)


def write_lines(path: Path, lines: Iterable[bytes], gzip: bool = False,
                on_flush: Callable[[], None] | None = None) -> int:
    """Write ``lines`` atomically to ``path``; return how many were written."""
    count = 0
    with AtomicFile(path, gzip) as out:
        buffer: list[bytes] = []
        for line in lines:
            buffer.append(line)
            if len(buffer) >= FLUSH_LINES:
                out.write(b"".join(buffer))
                count += len(buffer)
                buffer.clear()
                if on_flush is not None:
                    on_flush()
        out.write(b"".join(buffer))
        count += len(buffer)
    if on_flush is not None:
        on_flush()
    return count


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` atomically to ``path``."""
    with AtomicFile(path) as out:
        out.write(data)


def remove_stale_parts(folder: Path, keep: Iterable[str]) -> list[Path]:
    """Delete part files in ``folder`` that a previous run left and this one did not write."""
    keep = set(keep)
    removed = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if PART_RE.match(path.name) and path.name not in keep:
                path.unlink()
                removed.append(path)
                logger.info("removed stale %s", path)
    return removed
