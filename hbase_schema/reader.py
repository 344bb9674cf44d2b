"""Read a dataset's TSV part files as records, failing loudly on bad input.

A row with the wrong field count, invalid UTF-8, a file that does not end in
a newline (truncated) or a corrupt gzip raises ``BadRecord`` with the file
and line number: nothing is skipped silently. Files are opened with the
``opener`` given (``warehouse.storage.Storage.open`` for a warehouse on any
filesystem; the builtin ``open`` for local paths).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Sequence

from hbase_schema.errors import BadRecord
from mapreduce import tsv


Opener = Callable[[str, str], IO[bytes]]


def read_records(
    files: Iterable[str | Path], columns: Sequence[str], opener: Opener = open
) -> Iterator[tuple[str | Path, int, dict[str, str | None]]]:
    """Yield ``(file, line_number, record)`` for every row of every file."""
    for name in files:
        for number, line in _lines(name, opener):
            try:
                record = tsv.decode_record(line, columns)
            except ValueError as exc:
                raise BadRecord(str(name), number, str(exc)) from None
            yield name, number, record


def _lines(path: str | Path, opener: Opener) -> Iterator[tuple[int, str]]:
    number = 0
    try:
        with opener(str(path), "rb") as raw:
            handle = gzip.GzipFile(fileobj=raw) if str(path).endswith(".gz") else raw
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    raise BadRecord(str(path), number, "truncated file: last line has no newline")
                try:
                    yield number, line[:-1].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise BadRecord(str(path), number, "invalid UTF-8: %s" % exc) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise BadRecord(str(path), number + 1, "truncated or corrupt gzip: %s" % exc) from None
